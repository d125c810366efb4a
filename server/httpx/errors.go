package httpx

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"anju/server/problem"
	"anju/server/store"
)

var kindStatus = map[problem.Kind]int{
	problem.KindInvalid:       http.StatusBadRequest,
	problem.KindUnauthorized:  http.StatusUnauthorized,
	problem.KindForbidden:     http.StatusForbidden,
	problem.KindNotFound:      http.StatusNotFound,
	problem.KindConflict:      http.StatusConflict,
	problem.KindGone:          http.StatusGone,
	problem.KindUnprocessable: http.StatusUnprocessableEntity,
	problem.KindTooMany:       http.StatusTooManyRequests,
	problem.KindTooLarge:      http.StatusRequestEntityTooLarge,
	problem.KindUnavailable:   http.StatusServiceUnavailable,
}

var statusCode = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusRequestEntityTooLarge: "body_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusTooManyRequests:       "rate_limited",
	http.StatusServiceUnavailable:    "unavailable",
}

// StatusClientClosed is the status recorded when the client went away before
// its answer (nginx's 499); it never reaches anyone.
const StatusClientClosed = 499

// DatabaseRetry is what a client is told to wait when the database cannot be
// reached: about the time PostgreSQL takes to restart.
const DatabaseRetry = 5 * time.Second

var errDatabaseDown = problem.Unavailable("database_unavailable", DatabaseRetry,
	"The database cannot be reached right now. Please try again in a few seconds.")

// Shape renders errors for a family of routes that speak another error format
// (Open311's GeoReport), so that every error on those routes — bad input,
// outages, internal faults — still takes the one central path.
type Shape struct {
	Prefix string                              // request paths it applies to, e.g. "/open311/"
	Body   func(status int, e ErrorDetail) any // the body to send instead of the envelope
	Schema any                                 // a zero value of what Body returns, for the OpenAPI document
}

// codeKey holds the error code the handler answered, for the request log and metrics.
const codeKey = "httpx.error_code"

// ErrorCode is the code of the error this request was answered with ("" when
// it was not answered by the error handler).
func ErrorCode(c echo.Context) string {
	s, _ := c.Get(codeKey).(string)
	return s
}

// LogPath is the request path as logs may keep it: the path itself, except on
// routes whose parameters are capabilities (a photo's or a file's token, a
// building's), where the route template stands in, so a log reader cannot
// open what the link opens.
func LogPath(c echo.Context) string {
	if route := c.Path(); strings.Contains(route, ":token") || strings.Contains(route, "*") {
		return route
	}
	return c.Request().URL.Path
}

// ErrorHandler answers every error in the JSON envelope (or the Shape of the
// path). Problems keep their code and message; Echo's own errors get a generic
// code; a database that cannot be reached is a 503 with Retry-After; anything
// else is a 500 that is logged with the request id and tells the client
// nothing internal.
func ErrorHandler(log *slog.Logger, shapes ...Shape) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		req := c.Request()
		reqID := c.Response().Header().Get(echo.HeaderXRequestID)
		if c.Response().Committed {
			// A stream that failed after its answer began: nothing can be sent any more.
			log.Warn("request failed after the answer began", "err", err, "method", req.Method,
				"route", c.Path(), "request_id", reqID)
			return
		}
		if req.Context().Err() != nil && errors.Is(err, req.Context().Err()) {
			// The client hung up (or timed out) before the answer: nobody reads
			// it, and it is not the server's fault. 499 as nginx counts it.
			log.Info("client went away before the answer", "method", req.Method, "route", c.Path(), "request_id", reqID)
			c.Set(codeKey, "client_closed")
			c.Response().WriteHeader(StatusClientClosed)
			return
		}
		status, body, retry, kind := classify(err)
		switch kind {
		case faultInternal:
			log.Error("request failed", "err", err, "method", req.Method, "path", LogPath(c), "request_id", reqID)
			body.Error.Message = "Something went wrong on our side. Please try again; if it keeps happening, quote request id " + reqID + "."
		case faultOutage:
			log.Warn("database unavailable", "err", err, "method", req.Method, "route", c.Path(), "request_id", reqID)
		}
		c.Set(codeKey, body.Error.Code)
		if retry > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
		}
		var out any = body
		for _, s := range shapes {
			if strings.HasPrefix(req.URL.Path, s.Prefix) {
				out = s.Body(status, body.Error)
				break
			}
		}
		var werr error
		if req.Method == http.MethodHead {
			werr = c.NoContent(status)
		} else {
			werr = c.JSON(status, out)
		}
		if werr != nil {
			log.Warn("writing error response", "err", werr, "request_id", reqID)
		}
	}
}

type fault int

const (
	faultNone     fault = iota // the client's doing, or a known state
	faultOutage                // the database cannot be reached
	faultInternal              // a bug or an unexpected failure
)

// Classify maps an error to its status and envelope, as the central handler does.
func Classify(err error) (int, ErrorBody) {
	status, body, _, _ := classify(err)
	return status, body
}

func classify(err error) (int, ErrorBody, time.Duration, fault) {
	kind := faultNone
	if store.IsUnavailable(err) {
		if _, known := problem.As(err); !known {
			err, kind = errDatabaseDown, faultOutage
		}
	}
	if p, ok := problem.As(err); ok {
		status := kindStatus[p.Kind]
		if status == 0 {
			status = http.StatusBadRequest
		}
		return status, ErrorBody{ErrorDetail{Code: p.Code, Message: p.Message, Details: p.Details}}, p.RetryAfter, kind
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if he.Code >= 500 {
			kind = faultInternal
		}
		return he.Code, echoError(he), 0, kind
	}
	if errors.Is(err, store.ErrNotFound) {
		return http.StatusNotFound, ErrorBody{ErrorDetail{Code: "not_found", Message: "Nothing with that id exists, or you may not see it."}}, 0, faultNone
	}
	return http.StatusInternalServerError, ErrorBody{ErrorDetail{Code: "internal", Message: ""}}, 0, faultInternal
}

func echoError(he *echo.HTTPError) ErrorBody {
	code := statusCode[he.Code]
	if code == "" {
		code = "error"
	}
	msg := http.StatusText(he.Code)
	switch he.Code {
	case http.StatusNotFound:
		msg = "There is no such address in the Anju API; see /api/v1/openapi.json for the routes."
	case http.StatusMethodNotAllowed:
		msg = "This address does not accept that method; see /api/v1/openapi.json."
	case http.StatusRequestEntityTooLarge:
		msg = "The request body is larger than 1 MiB; send less data (signatures are at most 512 KiB)."
	case http.StatusTooManyRequests:
		msg = "Too many requests from this address; wait a minute and try again."
	default:
		if s, ok := he.Message.(string); ok && he.Code < 500 {
			msg = s
		}
	}
	return ErrorBody{ErrorDetail{Code: code, Message: msg}}
}
