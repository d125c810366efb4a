package app

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"anju/server/httpx"
)

// metrics are the Prometheus series the server exports at /metrics. Every
// label is bounded: route templates (never raw paths), statuses, error codes
// and kinds from the code itself; never addresses, ids or user input.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	signIn   *prometheus.CounterVec // failed sign-ins: somebody guessing passwords or codes
	lockouts *prometheus.CounterVec // sign-ins refused because an account or household is locked
	throttle *prometheus.CounterVec // every 429
	denials  *prometheus.CounterVec // 403/404 to signed-in callers: probing outside one's scope
	scoped   map[string]bool        // "METHOD route" of routes that need a signed-in caller
}

// signInKinds are the sign-in routes and who signs in there.
var signInKinds = map[string]string{
	"POST /api/v1/auth/login":     "staff",
	"POST /api/v1/auth/household": "household",
}

func newMetrics() *metrics {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	m := &metrics{reg: prometheus.NewRegistry(),
		requests: counter("anju_http_requests_total", "HTTP requests by method, route and the status the client received.",
			"method", "route", "status"),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "anju_http_request_duration_seconds",
			Help: "HTTP request latency by method and route.", Buckets: prometheus.DefBuckets}, []string{"method", "route"}),
		signIn: counter("anju_signin_failures_total", "Sign-ins refused for a wrong username, password, room or code (401), by kind (staff, household).",
			"kind"),
		lockouts: counter("anju_signin_lockouts_total", "Sign-ins refused because of too many wrong guesses (429 with a lock-out code), by route and code.",
			"route", "code"),
		throttle: counter("anju_http_throttled_total", "Requests refused with 429 Too Many Requests, by route and code.",
			"route", "code"),
		denials: counter("anju_scoped_denials_total", "403 and 404 answers on routes that need a signed-in staff user or household, by method, route and status.",
			"method", "route", "status"),
	}
	m.reg.MustRegister(m.requests, m.latency, m.signIn, m.lockouts, m.throttle, m.denials,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// setRoutes tells the metrics which routes need a signed-in caller. It is
// called once while the server is built, before it serves.
func (m *metrics) setRoutes(routes []httpx.Route) {
	m.scoped = map[string]bool{}
	for _, r := range routes {
		if r.Access != httpx.Public {
			m.scoped[r.Method+" "+r.Path] = true
		}
	}
}

// observe runs the rest of the chain and hands its error to the central error
// handler right here — so the handler runs exactly once and nothing below can
// write the answer again — then records the status the client actually got,
// in the metrics and in the request log.
func observe(log *slog.Logger, m *metrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			elapsed := time.Since(start)
			req := c.Request()
			route := routeLabel(c.Path())
			status := c.Response().Status
			code := httpx.ErrorCode(c)
			m.record(req.Method, route, status, code, elapsed)
			level := slog.LevelDebug
			if status >= 400 {
				level = slog.LevelInfo
			}
			log.Log(req.Context(), level, "request", "method", req.Method, "path", httpx.LogPath(c), "route", route,
				"status", status, "code", code, "latency_ms", elapsed.Milliseconds(),
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "ip", c.RealIP())
			return nil
		}
	}
}

func routeLabel(path string) string {
	switch path {
	case "":
		return "unmatched"
	case "/*":
		return "web"
	}
	return path
}

func (m *metrics) record(method, route string, status int, code string, elapsed time.Duration) {
	st := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, st).Inc()
	m.latency.WithLabelValues(method, route).Observe(elapsed.Seconds())
	key := method + " " + route
	switch {
	case status == http.StatusUnauthorized && signInKinds[key] != "":
		m.signIn.WithLabelValues(signInKinds[key]).Inc()
	case status == http.StatusTooManyRequests:
		m.throttle.WithLabelValues(route, code).Inc()
		if isLockout(key, code) {
			m.lockouts.WithLabelValues(route, code).Inc()
		}
	case (status == http.StatusForbidden || status == http.StatusNotFound) && m.scoped[key]:
		m.denials.WithLabelValues(method, route, st).Inc()
	}
}

// isLockout tells a lock-out (the household sign-in's guess limits, or any
// code ending in _locked) from plain rate limiting.
func isLockout(key, code string) bool {
	if signInKinds[key] == "household" && (code == "household_locked" || code == "too_many_guesses") {
		return true
	}
	return strings.HasSuffix(code, "_locked")
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
