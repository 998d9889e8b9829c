package bot

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"proceedings/config"
)

func drain(w *writer) []string {
	var out []string
	for {
		l, ok := w.pop()
		if !ok {
			return out
		}
		out = append(out, l.line)
	}
}

// TestWriterOrder: control lines first, then channels, then private
// lines, then WHO; within a priority the targets take turns.
func TestWriterOrder(t *testing.T) {
	w := newWriter(rate.Inf, 1, 100)
	for i := range 3 {
		w.push(outLine{prio: prioPrivate, key: "alice", line: fmt.Sprintf("alice %d", i)})
		w.push(outLine{prio: prioPrivate, key: "bob", line: fmt.Sprintf("bob %d", i)})
	}
	w.push(outLine{prio: prioStranger, key: "zed", line: "zed 0"})
	w.push(outLine{prio: prioWho, key: "#c", line: "WHO #c"})
	w.pushOnce(outLine{prio: prioWho, key: "#c", line: "WHO #c again"})
	w.push(outLine{prio: prioChannel, key: "#a", line: "#a 0"})
	w.push(outLine{prio: prioChannel, key: "#a", line: "#a 1"})
	w.push(outLine{prio: prioChannel, key: "#b", line: "#b 0"})
	w.push(outLine{prio: prioControl, line: "JOIN #x"})
	want := []string{"JOIN #x", "#a 0", "#b 0", "#a 1", "alice 0", "bob 0", "alice 1", "bob 1", "alice 2", "bob 2", "WHO #c", "zed 0"}
	if got := drain(w); !slices.Equal(got, want) {
		t.Errorf("sent %q,\nwant %q", got, want)
	}
	if w.len() != 0 {
		t.Errorf("%d lines left", w.len())
	}
}

// TestWriterSheds: a full queue sheds the lowest priority first, and a
// line of the lowest priority waiting is itself shed; both are counted.
func TestWriterSheds(t *testing.T) {
	w := newWriter(rate.Inf, 1, 4)
	w.push(outLine{prio: prioPrivate, key: "a", line: "p1"})
	w.push(outLine{prio: prioPrivate, key: "a", line: "p2"})
	w.push(outLine{prio: prioWho, key: "#c", line: "who"})
	w.push(outLine{prio: prioChannel, key: "#c", line: "c1"})
	if !w.push(outLine{prio: prioChannel, key: "#c", line: "c2"}) { // sheds the WHO
		t.Fatal("a channel line was refused while a WHO waited")
	}
	if !w.push(outLine{prio: prioControl, line: "JOIN"}) { // sheds p2
		t.Fatal("a control line was refused while private lines waited")
	}
	if w.push(outLine{prio: prioPrivate, key: "b", line: "p3"}) {
		t.Fatal("a private line was taken into a queue full of higher priorities… and p1")
	}
	if got, want := drain(w), []string{"JOIN", "c1", "c2", "p1"}; !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}
	if got := w.shed.Load(); got != 3 {
		t.Errorf("shed %d lines, want 3", got)
	}
}

// TestWriterCapsPrivate: no more than maxPrivate lines to strangers wait;
// past that a new one takes the place of the one whose turn is next (shed,
// counted), while lines to channels and to nicks in a channel with the bot
// are still taken, up to their own maxPrivate, past which a new one is
// shed.
func TestWriterCapsPrivate(t *testing.T) {
	w := newWriter(rate.Inf, 1, 100)
	for i := range maxPrivate {
		if !w.push(outLine{prio: prioStranger, key: fmt.Sprintf("n%d", i), line: fmt.Sprintf("s%d", i)}) {
			t.Fatalf("line %d to a stranger refused", i)
		}
	}
	if !w.push(outLine{prio: prioStranger, key: "late", line: "late"}) {
		t.Error("the newest line to a stranger was refused")
	}
	if got := w.queues[prioStranger].len(); got != maxPrivate {
		t.Errorf("%d lines to strangers wait, want %d", got, maxPrivate)
	}
	if !w.push(outLine{prio: prioChannel, key: "#c", line: "c"}) {
		t.Error("a channel line was refused")
	}
	for i := range maxPrivate {
		if !w.push(outLine{prio: prioPrivate, key: fmt.Sprintf("m%d", i), line: fmt.Sprintf("p%d", i)}) {
			t.Fatalf("private line %d to a channel member refused while strangers' lines filled their places", i)
		}
	}
	if w.push(outLine{prio: prioPrivate, key: "late", line: "late"}) {
		t.Error("a private line was taken past maxPrivate")
	}
	if got := w.shed.Load(); got != 2 {
		t.Errorf("shed %d lines, want 2", got)
	}
	var got []string
	for {
		l, ok := w.pop()
		if !ok {
			break
		}
		if l.prio == prioStranger {
			got = append(got, l.line)
		}
	}
	if len(got) != maxPrivate || got[0] != "s1" || got[len(got)-1] != "late" {
		t.Errorf("lines to strangers sent: %q, want s1…s%d and late (s0 shed)", got, maxPrivate-1)
	}
}

