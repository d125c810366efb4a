package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestShippedFileMatchesDefaults(t *testing.T) {
	got, err := Load("../../configs/anju.yaml", false, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.PublicURL = "http://127.0.0.1:8080"
	if got.HTTPAddr != want.HTTPAddr || got.PublicURL != want.PublicURL || got.DatabaseURL != want.DatabaseURL || got.FilesDir != want.FilesDir ||
		got.StaffTokenTTL != want.StaffTokenTTL || got.HouseholdTokenTTL != want.HouseholdTokenTTL ||
		got.LoginRatePerMinute != want.LoginRatePerMinute || got.SignIn != want.SignIn ||
		got.HashMemoryMiB != want.HashMemoryMiB || got.JWTSecret != "" {
		t.Fatalf("configs/anju.yaml and Defaults() disagree:\n%+v\n%+v", got, want)
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	got, err := Load("", false, env(map[string]string{
		"ANJU_HTTP_ADDR": "0.0.0.0:9090", "ANJU_DATABASE_URL": "postgres://db/anju", "ANJU_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.0/24",
		"ANJU_SIGNIN_PER_SOURCE_WINDOW": "30m", "ANJU_SIGNIN_PER_HOUSEHOLD_ATTEMPTS": "500",
		"ANJU_HASH_MEMORY_MIB": "256", "ANJU_LOGIN_RATE_PER_MINUTE": "7"}))
	if err != nil {
		t.Fatal(err)
	}
	if got.HTTPAddr != "0.0.0.0:9090" || got.PublicURL != "http://127.0.0.1:9090" || !got.IsPostgres() ||
		len(got.TrustedProxies) != 2 || got.SignIn.PerSource.Window != 30*time.Minute || got.SignIn.PerHousehold.Attempts != 500 ||
		got.HashMemoryMiB != 256 || got.LoginRatePerMinute != 7 {
		t.Fatalf("overrides: %+v", got)
	}
}

func TestBadSettingsAreExplained(t *testing.T) {
	for k, v := range map[string]string{
		"ANJU_HTTP_ADDR": "8080", "ANJU_PUBLIC_URL": "anju.example.cn", "ANJU_JWT_SECRET": "short",
		"ANJU_TRUSTED_PROXIES": "everyone", "ANJU_SIGNIN_PER_SOURCE_WINDOW": "soon", "ANJU_LOGIN_RATE_PER_MINUTE": "many",
		"ANJU_SIGNIN_PER_HOUSEHOLD_ATTEMPTS": "10", "ANJU_SIGNIN_PER_SOURCE_ATTEMPTS": "0", "ANJU_SIGNIN_PER_SOURCE_LONG_WINDOW": "1m",
		"ANJU_HASH_MEMORY_MIB": "16", "ANJU_LOCKOUT_ATTEMPTS": "5",
		"ANJU_LOG_LEVEL": "chatty",
	} {
		_, err := Load("", false, env(map[string]string{k: v}))
		if err == nil || !strings.ContainsAny(err.Error(), " ") {
			t.Errorf("%s=%s: want a clear error, got %v", k, v, err)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(p, []byte("http_addr: [1"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, false, env(nil)); err == nil {
		t.Error("a broken file must be refused")
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), false, env(nil)); err == nil {
		t.Error("a missing file named explicitly must be refused")
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), true, env(nil)); err != nil {
		t.Errorf("a missing default file is fine: %v", err)
	}
}
