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
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
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
	"anju/server/tlog"
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
	Hasher   *auth.Hasher
	Registry *registry.Service
	Projects *projects.Service
	Plans    *plans.Service
	Consent  *consent.Service
	Feedback *feedback.Service
	Pipeline *pipeline.Service
	Files    *files.Service
	Logs     *tlog.Logs
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
	// The public record: every vote and every staff action is a leaf of a
	// signed transparency log (issue 10).
	logKey, err := tlog.LoadKey(db, cfg.LogSigningKey, tlog.KeyName(cfg.PublicHost()))
	if err != nil {
		return nil, err
	}
	logs := tlog.New(db, logKey)
	wake := make(chan struct{}, 1)
	wakeSequencer := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	auditLog := audit.New(db)
	if err := auditLog.Publish(ctx, logs, cfg.PublicHost(), wakeSequencer); err != nil {
		return nil, err
	}
	if moved, intact, err := auditLog.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("move the audit chain into its log: %w", err)
	} else if moved > 0 {
		log.Info("audit chain moved into its log", "events", moved, "chain_intact", intact)
		if !intact {
			log.Warn("the audit hash chain did not verify before it moved into its log")
		}
	}
	hasher := newHasher(cfg)
	staffs := auth.NewStaffs(db, auditLog, hasher)
	reg := registry.NewService(db, auditLog, cfg, guessLimits(cfg.SignIn), hasher)
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
	logs.OnIntegrated(events.Integrated)
	ballots := consent.NewBallotLog(db, logs, cfg.PublicHost(), wakeSequencer)
	if err := ballots.SetWitnesses(cfg.Witnesses); err != nil {
		return nil, err
	}
	cons := consent.NewService(db, pl, prj, reg, fileSvc, auditLog, events, ballots)
	if err := cons.MigrateChains(ctx, func(planID int64, n int, intact bool) {
		if !intact {
			log.Warn("a plan's ballot hash chain did not verify before it moved into the plan's log", "plan_id", planID)
		}
		log.Info("ballot chain moved into the plan's log", "plan_id", planID, "revisions", n)
	}); err != nil {
		return nil, err
	}
	fb, err := feedback.NewService(db, auditLog, fileSvc, pl, cfg.Complaints)
	if err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = httpx.ErrorHandler(log, open311.Errors)
	ipx, err := ipExtractor(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = ipx
	metrics := newMetrics()
	// observe calls the error handler itself, so it logs and counts the status
	// the client got; the recoverer sits inside it so a panic is counted as a 500.
	e.Use(requestID(), securityHeaders(), observe(log, metrics), recoverer(log), httpx.CleanInput,
		// Answers are compressed for the phone; the web app's files come
		// compressed from the build (webui).
		httpx.Compress("/api/", "/open311/"))

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
		// The vote reads the household with its first statement.
		httpx.HouseholdClaim: guard.HouseholdClaim(),
	})
	limiter := loginLimiter(cfg.LoginRatePerMinute)
	auth.NewHandlers(staffs, tokens, limiter).Routes(router)
	registry.NewHandlers(reg, tokens, limiter).Routes(router)
	projects.NewHandlers(prj).Routes(router)
	plans.NewHandlers(pl, reg).Routes(router)
	consent.NewHandlers(cons).Routes(router)
	auditLog.Routes(router)
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
		Summary: "This document", Response: map[string]any{}, Handler: func(c echo.Context) error { return c.JSON(http.StatusOK, doc) }})
	routes := append(router.Routes(), geoRouter.Routes()...)
	doc = openapi.Document(routes, "Anju API", Version, open311.Errors)
	metrics.setRoutes(routes)
	webui.Register(e)

	background, stop := context.WithCancel(context.Background())
	if db.Postgres {
		go events.Listen(background, store.PostgresURL(cfg.DatabaseURL))
	}
	go fb.RunSweeper(background, time.Minute, func(err error) { log.Error("complaint sweep", "err", err) })
	go stages.RunStarter(background, time.Minute, func(err error) { log.Error("start criteria sweep", "err", err) })
	go reg.RunSweeper(background, 10*time.Minute, func(err error) { log.Error("sign-in counter sweep", "err", err) })
	go logs.Run(background, sequencerEvery, sequencerGap, wake, func(err error) { log.Error("log sequencer", "err", err) })
	return &App{Config: cfg, Log: log, DB: db, Echo: e, Staffs: staffs, Hasher: hasher, Registry: reg, Projects: prj,
		Plans: pl, Consent: cons, Feedback: fb, Pipeline: stages, Files: fileSvc, Logs: logs, Routes: routes, openAPI: doc, stop: stop}, nil
}

