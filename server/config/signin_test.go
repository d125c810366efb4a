package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSignInLimitsFromFileAndEnvironment(t *testing.T) {
	p := filepath.Join(t.TempDir(), "anju.yaml")
	if err := os.WriteFile(p, []byte("signin:\n  per_household: {attempts: 500, window: 48h}\nhash_memory_mib: 512\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p, false, env(map[string]string{"ANJU_SIGNIN_PER_SOURCE_LONG_ATTEMPTS": "30"}))
	if err != nil {
		t.Fatal(err)
	}
	want := defaultSignIn()
	want.PerHousehold = Limit{Attempts: 500, Window: 48 * time.Hour}
	want.PerSourceLong.Attempts = 30
	if got.SignIn != want || got.HashMemoryMiB != 512 {
		t.Fatalf("got %+v, %d", got.SignIn, got.HashMemoryMiB)
	}
}

func TestRetiredLockoutSettingsAreRefusedByName(t *testing.T) {
	p := filepath.Join(t.TempDir(), "old.yaml")
	if err := os.WriteFile(p, []byte("lockout_attempts: 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, false, env(nil)); err == nil || !strings.Contains(err.Error(), "signin.per_source") {
		t.Errorf("an old file: %v", err)
	}
	if _, err := Load("", false, env(map[string]string{"ANJU_LOCKOUT_DURATION": "15m"})); err == nil || !strings.Contains(err.Error(), "ANJU_SIGNIN_") {
		t.Errorf("an old variable: %v", err)
	}
}

func TestOneAddressMustNotReachTheHouseholdCeiling(t *testing.T) {
	for name, vars := range map[string]map[string]string{
		"ceiling at the long per-address limit": {"ANJU_SIGNIN_PER_HOUSEHOLD_ATTEMPTS": "20"},
		"long limit below the short one":        {"ANJU_SIGNIN_PER_SOURCE_LONG_ATTEMPTS": "4"},
		"long window shorter than the short":    {"ANJU_SIGNIN_PER_SOURCE_LONG_WINDOW": "10m"},
		"a window under a minute":               {"ANJU_SIGNIN_PER_SOURCE_WINDOW": "30s"},
		"a hashing budget below one password":   {"ANJU_HASH_MEMORY_MIB": "32"},
	} {
		if _, err := Load("", false, env(vars)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
