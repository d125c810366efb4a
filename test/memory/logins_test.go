// Package memory_test measures the server process's memory under sign-in
// bursts (issue 9, section 2): each staff password check takes 64 MiB of
// argon2 memory, and 30 of them at once once took the server from 47 MiB to
// 1.8 GiB.
//
// The server runs as its own process, built with plain `go build` (a binary
// built with -race, as `make test` builds test binaries, keeps shadow memory
// for everything argon2 touches and would measure the race detector), started
// with `anju serve` on SQLite in a temporary folder, with a staff account
// created by `anju admin create`: what is measured is the server alone, as
// shipped.
package memory_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"anju/test/testbin"
)

// limitMiB is the most the server may hold at its peak.
const limitMiB = 400

func TestThirtyParallelStaffSignInsStayWithinMemory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the peak memory from /proc/<pid>/status")
	}
	dir := t.TempDir()
	bin := testbin.Build(t, dir, filepath.Join("..", ".."))
	addr := testbin.FreeAddr(t)
	// The hashing budget is pinned to what a 2-core server gets by default
	// (64 MiB per core), so the figure does not depend on the machine.
	env := append(os.Environ(), "ANJU_DATABASE_URL="+filepath.Join(dir, "anju.db"), "ANJU_FILES_DIR="+filepath.Join(dir, "files"),
		"ANJU_HTTP_ADDR="+addr, "ANJU_PUBLIC_URL=http://"+addr, "ANJU_LOG_LEVEL=warn", "ANJU_HASH_MEMORY_MIB=128")
	admin := exec.Command(bin, "admin", "create", "--username", "memtest", "--password", "memtest-password")
	admin.Dir, admin.Env = dir, env
	if out, err := admin.CombinedOutput(); err != nil {
		t.Fatalf("anju admin create: %v\n%s", err, out)
	}
	var logs bytes.Buffer
	srv := exec.Command(bin, "serve")
	srv.Dir, srv.Env, srv.Stdout, srv.Stderr = dir, env, &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	testbin.WaitReady(t, "http://"+addr)
	idle := vmHWM(t, srv.Process.Pid)

	const n = 30
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	began := time.Now()
	for range n {
		wg.Go(func() {
			<-start
			body := strings.NewReader(`{"username":"memtest","password":"memtest-password"}`)
			res, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json", body)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("sign-in: %v", err)
				return
			}
			_ = res.Body.Close()
			statuses[res.StatusCode]++
		})
	}
	close(start)
	wg.Wait()
	took := time.Since(began)
	peak := vmHWM(t, srv.Process.Pid)
	t.Logf("%d parallel staff sign-ins from one address in %s: answers %v; server peak memory (VmHWM) %d MiB (%d MiB before the burst); limit %d MiB",
		n, took.Round(time.Millisecond), statuses, peak, idle, limitMiB)
	if statuses[http.StatusOK] == 0 {
		t.Errorf("no sign-in succeeded: %v", statuses)
	}
	for code, count := range statuses {
		if code != http.StatusOK && code != http.StatusServiceUnavailable && code != http.StatusTooManyRequests {
			t.Errorf("%d answers %d: a busy server answers 503 or 429", count, code)
		}
	}
	if peak >= limitMiB {
		t.Errorf("the server peaked at %d MiB under %d parallel staff sign-ins; it must stay under %d MiB", peak, n, limitMiB)
	}
}

// vmHWM is the process's peak resident memory in MiB.
func vmHWM(t *testing.T, pid int) int {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kib, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatalf("VmHWM: %q", rest)
			}
			return kib / 1024
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
