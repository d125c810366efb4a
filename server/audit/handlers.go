package audit

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"anju/server/httpx"
	"anju/server/tlog"
)

// Routes registers the audit log's verification for district and city staff.
func (l *Log) Routes(r *httpx.Router) {
	r.Add(httpx.Route{Method: http.MethodGet, Path: "/audit/verify", Access: httpx.Manager, Tag: "record",
		Summary:  "Rebuild the audit log from its leaves, check every checkpoint and compare each event with its leaf",
		Response: tlog.Check{}, Handler: func(c echo.Context) error {
			chk, err := l.Verify(c.Request().Context())
			if err != nil {
				return err
			}
			return httpx.OK(c, chk)
		}})
}
