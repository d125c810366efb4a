package consent

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/problem"
)

// recheckEvery is how often an open live tally re-reads its staff account, so
// that a disabled account or ended sessions stop the stream within seconds,
// whichever instance made the change. It costs one primary-key read per open
// stream per interval.
const recheckEvery = 3 * time.Second

// stream sends the live tally as server-sent events until the client goes or
// the staff account behind it is disabled or its sessions are ended.
func (h *Handlers) stream(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, err := h.svc.Tally(ctx, s, id)
	if err != nil {
		return err
	}
	changes, cancel := h.svc.events.Subscribe(id)
	defer cancel()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if err := sendEvent(w, "tally", t); err != nil {
		return nil
	}
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	recheck := time.NewTicker(recheckEvery)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return nil
			}
			w.Flush()
		case <-recheck.C:
			// A revoked account ends the stream; a database that cannot be
			// reached just now does not (nothing is sent unchecked meanwhile:
			// every tally re-checks first).
			if _, err := auth.StaffStill(c); err != nil && refused(err) {
				_ = sendEvent(w, "error", errorBody(err))
				return nil
			}
		case <-changes:
			// Votes often come in bursts: wait a moment and send one tally for them all.
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(200 * time.Millisecond):
			}
			if err := h.sendTally(c, w, id); err != nil {
				return nil
			}
		}
	}
}

// sendTally re-reads the staff account, then the tally, and sends it; an
// error is sent as an error event and ends the stream.
func (h *Handlers) sendTally(c echo.Context, w *echo.Response, id int64) error {
	s, err := auth.StaffStill(c)
	if err != nil {
		_ = sendEvent(w, "error", errorBody(err))
		return err
	}
	t, err := h.svc.Tally(c.Request().Context(), s, id)
	if err != nil {
		_ = sendEvent(w, "error", errorBody(err))
		return err
	}
	return sendEvent(w, "tally", t)
}

func sendEvent(w *echo.Response, event string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, raw); err != nil {
		return err
	}
	w.Flush()
	return nil
}

// refused tells whether err says the caller may no longer see the tally (as
// opposed to the database being out of reach for a moment).
func refused(err error) bool {
	p, ok := problem.As(err)
	return ok && (p.Kind == problem.KindUnauthorized || p.Kind == problem.KindForbidden)
}

func errorBody(err error) httpx.ErrorBody {
	var body httpx.ErrorBody
	if p, ok := problem.As(err); ok {
		body.Error = httpx.ErrorDetail{Code: p.Code, Message: p.Message}
	} else {
		body.Error = httpx.ErrorDetail{Code: "internal", Message: "The tally could not be computed; reconnect to try again."}
	}
	return body
}
