package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
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

// A bot with site.render false renders nothing (another process renders
// the site) but still says the link of the day that ended; with the key
// absent it renders.
func TestSiteLoopRendersOnlyWhenAsked(t *testing.T) {
	for _, render := range []bool{false, true} {
		t.Run(fmt.Sprintf("render=%v", render), func(t *testing.T) {
			dir := t.TempDir()
			body := strings.Replace(minimalConfig, "    public: true\n", "    public: true\n    announce_logs: true\n", 1)
			body = strings.Replace(body, "  timezone: Europe/London\n", "  timezone: UTC\n", 1)
			if !render {
				body += "  render: false\n"
			}
			path := filepath.Join(dir, "bot.yaml")
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Site.Render != render {
				t.Fatalf("site.render = %v, want %v", cfg.Site.Render, render)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := openSession(ctx, globalOptions{configPath: path}, io.Discard, readWrite)
			if err != nil {
				t.Fatal(err)
			}
			defer s.db.Close()
			yesterday := time.Now().UTC().AddDate(0, 0, -1)
			if _, err := s.db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "alice", Text: "hi", Time: yesterday}); err != nil {
				t.Fatal(err)
			}
			said := make(chan string, 4)
			say := func(network, target, text string) error {
				said <- text
				return nil
			}
			var live atomic.Pointer[config.Config]
			live.Store(cfg)
			done := make(chan struct{})
			go func() {
				defer close(done)
				siteLoop(ctx, &live, s.db, say, slog.New(slog.NewTextHandler(io.Discard, nil)))
			}()
			link := "https://irc.example.org/testnet/techrights/" + yesterday.Format("2006-01-02") + ".html"
			select {
			case text := <-said:
				if !strings.HasSuffix(text, link) {
					t.Errorf("said %q, want the link %s", text, link)
				}
			case <-ctx.Done():
				t.Fatal("the ended day was not announced")
			}
			cancel()
			<-done
			_, err = os.Stat(filepath.Join(cfg.Site.Out, "testnet", "techrights", yesterday.Format("2006-01-02")+".html"))
			switch {
			case render && err != nil:
				t.Errorf("the bot did not render the day page: %v", err)
			case !render && !os.IsNotExist(err):
				t.Errorf("with site.render false the bot wrote the site (%v)", err)
			}
			if !render {
				if _, err := os.Stat(cfg.Site.Out); !os.IsNotExist(err) {
					t.Errorf("with site.render false the bot made %s (%v)", cfg.Site.Out, err)
				}
			}
		})
	}
}
