// Package testbin runs the server as shipped, in its own process, for the
// tests that measure or crash a process (test/memory, test/crash): built with
// plain `go build` (a -race binary would measure the race detector), started
// with `anju serve`, waited for until /readyz answers.
package testbin

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Build compiles the server into dir, without the race detector, and returns
// the binary's path. root is the repository, relative to the test's folder.
func Build(t *testing.T, dir, root string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(dir, "anju")
	// The flags of `make server`, so that its build cache serves this one.
	cmd := exec.Command(goTool, "build", "-trimpath", "-o", bin, "./server")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./server: %v\n%s", err, out)
	}
	return bin
}

// FreeAddr returns a loopback address with a port nobody listens on.
func FreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// WaitReady waits up to a minute for base's /readyz to answer 200.
func WaitReady(t *testing.T, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for ctx.Err() == nil {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the server did not become ready within a minute")
}
