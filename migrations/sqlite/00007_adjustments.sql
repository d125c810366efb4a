-- +goose Up
-- Adjusting a district's annual plan (seed 002 §二(三)): reserve projects
-- that can be swapped in, withdrawn ones, the original totals and every
-- adjustment with who approved it. SQLite flavour.

ALTER TABLE projects ADD COLUMN plan_status TEXT NOT NULL DEFAULT 'planned'
    CHECK (plan_status IN ('planned', 'reserve', 'withdrawn'));

CREATE TABLE plan_baselines (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id      INTEGER NOT NULL REFERENCES districts (id),
    year             INTEGER NOT NULL,
    communities      INTEGER NOT NULL,
    buildings        INTEGER NOT NULL,
    households       INTEGER NOT NULL,
    floor_area_centi INTEGER NOT NULL,
    investment_fen   INTEGER NOT NULL,
    taken_at         DATETIME NOT NULL,
    UNIQUE (district_id, year)
);

CREATE TABLE plan_adjustments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id  INTEGER NOT NULL REFERENCES districts (id),
    year         INTEGER NOT NULL,
    withdrawn    TEXT NOT NULL,
    added        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    approved_by  TEXT NOT NULL,
    approval_ref TEXT NOT NULL DEFAULT '',
    totals       TEXT NOT NULL,
    staff_id     INTEGER NOT NULL REFERENCES staff_users (id),
    created_at   DATETIME NOT NULL
);
CREATE INDEX plan_adjustments_district ON plan_adjustments (district_id, year);

-- +goose Down
DROP TABLE plan_adjustments;
DROP TABLE plan_baselines;
ALTER TABLE projects DROP COLUMN plan_status;
