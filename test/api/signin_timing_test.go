package api_test

// Sign-in must not tell which usernames or rooms exist (issue 9, section 5):
// the unknown path does the same work as the known one. Proven structurally
// (the same hashes with the same parameters; the registry's unit test also
// compares the statements run and the counters written) and shown in figures:
// the medians of both paths, measured interleaved in the same run, printed
// side by side. The times themselves are not asserted: on a shared machine
// under the race detector even a generous ratio failed once in 40 runs.

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"anju/server/auth"
	"anju/server/config"
)

// roomy lets one address guess long enough to time it.
func roomy(c *config.Config) {
	c.SignIn.PerSource = config.Limit{Attempts: 1000, Window: time.Hour}
	c.SignIn.PerSourceLong = config.Limit{Attempts: 1000, Window: time.Hour}
	c.SignIn.PerHousehold = config.Limit{Attempts: 5000, Window: time.Hour}
}

// timed is one sign-in path: what it sends and what it must answer.
type timed struct {
	name string
	send func() *resp
	code string
}

func TestSignInTimingDoesNotTellWhatExists(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) { timeSignIns(t, newEnv(t, d, roomy)) })
	}
}

func timeSignIns(t *testing.T, e *env) {
	es := e.setupEstate("计时", 2)
	b := es.buildings[0]
	login := func(room string) func() *resp {
		return func() *resp {
			return e.do("POST", "/api/v1/auth/household", "", map[string]any{"building_token": b.token, "room": room, "code": wrongCode})
		}
	}
	staff := func(username string) func() *resp {
		return func() *resp {
			return e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": username, "password": "not-the-password"})
		}
	}
	for _, pair := range [][2]timed{
		{{"staff: existing username, wrong password", staff("admin"), "invalid_credentials"},
			{"staff: unknown username", staff("nobody-here"), "invalid_credentials"}},
		{{"household: existing room, wrong code", login(b.households[0].room), "invalid_credentials"},
			{"household: unknown room", login("9999"), "invalid_credentials"}},
	} {
		// The same hashes, with the same parameters, on both paths.
		var work [2]map[auth.HashParams]int64
		for i, p := range pair {
			before := e.app.Hasher.Evaluations()
			p.send().wantError(401, p.code)
			work[i] = e.app.Hasher.Evaluations()
			for k, v := range before {
				if work[i][k] -= v; work[i][k] == 0 {
					delete(work[i], k)
				}
			}
		}
		if !reflect.DeepEqual(work[0], work[1]) || len(work[0]) != 1 {
			t.Fatalf("%s hashed %v, %s hashed %v", pair[0].name, work[0], pair[1].name, work[1])
		}
		// Medians, interleaved so that the machine's load falls on both
		// alike, each path first in every other round (whichever request
		// follows the other's is a few ms faster).
		var took [2][]time.Duration
		for round := range timingRounds {
			for k := range 2 {
				i := k ^ round%2
				start := time.Now()
				pair[i].send().wantError(401, pair[i].code)
				took[i] = append(took[i], time.Since(start))
			}
		}
		m0, m1 := median(took[0]), median(took[1])
		ratio := float64(m1) / float64(m0)
		t.Logf("%s:\n%-42s median %7.1f ms\n%-42s median %7.1f ms   (ratio %.2f; hashes %v each)",
			e.dialect, pair[0].name, ms(m0), pair[1].name, ms(m1), ratio, work[0])
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