// StopBackground stops the background work (sweepers, the log sequencer, the
// tally listener) and leaves the server answering: for tests that watch the
// connection pool.
func (a *App) StopBackground() { a.stop() }

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
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(httpx.DatabaseRetry.Seconds())))
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

// sequencerEvery is how often each instance integrates queued leaves into the
// logs when it appended none itself: a vote is in a signed checkpoint within
// about this long.
const sequencerEvery = 500 * time.Millisecond

// sequencerGap is the shortest time between two rounds of the sequencer
// when votes wake it: a receipt's proof is ready within about this long
// after the vote, and a busy vote is integrated in batches of this much.
const sequencerGap = 500 * time.Millisecond

// hashWait is how long a sign-in waits for its share of the hashing memory
// before it is refused with 503 server_busy.
const hashWait = 5 * time.Second

// newHasher bounds the memory of concurrent password and code hashing.
func newHasher(cfg config.Config) *auth.Hasher { return auth.NewHasher(hashBudget(cfg), hashWait) }

func hashBudget(cfg config.Config) int64 {
	if cfg.HashMemoryMiB == 0 {
		return auth.DefaultHashMemoryMiB()
	}
	return int64(cfg.HashMemoryMiB)
}

// headroom is the heap the server may use besides argon2 and image decoding
// before the garbage collector works harder (see LimitMemory).
const headroom = 192

// LimitMemory sets the Go runtime's soft memory limit to what the server's
// two memory budgets may hold at once — the hashing budget and the image
// decoding budget — plus headroom, unless the operator set GOMEMLIMIT. Every
// sign-in leaves its hash's memory (64 MiB for a staff password) behind as
// garbage, and so does every decoded photo; by default the collector lets
// garbage grow to the size of the live heap before it runs, which would
// double both budgets. It returns the limit in MiB (0 when GOMEMLIMIT decides).
func LimitMemory(cfg config.Config) int64 {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return 0
	}
	limit := max(hashBudget(cfg), auth.MinHashMemoryMiB) + files.DecodeBudget>>20 + headroom
	debug.SetMemoryLimit(limit << 20)
	return limit
}

func guessLimits(c config.SignIn) registry.GuessLimits {
	return registry.GuessLimits{
		Source:     registry.Limit{Attempts: c.PerSource.Attempts, Window: c.PerSource.Window},
		SourceLong: registry.Limit{Attempts: c.PerSourceLong.Attempts, Window: c.PerSourceLong.Window},
		Household:  registry.Limit{Attempts: c.PerHousehold.Attempts, Window: c.PerHousehold.Window},
	}
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

// requestID names every request. An id a client or proxy sent is kept only when
// it looks like one (letters, digits, . _ -, at most 64), so nobody can write
// arbitrary text into the logs or into the message of a 500.
func requestID() echo.MiddlewareFunc {
	return middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Skipper: func(c echo.Context) bool {
			if id := c.Request().Header.Get(echo.HeaderXRequestID); id != "" && !requestIDPattern.MatchString(id) {
				c.Request().Header.Del(echo.HeaderXRequestID)
			}
			return false
		},
	})
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func securityHeaders() echo.MiddlewareFunc {
	return middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY", ReferrerPolicy: "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
			"script-src 'self'; connect-src 'self'; frame-src 'self' blob:; object-src 'none'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'",
	})
}
