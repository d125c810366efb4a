# Anju — the two commands a newcomer needs:
#   make run    build the web app and the server, start it on SQLite with demo data
#   make test   run every test (Go on SQLite and PostgreSQL, web unit tests, browser test)

GO        ?= go
NPM       ?= npm
BIN       := bin/anju
# The API suite runs on SQLite and on this PostgreSQL database; set it empty
# (TEST_DATABASE_URL= make test) to run the Go tests on SQLite only.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export TEST_DATABASE_URL

.PHONY: run build web web-deps server api-types test test-go test-web test-browser lighthouse load bench bench-vote fuzz clean

run: build
	@echo "==> starting Anju with the demo data (Ctrl-C stops it)"
	./$(BIN) serve --demo

build: web server

# npm ci only when package-lock.json changed since the last install.
web/node_modules/.package-lock.json: web/package-lock.json
	@echo "==> installing the web app's packages (npm ci; about a minute the first time)"
	cd web && $(NPM) ci --no-audit --no-fund
	@touch $@

web-deps: web/node_modules/.package-lock.json

web: web-deps
	@echo "==> type-checking and building the web app (about a minute)"
	cd web && $(NPM) run build

# The one contract: the server's OpenAPI document (built from the route tables)
# into web/src/api/openapi.json, and openapi-typescript's types of it into
# web/src/api/schema.ts. Run it after changing a route or a Go type the API
# sends or reads; go test ./server/ and npm run build fail until you do.
api-types: web-deps
	@echo "==> writing the OpenAPI document and the web app's API types"
	$(GO) run ./server openapi > web/src/api/openapi.json.tmp || { rm -f web/src/api/openapi.json.tmp; exit 1; }
	mv web/src/api/openapi.json.tmp web/src/api/openapi.json
	cd web && $(NPM) run --silent api-types

server:
	@echo "==> building the server (the first time Go downloads and compiles its modules: 2-3 minutes)"
	$(GO) build -trimpath -o $(BIN) ./server

test: test-go test-web test-browser

test-go:
	$(GO) vet ./...
	$(GO) test -count=1 -race -timeout 30m ./...

test-web: web-deps
	cd web && $(NPM) test

test/browser/node_modules/.package-lock.json: test/browser/package-lock.json
	cd test/browser && $(NPM) ci --no-audit --no-fund
	@touch $@

test-browser: build test/browser/node_modules/.package-lock.json
	cd test/browser && $(NPM) test

# Lighthouse scores of the demo's resident page and notice board (mobile,
# simulated throttling) with Debian's Chromium; prints figures, never fails on
# a low score, and is not part of make test (see test/lighthouse/README.md).
test/lighthouse/node_modules/.package-lock.json: test/lighthouse/package-lock.json
	cd test/lighthouse && $(NPM) ci --no-audit --no-fund
	@touch $@

lighthouse: build test/lighthouse/node_modules/.package-lock.json
	cd test/lighthouse && node run.mjs

# A load run against a server you started (see README, "Load").
load:
	$(GO) run ./test/load $(ARGS)

# The dashboard on a generated city (11 districts, 2,000 projects, 500,000
# households) in PostgreSQL at TEST_DATABASE_URL (see README, "Load").
bench:
	$(GO) test -tags bench -count=1 -run TestDashboardLoad -v -timeout 20m ./test/bench/

# Votes per second through Anju beside a bare Echo + pgx INSERT server measured
# in the same run (64 households in flight, on 40 plans and on 1 plan), then
# the record checked and a 100,000-leaf log verified, in PostgreSQL at
# TEST_DATABASE_URL (see README, "Load"). ANJU_BENCH_SECONDS sets each run's
# length (10 by default).
bench-vote:
	$(GO) test -tags bench -count=1 -run TestVoteThroughput -v -timeout 20m ./test/bench/

# The fuzzer of test/api/fuzz_test.go at length: 100,000 hostile requests over
# every route on PostgreSQL (FUZZ_DB=sqlite for SQLite); ANJU_FUZZ_SEED replays a run.
ANJU_FUZZ_REQUESTS ?= 100000
FUZZ_DB ?= postgres
fuzz:
	ANJU_FUZZ_REQUESTS=$(ANJU_FUZZ_REQUESTS) $(GO) test -count=1 -timeout 3h -run 'TestFuzzEveryRoute/$(FUZZ_DB)' -v ./test/api/

clean:
	rm -rf bin data
	find server/webui/app -mindepth 1 ! -name .gitkeep -delete
