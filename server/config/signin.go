package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// SignIn bounds the guessing of household codes. Wrong codes are counted per
// room and client address (a short and a long window) and per room over every
// address together (a much higher ceiling), so one address's guesses never lock
// a household out for anyone else; see docs/DECISIONS.md, "Sign-in lockout".
type SignIn struct {
	// PerSource: wrong codes one address may send for one room per window
	// before that address is paused for that room (429 too_many_guesses).
	PerSource Limit `yaml:"per_source"`
	// PerSourceLong: the same over a longer window, so one address cannot
	// reach the household ceiling alone.
	PerSourceLong Limit `yaml:"per_source_long"`
	// PerHousehold: wrong codes for one room from every address together per
	// window before the room is locked for everyone (429 household_locked).
	PerHousehold Limit `yaml:"per_household"`
}

// Limit is a number of attempts per window. The window starts at the first
// attempt; once it is full, attempts are refused until it ends.
type Limit struct {
	Attempts int           `yaml:"attempts"`
	Window   time.Duration `yaml:"window"`
}

func defaultSignIn() SignIn {
	return SignIn{
		PerSource:     Limit{Attempts: 5, Window: 15 * time.Minute},
		PerSourceLong: Limit{Attempts: 20, Window: 24 * time.Hour},
		PerHousehold:  Limit{Attempts: 300, Window: 24 * time.Hour},
	}
}

func (s *SignIn) applyEnv(env func(string) (string, bool)) error {
	for _, l := range []struct {
		name string
		dst  *Limit
	}{{"PER_SOURCE", &s.PerSource}, {"PER_SOURCE_LONG", &s.PerSourceLong}, {"PER_HOUSEHOLD", &s.PerHousehold}} {
		if v, ok := env("ANJU_SIGNIN_" + l.name + "_ATTEMPTS"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("ANJU_SIGNIN_%s_ATTEMPTS=%q is not a whole number", l.name, v)
			}
			l.dst.Attempts = n
		}
		if v, ok := env("ANJU_SIGNIN_" + l.name + "_WINDOW"); ok {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("ANJU_SIGNIN_%s_WINDOW=%q is not a duration such as 15m or 24h", l.name, v)
			}
			l.dst.Window = d
		}
	}
	return nil
}

func (s SignIn) validate() error {
	for _, l := range []struct {
		name string
		l    Limit
	}{{"per_source", s.PerSource}, {"per_source_long", s.PerSourceLong}, {"per_household", s.PerHousehold}} {
		if l.l.Attempts < 1 || l.l.Window < time.Minute {
			return fmt.Errorf("signin.%s needs at least 1 attempt and a window of at least 1m (it is %d per %s)", l.name, l.l.Attempts, l.l.Window)
		}
	}
	if s.PerSourceLong.Attempts < s.PerSource.Attempts || s.PerSourceLong.Window < s.PerSource.Window {
		return errors.New("signin.per_source_long must allow at least as many attempts as signin.per_source, over at least as long a window")
	}
	if s.PerHousehold.Attempts <= s.PerSourceLong.Attempts {
		return errors.New("signin.per_household.attempts must be higher than signin.per_source_long.attempts, " +
			"or one address could lock a household out for everyone")
	}
	return nil
}

// retiredSettings names settings an older release read, with what replaced them:
// starting with one of them set would silently apply a different rule.
var retiredSettings = map[string]string{
	"lockout_attempts": "signin.per_source, signin.per_source_long and signin.per_household",
	"lockout_window":   "signin.per_source.window",
	"lockout_duration": "signin (an address is paused until its window ends)",
}

func refuseRetired(raw []byte, env func(string) (string, bool)) error {
	var keys map[string]any
	if raw != nil {
		if err := yaml.Unmarshal(raw, &keys); err != nil {
			return err
		}
	}
	for old, now := range retiredSettings {
		if _, ok := keys[old]; ok {
			return fmt.Errorf("the setting %s was replaced by %s; see configs/anju.yaml", old, now)
		}
		if _, ok := env("ANJU_" + strings.ToUpper(old)); ok {
			return fmt.Errorf("ANJU_%s was replaced by %s (ANJU_SIGNIN_*); see configs/anju.yaml", strings.ToUpper(old), now)
		}
	}
	return nil
}

func validateHashMemory(mib int) error {
	if mib != 0 && mib < 64 {
		return fmt.Errorf("hash_memory_mib must be 0 (automatic: 64 per core) or at least 64, the memory of one staff password check (it is %d)", mib)
	}
	return nil
}
