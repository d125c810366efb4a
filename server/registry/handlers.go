package registry

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/valid"
)

// Handlers serve the registry.
type Handlers struct {
	svc     *Service
	tokens  *auth.Tokens
	limiter echo.MiddlewareFunc
}

// NewHandlers returns the registry handlers; limiter throttles sign-in per client IP.
func NewHandlers(svc *Service, tokens *auth.Tokens, limiter echo.MiddlewareFunc) *Handlers {
	return &Handlers{svc: svc, tokens: tokens, limiter: limiter}
}

// HouseholdLoginResponse carries the household token.
type HouseholdLoginResponse struct {
	auth.Issued
	Household SignedInHousehold `json:"household"`
}

// MeResponse is the signed-in household and where it lives.
type MeResponse struct {
	Household struct {
		ID          int64       `json:"id"`
		Room        string      `json:"room"`
		Entrance    string      `json:"entrance"`
		Floor       int         `json:"floor"`
		AreaM2      valid.Cents `json:"area_m2"`
		OwnerMasked string      `json:"owner_masked"`
	} `json:"household"`
	Building  BuildingRef `json:"building"`
	Community Community   `json:"community"`
}

// BuildingRef names a building.
type BuildingRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Routes registers the registry's routes.
func (h *Handlers) Routes(r *httpx.Router) {
	const tag = "registry"
	r.Add(
		httpx.Route{Method: http.MethodPost, Path: "/auth/household", Access: httpx.Public, Tag: "auth",
			Summary: "Household sign-in with the building token, room and household code",
			Request: HouseholdLogin{}, Response: HouseholdLoginResponse{}, Handler: h.signIn,
			Extra: []echo.MiddlewareFunc{h.limiter}},
		httpx.Route{Method: http.MethodGet, Path: "/me", Access: httpx.Household, Tag: "resident",
			Summary: "The signed-in household, its building and community", Response: MeResponse{}, Handler: h.me},

		httpx.Route{Method: http.MethodPost, Path: "/districts", Access: httpx.City, Tag: tag,
			Summary: "Create a district", Request: NewDistrict{}, Response: District{}, Status: http.StatusCreated, Handler: h.createDistrict},
		httpx.Route{Method: http.MethodGet, Path: "/districts", Access: httpx.Staff, Tag: tag,
			Summary: "Districts the caller may see", Response: httpx.List[District]{}, Handler: h.districts},
		httpx.Route{Method: http.MethodGet, Path: "/districts/:id", Access: httpx.Staff, Tag: tag,
			Summary: "One district", Response: District{}, Handler: h.district},

		httpx.Route{Method: http.MethodPost, Path: "/communities", Access: httpx.Manager, Tag: tag,
			Summary: "Create a residential community in a district", Request: NewCommunity{}, Response: Community{},
			Status: http.StatusCreated, Handler: h.createCommunity},
		httpx.Route{Method: http.MethodGet, Path: "/communities", Access: httpx.Staff, Tag: tag,
			Summary: "Communities the caller may see", Params: map[string]string{"district_id": "only this district"},
			Response: httpx.List[Community]{}, Handler: h.communities},
		httpx.Route{Method: http.MethodGet, Path: "/communities/:id", Access: httpx.Staff, Tag: tag,
			Summary: "One community", Response: Community{}, Handler: h.community},

		httpx.Route{Method: http.MethodPost, Path: "/communities/:id/buildings", Access: httpx.Staff, Tag: tag,
			Summary: "Create a building; it gets an unguessable public token for its QR code",
			Request: NewBuilding{}, Response: BuildingView{}, Status: http.StatusCreated, Handler: h.createBuilding},
		httpx.Route{Method: http.MethodGet, Path: "/communities/:id/buildings", Access: httpx.Staff, Tag: tag,
			Summary: "A community's buildings", Response: httpx.List[BuildingView]{}, Handler: h.buildings},
		httpx.Route{Method: http.MethodGet, Path: "/buildings/:id", Access: httpx.Staff, Tag: tag,
			Summary: "One building", Response: BuildingView{}, Handler: h.building},
		httpx.Route{Method: http.MethodPost, Path: "/buildings/:id/token\\:rotate", Access: httpx.Staff, Tag: tag,
			Summary:  "Give the building a new public token; the old QR code then says it is no longer valid",
			Response: BuildingView{}, Handler: h.rotate},
		httpx.Route{Method: http.MethodGet, Path: "/buildings/:id/qr.png", Access: httpx.Staff, Tag: tag,
			Summary: "The QR code of the building's resident link, as a PNG", Produces: "image/png",
			Params: map[string]string{"size": "width in pixels, 128 to 2048 (default 512)"}, Handler: h.qr},

		httpx.Route{Method: http.MethodPost, Path: "/buildings/:id/households", Access: httpx.Staff, Tag: tag,
			Summary: "Register a household; the answer carries its one-time sign-in code",
			Request: NewHousehold{}, Response: IssuedCode{}, Status: http.StatusCreated, Handler: h.createHousehold},
		httpx.Route{Method: http.MethodGet, Path: "/buildings/:id/households", Access: httpx.Staff, Tag: tag,
			Summary: "A building's households, owners masked", Response: httpx.List[HouseholdView]{}, Handler: h.households},
		httpx.Route{Method: http.MethodGet, Path: "/households/:id", Access: httpx.Staff, Tag: tag,
			Summary: "One household with the owner's name and phone (audited)", Response: HouseholdView{}, Handler: h.household},
		httpx.Route{Method: http.MethodPost, Path: "/households/:id/code\\:reissue", Access: httpx.Staff, Tag: tag,
			Summary:  "Issue a new household code; the old code and its sessions stop working",
			Response: IssuedCode{}, Handler: h.reissue},
		httpx.Route{Method: http.MethodPost, Path: "/households/:id/unlock", Access: httpx.Staff, Tag: tag,
			Summary:  "Lift the sign-in lock of the household's room and short pauses of single addresses (audited); sessions are untouched",
			Response: HouseholdView{}, Handler: h.unlock},
		httpx.Route{Method: http.MethodGet, Path: "/signin-lockouts", Access: httpx.Staff, Tag: tag,
			Summary:  "Rooms in the caller's area whose sign-in is paused, with the addresses that sent the wrong codes",
			Params:   map[string]string{"district_id": "only this district", "community_id": "only this community"},
			Response: httpx.List[Lockout]{}, Handler: h.lockouts},
		httpx.Route{Method: http.MethodPut, Path: "/households/:id", Access: httpx.Staff, Tag: tag,
			Summary: "Change a household's registered facts; during a vote the change is audited as a roll change",
			Request: NewHousehold{}, Response: HouseholdView{}, Handler: h.updateHousehold},
		httpx.Route{Method: http.MethodPost, Path: "/buildings/:id/households\\:import", Access: httpx.Staff, Tag: tag,
			Summary:  "Import the committee's spreadsheet (.xlsx or .csv, multipart field file): every row or none",
			Response: ImportResult{}, Status: http.StatusCreated, Form: map[string]string{"file": "file: the sheet, .xlsx or .csv (UTF-8 or GB18030), at most 5 MiB"},
			Errors: map[int]any{http.StatusUnprocessableEntity: importRejectedBody{}}, Handler: h.importHouseholds},
		httpx.Route{Method: http.MethodPost, Path: "/buildings/:id/codes\\:issue", Access: httpx.Staff, Tag: tag,
			Summary: "New household codes for printing slips (all households when household_ids is empty); old codes stop working",
			Request: IssueCodesRequest{}, Response: httpx.List[SlipCode]{}, Handler: h.issueCodes},
		httpx.Route{Method: http.MethodGet, Path: "/communities/:id/qr.png", Access: httpx.Staff, Tag: tag,
			Summary: "The QR code of the community's public notice board, as a PNG", Produces: "image/png",
			Params: map[string]string{"size": "width in pixels, 128 to 2048 (default 512)"}, Handler: h.boardQR},
	)
}

