-- +goose Up
-- The committee's console (issue 3): consent rule scope and objection period per
-- project, owner groups for head counting, the public notice board token,
-- closing a vote, stored files (paper-ballot photos, plan attachments), the
-- needs poll, result notices and objections. SQLite flavour.

ALTER TABLE projects ADD COLUMN scope_building_id INTEGER NULL REFERENCES buildings (id);
ALTER TABLE projects ADD COLUMN objection_days INTEGER NOT NULL DEFAULT 7 CHECK (objection_days BETWEEN 1 AND 60);

ALTER TABLE households ADD COLUMN owner_group TEXT NOT NULL DEFAULT '';

ALTER TABLE communities ADD COLUMN public_token TEXT NULL;
CREATE UNIQUE INDEX communities_public_token ON communities (public_token);

ALTER TABLE plans ADD COLUMN closed_at DATETIME NULL;
ALTER TABLE plans ADD COLUMN closed_by INTEGER NULL REFERENCES staff_users (id);

CREATE TABLE files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token        TEXT NOT NULL UNIQUE,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size > 0),
    storage_key  TEXT NOT NULL,
    created_by   INTEGER NULL REFERENCES staff_users (id),
    created_at   DATETIME NOT NULL
);

ALTER TABLE ballot_revisions ADD COLUMN evidence_file_id INTEGER NULL REFERENCES files (id);
ALTER TABLE ballot_revisions ADD COLUMN evidence_sha256 TEXT NOT NULL DEFAULT '';

CREATE TABLE plan_attachments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    file_id    INTEGER NOT NULL REFERENCES files (id),
    title      TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX plan_attachments_plan ON plan_attachments (plan_id);

CREATE TABLE needs_responses (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    household_id  INTEGER NOT NULL REFERENCES households (id),
    catalog_codes TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    updated_at    DATETIME NOT NULL,
    UNIQUE (project_id, household_id)
);

CREATE TABLE consent_notices (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id            INTEGER NOT NULL REFERENCES plans (id),
    kind               TEXT NOT NULL CHECK (kind IN ('preliminary', 'final')),
    result             TEXT NOT NULL,
    objection_deadline DATETIME NULL,
    published_at       DATETIME NOT NULL,
    published_by       INTEGER NULL REFERENCES staff_users (id),
    UNIQUE (plan_id, kind)
);

CREATE TABLE objections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id      INTEGER NOT NULL REFERENCES plans (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    reason       TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    answer       TEXT NULL,
    answered_by  INTEGER NULL REFERENCES staff_users (id),
    answered_at  DATETIME NULL
);
CREATE INDEX objections_plan ON objections (plan_id);

-- +goose Down
DROP TABLE objections;
DROP TABLE consent_notices;
DROP TABLE needs_responses;
DROP TABLE plan_attachments;
ALTER TABLE ballot_revisions DROP COLUMN evidence_sha256;
ALTER TABLE ballot_revisions DROP COLUMN evidence_file_id;
DROP TABLE files;
ALTER TABLE plans DROP COLUMN closed_by;
ALTER TABLE plans DROP COLUMN closed_at;
DROP INDEX communities_public_token;
ALTER TABLE communities DROP COLUMN public_token;
ALTER TABLE households DROP COLUMN owner_group;
ALTER TABLE projects DROP COLUMN objection_days;
ALTER TABLE projects DROP COLUMN scope_building_id;
