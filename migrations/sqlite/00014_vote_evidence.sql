-- +goose Up
-- How a household confirmed each vote (issue 11): "signature" (drawn with the
-- finger), "household_code" (typed the household code again instead of
-- drawing) or "paper_form" (a paper ballot recorded by staff, with the photo
-- of the signed form). Rows written before this column are '' and mean what
-- their channel implied then (online: signature; paper: paper_form), exactly
-- as their version 1 leaves do; adding the column rewrites no row, so the
-- append-only triggers are not involved.
ALTER TABLE ballot_revisions ADD COLUMN evidence TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE ballot_revisions DROP COLUMN evidence;
