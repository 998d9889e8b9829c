package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestRunToolMeasures(t *testing.T) {
	// perl allocates ~50 MB and keeps it: the peak RSS must show it, and
	// not the size of the test process (see timeTool).
	r, err := runTool(context.Background(), t.TempDir(), []string{"BENCH_TEST=yes"}, true,
		"perl", "-e", `my $s = "x" x (50*1024*1024); print length($s), " $ENV{BENCH_TEST}\n";`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(r.Stdout)); got != "52428800 yes" {
		t.Errorf("stdout %q", got)
	}
	if r.MaxRSS < 50<<20 || r.MaxRSS > 200<<20 {
		t.Errorf("peak RSS %d bytes, want about 50-100 MB", r.MaxRSS)
	}
	if r.Wall <= 0 || r.User+r.Sys <= 0 {
		t.Errorf("no time measured: %+v", r)
	}

	small, err := runTool(context.Background(), t.TempDir(), nil, true, "true")
	if err != nil {
		t.Fatal(err)
	}
	if small.MaxRSS <= 0 || small.MaxRSS > 20<<20 {
		t.Errorf("peak RSS of true: %d bytes, want a few MB at most", small.MaxRSS)
	}
}

func TestRunToolReportsFailure(t *testing.T) {
	_, err := runTool(context.Background(), t.TempDir(), nil, true, "sh", "-c", "echo broken >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("err = %v, want the exit status with stderr", err)
	}
	if _, err := runTool(context.Background(), t.TempDir(), nil, false, "no-such-tool-here"); err == nil {
		t.Fatal("a missing program ran")
	}
}

func TestRunToolTimeoutStopsTheTool(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	// Under GNU time the tool is a grandchild: killing time alone would
	// leave sleep holding stdout, and Wait would only give up after WaitDelay.
	_, err := runTool(ctx, t.TempDir(), nil, true, "sleep", "30")
	if err == nil {
		t.Fatal("a stopped tool reported success")
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Fatalf("runTool returned after %s: the tool was not stopped with its process group", took)
	}
}
