-- +goose Up
-- The project pipeline (issue 5): the ledger (台账) registration of a project,
-- the start criteria (开工认定标准) with their evidence, acceptance issues to
-- rectify, and the districts' annual targets. SQLite flavour.

ALTER TABLE projects ADD COLUMN kind TEXT NOT NULL DEFAULT 'new' CHECK (kind IN ('new', 'continuing'));
ALTER TABLE projects ADD COLUMN registered_at DATETIME NULL;
ALTER TABLE projects ADD COLUMN registered_by INTEGER NULL REFERENCES staff_users (id);
ALTER TABLE projects ADD COLUMN ledger_households INTEGER NULL CHECK (ledger_households >= 0);
ALTER TABLE projects ADD COLUMN ledger_buildings INTEGER NULL CHECK (ledger_buildings >= 0);
ALTER TABLE projects ADD COLUMN floor_area_centi INTEGER NULL CHECK (floor_area_centi >= 0);
ALTER TABLE projects ADD COLUMN investment_fen INTEGER NULL CHECK (investment_fen >= 0);
ALTER TABLE projects ADD COLUMN funding TEXT NOT NULL DEFAULT '[]';
ALTER TABLE projects ADD COLUMN built_year_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN responsible_person TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN responsible_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN design_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN construction_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN supervision_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN started_on DATETIME NULL;
CREATE INDEX projects_year_stage ON projects (year, stage);

CREATE TABLE start_criteria (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id       INTEGER NOT NULL REFERENCES projects (id),
    n                INTEGER NOT NULL CHECK (n BETWEEN 2 AND 5),
    confirmed_on     DATETIME NOT NULL,
    person           TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    evidence_file_id INTEGER NOT NULL REFERENCES files (id),
    staff_id         INTEGER NOT NULL REFERENCES staff_users (id),
    created_at       DATETIME NOT NULL,
    UNIQUE (project_id, n)
);

CREATE TABLE rectifications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    acceptance_id INTEGER NOT NULL REFERENCES acceptances (id),
    description   TEXT NOT NULL,
    deadline      DATETIME NOT NULL,
    closed_at     DATETIME NULL,
    closed_by     INTEGER NULL REFERENCES staff_users (id),
    close_note    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rectifications_project ON rectifications (project_id);

CREATE TABLE district_targets (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id           INTEGER NOT NULL REFERENCES districts (id),
    year                  INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    start_households      INTEGER NOT NULL CHECK (start_households >= 0),
    complete_households   INTEGER NOT NULL CHECK (complete_households >= 0),
    continuing_households INTEGER NOT NULL CHECK (continuing_households >= 0),
    updated_by            INTEGER NULL REFERENCES staff_users (id),
    updated_at            DATETIME NOT NULL,
    UNIQUE (district_id, year)
);

-- +goose Down
DROP TABLE district_targets;
DROP TABLE rectifications;
DROP TABLE start_criteria;
DROP INDEX projects_year_stage;
ALTER TABLE projects DROP COLUMN started_on;
ALTER TABLE projects DROP COLUMN supervision_unit;
ALTER TABLE projects DROP COLUMN construction_unit;
ALTER TABLE projects DROP COLUMN design_unit;
ALTER TABLE projects DROP COLUMN responsible_phone;
ALTER TABLE projects DROP COLUMN responsible_person;
ALTER TABLE projects DROP COLUMN built_year_reason;
ALTER TABLE projects DROP COLUMN funding;
ALTER TABLE projects DROP COLUMN investment_fen;
ALTER TABLE projects DROP COLUMN floor_area_centi;
ALTER TABLE projects DROP COLUMN ledger_buildings;
ALTER TABLE projects DROP COLUMN ledger_households;
ALTER TABLE projects DROP COLUMN registered_by;
ALTER TABLE projects DROP COLUMN registered_at;
ALTER TABLE projects DROP COLUMN kind;
