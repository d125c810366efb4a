package registry

import (
	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/httpx"
)

func (h *Handlers) lockouts(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	var f LockoutFilter
	if f.DistrictID, err = httpx.QueryID(c, "district_id"); err != nil {
		return err
	}
	if f.CommunityID, err = httpx.QueryID(c, "community_id"); err != nil {
		return err
	}
	out, err := h.svc.Lockouts(c.Request().Context(), s, f)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(out))
}
