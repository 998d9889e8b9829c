package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"proceedings/config"
	"proceedings/event"
)

// failingSink takes n events and fails on the next, as a full disk does.
type failingSink struct{ n int }

func (s *failingSink) StartFile() {}
func (s *failingSink) Add(context.Context, event.Event) error {
	if s.n == 0 {
		return errors.New("database or disk is full")
	}
	s.n--
	return nil
}

// When the archive fails (or Ctrl-C comes) in the middle of a file, the
// line whose event was not stored is not counted as imported: the lines
// with events are the events read, and the lines not reached are said.
func TestImportStopCountsAgree(t *testing.T) {
	logDir := t.TempDir()
	writeIrssiDays(t, logDir, 2, 100) // 2 files of 101 lines
	dir := writeConfig(t, minimalConfig)
	cfg, err := config.Load(filepath.Join(dir, "bot.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := newImportRun(cfg, importOptions{channel: "#techrights", timezone: "UTC", paths: []string{logDir}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := r.plan(ctx); err != nil {
		t.Fatal(err)
	}
	const stored = 150 // the 50th line of the second file fails
	if err := r.readAll(ctx, &failingSink{n: stored}, nil); err == nil {
		t.Fatal("readAll did not stop")
	}
	if r.sum.events != stored || r.sum.lines.Events != stored || r.sum.kinds[event.KindMessage] != stored {
		t.Errorf("events read %d, lines with events %d, messages %d; want %d each",
			r.sum.events, r.sum.lines.Events, r.sum.kinds[event.KindMessage], stored)
	}
	// 101 lines of the first file; the header and 50 lines of the second.
	if r.sum.lines.Lines != 101+51 {
		t.Errorf("lines read %d, want %d", r.sum.lines.Lines, 101+51)
	}
	var b strings.Builder
	r.sum.print(&b, time.Second)
	if !strings.Contains(b.String(), "lines not reached: 50, the rest of "+r.files[1].path) {
		t.Errorf("the summary does not say what was not reached:\n%s", b.String())
	}
}
