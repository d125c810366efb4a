package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"anju/server/app"
	"anju/server/config"
)

// TestAdminCreateThenSignIn follows the README: create a city admin from the
// command line, then sign in with it on a server using the same database.
func TestAdminCreateThenSignIn(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "anju.db")
	t.Setenv("ANJU_DATABASE_URL", dbPath)
	var out, errOut bytes.Buffer
	if err := run([]string{"admin", "create", "--username", "chief", "--password", "a-long-password"}, &out, &errOut); err != nil {
		t.Fatalf("admin create: %v (%s)", err, errOut.String())
	}
	if !strings.Contains(out.String(), `created city account "chief"`) {
		t.Fatalf("admin create said %q", out.String())
	}
	err := run([]string{"admin", "create", "--username", "chief", "--password", "a-long-password"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "already taken") {
		t.Fatalf("a duplicate must be refused in words: %v", err)
	}
	if err := run([]string{"admin", "create", "--username", "x", "--password", "short"}, &out, &errOut); err == nil {
		t.Fatal("a bad username must be refused")
	}
	cfg, err := config.Load("", false, func(k string) (string, bool) {
		if k == "ANJU_DATABASE_URL" {
			return dbPath, true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Staffs.Authenticate(context.Background(), "chief", "a-long-password"); err != nil {
		t.Fatalf("sign in with the created admin: %v", err)
	}
	if err := run([]string{"admin", "set-password", "--username", "chief", "--password", "another-long-one"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAPICommandPrintsTheDocument(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"openapi"}, &out, &errOut); err != nil {
		t.Fatalf("openapi: %v (%s)", err, errOut.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi printed %q: %v", out.String()[:min(200, out.Len())], err)
	}
}

func TestUnknownCommandsAreRefused(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"frobnicate"}, &out, &errOut); err == nil {
		t.Fatal("an unknown command must fail")
	}
	t.Setenv("ANJU_HTTP_ADDR", "not-an-address")
	if err := run([]string{"serve"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Fatalf("a bad address must be refused with a clear message: %v", err)
	}
}

func TestHelpListsTheCommands(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}, {"--help"}, {"-h"}} {
		var out, errOut bytes.Buffer
		if err := run(args, &out, &errOut); err != nil {
			t.Fatalf("anju %v: %v", args, err)
		}
		for _, cmd := range []string{"serve", "admin create", "admin set-password", "admin disable", "admin enable", "openapi", "help"} {
			if !strings.Contains(out.String(), "\n  "+cmd+" ") {
				t.Fatalf("anju %v does not list %q:\n%s", args, cmd, out.String())
			}
		}
	}
	var out, errOut bytes.Buffer
	if err := run([]string{"serve", "-h"}, &out, &errOut); err != nil || !strings.Contains(errOut.String(), "-demo") {
		t.Fatalf("anju serve -h: %v, %q", err, errOut.String())
	}
}

// TestAdminCommandsEndSessions: set-password, disable and enable from the
// command line end the sessions a running server (another process on the
// same database) had issued; a disabled account cannot sign in.
func TestAdminCommandsEndSessions(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "anju.db")
	t.Setenv("ANJU_DATABASE_URL", dbPath)
	var out, errOut bytes.Buffer
	admin := func(args ...string) {
		t.Helper()
		out.Reset()
		if err := run(append([]string{"admin"}, args...), &out, &errOut); err != nil {
			t.Fatalf("admin %v: %v (%s)", args, err, errOut.String())
		}
	}
	admin("create", "--username", "chief", "--password", "a-long-password")
	cfg := config.Defaults()
	cfg.DatabaseURL = dbPath
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Echo)
	defer srv.Close()
	login := func(password string) (int, string) {
		res, err := http.Post(srv.URL+"/api/v1/auth/login", "application/json",
			strings.NewReader(`{"username":"chief","password":"`+password+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct{ Token string }
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body.Token
	}
	me := func(token string) int {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/auth/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	_, before := login("a-long-password")
	if me(before) != 200 {
		t.Fatal("a fresh token must work")
	}
	admin("set-password", "--username", "chief", "--password", "another-long-one")
	if !strings.Contains(out.String(), "sessions have ended") {
		t.Fatalf("set-password said %q", out.String())
	}
	if got := me(before); got != 401 {
		t.Fatalf("a token from before set-password answers %d, want 401", got)
	}
	_, after := login("another-long-one")
	if me(after) != 200 {
		t.Fatal("a token from after set-password must work")
	}
	admin("disable", "--username", "chief")
	if got := me(after); got != 401 {
		t.Fatalf("a token of a disabled account answers %d, want 401", got)
	}
	if status, _ := login("another-long-one"); status != 401 {
		t.Fatalf("a disabled account signs in with %d, want 401", status)
	}
	admin("enable", "--username", "chief")
	if got := me(after); got != 401 {
		t.Fatalf("enabling revived an old token: %d", got)
	}
	if status, _ := login("another-long-one"); status != 200 {
		t.Fatalf("an enabled account signs in with %d, want 200", status)
	}
	if err := run([]string{"admin", "disable", "--username", "nobody"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "no staff account") {
		t.Fatalf("disabling an unknown account must say so: %v", err)
	}
}
