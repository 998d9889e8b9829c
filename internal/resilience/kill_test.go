package resilience

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive/sqlite"
	"proceedings/event"
	"strings"
	"testing"
	"time"

	"proceedings/bot"
	"proceedings/internal/ircserver"
)

// TestKillRounds kills the bot (the real binary) with SIGKILL at a random
// moment of a burst (once it has acknowledged a random number of the
// burst's lines, from 5 % to 70 %), and starts it again, for 3 rounds (10
// with -soak).
// After every kill the archive passes integrity_check, holds every event
// that was durable just before the kill (read from the file) and at least
// as many of the round's events as the bot had acknowledged (/healthz
// events_recorded), and the round's lines are recorded once each, in
// order, with no hole. Each restart writes one gap; a last bot stops
// cleanly on SIGTERM; `proceedings render` renders the result.
func TestKillRounds(t *testing.T) {
	t.Parallel()
	rounds := 3
	if *soak {
		rounds = 10
	}
	s := *seed
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("random kill moments from seed %d (go test -run TestKillRounds -args -seed %d repeats them)", s, s)
	rng := rand.New(rand.NewPCG(s, 0))

	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "archive.db")
	cfgPath := botConfig{Dir: dir, Server: srv.Addr(), Channels: []string{"#k"}}.write(t)
	sender := ircserver.Dial(t, srv.Addr(), "sender")
	sender.Join("#k")

	burst := 2000
	if raceEnabled {
		burst = 1000
	}
	const pace = time.Millisecond // between two lines of a burst
	var db *sqlite.DB
	for r := 1; r <= rounds; r++ {
		var before int64 // the last event id of the rounds before
		if db != nil {
			if evs := logOf(t, db, "#k"); len(evs) > 0 {
				before = evs[len(evs)-1].ID
			}
		}
		b := startBot(t, cfgPath)
		b.waitHealth(30*time.Second, fmt.Sprintf("round %d: the bot in #k", r), joined("#k"))
		if db == nil {
			db = openArchive(t, dbPath)
		}

		// The kill comes at a random moment of the burst: once the bot has
		// acknowledged a random number of its lines. /healthz then says what
		// the bot acknowledged, the file what is durable, and then SIGKILL.
		killAfter := burst/20 + rng.IntN(burst*13/20)
		roundStart := time.Now().Add(-time.Second)
		st0, err := b.health()
		if err != nil {
			t.Fatal(err)
		}
		var (
			st      bot.Status
			durable []event.Event
			killErr error
			killed  = make(chan struct{})
		)
		go func() {
			defer close(killed)
			poll := time.NewTicker(time.Millisecond)
			defer poll.Stop()
			deadline := time.After(time.Minute)
			for killErr == nil && st.EventsRecorded < st0.EventsRecorded+int64(killAfter) {
				select {
				case <-poll.C:
					st, killErr = b.health()
				case <-deadline:
					killErr = fmt.Errorf("the bot acknowledged %d events in a minute, not %d", st.EventsRecorded-st0.EventsRecorded, killAfter)
				}
			}
			if killErr == nil {
				if st, killErr = b.health(); killErr == nil {
					durable, killErr = readLog(context.Background(), db, "#k", roundStart)
				}
			}
			killErr = errors.Join(killErr, b.cmd.Process.Kill())
		}()
		tick := time.NewTicker(pace)
		for i := range burst {
			<-tick.C
			sender.Send("PRIVMSG #k :k%d %04d", r, i)
		}
		tick.Stop()
		<-killed
		<-b.exited
		if killErr != nil {
			t.Fatalf("round %d: the kill: %v", r, killErr)
		}

		if err := db.IntegrityCheck(context.Background()); err != nil {
			t.Fatalf("round %d: after kill -9: %v", r, err)
		}
		after := logOf(t, db, "#k")
		byID := map[int64]event.Event{}
		var thisRound int64
		for _, ev := range after {
			byID[ev.ID] = ev
			if ev.ID > before {
				thisRound++
			}
		}
		lost := 0
		for _, ev := range durable {
			if got, ok := byID[ev.ID]; !ok || got.Text != ev.Text || got.Kind != ev.Kind || got.Nick != ev.Nick {
				lost++
				if lost <= 5 {
					t.Errorf("round %d: %s was in the archive before the kill, after it: %s", r, describe(ev), describe(got))
				}
			}
		}
		if thisRound < st.EventsRecorded {
			t.Errorf("round %d: the bot had acknowledged %d events, the archive holds %d of the round", r, st.EventsRecorded, thisRound)
		}
		lines := 0
		prefix := fmt.Sprintf("k%d ", r)
		for _, ev := range messagesFrom(after, "sender") {
			if !strings.HasPrefix(ev.Text, prefix) {
				continue
			}
			if want := fmt.Sprintf("k%d %04d", r, lines); ev.Text != want {
				t.Fatalf("round %d: line %d is %s, want %q", r, lines, describe(ev), want)
			}
			lines++
		}
		t.Logf("round %d: killed after %d of %d lines were acknowledged; %d of its lines recorded, %d events acknowledged, %d recent events durable before the kill, %d of them lost",
			r, killAfter, burst, lines, st.EventsRecorded-st0.EventsRecorded, len(durable), lost)
		if lines == 0 || lines >= burst {
			t.Errorf("round %d: %d of %d lines recorded: the kill did not come during the burst", r, lines, burst)
		}
	}

	// A last bot: it marks the gap, records and stops cleanly.
	b := startBot(t, cfgPath)
	b.waitHealth(30*time.Second, "the last bot in #k", joined("#k"))
	sender.Send("PRIVMSG #k :after the kills")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if res := <-watchCounts(ctx, db, []string{"#k"}, "after the kills", time.Now().Add(-time.Minute), 1); res.err != nil {
		t.Fatal(res.err)
	}
	b.stop()
	all := logOf(t, db, "#k")
	checkOnce(t, all)
	gaps := 0
	for _, ev := range all {
		if ev.Kind == event.KindGap {
			gaps++
		}
	}
	if gaps != rounds {
		t.Errorf("%d gap events after %d kills, want one per restart", gaps, rounds)
	}

	// The archive renders.
	cmd := exec.Command(binary, "render", "-c", cfgPath)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("proceedings render: %v\n%s", err, out.String())
	}
	var pages int
	var found bool
	err := filepath.WalkDir(filepath.Join(dir, "public"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".html" {
			return err
		}
		pages++
		page, err := os.ReadFile(path)
		found = found || bytes.Contains(page, []byte("k1 0000")) && bytes.Contains(page, []byte("after the kills"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Errorf("no page of the %d rendered has the first and the last line; render said:\n%s", pages, out.String())
	}
	t.Logf("render: %s", strings.TrimSpace(out.String()))
}
