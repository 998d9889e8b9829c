package main

import (
	"context"
	"os"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

func TestRenderCommand(t *testing.T) {
	dir := writeConfig(t, `nick: proceedings
server: {host: 127.0.0.1, port: 6667, tls: false}
network: testnet
channels:
  - name: "#techrights"
    public: true
    description: "The channel of the site"
  - name: "#staff"
archive: data/archive.db
site:
  base_url: "https://irc.example.org/"
  timezone: Europe/London
`)
	london, _ := time.LoadLocation("Europe/London")
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "data/archive.db"), archive.Options{Location: london})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 2, 14, 3, 11, 0, london)
	for i, ev := range []event.Event{
		{Channel: "#techrights", Kind: event.KindMessage, Nick: "alice", Text: "hello there"},
		{Channel: "#techrights", Kind: event.KindMessage, Nick: "bob", Text: "next day", Time: at.Add(24 * time.Hour)},
		{Channel: "#staff", Kind: event.KindMessage, Nick: "carol", Text: "STAFF-ONLY plans"},
	} {
		ev.Network = "testnet"
		if ev.Time.IsZero() {
			ev.Time = at.Add(time.Duration(i) * time.Second)
		}
		if _, err := db.Append(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	out, errOut, code := call(t, renderSite, renderOptions{global: configIn(dir)})
	if code != 0 || !strings.Contains(out, "rendered every day: 2 channel-days, 2 lines") {
		t.Fatalf("render: code %d, out %q, stderr %q", code, out, errOut)
	}
	page, err := os.ReadFile(filepath.Join(dir, "public/testnet/techrights/2026-02-02.html"))
	if err != nil || !strings.Contains(string(page), "<title>IRC Proceedings: Monday, February 02, 2026</title>") {
		t.Fatalf("day page: %v\n%s", err, page)
	}
	filepath.WalkDir(filepath.Join(dir, "public"), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			data, _ := os.ReadFile(p)
			if strings.Contains(p, "staff") || strings.Contains(string(data), "STAFF-ONLY") || strings.Contains(string(data), "#staff") {
				t.Errorf("%s shows the private channel", p)
			}
		}
		return nil
	})

	out, _, code = call(t, renderSite, renderOptions{global: configIn(dir)})
	if code != 0 || !strings.HasPrefix(out, "nothing changed since the last render") {
		t.Fatalf("second render: code %d, out %q", code, out)
	}
	out, _, code = call(t, renderSite, renderOptions{global: configIn(dir), full: true})
	if code != 0 || !strings.Contains(out, "rendered every day: 2 channel-days") {
		t.Fatalf("render --full: code %d, out %q", code, out)
	}
	missing := globalOptions{configPath: filepath.Join(dir, "missing.yaml")}
	if _, errOut, code := call(t, renderSite, renderOptions{global: missing}); code == 0 || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("render with a missing config: code %d, stderr %q", code, errOut)
	}
}
