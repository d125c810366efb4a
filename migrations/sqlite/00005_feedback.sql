-- +goose Up
-- Complaints, progress posts, ratings, follow-up visits and Open311 keys
-- (issue 4), and the project stages they hang on. SQLite flavour.

ALTER TABLE projects ADD COLUMN stage TEXT NOT NULL DEFAULT 'survey'
    CHECK (stage IN ('survey', 'mobilization', 'planning', 'construction', 'acceptance', 'handed_over'));
ALTER TABLE projects ADD COLUMN accepted_on DATETIME NULL;
ALTER TABLE projects ADD COLUMN handed_over_at DATETIME NULL;

CREATE TABLE project_stage_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    from_stage TEXT NOT NULL,
    to_stage   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    staff_id   INTEGER NOT NULL REFERENCES staff_users (id),
    at         DATETIME NOT NULL
);
CREATE INDEX project_stage_events_project ON project_stage_events (project_id);

CREATE TABLE acceptances (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    inspected_on DATETIME NOT NULL,
    passed       BOOLEAN NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    staff_id     INTEGER NOT NULL REFERENCES staff_users (id),
    created_at   DATETIME NOT NULL
);
CREATE INDEX acceptances_project ON acceptances (project_id);

CREATE TABLE responsible_units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id INTEGER NULL REFERENCES districts (id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('contractor', 'property', 'department')),
    phone       TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NULL REFERENCES staff_users (id),
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX responsible_units_name ON responsible_units (district_id, name);

CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    district_id INTEGER NULL REFERENCES districts (id),
    created_by  INTEGER NOT NULL REFERENCES staff_users (id),
    created_at  DATETIME NOT NULL,
    revoked_at  DATETIME NULL
);

CREATE TABLE complaints (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id          INTEGER NOT NULL REFERENCES projects (id),
    community_id        INTEGER NOT NULL REFERENCES communities (id),
    district_id         INTEGER NOT NULL REFERENCES districts (id),
    building_id         INTEGER NULL REFERENCES buildings (id),
    household_id        INTEGER NULL REFERENCES households (id),
    source              TEXT NOT NULL CHECK (source IN ('resident', 'open311', 'staff')),
    api_key_id          INTEGER NULL REFERENCES api_keys (id),
    category            TEXT NOT NULL,
    catalog_code        TEXT NULL REFERENCES catalog_items (code),
    description         TEXT NOT NULL,
    entrance            TEXT NOT NULL DEFAULT '',
    floor               TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    unit_id             INTEGER NULL REFERENCES responsible_units (id),
    deadline            DATETIME NULL,
    escalation_level    INTEGER NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2),
    auto_close_at       DATETIME NULL,
    merged_into         INTEGER NULL REFERENCES complaints (id),
    warranty_kind       TEXT NULL CHECK (warranty_kind IN ('leak', 'installation', 'heating')),
    warranty_expires_on DATETIME NULL,
    contact_name        TEXT NOT NULL DEFAULT '',
    contact_phone       TEXT NOT NULL DEFAULT '',
    contact_email       TEXT NOT NULL DEFAULT '',
    idempotency_key     TEXT NULL,
    request_hash        TEXT NOT NULL DEFAULT '',
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE INDEX complaints_district_status ON complaints (district_id, status);
CREATE INDEX complaints_community_status ON complaints (community_id, status);
CREATE INDEX complaints_project ON complaints (project_id);
CREATE INDEX complaints_household ON complaints (household_id);
CREATE INDEX complaints_deadline ON complaints (deadline);
CREATE UNIQUE INDEX complaints_idempotency ON complaints (household_id, idempotency_key);

CREATE TABLE complaint_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    kind         TEXT NOT NULL CHECK (kind IN ('status', 'reply', 'escalated')),
    from_status  TEXT NOT NULL DEFAULT '',
    to_status    TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    actor_type   TEXT NOT NULL CHECK (actor_type IN ('household', 'staff', 'system', 'open311')),
    actor_id     INTEGER NULL,
    actor_name   TEXT NOT NULL DEFAULT '',
    unit_id      INTEGER NULL REFERENCES responsible_units (id),
    deadline     DATETIME NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id);

CREATE TABLE complaint_photos (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    file_id      INTEGER NOT NULL REFERENCES files (id),
    seq          INTEGER NOT NULL,
    UNIQUE (complaint_id, seq)
);

CREATE TABLE progress_updates (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    catalog_code TEXT NULL REFERENCES catalog_items (code),
    text         TEXT NOT NULL,
    author       TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES staff_users (id),
    created_at   DATETIME NOT NULL
);
CREATE INDEX progress_updates_project ON progress_updates (project_id);

CREATE TABLE progress_photos (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    update_id INTEGER NOT NULL REFERENCES progress_updates (id),
    file_id   INTEGER NOT NULL REFERENCES files (id),
    seq       INTEGER NOT NULL,
    UNIQUE (update_id, seq)
);

CREATE TABLE ratings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    household_id  INTEGER NOT NULL REFERENCES households (id),
    overall       INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
    quality       INTEGER NOT NULL CHECK (quality BETWEEN 1 AND 5),
    civilised     INTEGER NOT NULL CHECK (civilised BETWEEN 1 AND 5),
    timeliness    INTEGER NOT NULL CHECK (timeliness BETWEEN 1 AND 5),
    communication INTEGER NOT NULL CHECK (communication BETWEEN 1 AND 5),
    comment       TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    UNIQUE (project_id, household_id)
);

CREATE TABLE rating_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    rating_id    INTEGER NOT NULL REFERENCES ratings (id) ON DELETE CASCADE,
    catalog_code TEXT NOT NULL REFERENCES catalog_items (code),
    score        INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    UNIQUE (rating_id, catalog_code)
);

CREATE TABLE follow_up_visits (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    household_id INTEGER NULL REFERENCES households (id),
    complaint_id INTEGER NULL REFERENCES complaints (id),
    visited_on   DATETIME NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('door', 'phone', 'meeting')),
    satisfied    BOOLEAN NULL,
    note         TEXT NOT NULL DEFAULT '',
    staff_id     INTEGER NOT NULL REFERENCES staff_users (id),
    created_at   DATETIME NOT NULL
);
CREATE INDEX follow_up_visits_project ON follow_up_visits (project_id);

-- +goose Down
DROP TABLE follow_up_visits;
DROP TABLE rating_items;
DROP TABLE ratings;
DROP TABLE progress_photos;
DROP TABLE progress_updates;
DROP TABLE complaint_photos;
DROP TABLE complaint_events;
DROP TABLE complaints;
DROP TABLE api_keys;
DROP TABLE responsible_units;
DROP TABLE acceptances;
DROP TABLE project_stage_events;
ALTER TABLE projects DROP COLUMN handed_over_at;
ALTER TABLE projects DROP COLUMN accepted_on;
ALTER TABLE projects DROP COLUMN stage;
