-- +goose Up
-- The foundation: the registry (districts, communities, buildings, households),
-- staff, projects, the catalogue, versioned plans, ballots with their history,
-- and the audit log. SQLite flavour; migrations/postgres holds the same schema.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at DATETIME NOT NULL
);

CREATE TABLE districts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    created_at DATETIME NOT NULL
);

CREATE TABLE communities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    built_year  INTEGER NOT NULL CHECK (built_year BETWEEN 1900 AND 2100),
    created_at  DATETIME NOT NULL,
    UNIQUE (district_id, name)
);

CREATE TABLE buildings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id     INTEGER NOT NULL REFERENCES communities (id),
    name             TEXT NOT NULL,
    token            TEXT NOT NULL UNIQUE,
    token_rotated_at DATETIME NULL,
    created_at       DATETIME NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE retired_building_tokens (
    token       TEXT PRIMARY KEY,
    building_id INTEGER NOT NULL REFERENCES buildings (id),
    retired_at  DATETIME NOT NULL
);

CREATE TABLE households (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    building_id     INTEGER NOT NULL REFERENCES buildings (id),
    entrance        TEXT NOT NULL DEFAULT '',
    room            TEXT NOT NULL,
    floor           INTEGER NOT NULL,
    area_centi      INTEGER NOT NULL CHECK (area_centi > 0),
    owner_name      TEXT NOT NULL DEFAULT '',
    owner_phone     TEXT NOT NULL DEFAULT '',
    code_hash       TEXT NOT NULL,
    code_version    INTEGER NOT NULL DEFAULT 1,
    code_issued_at  DATETIME NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    first_failed_at DATETIME NULL,
    locked_until    DATETIME NULL,
    created_at      DATETIME NOT NULL,
    UNIQUE (building_id, entrance, room)
);
CREATE INDEX households_building_room ON households (building_id, room);

CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('city', 'district', 'committee')),
    district_id   INTEGER NULL REFERENCES districts (id),
    community_id  INTEGER NULL REFERENCES communities (id),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    DATETIME NOT NULL,
    CHECK ((role = 'city' AND district_id IS NULL AND community_id IS NULL)
        OR (role = 'district' AND district_id IS NOT NULL AND community_id IS NULL)
        OR (role = 'committee' AND district_id IS NOT NULL AND community_id IS NOT NULL))
);

CREATE TABLE projects (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id      INTEGER NOT NULL REFERENCES communities (id),
    year              INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    consent_rule      TEXT NOT NULL DEFAULT 'households-80',
    threshold_percent INTEGER NOT NULL DEFAULT 80 CHECK (threshold_percent BETWEEN 1 AND 100),
    created_by        INTEGER NULL REFERENCES staff_users (id),
    created_at        DATETIME NOT NULL,
    UNIQUE (community_id, year)
);

CREATE TABLE catalog_items (
    code     TEXT PRIMARY KEY,
    seq      INTEGER NOT NULL UNIQUE,
    category TEXT NOT NULL CHECK (category IN ('basic', 'improvement', 'upgrade')),
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    content  TEXT NOT NULL,
    standard TEXT NOT NULL
);

CREATE TABLE plans (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id             INTEGER NOT NULL REFERENCES projects (id),
    version                INTEGER NOT NULL CHECK (version > 0),
    status                 TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'superseded')),
    title                  TEXT NOT NULL,
    summary                TEXT NOT NULL DEFAULT '',
    management_mode        TEXT NOT NULL CHECK (management_mode IN ('professional', 'owners', 'community', 'other')),
    management_description TEXT NOT NULL DEFAULT '',
    budget_total_fen       INTEGER NULL CHECK (budget_total_fen >= 0),
    voting_opens_at        DATETIME NULL,
    voting_closes_at       DATETIME NOT NULL,
    published_at           DATETIME NULL,
    published_by           INTEGER NULL REFERENCES staff_users (id),
    superseded_at          DATETIME NULL,
    created_by             INTEGER NULL REFERENCES staff_users (id),
    created_at             DATETIME NOT NULL,
    updated_at             DATETIME NOT NULL,
    UNIQUE (project_id, version)
);
CREATE UNIQUE INDEX plans_one_published ON plans (project_id) WHERE status = 'published';

CREATE TABLE plan_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id      INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    catalog_code TEXT NOT NULL REFERENCES catalog_items (code),
    position     INTEGER NOT NULL,
    description  TEXT NOT NULL,
    quantity     TEXT NOT NULL DEFAULT '',
    budget_fen   INTEGER NULL CHECK (budget_fen >= 0),
    UNIQUE (plan_id, catalog_code)
);

CREATE TABLE plan_funding (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    source     TEXT NOT NULL CHECK (source IN ('central', 'provincial', 'city', 'district', 'residents',
                                               'property_unit', 'utilities', 'social_capital')),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    UNIQUE (plan_id, source)
);

-- A household's current vote on one plan version; exactly one per household and plan.
CREATE TABLE ballots (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id             INTEGER NOT NULL REFERENCES plans (id),
    household_id        INTEGER NOT NULL REFERENCES households (id),
    revision            INTEGER NOT NULL CHECK (revision > 0),
    current_revision_id INTEGER NULL,
    plan_choice         TEXT NOT NULL CHECK (plan_choice IN ('agree', 'disagree', 'abstain')),
    management_choice   TEXT NOT NULL CHECK (management_choice IN ('agree', 'disagree', 'abstain')),
    channel             TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
    recorded_at         DATETIME NOT NULL,
    created_at          DATETIME NOT NULL,
    UNIQUE (plan_id, household_id)
);

-- Every vote ever cast, append-only, hash-chained per plan.
CREATE TABLE ballot_revisions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    ballot_id         INTEGER NOT NULL REFERENCES ballots (id),
    plan_id           INTEGER NOT NULL REFERENCES plans (id),
    household_id      INTEGER NOT NULL REFERENCES households (id),
    revision          INTEGER NOT NULL,
    plan_choice       TEXT NOT NULL CHECK (plan_choice IN ('agree', 'disagree', 'abstain')),
    management_choice TEXT NOT NULL CHECK (management_choice IN ('agree', 'disagree', 'abstain')),
    channel           TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
    recorded_by       INTEGER NULL REFERENCES staff_users (id),
    replaces_id       INTEGER NULL REFERENCES ballot_revisions (id),
    signature_png     BLOB NOT NULL,
    signature_sha256  TEXT NOT NULL,
    idempotency_key   TEXT NULL,
    request_hash      TEXT NOT NULL,
    client_ip         TEXT NOT NULL DEFAULT '',
    recorded_at       DATETIME NOT NULL,
    prev_hash         TEXT NOT NULL,
    hash              TEXT NOT NULL UNIQUE,
    UNIQUE (ballot_id, revision),
    UNIQUE (household_id, idempotency_key)
);
CREATE INDEX ballot_revisions_plan ON ballot_revisions (plan_id, id);

-- Staff actions, append-only, hash-chained.
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           DATETIME NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id   INTEGER NOT NULL,
    detail       TEXT NOT NULL DEFAULT '{}',
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE ballot_revisions;
DROP TABLE ballots;
DROP TABLE plan_funding;
DROP TABLE plan_items;
DROP TABLE plans;
DROP TABLE catalog_items;
DROP TABLE projects;
DROP TABLE staff_users;
DROP TABLE households;
DROP TABLE retired_building_tokens;
DROP TABLE buildings;
DROP TABLE communities;
DROP TABLE districts;
DROP TABLE settings;