// TestWriterDropKey: the lines to a nick that is gone are dropped,
// counted as expired, and the other targets keep their turns.
func TestWriterDropKey(t *testing.T) {
	w := newWriter(rate.Inf, 1, 100)
	for i := range 2 {
		w.push(outLine{prio: prioPrivate, key: "alice", line: fmt.Sprintf("alice %d", i)})
		w.push(outLine{prio: prioPrivate, key: "bob", line: fmt.Sprintf("bob %d", i)})
	}
	w.push(outLine{prio: prioChannel, key: "#a", line: "#a 0"})
	if got := w.dropKey("alice"); got != 2 {
		t.Errorf("dropKey(alice) dropped %d lines, want 2", got)
	}
	if got := w.dropKey("carol"); got != 0 {
		t.Errorf("dropKey(carol) dropped %d lines, want 0", got)
	}
	if got, want := drain(w), []string{"#a 0", "bob 0", "bob 1"}; !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}
	if n := w.expired.Load(); n != 2 {
		t.Errorf("%d lines counted as expired, want 2", n)
	}
	if w.len() != 0 {
		t.Errorf("%d lines left", w.len())
	}
}

// TestWriterPaces: after its burst the writer sends one line per interval,
// and an answer queued while it waits goes before older private lines.
func TestWriterPaces(t *testing.T) {
	w := newWriter(rate.Every(20*time.Millisecond), 2, 100)
	for i := range 6 {
		w.push(outLine{prio: prioPrivate, key: fmt.Sprint("n", i), line: fmt.Sprint("private ", i)})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sent := make(chan string, 100)
	start := time.Now()
	go w.run(ctx, func(l outLine) { sent <- l.line })
	var got []string
	for range 3 {
		got = append(got, <-sent)
	}
	w.push(outLine{prio: prioChannel, key: "#c", line: "answer"})
	for range 4 {
		got = append(got, <-sent)
	}
	if elapsed := time.Since(start); elapsed < 60*time.Millisecond {
		t.Errorf("7 lines with a burst of 2 at one per 20 ms took %v", elapsed)
	}
	if i := slices.Index(got, "answer"); i < 0 || i > 4 {
		t.Errorf("the channel answer came %d-th in %q", i, got)
	}
}

func TestOutputPace(t *testing.T) {
	for _, c := range []struct {
		in    config.Rate
		every time.Duration
		burst int
	}{
		{config.DefaultOutput, 1500 * time.Millisecond, 5},
		{config.Rate{N: 1000, Per: time.Second}, time.Millisecond, 1000},
	} {
		if every, burst := outputPace(c.in); every != c.every || burst != c.burst {
			t.Errorf("outputPace(%v) = %v, %d; want %v, %d", c.in, every, burst, c.every, c.burst)
		}
	}
}

// fakeClock is a writer's clock that a test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClockedWriter(max int) (*writer, *fakeClock) {
	c := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	w := newWriter(rate.Inf, 1, max)
	w.now = c.now
	return w, c
}

// TestWriterAging: a line that waited maxWait goes next whatever its
// priority, the oldest first, so a flood of channel answers starves
// neither private answers nor WHO; lines that did not wait so long keep
// the order of priorities.
func TestWriterAging(t *testing.T) {
	w, clock := newClockedWriter(100)
	w.push(outLine{prio: prioWho, key: "#c", line: "WHO #c"})
	clock.add(time.Second)
	w.push(outLine{prio: prioPrivate, key: "alice", line: "private"})
	clock.add(maxWait - time.Second)
	for i := range 3 {
		w.push(outLine{prio: prioChannel, key: "#c", line: fmt.Sprintf("#c %d", i)})
	}
	// The WHO waited maxWait; the private line not yet.
	if l, _ := w.pop(); l.line != "WHO #c" {
		t.Errorf("after maxWait the first line out is %q, want the WHO", l.line)
	}
	if l, _ := w.pop(); l.line != "#c 0" {
		t.Errorf("next %q, want #c 0 (the private line has not waited maxWait)", l.line)
	}
	clock.add(time.Second)
	w.push(outLine{prio: prioControl, line: "NICK x"})
	want := []string{"private", "NICK x", "#c 1", "#c 2"}
	if got := drain(w); !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}

	// A backlog that all waited maxWait takes every other turn: newer
	// lines of a higher priority are not held up behind all of it.
	for i := range 4 {
		w.push(outLine{prio: prioPrivate, key: fmt.Sprintf("n%d", i), line: fmt.Sprintf("private %d", i)})
	}
	clock.add(maxWait)
	w.push(outLine{prio: prioChannel, key: "#c", line: "announcement 1"})
	w.push(outLine{prio: prioChannel, key: "#d", line: "announcement 2"})
	want = []string{"private 0", "announcement 1", "private 1", "announcement 2", "private 2", "private 3"}
	if got := drain(w); !slices.Equal(got, want) {
		t.Errorf("behind an aged backlog: sent %q, want %q", got, want)
	}
}

