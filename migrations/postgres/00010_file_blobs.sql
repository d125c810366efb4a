-- +goose Up
-- Uploaded files in the database (issue 9): a file's bytes are written in the
-- same transaction as the record that refers to them, so a backup of the
-- database is a backup of the evidence and any instance serves any file.
-- They live in their own table, so that reading or listing file records never
-- reads the bytes. Files of earlier releases are imported from files_dir at
-- start (server/files). PostgreSQL flavour: BYTEA, kept out of line (TOAST)
-- without compression, since JPEG, PNG and PDF are compressed already.

CREATE TABLE file_blobs (
    file_id BIGINT PRIMARY KEY REFERENCES files (id) ON DELETE CASCADE,
    data    BYTEA NOT NULL
);
ALTER TABLE file_blobs ALTER COLUMN data SET STORAGE EXTERNAL;

-- +goose Down
DROP TABLE file_blobs;
