package consent

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"anju/server/problem"
	"anju/server/votelog"
)

// Channels a vote arrives through, and how it was confirmed (one home:
// votelog, the record's format).
const (
	ChannelOnline = votelog.ChannelOnline
	ChannelPaper  = votelog.ChannelPaper

	EvidenceSignature     = votelog.EvidenceSignature
	EvidenceHouseholdCode = votelog.EvidenceHouseholdCode
	EvidencePaperForm     = votelog.EvidencePaperForm
)

// Ballot is a household's current vote (表决票) on one plan version: exactly
// one per household and plan, enforced by a unique index.
type Ballot struct {
	ID                int64
	PlanID            int64
	HouseholdID       int64
	Revision          int
	CurrentRevisionID *int64
	PlanChoice        string
	ManagementChoice  string
	Channel           string
	RecordedAt        time.Time
	CreatedAt         time.Time
}

// Revision is one vote ever cast, kept forever and chained by hash within its plan.
type Revision struct {
	ID               int64
	BallotID         int64
	PlanID           int64
	HouseholdID      int64
	Revision         int
	PlanChoice       string
	ManagementChoice string
	Channel          string
	RecordedBy       *int64
	ReplacesID       *int64
	SignaturePNG     []byte `gorm:"column:signature_png"`
	SignatureSHA256  string `gorm:"column:signature_sha256"`
	// Evidence is how the vote was confirmed (EvidenceSignature …); "" on
	// revisions recorded before it was kept (see Kind).
	Evidence       string
	EvidenceFileID *int64
	EvidenceSHA256 string `gorm:"column:evidence_sha256"`
	IdempotencyKey *string
	RequestHash    string
	ClientIP       string `gorm:"column:client_ip"`
	RecordedAt     time.Time
	PrevHash       string
	Hash           string
}

// TableName binds Revision to its table.
func (Revision) TableName() string { return "ballot_revisions" }

// digest is the revision's hash: every field that matters, and the previous hash.
func (r *Revision) digest() string {
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	parts := []string{r.PrevHash, strconv.FormatInt(r.PlanID, 10), strconv.FormatInt(r.HouseholdID, 10),
		strconv.Itoa(r.Revision), r.PlanChoice, r.ManagementChoice, r.Channel, opt(r.RecordedBy), opt(r.ReplacesID),
		r.SignatureSHA256, r.RecordedAt.UTC().Format(time.RFC3339Nano)}
	if r.EvidenceSHA256 != "" {
		// Paper ballots also bind the photo of the signed form; online votes
		// have none, and their hash stays as it always was.
		parts = append(parts, r.EvidenceSHA256)
	}
	h := sha256.New()
	for _, part := range parts {
		h.Write([]byte(strconv.Itoa(len(part))))
		h.Write([]byte{':'})
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Kind is how the revision was confirmed; for one recorded before the
// evidence was kept, what its channel implied then.
func (r *Revision) Kind() string {
	return (&votelog.Vote{Channel: r.Channel, Evidence: r.Evidence}).Kind()
}

// Receipt is what a household gets back for a vote (回执).
type Receipt struct {
	ID               int64  `json:"id"`
	PlanID           int64  `json:"plan_id"`
	HouseholdID      int64  `json:"household_id"`
	Revision         int    `json:"revision"`
	PlanChoice       string `json:"plan_choice"`
	ManagementChoice string `json:"management_choice"`
	Channel          string `json:"channel"`
	// Evidence is how the vote was confirmed: "signature" (drawn),
	// "household_code" (the code typed again) or "paper_form".
	Evidence        string    `json:"evidence"`
	RecordedAt      time.Time `json:"recorded_at"`
	ChangeableUntil time.Time `json:"changeable_until"`
	Replaces        *int64    `json:"replaces"`
	// RecordedBy is the staff member who recorded a paper ballot.
	RecordedBy *string `json:"recorded_by"`
	Hash       string  `json:"hash"`
}

func receiptOf(r *Revision, closes time.Time, recordedBy *string) *Receipt {
	return &Receipt{ID: r.ID, PlanID: r.PlanID, HouseholdID: r.HouseholdID, Revision: r.Revision,
		PlanChoice: r.PlanChoice, ManagementChoice: r.ManagementChoice, Channel: r.Channel, Evidence: r.Kind(),
		RecordedAt: r.RecordedAt, ChangeableUntil: closes, Replaces: r.ReplacesID, RecordedBy: recordedBy, Hash: r.Hash}
}

// OptionalID tells a JSON field that is absent from one that is null: a vote
// that says "replaces": null claims to be the first, while one without the
// field simply replaces whatever is there.
type OptionalID struct {
	Set bool
	ID  *int64
}

// UnmarshalJSON records that the field was present.
func (o *OptionalID) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.ID = nil
		return nil
	}
	var id int64
	if err := json.Unmarshal(b, &id); err != nil || id <= 0 {
		return problem.Field("replaces", "must be the id of the receipt this vote replaces, or null for a first vote")
	}
	o.ID = &id
	return nil
}

// BallotInput is a household's vote as the phone sends it.
type BallotInput struct {
	PlanID           int64  `json:"plan_id"`
	PlanChoice       string `json:"plan_choice"`
	ManagementChoice string `json:"management_choice"`
	// Evidence is how the household confirms the vote: "signature" (the
	// default: Signature holds the drawing) or "household_code" (for whoever
	// cannot draw: HouseholdCode holds the code from the household's slip,
	// checked like a sign-in and never stored).
	Evidence      string     `json:"evidence,omitempty"`
	Signature     string     `json:"signature,omitempty"`
	HouseholdCode string     `json:"household_code,omitempty"`
	Replaces      OptionalID `json:"replaces"`
}