// TestWriterExpires: an answer still waiting past its ttl is dropped when
// its turn comes, and counted; lines without a ttl (announcements, control
// lines) wait as long as it takes.
func TestWriterExpires(t *testing.T) {
	w, clock := newClockedWriter(100)
	w.push(outLine{prio: prioChannel, key: "#c", line: "announcement"})
	w.push(outLine{prio: prioChannel, key: "#c", line: "stale answer 1", ttl: answerTTL})
	w.push(outLine{prio: prioPrivate, key: "bob", line: "stale CTCP reply", ttl: answerTTL})
	w.push(outLine{prio: prioChannel, key: "#c", line: "stale answer 2", ttl: answerTTL})
	clock.add(answerTTL - time.Second)
	w.push(outLine{prio: prioChannel, key: "#d", line: "fresh answer", ttl: answerTTL})
	clock.add(2 * time.Second)
	want := []string{"announcement", "fresh answer"}
	if got := drain(w); !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}
	if n := w.expired.Load(); n != 3 {
		t.Errorf("%d lines counted as expired, want 3", n)
	}
	if w.len() != 0 {
		t.Errorf("%d lines left", w.len())
	}
}

// TestLagGate: after lagWindow lines a probe goes (at most one every
// probeEvery); no more than 2×lagWindow lines go ahead of the last probe
// answered; an answer or a reset (the connection is gone) opens the gate.
// A probe lost for probeLost opens the gate for good on a connection that
// never answered one, and is asked again, the gate shut, on one that did.
// A probe that cannot be sent (not registered) gates nothing.
func TestLagGate(t *testing.T) {
	var g lagGate
	var probes []string
	g.probe = func(token string) bool { probes = append(probes, token); return true }
	now := time.Now()
	open := func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		return g.wait(ctx) == nil
	}
	lost := func() {
		g.mu.Lock()
		g.sentAt = time.Now().Add(-probeLost - time.Second)
		g.mu.Unlock()
	}
	for i := range 2 * lagWindow {
		if !open() {
			t.Fatalf("the gate is shut after %d lines", i)
		}
		g.sent(now)
	}
	if len(probes) != 1 || probes[0] != probePrefix+"1" {
		t.Fatalf("probes %q after %d lines, want one", probes, 2*lagWindow)
	}
	if open() {
		t.Fatalf("%d lines went with the probe unanswered; the gate is open", 2*lagWindow)
	}
	g.ack("proceedings-lag-7") // not the probe in flight
	g.ack("something else")
	if open() {
		t.Fatal("the gate opened for a PONG that is not the probe's")
	}
	g.ack(probes[0])
	if !open() {
		t.Fatal("the gate is shut after its probe was answered")
	}
	g.sent(now.Add(time.Second)) // lagWindow+1 unanswered, but too soon after the last probe
	if len(probes) != 1 {
		t.Fatalf("probes %q, want none within probeEvery of the last", probes)
	}
	g.sent(now.Add(probeEvery))
	if len(probes) != 2 {
		t.Fatalf("probes %q, want a second one after probeEvery", probes)
	}
	for range lagWindow - 2 {
		g.sent(now.Add(probeEvery))
	}
	if open() {
		t.Fatal("the gate is open with 2×lagWindow lines behind an unanswered probe")
	}
	// This connection answered a probe: a lost one is asked again, shut.
	lost()
	if open() || len(probes) != 3 {
		t.Fatalf("a lost probe on a connection that answered before: open %v, probes %q; want shut and a new probe", open(), probes)
	}
	g.ack(probes[2])
	if !open() {
		t.Fatal("the gate is shut after the new probe was answered")
	}

	// A new connection whose first probe is never answered: the gate opens
	// for good on it.
	g.reset()
	n := len(probes)
	for range 2 * lagWindow {
		g.sent(now.Add(10 * probeEvery))
	}
	if open() || len(probes) != n+1 {
		t.Fatalf("a new connection: open %v, %d probes; want shut behind one", open(), len(probes)-n)
	}
	lost()
	if !open() {
		t.Fatal("the gate is shut behind the lost first probe of a connection")
	}
	for i := range 4 * lagWindow {
		g.sent(now.Add(time.Duration(20+i) * probeEvery))
	}
	if !open() || len(probes) != n+1 {
		t.Fatalf("after a lost first probe: %d more probes, open %v; want none, and open", len(probes)-n-1, open())
	}
	g.reset()
	if !open() || g.unacked != 0 || g.token != "" || g.deaf || g.answered {
		t.Fatalf("after reset: unacked %d, token %q, deaf %v, answered %v", g.unacked, g.token, g.deaf, g.answered)
	}
	g.probe = func(string) bool { return false }
	for i := range 4 * lagWindow {
		g.sent(now.Add(time.Duration(100+i) * probeEvery))
	}
	if !open() {
		t.Fatal("the gate shut behind probes that could not be sent")
	}
}
