package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
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
