// Package limit bounds the work that costs the server much memory or CPU per
// request — argon2 hashing of passwords and household codes, decoding and
// re-encoding uploaded images — so that a burst of such requests waits a moment
// for its turn and is then refused with a 503 and Retry-After, instead of
// taking the server's memory or starving every other request.
//
// A Gate is per process: it protects this instance's memory, which is the
// resource at stake, so it is not instance-local state in the sense of data
// that other instances would need to see.
package limit

import (
	"context"
	"errors"
	"runtime"
	"time"

	"golang.org/x/sync/semaphore"

	"anju/server/problem"
)

// Gate admits at most Size units of work at once; a request that cannot get
// its units within Wait is refused.
type Gate struct {
	sem  *semaphore.Weighted
	size int64
	wait time.Duration
}

// NewGate returns a gate of size units (at least 1) whose callers wait at most wait.
func NewGate(size int64, wait time.Duration) *Gate {
	size = max(size, 1)
	return &Gate{sem: semaphore.NewWeighted(size), size: size, wait: wait}
}

// Cores is the usual size of a CPU-bound gate: the cores Go may use.
func Cores() int64 { return int64(runtime.GOMAXPROCS(0)) }

// Size is how many units the gate admits at once.
func (g *Gate) Size() int64 { return g.size }

// ErrBusy is what a refused caller gets: a 503 telling the client when to retry.
var ErrBusy = problem.Unavailable("server_busy", 5*time.Second,
	"The server is busy with other requests right now. Please try again in a few seconds.")

// Acquire takes n units (a request larger than the gate takes all of it),
// waiting at most the gate's wait. On success the caller must call release
// exactly once. When the wait runs out it returns ErrBusy; when ctx ends first,
// ctx's error.
func (g *Gate) Acquire(ctx context.Context, n int64) (release func(), err error) {
	n = min(max(n, 1), g.size)
	wait, cancel := context.WithTimeout(ctx, g.wait)
	defer cancel()
	if err := g.sem.Acquire(wait, n); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, ErrBusy
		}
		return nil, err
	}
	return func() { g.sem.Release(n) }, nil
}

// Do runs fn holding n units.
func (g *Gate) Do(ctx context.Context, n int64, fn func() error) error {
	release, err := g.Acquire(ctx, n)
	if err != nil {
		return err
	}
	defer release()
	return fn()
}
