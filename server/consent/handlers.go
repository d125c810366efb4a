package consent

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/httpx"
)

// Handlers serve voting and the tally.
type Handlers struct{ svc *Service }

// NewHandlers returns the consent handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Routes registers the consent routes.
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodPut, Path: "/me/ballot", Access: httpx.Household, Tag: "resident",
			Summary: "Cast or change the household's vote on the plan and the management mode, with a signature. " +
				"Send an Idempotency-Key header to make retries safe, and replaces (the last receipt id seen) so a late vote never overwrites a newer one.",
			Request: BallotInput{}, Response: Receipt{}, Handler: h.cast},
		httpx.Route{Method: http.MethodGet, Path: "/me/ballot", Access: httpx.Household, Tag: "resident",
			Summary: "The household's current vote (404 ballot_not_found before the first)", Response: Receipt{},
			Params: map[string]string{"plan_id": "a plan other than the one now put to the vote"}, Handler: h.mine},

		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/consent", Access: httpx.Staff, Tag: "consent",
			Summary:  "The tally of the project's current plan against its threshold, per building, with the households not yet voted",
			Response: ProjectTally{}, Handler: h.tally},
		httpx.Route{Method: http.MethodGet, Path: "/households/:id/ballots", Access: httpx.Staff, Tag: "consent",
			Summary: "Every vote the household ever cast, oldest first", Response: httpx.List[HistoryEntry]{}, Handler: h.history},
		httpx.Route{Method: http.MethodGet, Path: "/ballot-revisions/:id/signature.png", Access: httpx.Staff, Tag: "consent",
			Summary: "The signature kept with one vote", Produces: "image/png", Handler: h.signature},
		httpx.Route{Method: http.MethodGet, Path: "/plans/:id/ballots/verify", Access: httpx.Staff, Tag: "consent",
			Summary: "Recompute the plan's ballot hash chain and report its head hash", Response: ChainCheck{}, Handler: h.verify},
	)
}

func (h *Handlers) cast(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	var req BallotInput
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	rec, err := h.svc.Cast(c.Request().Context(), hh, req, c.Request().Header.Get("Idempotency-Key"), c.RealIP())
	if err != nil {
		return err
	}
	return httpx.OK(c, rec)
}

func (h *Handlers) mine(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	planID, err := httpx.QueryID(c, "plan_id")
	if err != nil {
		return err
	}
	rec, err := h.svc.Current(c.Request().Context(), hh, planID)
	if err != nil {
		return err
	}
	return httpx.OK(c, rec)
}

func (h *Handlers) tally(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	t, err := h.svc.Tally(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, t)
}

func (h *Handlers) history(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	hist, err := h.svc.History(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(hist))
}

func (h *Handlers) signature(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	img, err := h.svc.SignatureImage(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "image/png", img)
}

func (h *Handlers) verify(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	chk, err := h.svc.VerifyChain(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, chk)
}
