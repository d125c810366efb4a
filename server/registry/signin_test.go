package registry

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/limit"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/store/storetest"
)

// These tests drive the registry's sign-in on a real database, on SQLite and,
// when TEST_DATABASE_URL is set, on PostgreSQL: the reservation is a
// conditional write whose atomicity only a database can show.

func eachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) { storetest.EachDB(t, fn) }

type links struct{}

func (links) ResidentURL(t string) string { return "https://anju.example.cn/b/" + t }
func (links) BoardURL(t string) string    { return "https://anju.example.cn/c/" + t }

var city = &auth.Staff{ID: 1, Username: "city", Role: auth.RoleCity}

// fixture is a building with households; codes maps "entrance/room" to its code.
type fixture struct {
	svc    *Service
	hasher *auth.Hasher
	token  string
	id     int64
	codes  map[string]string
}

var fixtures atomic.Int64

func newFixture(t *testing.T, db *store.DB, limits GuessLimits, hasher *auth.Hasher, rooms ...string) *fixture {
	t.Helper()
	ctx := context.Background()
	svc := NewService(db, audit.New(db), links{}, limits, hasher)
	d, err := svc.CreateDistrict(ctx, city, NewDistrict{Name: fmt.Sprintf("驿城区%d", fixtures.Add(1))})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateCommunity(ctx, city, NewCommunity{DistrictID: d.ID, Name: "建设街小区", Address: "建设街12号", BuiltYear: 1992})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.CreateBuilding(ctx, city, c.ID, NewBuilding{Name: "1号楼"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{svc: svc, hasher: hasher, token: b.Token, id: b.ID, codes: map[string]string{}}
	for _, r := range rooms {
		entrance, room, _ := strings.Cut(r, "/")
		out, err := svc.CreateHousehold(ctx, city, b.ID, NewHousehold{Room: room, Entrance: entrance, Floor: 3, AreaM2: 7250})
		if err != nil {
			t.Fatal(err)
		}
		f.codes[r] = out.Code
	}
	return f
}

func (f *fixture) signIn(ctx context.Context, room, code, from string) error {
	_, _, err := f.svc.SignIn(ctx, HouseholdLogin{BuildingToken: f.token, Room: room, Code: code}, from)
	return err
}

func codeOf(err error) string {
	if err == nil {
		return "ok"
	}
	if p, ok := problem.As(err); ok {
		return p.Code
	}
	return err.Error()
}

func evaluations(h *auth.Hasher) int64 { return h.Evaluations()[auth.CodeParams] }

// counters reads a room's counters as "kind source attempts".
func (f *fixture) counters(t *testing.T, room string) []string {
	t.Helper()
	var rows []guessRow
	if err := f.svc.db.Table("signin_guesses").Where("building_id = ? AND room = ?", f.id, room).
		Order("kind, source").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s %q %d", r.Kind, r.Source, r.Attempts))
	}
	return out
}

const wrong = "ZZZZZZZZ"

func TestParallelGuessesGetNoMoreEvaluationsThanSequentialOnes(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, testLimits, auth.NewHasher(64, time.Minute), "1单元/101")
		answers := burst(t, 40, func(i int) error { return f.signIn(context.Background(), "101", wrong, "127.0.0.2") })
		if answers["invalid_credentials"] != testLimits.Source.Attempts || answers["too_many_guesses"] != 40-testLimits.Source.Attempts {
			t.Fatalf("40 parallel wrong codes from one address: %v, want %d evaluated", answers, testLimits.Source.Attempts)
		}
		if n := evaluations(f.hasher); n != int64(testLimits.Source.Attempts) {
			t.Fatalf("%d codes were hashed, want %d", n, testLimits.Source.Attempts)
		}
		// The household was not locked for anyone else.
		if err := f.signIn(context.Background(), "101", f.codes["1单元/101"], "127.0.0.3"); err != nil {
			t.Fatalf("the right code from another address: %v", err)
		}
	})
}

func TestTheHouseholdCeilingHoldsAgainstParallelAddresses(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		limits := GuessLimits{Source: Limit{5, time.Hour}, SourceLong: Limit{5, time.Hour}, Household: Limit{12, time.Hour}}
		f := newFixture(t, db, limits, auth.NewHasher(64, time.Minute), "1单元/101")
		answers := burst(t, 40, func(i int) error {
			return f.signIn(context.Background(), "101", wrong, fmt.Sprintf("127.0.1.%d", i%8))
		})
		if answers["invalid_credentials"] != 12 || answers["household_locked"]+answers["too_many_guesses"] != 28 {
			t.Fatalf("40 wrong codes from 8 addresses against a ceiling of 12: %v", answers)
		}
		if n := evaluations(f.hasher); n != 12 {
			t.Fatalf("%d codes were hashed, want 12", n)
		}
		err := f.signIn(context.Background(), "101", f.codes["1单元/101"], "127.0.0.9")
		if codeOf(err) != "household_locked" {
			t.Fatalf("at the ceiling even the right code from a new address waits: %v", err)
		}
	})
}

// burst runs n calls at once and counts their answers by error code.
func burst(t *testing.T, n int, call func(i int) error) map[string]int {
	t.Helper()
	var mu sync.Mutex
	answers := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			err := call(i)
			mu.Lock()
			answers[codeOf(err)]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return answers
}

