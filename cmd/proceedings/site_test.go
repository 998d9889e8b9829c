package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/event"
)

func TestAnnounceEndedDaysOnceAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	body := strings.Replace(minimalConfig, "    public: true\n", "    public: true\n    announce_logs: true\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "bot.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	defer slog.SetDefault(slog.Default())
	open := func() archive.Store {
		s, err := openSession(ctx, globalOptions{configPath: filepath.Join(dir, "bot.yaml")}, io.Discard, readWrite)
		if err != nil {
			t.Fatal(err)
		}
		return s.db
	}
	db := open()
	cfg, err := config.Load(filepath.Join(dir, "bot.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{time.Date(2026, 2, 2, 14, 0, 0, 0, time.UTC), time.Date(2026, 2, 2, 23, 30, 0, 0, time.UTC)} {
		if _, err := db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "alice", Text: "hi", Time: at}); err != nil {
			t.Fatal(err)
		}
	}
	var said []string
	say := func(network, target, text string) error {
		said = append(said, network+" "+target+" "+text)
		return nil
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	london, _ := time.LoadLocation("Europe/London")
	// Still Monday in London: nothing to say.
	announceEndedDays(ctx, cfg, db, time.Date(2026, 2, 2, 23, 59, 0, 0, london), say, quiet)
	if len(said) != 0 {
		t.Fatalf("announced before the day ended: %q", said)
	}
	tuesday := time.Date(2026, 2, 3, 0, 0, 5, 0, london)
	announceEndedDays(ctx, cfg, db, tuesday, say, quiet)
	announceEndedDays(ctx, cfg, db, tuesday.Add(5*time.Minute), say, quiet)
	want := "testnet #techrights IRC Proceedings: Monday, February 02, 2026 — https://irc.example.org/testnet/techrights/2026-02-02.html"
	if len(said) != 1 || said[0] != want {
		t.Fatalf("said %q, want once %q", said, want)
	}
	// A restart does not say it again.
	db.Close()
	db = open()
	defer db.Close()
	announceEndedDays(ctx, cfg, db, tuesday.Add(time.Hour), say, quiet)
	if len(said) != 1 {
		t.Fatalf("announced again after a restart: %q", said)
	}
	// A day without lines is not announced, and Wednesday's turn is remembered.
	announceEndedDays(ctx, cfg, db, time.Date(2026, 2, 4, 0, 1, 0, 0, london), say, quiet)
	if len(said) != 1 {
		t.Fatalf("announced an empty day: %q", said)
	}
}
