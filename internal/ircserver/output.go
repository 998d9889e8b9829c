package ircserver

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// Output collects the output of a process a test runs (a server, the bot,
// a logging client), for waiting on what it says and for failure messages.
// It keeps the last limit bytes (everything when limit is 0) and signals
// every write on Changed. It is safe for concurrent use.
type Output struct {
	mu      sync.Mutex
	buf     []byte
	limit   int
	changed chan struct{} // capacity 1: "something was written"
}

// NewOutput returns an Output that keeps the last limit bytes written, or
// everything when limit is 0.
func NewOutput(limit int) *Output {
	return &Output{limit: limit, changed: make(chan struct{}, 1)}
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	o.buf = append(o.buf, p...)
	if over := len(o.buf) - o.limit; o.limit > 0 && over > 0 {
		o.buf = append(o.buf[:0], o.buf[over:]...)
	}
	o.mu.Unlock()
	select {
	case o.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

// String returns what was kept.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}

// Changed receives after writes: at least once after the last one.
func (o *Output) Changed() <-chan struct{} { return o.changed }

// Tail returns the end of the output, short enough for a failure message.
func (o *Output) Tail() string { return Tail(o.String()) }

// WaitFor waits until the output contains s, and calls t.Fatal with the
// output's tail when it does not within timeout.
func (o *Output) WaitFor(t testing.TB, timeout time.Duration, s string) {
	t.Helper()
	deadline := time.After(timeout)
	for !strings.Contains(o.String(), s) {
		select {
		case <-o.changed:
		case <-deadline:
			t.Fatalf("the output never said %q within %v:\n%s", s, timeout, o.Tail())
		}
	}
}

// Tail returns the end of a process's output, short enough for a test
// failure message.
func Tail(out string) string {
	const max = 16 << 10
	if len(out) <= max {
		return out
	}
	return "…" + out[len(out)-max:]
}