func (h *Handlers) signIn(c echo.Context) error {
	var req HouseholdLogin
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	who, cv, err := h.svc.SignIn(c.Request().Context(), req, c.RealIP())
	if err != nil {
		return err
	}
	tok, err := h.tokens.IssueHousehold(who.ID, cv)
	if err != nil {
		return err
	}
	return httpx.OK(c, HouseholdLoginResponse{Issued: tok, Household: *who})
}

func (h *Handlers) me(c echo.Context) error {
	p, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	hh, err := h.svc.HouseholdByID(ctx, p.ID)
	if err != nil {
		return err
	}
	b, err := h.svc.BuildingByID(ctx, hh.BuildingID)
	if err != nil {
		return err
	}
	com, err := h.svc.CommunityByID(ctx, b.CommunityID)
	if err != nil {
		return err
	}
	var out MeResponse
	out.Household.ID, out.Household.Room, out.Household.Entrance = hh.ID, hh.Room, hh.Entrance
	out.Household.Floor, out.Household.AreaM2, out.Household.OwnerMasked = hh.Floor, hh.AreaCenti, MaskName(hh.OwnerName)
	out.Building = BuildingRef{ID: b.ID, Name: b.Name}
	out.Community = *com
	return httpx.OK(c, out)
}

func (h *Handlers) createDistrict(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	var req NewDistrict
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	d, err := h.svc.CreateDistrict(c.Request().Context(), s, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, d)
}

