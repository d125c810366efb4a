-- +goose Up
-- Staff sessions (issue 9): a staff token carries the account's token version;
-- changing or resetting the password, disabling or enabling the account bumps
-- it, which ends every session issued before. Tokens from before this column
-- carry no version (0) and stay valid until the first such change. PostgreSQL flavour.

ALTER TABLE staff_users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE staff_users DROP COLUMN token_version;
