// Package app wires Anju together, explicitly and in one place: configuration →
// database → migrations → services → HTTP. main and the tests both build the
// server through New, so what is tested is what runs.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/config"
	"anju/server/consent"
	"anju/server/feedback"
	"anju/server/files"
	"anju/server/httpx"
	"anju/server/needs"
	"anju/server/open311"
	"anju/server/openapi"
	"anju/server/pipeline"
	"anju/server/plans"
	"anju/server/problem"
	"anju/server/projects"
	"anju/server/registry"
	"anju/server/reports"
	"anju/server/store"
	"anju/server/webui"
)

// Version is the release, set at build time with -ldflags "-X anju/server/app.Version=…".
var Version = "dev"

// App is a wired Anju server.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *store.DB
	Echo     *echo.Echo
	Staffs   *auth.Staffs
	Registry *registry.Service
	Projects *projects.Service
	Plans    *plans.Service
	Consent  *consent.Service
	Feedback *feedback.Service
	Pipeline *pipeline.Service
	Files    *files.Service
	Routes   []httpx.Route
	openAPI  map[string]any
	stop     context.CancelFunc
}

// OpenAPI is the document served at /api/v1/openapi.json.
func (a *App) OpenAPI() map[string]any { return a.openAPI }

// New opens the database, migrates it and builds the HTTP server.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	db, err := store.Open(cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, log, db)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return a, nil
}

