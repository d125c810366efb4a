-- +goose Up
-- Reports (issue 5): the dashboard's consent funnel counts the agreeing
-- ballots of a plan from these partial indexes alone (index-only scans),
-- without reading the ballots. SQLite flavour.

CREATE INDEX ballots_plan_agree ON ballots (plan_id) WHERE plan_choice = 'agree';
CREATE INDEX ballots_management_agree ON ballots (plan_id) WHERE management_choice = 'agree';

-- +goose Down
DROP INDEX ballots_management_agree;
DROP INDEX ballots_plan_agree;
