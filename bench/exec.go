package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// toolRun is what one run of an external program cost.
type toolRun struct {
	Wall      time.Duration
	User, Sys time.Duration
	MaxRSS    int64 // peak resident set in bytes; 0 when not measured
	Stdout    []byte
}

// timeTool is GNU time (Debian package "time"). It is needed for peak RSS:
// the rusage a Go parent reads for its child is wrong for that purpose,
// because Go starts children with vfork, and Linux carries the parent's
// peak RSS over into the child's ru_maxrss at exec. (Every tool appeared
// to peak at exactly the bench process's own size.) GNU time is a small
// process that forks normally, so the figure it reads is the tool's own.
const timeTool = "/usr/bin/time"

func haveTimeTool() bool {
	_, err := os.Stat(timeTool)
	return err == nil
}

// noteMissingTimeTool says in the report, when GNU time is missing, why an
// area has no peak RSS rows.
func (e *env) noteMissingTimeTool() {
	if !haveTimeTool() {
		e.notef("Peak RSS is not reported: it needs GNU time (%s, Debian package `time`).", timeTool)
	}
}

// runTool runs a program to completion in dir, with extra environment
// variables, and measures it: wall time around Start/Wait, CPU time from
// rusage, and, when rss is set and GNU time is installed, peak RSS.
func runTool(ctx context.Context, dir string, env []string, rss bool, name string, args ...string) (toolRun, error) {
	var rssFile string
	if rss && haveTimeTool() {
		f, err := os.CreateTemp("", "bench-rss-*")
		if err != nil {
			return toolRun{}, err
		}
		f.Close()
		rssFile = f.Name()
		defer os.Remove(rssFile)
		args = append([]string{"-f", "%M", "-o", rssFile, name}, args...)
		name = timeTool
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	// Its own process group, so that a timeout stops the tool and not only
	// GNU time in front of it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &limited{b: &errb, n: 4096}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return toolRun{}, fmt.Errorf("start %s: %w (is it installed? make bench installs the Debian packages)", name, err)
	}
	err := cmd.Wait()
	r := toolRun{Wall: time.Since(start), Stdout: out.Bytes()}
	if ps := cmd.ProcessState; ps != nil {
		r.User, r.Sys = ps.UserTime(), ps.SystemTime()
	}
	if err != nil {
		return r, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	if rssFile != "" {
		b, err := os.ReadFile(rssFile)
		if err != nil {
			return r, fmt.Errorf("read what %s measured: %w", timeTool, err)
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			return r, fmt.Errorf("%s printed %q, not a size in kilobytes", timeTool, b)
		}
		r.MaxRSS = kb * 1024
	}
	return r, nil
}

// limited keeps the first n bytes written to it and drops the rest.
type limited struct {
	b *bytes.Buffer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if room := l.n - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
