package resilience

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/bot/commands"
	"proceedings/config"
	"proceedings/internal/ircserver"
)

// TestDiskFull fills the archive's disk while the bot records, and frees
// it again. Two ways, both with a real IRC server:
//
//   - tmpfs: the real binary with its archive on a 2 MB tmpfs that a filler
//     file fills up (real ENOSPC from the kernel); the filler is then
//     removed. Mounting needs root (CAP_SYS_ADMIN), which make test has in
//     CI: where the test may not mount, it fails and says why.
//   - max_page_count: a bot in this process whose archive is capped at its
//     size (archive.DB.SetMaxPageCount, SQLite's SQLITE_FULL) with a small
//     write queue (50 events), so that the recorder's own memory queue
//     takes the overflow; the cap is then raised.
//
// While the disk is full the bot logs the error, stays connected (no
// reconnect, /healthz ok), answers a command, loses and refuses nothing and
// holds the events; once space is back every held line is written, once,
// in order, lines after it too, the bot stops cleanly and the archive passes
// integrity_check.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	t.Run("max_page_count", func(t *testing.T) {
		t.Parallel()
		diskFull(t, startInProcess(t))
	})
	t.Run("tmpfs", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		disk := filepath.Join(dir, "disk")
		if err := os.Mkdir(disk, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=2m"); err != nil {
			t.Fatalf("cannot mount a 2 MB tmpfs at %s to fill (%v): run the tests as root or with CAP_SYS_ADMIN, as make test does in CI; the max_page_count case alone does not show the kernel's ENOSPC", disk, err)
		}
		t.Cleanup(func() {
			if err := syscall.Unmount(disk, 0); err != nil {
				t.Errorf("unmount the tmpfs: %v", err)
			}
		})
		diskFull(t, startOnTmpfs(t, dir, disk))
	})
}

// fullBot is a recording bot whose disk a test can fill and free.
type fullBot struct {
	srv     *ircserver.Server
	archive string // the archive file
	log     *ircserver.Output
	status  func() (bot.Status, error)
	fill    func(t *testing.T) // make the archive's disk full
	free    func(t *testing.T) // give the space back
	stop    func(t *testing.T) // stop the bot cleanly, or fail
	// archiveQueue, when set, says how many events wait in the archive's
	// write queue, and its bound.
	archiveQueue func() (n, bound int)
}

func diskFull(t *testing.T, fb fullBot) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waitStatus(t, fb, "the bot in #full", joined("#full"))
	db := openArchive(t, fb.archive)
	sender := ircserver.Dial(t, fb.srv.Addr(), "sender")
	sender.Join("#full")
	var sent []string
	say := func(format string, args ...any) {
		text := fmt.Sprintf(format, args...)
		sender.Send("PRIVMSG #full :%s", text)
		sent = append(sent, text)
	}
	const before, during, after = 20, 300, 20
	for i := range before {
		say("before %03d", i)
	}
	if res := <-watchCounts(ctx, db, []string{"#full"}, "before ", time.Now().Add(-time.Minute), before); res.err != nil {
		t.Fatal(res.err)
	}
	st0, err := fb.status()
	if err != nil {
		t.Fatal(err)
	}

	fb.fill(t)
	filled := time.Now()
	long := strings.Repeat(" and some more words to fill pages", 6)
	for i := range during {
		say("full %03d%s", i, long)
	}
	fb.log.WaitFor(t, time.Minute, "writing to the archive failed; keeping the events and retrying")
	fb.log.WaitFor(t, time.Minute, `"attempt":3`) // it keeps retrying
	// The bot still answers. Its answer also says that it has read every
	// line sent before the command, and so handed each to the archive.
	sender.Send("PRIVMSG #full :!help")
	sender.Expect(30*time.Second, func(l string) bool {
		return strings.HasPrefix(l, ":proceedings!") && strings.Contains(l, " PRIVMSG #full :")
	})
	st, err := fb.status()
	if err != nil {
		t.Fatal(err)
	}
	written := committed(t, db, "full ")
	if written == during {
		t.Fatalf("all %d lines were written although the disk is full", during)
	}
	switch {
	case !st.OK || st.Reconnects != st0.Reconnects:
		t.Errorf("with the disk full the bot lost its connection: %+v", st)
	case st.EventsDropped != 0 || st.EventsFailed != 0:
		t.Errorf("with the disk full the bot dropped %d and failed %d events", st.EventsDropped, st.EventsFailed)
	case st.QueueDepth == 0 || st.QueueDepth > during+2-written:
		t.Errorf("with %d of %d lines written, the queue holds %d events", written, during, st.QueueDepth)
	}
	if fb.archiveQueue != nil {
		if n, bound := fb.archiveQueue(); n > bound {
			t.Errorf("the archive's write queue holds %d events, past its bound %d", n, bound)
		}
		if _, bound := fb.archiveQueue(); st.QueueDepth > bound {
			fb.log.WaitFor(t, time.Second, "the archive's write queue is full; holding events in memory")
		}
	}
	held := st

	fb.free(t)
	freed := time.Now()
	if res := <-watchCounts(ctx, db, []string{"#full"}, "full ", filled.Add(-time.Minute), during); res.err != nil {
		t.Fatal(res.err)
	}
	resumed := time.Now()
	for i := range after {
		say("after %03d", i)
	}
	if res := <-watchCounts(ctx, db, []string{"#full"}, "after ", filled.Add(-time.Minute), after); res.err != nil {
		t.Fatal(res.err)
	}
	fb.stop(t)
	if t.Failed() {
		t.Logf("the bot's log:\n%s", fb.log.Tail())
	}
	t.Logf("disk full for %v; %d events held at most (queue depth), written %v after space came back; failed commits logged %d times",
		freed.Sub(filled).Round(time.Millisecond), held.QueueDepth, resumed.Sub(freed).Round(time.Millisecond),
		strings.Count(fb.log.String(), "writing to the archive failed"))

	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := messagesFrom(logOf(t, db, "#full"), "sender")
	var got []string
	for _, ev := range msgs {
		if !strings.HasPrefix(ev.Text, "!") {
			got = append(got, ev.Text)
		}
	}
	if len(got) != len(sent) {
		t.Fatalf("the archive holds %d of the %d lines sent", len(got), len(sent))
	}
	for i := range sent {
		if got[i] != sent[i] {
			t.Fatalf("line %d in the archive is %.30q, want %.30q", i, got[i], sent[i])
		}
	}
}

