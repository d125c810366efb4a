// Package plans holds the renovation catalogue (改造内容, seed 000 §三) and the
// versioned renovation plans (改造方案) built from it. A published plan never
// changes; a new version replaces it and starts a new vote.
package plans

import (
	"anju/server/projects"
	"time"

	"anju/server/valid"
)

// Plan statuses.
const (
	StatusDraft      = "draft"
	StatusPublished  = "published"
	StatusSuperseded = "superseded"
)

// Voting statuses of a plan, derived from its window and status.
const (
	VotingDraft      = "draft"
	VotingNotStarted = "not_started"
	VotingOpen       = "open"
	VotingClosed     = "closed"
)

// ManagementModes are the property-management modes (物业管理模式) a plan proposes.
var ManagementModes = []string{"professional", "owners", "community", "other"}

// FundingSources are where the money comes from (seed 000 §五(四), DESIGN rule 6).
var FundingSources = projects.FundingSources

// CatalogItem is one of the 31 renovation items with its acceptance standard.
type CatalogItem struct {
	Code     string `gorm:"primaryKey" json:"code"`
	Seq      int    `json:"seq"`
	Category string `json:"category"`
	NameZh   string `json:"name_zh"`
	NameEn   string `json:"name_en"`
	Content  string `json:"content"`
	Standard string `json:"standard"`
}

// TableName binds CatalogItem to its table.
func (CatalogItem) TableName() string { return "catalog_items" }

// Plan is one version of a project's renovation plan.
type Plan struct {
	ID                    int64
	ProjectID             int64
	Version               int
	Status                string
	Title                 string
	Summary               string
	ManagementMode        string
	ManagementDescription string
	BudgetTotalFen        *valid.Cents `gorm:"column:budget_total_fen"`
	VotingOpensAt         *time.Time
	VotingClosesAt        time.Time
	PublishedAt           *time.Time
	PublishedBy           *int64
	SupersededAt          *time.Time
	ClosedAt              *time.Time
	ClosedBy              *int64
	CreatedBy             *int64
	CreatedAt             time.Time
	UpdatedAt             time.Time
	Items                 []PlanItem    `gorm:"foreignKey:PlanID"`
	Funding               []PlanFunding `gorm:"foreignKey:PlanID"`
}

// PlanItem is a catalogue item chosen into a plan, with what will be done.
type PlanItem struct {
	ID          int64
	PlanID      int64
	CatalogCode string
	Position    int
	Description string
	Quantity    string
	BudgetFen   *valid.Cents `gorm:"column:budget_fen"`
}

// PlanFunding is one source's share of the budget.
type PlanFunding struct {
	ID        int64
	PlanID    int64
	Source    string
	AmountFen valid.Cents `gorm:"column:amount_fen"`
}

// TableName binds PlanFunding to its table.
func (PlanFunding) TableName() string { return "plan_funding" }

// VotingStatus tells where the plan's vote stands at now.
func (p *Plan) VotingStatus(now time.Time) string {
	switch {
	case p.Status == StatusDraft:
		return VotingDraft
	case p.Status == StatusSuperseded || p.ClosedAt != nil || !now.Before(p.VotingClosesAt):
		return VotingClosed
	case p.VotingOpensAt != nil && now.Before(*p.VotingOpensAt):
		return VotingNotStarted
	}
	return VotingOpen
}

// ItemView is a plan item with its catalogue entry.
type ItemView struct {
	CatalogCode string       `json:"catalog_code"`
	Category    string       `json:"category"`
	NameZh      string       `json:"name_zh"`
	NameEn      string       `json:"name_en"`
	Content     string       `json:"content"`
	Standard    string       `json:"standard"`
	Description string       `json:"description"`
	Quantity    string       `json:"quantity"`
	BudgetYuan  *valid.Cents `json:"budget_yuan"`
}

// FundingView is one funding source's amount.
type FundingView struct {
	Source     string      `json:"source"`
	AmountYuan valid.Cents `json:"amount_yuan"`
}

// View is a plan as the API shows it.
type View struct {
	ID                    int64            `json:"id"`
	ProjectID             int64            `json:"project_id"`
	Version               int              `json:"version"`
	Status                string           `json:"status"`
	Title                 string           `json:"title"`
	Summary               string           `json:"summary"`
	ManagementMode        string           `json:"management_mode"`
	ManagementDescription string           `json:"management_description"`
	BudgetTotalYuan       *valid.Cents     `json:"budget_total_yuan"`
	Funding               []FundingView    `json:"funding"`
	Items                 []ItemView       `json:"items"`
	Attachments           []AttachmentView `json:"attachments"`
	CreatedAt             time.Time        `json:"created_at"`
	PublishedAt           *time.Time       `json:"published_at"`
	SupersededAt          *time.Time       `json:"superseded_at"`
	ClosedAt              *time.Time       `json:"closed_at"`
	VotingOpensAt         *time.Time       `json:"voting_opens_at"`
	VotingClosesAt        time.Time        `json:"voting_closes_at"`
	VotingStatus          string           `json:"voting_status"`
	ThresholdPercent      int              `json:"threshold_percent"`
}

// Summary is a plan's headline, for the public building page.
type Summary struct {
	ID             int64      `json:"id"`
	ProjectID      int64      `json:"project_id"`
	Version        int        `json:"version"`
	Title          string     `json:"title"`
	Summary        string     `json:"summary"`
	VotingOpensAt  *time.Time `json:"voting_opens_at"`
	VotingClosesAt time.Time  `json:"voting_closes_at"`
	ClosedAt       *time.Time `json:"closed_at"`
	VotingStatus   string     `json:"voting_status"`
}