func (h *Handlers) districts(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	ds, err := h.svc.Districts(c.Request().Context(), s)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(ds))
}

func (h *Handlers) district(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	d, err := h.svc.District(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, d)
}

func (h *Handlers) createCommunity(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	var req NewCommunity
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	com, err := h.svc.CreateCommunity(c.Request().Context(), s, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, com)
}

func (h *Handlers) communities(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	districtID, err := httpx.QueryID(c, "district_id")
	if err != nil {
		return err
	}
	cs, err := h.svc.Communities(c.Request().Context(), s, districtID)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(cs))
}

func (h *Handlers) community(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	com, err := h.svc.Community(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, com)
}

func (h *Handlers) createBuilding(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req NewBuilding
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	b, err := h.svc.CreateBuilding(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, b)
}

func (h *Handlers) buildings(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	bs, err := h.svc.Buildings(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(bs))
}

func (h *Handlers) building(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	b, err := h.svc.Building(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, b)
}

func (h *Handlers) rotate(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	b, err := h.svc.RotateToken(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, b)
}

func (h *Handlers) qr(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	size, err := qrSize(c)
	if err != nil {
		return err
	}
	b, err := h.svc.Building(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return servePNG(c, b.ResidentURL, size)
}

func (h *Handlers) boardQR(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	size, err := qrSize(c)
	if err != nil {
		return err
	}
	com, err := h.svc.Community(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return servePNG(c, com.BoardURL, size)
}

func qrSize(c echo.Context) (int, error) {
	raw := c.QueryParam("size")
	if raw == "" {
		return 512, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 128 || n > 2048 {
		return 0, problem.Invalid("invalid_query", "size=%q must be a whole number of pixels from 128 to 2048.", raw)
	}
	return n, nil
}

func servePNG(c echo.Context, link string, size int) error {
	png, err := QRPNG(link, size)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "image/png", png)
}

func (h *Handlers) updateHousehold(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req NewHousehold
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	hh, err := h.svc.UpdateHousehold(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, hh)
}

// importRejectedBody is the answer to a sheet that was not imported: the
// error envelope plus the row-by-row report.
type importRejectedBody struct {
	httpx.ErrorBody
	Created int        `json:"created"`
	Errors  []RowError `json:"errors"`
}

func (h *Handlers) importHouseholds(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	up, err := httpx.FormFile(c, "file", MaxImportBytes)
	if err != nil {
		return err
	}
	res, err := h.svc.ImportHouseholds(c.Request().Context(), s, id, up.Data)
	var rejected *ImportRejected
	if errors.As(err, &rejected) {
		return c.JSON(http.StatusUnprocessableEntity, importRejectedBody{
			ErrorBody: httpx.ErrorBody{Error: httpx.ErrorDetail{Code: rejected.Problem.Code, Message: rejected.Problem.Message}},
			Errors:    rejected.Errors})
	}
	if err != nil {
		return err
	}
	return httpx.Created(c, res)
}

// IssueCodesRequest names the households that get new codes (empty: all).
type IssueCodesRequest struct {
	HouseholdIDs []int64 `json:"household_ids,omitempty"`
}

func (h *Handlers) issueCodes(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req IssueCodesRequest
	if c.Request().ContentLength != 0 {
		if err := httpx.Bind(c, &req); err != nil {
			return err
		}
	}
	codes, err := h.svc.IssueCodes(c.Request().Context(), s, id, req.HouseholdIDs)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(codes))
}

func (h *Handlers) createHousehold(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req NewHousehold
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	hh, err := h.svc.CreateHousehold(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, hh)
}

func (h *Handlers) households(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	hs, err := h.svc.Households(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(hs))
}

func (h *Handlers) household(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	hh, err := h.svc.Household(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, hh)
}

func (h *Handlers) reissue(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	hh, err := h.svc.ReissueCode(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, hh)
}

func (h *Handlers) unlock(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	hh, err := h.svc.Unlock(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, hh)
}
