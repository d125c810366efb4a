package consent

import (
	"fmt"
	"math"
	"net/http"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/recount"
	"anju/server/tlog"
)

// ConsistencyProof is an RFC 9162 consistency proof, base64 hashes.
type ConsistencyProof struct {
	Proof [][]byte `json:"proof"`
}

// LogKey is the key that signs the logs' checkpoints.
type LogKey struct {
	VerifierKey string `json:"verifier_key"`
}

// recordRoutes are the routes of the public record: a plan's log, its
// checkpoints and proofs, a household's proof, the staff's verification.
func (h *Handlers) recordRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Path: "/public/plans/:id/checkpoint", Access: httpx.Public, Tag: "record",
			Summary:  "The newest signed checkpoint of a plan's vote log (C2SP tlog-checkpoint note, with witnesses' cosignatures)",
			Response: CheckpointView{}, Handler: h.checkpoint},
		{Method: http.MethodGet, Path: "/public/plans/:id/checkpoints", Access: httpx.Public, Tag: "record",
			Summary: "Every signed checkpoint of a plan's vote log, oldest first", Response: httpx.List[CheckpointView]{}, Handler: h.checkpoints},
		{Method: http.MethodGet, Path: "/public/plans/:id/consistency", Access: httpx.Public, Tag: "record",
			Summary: "RFC 9162 consistency proof between two sizes of a plan's vote log", Response: ConsistencyProof{},
			Params: map[string]string{"from": "the smaller tree size", "to": "the larger tree size"}, Handler: h.consistency},
		{Method: http.MethodPost, Path: "/public/plans/:id/cosignatures", Access: httpx.Public, Tag: "record",
			Summary: "A witness posts a checkpoint of the plan's log with its cosignature (C2SP tlog-cosignature); only configured witnesses are kept",
			Request: CosignRequest{}, Response: Cosigned{}, Status: http.StatusCreated, Handler: h.cosign},
		{Method: http.MethodGet, Path: "/public/log-key", Access: httpx.Public, Tag: "record",
			Summary: "The note verifier key that signs every checkpoint", Response: LogKey{}, Handler: h.logKey},
		{Method: http.MethodGet, Path: "/me/ballot/proof", Access: httpx.Household, Tag: "resident",
			Summary:  "The household's current vote as a leaf of the plan's log, with its inclusion proof and checkpoint",
			Response: BallotProof{}, Params: map[string]string{"plan_id": "the plan; default the plan now put to the vote"}, Handler: h.proof,
			Also: map[int]string{http.StatusAccepted: "pending: the vote is not in the log yet, only its leaf is there; ask again after Retry-After"}},
		{Method: http.MethodGet, Path: "/plans/:id/audit-bundle", Access: httpx.Manager, Tag: "record",
			Summary:  "Everything an auditor needs to recount a closed plan's vote offline with `anju verify --bundle` (leaves with contents, checkpoints, roll, rule)",
			Response: recount.Bundle{}, Handler: h.auditBundle},
		{Method: http.MethodGet, Path: "/plans/:id/ballots/verify", Access: httpx.Staff, Tag: "consent",
			Summary:  "Rebuild the plan's vote log from its leaves, check every checkpoint, and compare the ballots with the leaves",
			Response: tlog.Check{}, Handler: h.verify},
	}
}

func (h *Handlers) checkpoint(c echo.Context) error {
	id, err := httpx.ID(c, "id")
	if err != nil {
		return err
	}
	cp, err := h.svc.Checkpoint(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return httpx.OK(c, cp)
}

func (h *Handlers) checkpoints(c echo.Context) error {
	id, err := httpx.ID(c, "id")
	if err != nil {
		return err
	}
	cps, err := h.svc.Checkpoints(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(cps))
}

func (h *Handlers) consistency(c echo.Context) error {
	id, err := httpx.ID(c, "id")
	if err != nil {
		return err
	}
	from, err := httpx.QueryInt(c, "from", 0, math.MaxInt, -1)
	if err != nil {
		return err
	}
	to, err := httpx.QueryInt(c, "to", 0, math.MaxInt, -1)
	if err != nil {
		return err
	}
	if from < 0 || to < 0 {
		return problem.Invalid("invalid_range", "Give both tree sizes: ?from=N&to=M.")
	}
	p, err := h.svc.Consistency(c.Request().Context(), id, uint64(from), uint64(to))
	if err != nil {
		return err
	}
	// A proof between two sizes never changes.
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return httpx.OK(c, ConsistencyProof{Proof: p})
}

// CosignRequest is a witness's cosigned checkpoint.
type CosignRequest struct {
	Note string `json:"note"`
}

// Cosigned names the witnesses whose cosignatures were kept.
type Cosigned struct {
	Witnesses []string `json:"witnesses"`
}

func (h *Handlers) cosign(c echo.Context) error {
	id, err := httpx.ID(c, "id")
	if err != nil {
		return err
	}
	var req CosignRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	names, err := h.svc.Cosign(c.Request().Context(), id, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, Cosigned{Witnesses: names})
}

func (h *Handlers) logKey(c echo.Context) error {
	return httpx.OK(c, LogKey{VerifierKey: h.svc.ballots.logs.VerifierKey()})
}

func (h *Handlers) proof(c echo.Context) error {
	hh, planID, err := householdAndPlan(c)
	if err != nil {
		return err
	}
	p, err := h.svc.Proof(c.Request().Context(), hh, planID)
	if err != nil {
		return err
	}
	if p.Pending {
		// The sequencer integrates within about half a second: ask again in a second.
		c.Response().Header().Set("Retry-After", "1")
		return c.JSON(http.StatusAccepted, p)
	}
	return httpx.OK(c, p)
}

func (h *Handlers) auditBundle(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	b, err := h.svc.AuditBundle(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", httpx.ContentDisposition("attachment", fmt.Sprintf("audit-bundle-plan-%d.json", id), ""))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return httpx.OK(c, b)
}

func (h *Handlers) verify(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	chk, err := h.svc.VerifyBallots(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, chk)
}
