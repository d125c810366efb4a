package consent

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/files"
	"anju/server/httpx"
	"anju/server/problem"
)

// Handlers serve voting and the tally.
type Handlers struct{ svc *Service }

// NewHandlers returns the consent handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Routes registers the consent routes.
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodPut, Path: "/me/ballot", Access: httpx.HouseholdClaim, Tag: "resident",
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
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/consent/events", Access: httpx.Staff, Tag: "consent",
			Summary:  "The live tally as server-sent events: event tally with the tally JSON at once and after every change",
			Produces: "text/event-stream", Handler: h.stream},
		httpx.Route{Method: http.MethodPost, Path: "/plans/:id/paper-ballots", Access: httpx.Staff, Tag: "consent",
			Summary:  "Record a signed paper ballot door to door (multipart: household_id, plan_choice, management_choice, photo, replaces)",
			Response: Receipt{}, Status: http.StatusCreated, Form: map[string]string{"household_id": "the household whose signed form this is", "plan_choice": "agree, disagree or abstain", "management_choice": "agree, disagree or abstain", "replaces": "optional: the receipt id this replaces, or null", "photo": "file: a photo of the signed form, JPEG or PNG, at most 10 MiB"},
			Handler: h.paper},
		httpx.Route{Method: http.MethodGet, Path: "/ballot-revisions/:id/evidence", Access: httpx.Staff, Tag: "consent",
			Summary: "The photo of the signed paper form kept with a paper ballot", Produces: "image/jpeg", Handler: h.evidence},
		httpx.Route{Method: http.MethodPost, Path: "/projects/:id/consent/close", Access: httpx.Staff, Tag: "consent",
			Summary: "End the vote of the project's current plan now", Response: ProjectTally{}, Handler: h.close},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/consent/roll.xlsx", Access: httpx.Staff, Tag: "consent",
			Summary:  "The consent roll for the archive, as an Excel workbook",
			Produces: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Handler: h.rollXLSX},
		httpx.Route{Method: http.MethodPost, Path: "/projects/:id/consent/notices", Access: httpx.Staff, Tag: "consent",
			Summary: "Publish the preliminary result (opens the objection period) or the final one", Request: NoticeRequest{},
			Response: Notice{}, Status: http.StatusCreated, Handler: h.publishNotice},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/consent/notices", Access: httpx.Staff, Tag: "consent",
			Summary: "The result notices of the project's votes", Response: httpx.List[Notice]{}, Handler: h.notices},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/objections", Access: httpx.Staff, Tag: "consent",
			Summary: "Households' objections to the result, with the answers", Response: httpx.List[ObjectionView]{}, Handler: h.objections},
		httpx.Route{Method: http.MethodPost, Path: "/objections/:id/answer", Access: httpx.Staff, Tag: "consent",
			Summary: "Answer an objection", Request: AnswerRequest{}, Response: Objection{}, Handler: h.answer},
		httpx.Route{Method: http.MethodPost, Path: "/me/objections", Access: httpx.Household, Tag: "resident",
			Summary: "Object to the preliminary result, with a reason, during the objection period", Request: ObjectionRequest{},
			Response: Objection{}, Status: http.StatusCreated, Handler: h.object},
		httpx.Route{Method: http.MethodGet, Path: "/me/objections", Access: httpx.Household, Tag: "resident",
			Summary: "The household's objections and the answers", Response: httpx.List[Objection]{}, Handler: h.myObjections},
		httpx.Route{Method: http.MethodGet, Path: "/public/communities/:token", Access: httpx.Public, Tag: "resident",
			Summary:  "A community's public notice board: plan, participation, result after the vote, notices",
			Response: Board{}, Handler: h.board},
	)
	r.Add(h.recordRoutes()...)
}

func (h *Handlers) cast(c echo.Context) error {
	cl, err := auth.ClaimFrom(c)
	if err != nil {
		return err
	}
	var req BallotInput
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	rec, err := h.svc.CastClaimed(c.Request().Context(), cl, req, c.Request().Header.Get("Idempotency-Key"), c.RealIP())
	if err != nil {
		return err
	}
	return httpx.OK(c, rec)
}

// householdAndPlan is the signed-in household and the plan its query names
// (plan_id; 0 for the plan now put to the vote).
func householdAndPlan(c echo.Context) (*auth.Household, int64, error) {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return nil, 0, err
	}
	planID, err := httpx.QueryID(c, "plan_id")
	return hh, planID, err
}

func (h *Handlers) mine(c echo.Context) error {
	hh, planID, err := householdAndPlan(c)
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

func (h *Handlers) paper(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	up, err := httpx.FormFile(c, "photo", files.MaxBytes)
	if err != nil {
		return err
	}
	in := PaperBallot{PlanChoice: c.FormValue("plan_choice"), ManagementChoice: c.FormValue("management_choice"), Photo: up.Data}
	if in.HouseholdID, err = strconv.ParseInt(c.FormValue("household_id"), 10, 64); err != nil {
		return problem.Field("household_id", "is required: the id of the household whose paper form this is")
	}
	if raw, ok := c.Request().MultipartForm.Value["replaces"]; ok && len(raw) == 1 {
		if err := in.Replaces.UnmarshalJSON([]byte(strings.TrimSpace(raw[0]))); err != nil {
			return err
		}
	}
	rec, err := h.svc.RecordPaper(c.Request().Context(), s, id, in)
	if err != nil {
		return err
	}
	return httpx.Created(c, rec)
}

func (h *Handlers) evidence(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	f, data, err := h.svc.Evidence(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return files.Send(c, f, data, fmt.Sprintf("paper-ballot-%d", id), "private, no-store")
}

func (h *Handlers) close(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	t, err := h.svc.Close(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, t)
}

func (h *Handlers) rollXLSX(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	data, name, err := h.svc.RollXLSX(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", httpx.ContentDisposition("attachment", name, ""))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
}

func (h *Handlers) publishNotice(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req NoticeRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	n, err := h.svc.PublishNotice(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, n)
}

func (h *Handlers) notices(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	ns, err := h.svc.Notices(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(ns))
}

func (h *Handlers) objections(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	os, err := h.svc.Objections(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(os))
}

func (h *Handlers) answer(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req AnswerRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	o, err := h.svc.Answer(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, o)
}

func (h *Handlers) object(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	var req ObjectionRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	o, err := h.svc.Object(c.Request().Context(), hh, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, o)
}

func (h *Handlers) myObjections(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	os, err := h.svc.MyObjections(c.Request().Context(), hh)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(os))
}

func (h *Handlers) board(c echo.Context) error {
	b, err := h.svc.PublicBoard(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return httpx.OK(c, b)
}