func build(ctx context.Context, cfg config.Config, log *slog.Logger, db *store.DB) (*App, error) {
	if err := db.Migrate(ctx, log); err != nil {
		return nil, err
	}
	key, err := auth.SigningKey(db, cfg.JWTSecret)
	if err != nil {
		return nil, err
	}
	tokens := auth.NewTokens(key, cfg.StaffTokenTTL, cfg.HouseholdTokenTTL)
	auditLog := audit.New(db)
	staffs := auth.NewStaffs(db)
	reg := registry.NewService(db, auditLog, cfg, registry.Lockout{
		Attempts: cfg.LockoutAttempts, Window: cfg.LockoutWindow, Duration: cfg.LockoutDuration})
	prj := projects.NewService(db, auditLog, reg)
	fileSvc := files.NewService(db)
	// Files live in the database; files_dir is read only to import what an
	// earlier release kept there (idempotent, so on every start).
	if _, err := fileSvc.ImportFolder(ctx, cfg.FilesDir, log); err != nil {
		return nil, fmt.Errorf("import the files of files_dir %s: %w", cfg.FilesDir, err)
	}
	pl, err := plans.NewService(ctx, db, auditLog, prj, fileSvc)
	if err != nil {
		return nil, err
	}
	reg.WatchVoting(pl.VotingOpenIn)
	events := consent.NewEvents(db, log)
	cons := consent.NewService(db, pl, prj, reg, fileSvc, auditLog, events)
	fb, err := feedback.NewService(db, auditLog, fileSvc, pl, cfg.Complaints)
	if err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = httpx.ErrorHandler(log)
	ipx, err := ipExtractor(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = ipx
	metrics := newMetrics()
	e.Use(middleware.RequestID(), recoverer(log), metrics.middleware, requestLog(log),
		securityHeaders())

	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	e.GET("/readyz", func(c echo.Context) error { return ready(c, db) })
	e.GET("/metrics", echo.WrapHandler(metrics.handler()))

	guard := auth.NewGuard(tokens, db, reg.Principal)
	api := e.Group("/api/v1")
	router := httpx.NewRouter(api, "/api/v1", map[httpx.Access]echo.MiddlewareFunc{
		httpx.Staff:     guard.Staff(),
		httpx.City:      guard.Staff(auth.RoleCity),
		httpx.Manager:   guard.Staff(auth.RoleCity, auth.RoleDistrict),
		httpx.Household: guard.Household(),
	})
	limiter := loginLimiter(cfg.LoginRatePerMinute)
	auth.NewHandlers(staffs, tokens, limiter).Routes(router)
	registry.NewHandlers(reg, tokens, limiter).Routes(router)
	projects.NewHandlers(prj).Routes(router)
	plans.NewHandlers(pl, reg).Routes(router)
	consent.NewHandlers(cons).Routes(router)
	needs.NewHandlers(needs.NewService(db, pl, prj)).Routes(router)
	stages := pipeline.NewService(db, auditLog, prj, pl, cons, fileSvc)
	pipeline.NewHandlers(stages).Routes(router)
	reports.NewHandlers(reports.NewService(db, auditLog, reg, cons)).Routes(router)
	feedback.NewHandlers(fb).Routes(router)
	geo := open311.NewHandlers(open311.NewKeys(db, auditLog), fb)
	geo.KeyRoutes(router)
	geoRouter := httpx.NewRouter(e.Group("/open311/v2"), "/open311/v2", nil)
	geo.Routes(geoRouter)
	var doc map[string]any
	router.Add(httpx.Route{Method: http.MethodGet, Path: "/openapi.json", Access: httpx.Public, Tag: "meta",
		Summary: "This document", Handler: func(c echo.Context) error { return c.JSON(http.StatusOK, doc) }})
	routes := append(router.Routes(), geoRouter.Routes()...)
	doc = openapi.Document(routes, "Anju API", Version)
	webui.Register(e)

	background, stop := context.WithCancel(context.Background())
	if db.Postgres {
		go events.Listen(background, cfg.DatabaseURL)
	}
	go fb.RunSweeper(background, time.Minute, func(err error) { log.Error("complaint sweep", "err", err) })
	go stages.RunStarter(background, time.Minute, func(err error) { log.Error("start criteria sweep", "err", err) })
	return &App{Config: cfg, Log: log, DB: db, Echo: e, Staffs: staffs, Registry: reg, Projects: prj,
		Plans: pl, Consent: cons, Feedback: fb, Pipeline: stages, Files: fileSvc, Routes: routes, openAPI: doc, stop: stop}, nil
}

// Close stops the background work and releases the database.
func (a *App) Close() error {
	a.stop()
	return a.DB.Close()
}

// Serve answers HTTP on the configured address until ctx ends, then drains.
func (a *App) Serve(ctx context.Context) error {
	srv := &http.Server{Addr: a.Config.HTTPAddr, Handler: a.Echo, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 60 * time.Second, WriteTimeout: 0, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	ln, err := net.Listen("tcp", a.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.HTTPAddr, err)
	}
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func ready(c echo.Context, db *store.DB) error {
	applied, known, err := db.SchemaVersion(c.Request().Context())
	if err != nil {
		return c.JSON(http.StatusServiceUnavailable, httpx.ErrorBody{Error: httpx.ErrorDetail{Code: "unavailable", Message: "The database cannot be reached."}})
	}
	if applied != known {
		return c.JSON(http.StatusServiceUnavailable, httpx.ErrorBody{Error: httpx.ErrorDetail{Code: "unavailable",
			Message: fmt.Sprintf("The database schema is at version %d, this binary expects %d.", applied, known)}})
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ready", "schema_version": applied})
}

// ipExtractor takes the client address from the socket, or from X-Forwarded-For
// only when the request came through one of the configured proxies. Echo's
// default would believe the header from anyone.
func ipExtractor(proxies []string) (echo.IPExtractor, error) {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", p, err)
		}
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

// loginLimiter throttles sign-in attempts per client IP.
func loginLimiter(perMinute int) echo.MiddlewareFunc {
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(float64(perMinute) / 60), Burst: perMinute, ExpiresIn: 3 * time.Minute})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(echo.Context, string, error) error {
			return problem.TooMany("rate_limited", time.Minute, "Too many sign-in attempts from your network. Wait a minute and try again.")
		},
		ErrorHandler: func(echo.Context, error) error {
			return problem.TooMany("rate_limited", time.Minute, "Too many sign-in attempts from your network. Wait a minute and try again.")
		},
	})
}

func recoverer(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			log.Error("panic", "err", err, "path", c.Request().URL.Path, "stack", string(stack))
			return err
		}})
}

func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelDebug
			if v.Status >= 400 {
				level = slog.LevelInfo
			}
			log.Log(c.Request().Context(), level, "request", "method", v.Method, "path", v.URIPath, "status", v.Status,
				"latency_ms", v.Latency.Milliseconds(), "request_id", v.RequestID, "ip", v.RemoteIP)
			return nil
		},
	})
}

func securityHeaders() echo.MiddlewareFunc {
	return middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY", ReferrerPolicy: "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
			"script-src 'self'; connect-src 'self'; frame-src 'self' blob:; object-src 'none'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'",
	})
}
