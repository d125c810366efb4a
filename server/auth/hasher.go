package auth

import (
	"context"
	"crypto/subtle"
	"runtime"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"anju/server/limit"
)

// Hasher checks passwords and household codes within one memory budget.
//
// argon2id takes its whole memory parameter for every evaluation (64 MiB for a
// staff password, 16 MiB for a household code), so thirty sign-ins at once
// would take gigabytes. Every sign-in therefore takes the hash's memory, in
// MiB, from one shared limit.Gate before hashing: staff passwords and
// household codes share the budget, a burst waits briefly for its turn and is
// then refused with 503 server_busy and Retry-After. The hash strengths stay
// as they are.
type Hasher struct {
	gate *limit.Gate

	mu    sync.Mutex
	count map[HashParams]int64
}

// DefaultHashMemoryMiB is the budget when none is configured: one staff
// password hash per core, or four household codes per core.
func DefaultHashMemoryMiB() int64 {
	return limit.Cores() * int64(PasswordParams.Memory/1024)
}

// MinHashMemoryMiB is the smallest budget: one staff password hash.
var MinHashMemoryMiB = mib(PasswordParams)

// NewHasher returns a hasher that keeps at most budgetMiB of argon2 memory in
// use and lets a check wait at most wait for its share. The budget is raised
// to MinHashMemoryMiB if need be.
func NewHasher(budgetMiB int64, wait time.Duration) *Hasher {
	return &Hasher{gate: limit.NewGate(max(budgetMiB, MinHashMemoryMiB), wait), count: map[HashParams]int64{}}
}

// BudgetMiB is the memory the hasher lets argon2 use at once.
func (h *Hasher) BudgetMiB() int64 { return h.gate.Size() }

func mib(p HashParams) int64 { return int64((p.Memory + 1023) / 1024) }

// Check compares secret with each PHC string in hashes, one after the other,
// and then with dummy hashes of params p until rounds evaluations are done.
// A caller that passes the same rounds and p whether or not the account or
// room exists does the same work either way, so the answer's timing tells
// nothing. It returns the index of the first hash that matches, or -1.
// When the memory budget stays taken for the whole wait it returns
// limit.ErrBusy without hashing anything.
func (h *Hasher) Check(ctx context.Context, secret string, hashes []string, rounds int, p HashParams) (int, error) {
	rounds = max(rounds, len(hashes), 1)
	type job struct {
		p          HashParams
		salt, want []byte
	}
	jobs := make([]job, rounds)
	need := mib(p)
	for i := range jobs {
		jobs[i] = job{p: p, salt: dummySalt[:], want: nil}
		if i < len(hashes) {
			if hp, salt, want, ok := parsePHC(hashes[i]); ok {
				jobs[i] = job{p: hp, salt: salt, want: want}
			}
		}
		need = max(need, mib(jobs[i].p))
	}
	release, err := h.gate.Acquire(ctx, need)
	if err != nil {
		return -1, err
	}
	defer release()
	defer collectAfter(need)
	match := -1
	for i, j := range jobs {
		keyLen := uint32(len(j.want))
		if keyLen == 0 {
			keyLen = 32
		}
		got := argon2.IDKey([]byte(secret), j.salt, j.p.Time, j.p.Memory, j.p.Threads, keyLen)
		h.counted(j.p)
		// A dummy round compares against nothing and never matches; a
		// match does not stop the rounds, so success costs what failure does.
		if j.want != nil && subtle.ConstantTimeCompare(got, j.want) == 1 && match < 0 {
			match = i
		}
	}
	return match, nil
}

// dummySalt salts the rounds that have no stored hash to compare with.
var dummySalt = [16]byte{'a', 'n', 'j', 'u', '-', 't', 'i', 'm', 'i', 'n', 'g', '-', 's', 'a', 'l', 't'}

func (h *Hasher) counted(p HashParams) {
	h.mu.Lock()
	h.count[p]++
	h.mu.Unlock()
}

// Evaluations tells how many argon2 evaluations the hasher ran, per
// parameter set: tests compare them between sign-in paths.
func (h *Hasher) Evaluations() map[HashParams]int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[HashParams]int64, len(h.count))
	for k, v := range h.count {
		out[k] = v
	}
	return out
}

// Hash returns the PHC string of a new secret (an account's password, a
// household's code) within the same memory budget as the checks.
func (h *Hasher) Hash(ctx context.Context, secret string, p HashParams) (string, error) {
	release, err := h.gate.Acquire(ctx, mib(p))
	if err != nil {
		return "", err
	}
	defer release()
	defer collectAfter(mib(p))
	h.counted(p)
	return Hash(secret, p)
}

// Verify tells whether secret matches the PHC string encoded, within the budget.
func (h *Hasher) Verify(ctx context.Context, secret, encoded string) (bool, error) {
	i, err := h.Check(ctx, secret, []string{encoded}, 1, PasswordParams)
	return i == 0, err
}

// collectAfter runs the garbage collector after a hash of a staff password's
// size, while its share of the budget is still held: argon2 leaves its whole
// memory behind as garbage, and the next hash then reuses it instead of the
// heap growing to several budgets before the collector's own next turn
// (30 sign-ins at once peaked at 353 MiB without this).
func collectAfter(mib int64) {
	if mib >= int64(PasswordParams.Memory/1024) {
		runtime.GC()
	}
}
