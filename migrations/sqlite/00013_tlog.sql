-- +goose Up
-- The consent log (issue 10); see the PostgreSQL flavour for what each table
-- holds. SQLite flavour: INTEGER identities, BLOB, DATETIME, and triggers that
-- raise instead of a trigger function (SQLite has no TRUNCATE).

CREATE TABLE tlog_logs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    subject    TEXT NOT NULL UNIQUE,
    origin     TEXT NOT NULL UNIQUE,
    created_at DATETIME NOT NULL
);

CREATE TABLE tlog_leaves (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    log_id      INTEGER NOT NULL REFERENCES tlog_logs (id),
    ref         INTEGER NOT NULL,
    leaf        BLOB NOT NULL,
    leaf_hash   BLOB NOT NULL,
    appended_at DATETIME NOT NULL,
    UNIQUE (log_id, ref)
);

CREATE TABLE tlog_pending (
    leaf_id INTEGER PRIMARY KEY REFERENCES tlog_leaves (id),
    log_id  INTEGER NOT NULL
);
CREATE INDEX tlog_pending_log ON tlog_pending (log_id, leaf_id);

CREATE TABLE tlog_nodes (
    log_id  INTEGER NOT NULL REFERENCES tlog_logs (id),
    level   INTEGER NOT NULL,
    idx     INTEGER NOT NULL,
    hash    BLOB NOT NULL,
    leaf_id INTEGER NULL UNIQUE REFERENCES tlog_leaves (id),
    UNIQUE (log_id, level, idx)
);

CREATE TABLE tlog_checkpoints (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    log_id     INTEGER NOT NULL REFERENCES tlog_logs (id),
    size       INTEGER NOT NULL,
    root_hash  BLOB NOT NULL,
    note       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE (log_id, size)
);

CREATE TABLE tlog_cosignatures (
    checkpoint_id INTEGER NOT NULL REFERENCES tlog_checkpoints (id),
    witness       TEXT NOT NULL,
    signature     TEXT NOT NULL,
    created_at    DATETIME NOT NULL,
    UNIQUE (checkpoint_id, witness)
);

-- +goose StatementBegin
CREATE TRIGGER tlog_logs_no_update BEFORE UPDATE ON tlog_logs
BEGIN SELECT RAISE(ABORT, 'anju: UPDATE on tlog_logs is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tlog_logs_no_delete BEFORE DELETE ON tlog_logs
BEGIN SELECT RAISE(ABORT, 'anju: DELETE on tlog_logs is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tlog_leaves_no_update BEFORE UPDATE ON tlog_leaves
BEGIN SELECT RAISE(ABORT, 'anju: UPDATE on tlog_leaves is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tlog_leaves_no_delete BEFORE DELETE ON tlog_leaves
BEGIN SELECT RAISE(ABORT, 'anju: DELETE on tlog_leaves is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tlog_nodes_no_update BEFORE UPDATE ON tlog_nodes
BEGIN SELECT RAISE(ABORT, 'anju: UPDATE on tlog_nodes is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tlog_nodes_no_delete BEFORE DELETE ON tlog_nodes
BEGIN SELECT RAISE(ABORT, 'anju: DELETE on tlog_nodes is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints
BEGIN SELECT RAISE(ABORT, 'anju: UPDATE on tlog_checkpoints is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints
BEGIN SELECT RAISE(ABORT, 'anju: DELETE on tlog_checkpoints is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tlog_cosignatures_no_update BEFORE UPDATE ON tlog_cosignatures
BEGIN SELECT RAISE(ABORT, 'anju: UPDATE on tlog_cosignatures is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tlog_cosignatures_no_delete BEFORE DELETE ON tlog_cosignatures
BEGIN SELECT RAISE(ABORT, 'anju: DELETE on tlog_cosignatures is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ballot_revisions_no_update BEFORE UPDATE ON ballot_revisions
BEGIN SELECT RAISE(ABORT, 'anju: UPDATE on ballot_revisions is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ballot_revisions_no_delete BEFORE DELETE ON ballot_revisions
BEGIN SELECT RAISE(ABORT, 'anju: DELETE on ballot_revisions is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'anju: UPDATE on audit_events is refused: the table is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'anju: DELETE on audit_events is refused: the table is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER ballot_revisions_no_update;
DROP TRIGGER ballot_revisions_no_delete;
DROP TRIGGER audit_events_no_update;
DROP TRIGGER audit_events_no_delete;
DROP TABLE tlog_cosignatures;
DROP TABLE tlog_checkpoints;
DROP TABLE tlog_nodes;
DROP TABLE tlog_pending;
DROP TABLE tlog_leaves;
DROP TABLE tlog_logs;