// committed counts the messages starting with prefix in #full.
func committed(t *testing.T, db archive.Store, prefix string) int {
	t.Helper()
	counts, err := countPrefix(context.Background(), db, []string{"#full"}, prefix, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return counts["#full"]
}

// waitStatus polls the bot's status until cond holds.
func waitStatus(t *testing.T, fb fullBot, what string, cond func(bot.Status) bool) bot.Status {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		st, err := fb.status()
		if err == nil && cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s; last status %+v (%v); the bot's log:\n%s", what, st, err, fb.log.Tail())
		}
		<-tick.C
	}
}

// startOnTmpfs runs the real binary with its archive on the tmpfs at disk.
func startOnTmpfs(t *testing.T, dir, disk string) fullBot {
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	path := filepath.Join(disk, "archive.db")
	b := startBot(t, botConfig{Dir: dir, Archive: path, Server: srv.Addr(), Channels: []string{"#full"}}.write(t))
	filler := filepath.Join(disk, "filler")
	return fullBot{
		srv: srv, archive: path, log: b.out,
		status: b.health,
		fill: func(t *testing.T) {
			t.Helper()
			f, err := os.Create(filler)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for _, size := range []int{64 << 10, 4 << 10, 512} {
				chunk := make([]byte, size)
				for {
					if _, err := f.Write(chunk); err != nil {
						if !errors.Is(err, syscall.ENOSPC) {
							t.Fatalf("fill the tmpfs: %v", err)
						}
						break
					}
				}
			}
			var fs syscall.Statfs_t
			if err := syscall.Statfs(disk, &fs); err != nil {
				t.Fatal(err)
			}
			info, _ := f.Stat()
			t.Logf("tmpfs filled: a %d KB filler, %d bytes left", info.Size()>>10, fs.Bavail*uint64(fs.Bsize))
		},
		free: func(t *testing.T) {
			if err := os.Remove(filler); err != nil {
				t.Fatal(err)
			}
		},
		stop: func(*testing.T) { b.stop() },
	}
}

// startInProcess runs a bot in this process, its archive capped with
// SetMaxPageCount to fill it, with a write queue of 50 events.
func startInProcess(t *testing.T) fullBot {
	const queue = 50
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	cfg, err := config.Load(botConfig{Dir: dir, Server: srv.Addr(), Channels: []string{"#full"}}.write(t))
	if err != nil {
		t.Fatal(err)
	}
	out := ircserver.NewOutput(0)
	log := slog.New(slog.NewJSONHandler(out, nil))
	ctx, cancel := context.WithCancel(context.Background())
	db, err := sqlite.Open(ctx, cfg.Archive, archive.Options{QueueSize: queue, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(cfg, db, bot.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	b.AddListener(commands.NewRouter(cfg, db, commands.Options{Nick: b.Nick, Sender: b, Logger: log}))
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	stopped := false
	stop := func(t *testing.T) {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(time.Minute):
			t.Error("Run did not return within a minute of the cancel")
		}
		if err := db.Close(); err != nil {
			t.Errorf("close the archive: %v", err)
		}
	}
	t.Cleanup(func() { stop(t) })
	return fullBot{
		srv: srv, archive: cfg.Archive, log: out,
		status:       func() (bot.Status, error) { return b.Status(), nil },
		archiveQueue: func() (int, int) { return db.QueueDepth(), queue },
		fill: func(t *testing.T) {
			pages, err := db.SetMaxPageCount(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("archive capped at its size, %d pages", pages)
		},
		free: func(t *testing.T) {
			if _, err := db.SetMaxPageCount(context.Background(), 1<<30); err != nil {
				t.Fatal(err)
			}
		},
		stop: stop,
	}
}
