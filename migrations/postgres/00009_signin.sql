-- +goose Up
-- Sign-in lockout (issue 9): wrong household codes are counted per room and
-- client address and per room over every address, in their own table, so a
-- lock is never a property of the household and never touches its sessions.
-- A room is the normalised room a resident typed, whether or not anyone lives
-- there, so unknown rooms are counted the same way. source is the client
-- address (an IPv6 address's /64), '' for the count over every address; kind
-- names the limit: source (short window), source_long, household.
-- The household's old per-household counter goes. PostgreSQL flavour.

CREATE TABLE signin_guesses (
    building_id  BIGINT NOT NULL REFERENCES buildings (id),
    room         TEXT NOT NULL,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('source', 'source_long', 'household')),
    window_start TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL CHECK (attempts >= 0),
    last_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX signin_guesses_key ON signin_guesses (building_id, room, source, kind);
CREATE INDEX signin_guesses_window ON signin_guesses (window_start);

ALTER TABLE households DROP COLUMN failed_attempts;
ALTER TABLE households DROP COLUMN first_failed_at;
ALTER TABLE households DROP COLUMN locked_until;

-- +goose Down
ALTER TABLE households ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE households ADD COLUMN first_failed_at TIMESTAMPTZ NULL;
ALTER TABLE households ADD COLUMN locked_until TIMESTAMPTZ NULL;
DROP TABLE signin_guesses;