func TestACorrectCodeDoesNotCountAsAWrongOne(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, testLimits, auth.NewHasher(64, time.Minute), "1单元/101")
		ctx := context.Background()
		for range 4 {
			if err := f.signIn(ctx, "101", wrong, "127.0.0.2"); codeOf(err) != "invalid_credentials" {
				t.Fatal(err)
			}
		}
		if err := f.signIn(ctx, "101", f.codes["1单元/101"], "127.0.0.2"); err != nil {
			t.Fatalf("the right code after 4 wrong ones: %v", err)
		}
		want := []string{`household "" 4`, `source "127.0.0.2" 4`, `source_long "127.0.0.2" 4`}
		if got := f.counters(t, "101"); !reflect.DeepEqual(got, want) {
			t.Fatalf("counters after 4 wrong and 1 right: %v, want %v", got, want)
		}
		if err := f.signIn(ctx, "101", wrong, "127.0.0.2"); codeOf(err) != "invalid_credentials" {
			t.Fatalf("the fifth wrong code is still evaluated: %v", err)
		}
		if err := f.signIn(ctx, "101", f.codes["1单元/101"], "127.0.0.2"); codeOf(err) != "too_many_guesses" {
			t.Fatalf("after the fifth, this address waits: %v", err)
		}
		// The pause ends with its window.
		f.svc.now = func() time.Time { return store.Now().Add(testLimits.Source.Window + time.Second) }
		if err := f.signIn(ctx, "101", f.codes["1单元/101"], "127.0.0.2"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestAGuessTheServerWasTooBusyToCheckDoesNotCount(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		// A hasher that may never wait is always busy.
		f := newFixture(t, db, testLimits, auth.NewHasher(64, 0), "1单元/101")
		err := f.signIn(context.Background(), "101", wrong, "127.0.0.2")
		if !errors.Is(err, limit.ErrBusy) {
			t.Fatalf("want 503 server_busy, got %v", err)
		}
		want := []string{`household "" 0`, `source "127.0.0.2" 0`, `source_long "127.0.0.2" 0`}
		if got := f.counters(t, "101"); !reflect.DeepEqual(got, want) {
			t.Fatalf("an unchecked guess was counted: %v", got)
		}
	})
}

// statements records the SQL run with a context carrying recordKey.
type statements struct {
	mu  sync.Mutex
	sql []string
}

type recordKey struct{}

func record(t *testing.T, db *store.DB) *statements {
	t.Helper()
	st := &statements{}
	hook := func(tx *gorm.DB) {
		if tx.Statement.Context.Value(recordKey{}) == nil {
			return
		}
		st.mu.Lock()
		st.sql = append(st.sql, strings.Join(strings.Fields(tx.Statement.SQL.String()), " "))
		st.mu.Unlock()
	}
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("gorm:query").Register("test:record_query", hook),
		"row":    cb.Row().After("gorm:row").Register("test:record_row", hook),
		"raw":    cb.Raw().After("gorm:raw").Register("test:record_raw", hook),
		"create": cb.Create().After("gorm:create").Register("test:record_create", hook),
		"update": cb.Update().After("gorm:update").Register("test:record_update", hook),
		"delete": cb.Delete().After("gorm:delete").Register("test:record_delete", hook),
	} {
		if err != nil {
			t.Fatalf("record %s: %v", name, err)
		}
	}
	return st
}

func (st *statements) take() []string {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := st.sql
	st.sql = nil
	return out
}

// TestAnUnknownRoomTakesTheSamePathAsAWrongCode: the same statements in the
// same order, the same counters written, the same hashes with the same
// parameters, the same answer — in a building whose room numbers repeat per
// entrance (two hashes for every sign-in) and in one where they do not.
func TestAnUnknownRoomTakesTheSamePathAsAWrongCode(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		st := record(t, db)
		for _, c := range []struct {
			name   string
			rooms  []string
			rounds int64
		}{
			{"one household per room", []string{"1单元/101", "1单元/102"}, 1},
			{"rooms repeated per entrance", []string{"1单元/101", "2单元/101", "1单元/102", "2单元/102"}, 2},
		} {
			t.Run(c.name, func(t *testing.T) {
				f := newFixture(t, db, testLimits, auth.NewHasher(64, time.Minute), c.rooms...)
				ctx := context.WithValue(context.Background(), recordKey{}, true)
				type path struct {
					sql      []string
					hashes   map[auth.HashParams]int64
					answer   string
					counters []string
				}
				run := func(room string) path {
					before := f.hasher.Evaluations()
					st.take()
					err := f.signIn(ctx, room, wrong, "127.0.0.2")
					p := path{sql: st.take(), hashes: f.hasher.Evaluations(), answer: fmt.Sprint(err), counters: f.counters(t, room)}
					for k, v := range before {
						p.hashes[k] -= v
					}
					return p
				}
				known, unknown := run("101"), run("999")
				if !reflect.DeepEqual(known.sql, unknown.sql) {
					t.Errorf("statements differ:\nwrong code   %q\nunknown room %q", known.sql, unknown.sql)
				}
				if want := map[auth.HashParams]int64{auth.CodeParams: c.rounds}; !reflect.DeepEqual(known.hashes, want) ||
					!reflect.DeepEqual(unknown.hashes, want) {
					t.Errorf("hashes: wrong code %v, unknown room %v, want %v", known.hashes, unknown.hashes, want)
				}
				if known.answer != unknown.answer || !strings.Contains(known.answer, "invalid_credentials") {
					t.Errorf("answers: %q, %q", known.answer, unknown.answer)
				}
				if !reflect.DeepEqual(known.counters, unknown.counters) || len(known.counters) != 3 {
					t.Errorf("counters written: wrong code %v, unknown room %v", known.counters, unknown.counters)
				}
				var writes int
				for _, s := range known.sql {
					if strings.HasPrefix(s, "INSERT") || strings.HasPrefix(s, "UPDATE") || strings.HasPrefix(s, "DELETE") {
						writes++
					}
				}
				if writes != 3 {
					t.Errorf("a wrong code writes its 3 counters, got %d writes: %q", writes, known.sql)
				}
			})
		}
	})
}
