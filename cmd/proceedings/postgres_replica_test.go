package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/archive/engine"
	"proceedings/event"
	"proceedings/internal/pgserver"
	"proceedings/render"
)

// replicaConfig is a bot.yaml whose archive is dsn.
func replicaConfig(dsn string) string {
	return fmt.Sprintf(`nick: proceedings
server: {host: 127.0.0.1, port: 6667, tls: false}
network: testnet
channels:
  - name: "#techrights"
    public: true
archive: %q
site:
  base_url: "https://irc.example.org/"
  timezone: UTC
  out: site
`, dsn)
}

// TestServeAndRenderFromAReadReplica is the web node of docs/scaling.md:
// proceedings serve and proceedings render on a hot standby (streaming
// replication) of the PostgreSQL the recorders write to. The standby's
// render is the primary's, file for file; serve searches what the
// primary committed, a line appended after serve started included; check
// warns that the standby takes no writes, and a write through the
// standby's configuration is refused with a message.
func TestServeAndRenderFromAReadReplica(t *testing.T) {
	ctx := context.Background()
	primary := pgserver.StartTemp(t, pgserver.Options{})
	dsn, err := primary.CreateDatabase(ctx, "archive")
	if err != nil {
		t.Fatal(err)
	}
	logs := t.TempDir()
	day := "--- Log opened Mon Feb 02 00:00:00 2026\n" +
		"09:00 <alice> the zanzibar line one\n09:01 <bob> the zanzibar line two\n09:02 <alice> the zanzibar line three\n"
	if err := os.WriteFile(filepath.Join(logs, "#techrights.2026-02-02.log"), []byte(day), 0o644); err != nil {
		t.Fatal(err)
	}
	primaryDir := writeConfig(t, replicaConfig(dsn))
	if out, errOut, code := run(t, primaryDir, "import", "--channel", "#techrights", "--timezone", "UTC", logs); code != 0 {
		t.Fatalf("import into the primary: exit %d\n%s%s", code, out, errOut)
	}

	standbyData, err := os.MkdirTemp("", "pgstandby-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(standbyData) })
	standby, err := primary.StartStandby(standbyData, pgserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(standby.Stop) // before the primary's
	replicaDSN := standby.DSN("archive")
	ro, err := engine.Open(ctx, replicaDSN, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	awaitHits(t, ro, "zanzibar", 3)

	// check says ok for both configurations, and warns about the standby
	// that run cannot record into it.
	webDir := writeConfig(t, replicaConfig(replicaDSN))
	for _, c := range []struct {
		dir     string
		standby bool
	}{{primaryDir, false}, {webDir, true}} {
		out, errOut, code := run(t, c.dir, "check")
		warned := strings.Contains(errOut, "archive: the server is a standby (a read-only replica)") && strings.Contains(errOut, "need the primary")
		if code != 0 || strings.TrimSpace(out) != "ok" || warned != c.standby {
			t.Errorf("check of %s (standby %v): exit %d, standby warning %v\n%s%s", c.dir, c.standby, code, warned, out, errOut)
		}
	}

	// The standby renders the primary's site.
	for _, dir := range []string{primaryDir, webDir} {
		if out, errOut, code := run(t, dir, "render"); code != 0 {
			t.Fatalf("render in %s: exit %d\n%s%s", dir, code, out, errOut)
		}
	}
	fromPrimary, fromStandby := readTree(t, filepath.Join(primaryDir, "site")), readTree(t, filepath.Join(webDir, "site"))
	for _, f := range []map[string][]byte{fromPrimary, fromStandby} {
		delete(f, render.StateFile)
		maps.DeleteFunc(f, func(k string, _ []byte) bool { return strings.HasPrefix(k, render.CacheDir+string(filepath.Separator)) })
	}
	if len(fromStandby) < 5 || !maps.EqualFunc(fromPrimary, fromStandby, func(a, b []byte) bool { return string(a) == string(b) }) {
		t.Errorf("the standby rendered %d files, the primary %d, not the same: %v vs %v",
			len(fromStandby), len(fromPrimary), slices.Sorted(maps.Keys(fromStandby)), slices.Sorted(maps.Keys(fromPrimary)))
	}

	// serve on the standby finds what the primary commits, later too.
	addr := freeAddr(t)
	serveCmd := exec.Command(binary, "serve", "-c", filepath.Join(webDir, "bot.yaml"), "--addr", addr, "--search-rate", "-1")
	serveOut := &lockedBuffer{changed: make(chan struct{}, 1)}
	serveCmd.Stdout, serveCmd.Stderr = serveOut, serveOut
	if err := serveCmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serveCmd.Process.Kill(); serveCmd.Wait() })
	serveOut.waitFor(t, "serving ")
	if n := serveHits(t, addr, "zanzibar"); n != 3 {
		t.Fatalf("serve on the standby finds %d lines, want 3", n)
	}
	rw, err := engine.Open(ctx, dsn, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "carol",
		Time: time.Date(2026, 2, 2, 10, 0, 0, 0, time.UTC), Text: "a later zanzibar line"}); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	deadline := time.Now().Add(30 * time.Second)
	for serveHits(t, addr, "zanzibar") != 4 {
		if time.Now().After(deadline) {
			t.Fatalf("serve on the standby never found the line appended on the primary; serve said:\n%s", serveOut.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A write through the standby is refused, and says why.
	out, errOut, code := run(t, webDir, "import", "--channel", "#techrights", "--timezone", "UTC", logs)
	if code == 0 || !strings.Contains(errOut, "the server is a standby (a read-only replica)") {
		t.Errorf("import through the standby: exit %d\n%s%s", code, out, errOut)
	}
}

// awaitHits waits until a search of db for q counts want events.
func awaitHits(t *testing.T, db archive.Store, q string, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := db.Search(context.Background(), archive.SearchQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("search %q counts %d events, want %d", q, res.Total, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// serveHits is the count of serve's API search for q.
func serveHits(t *testing.T, addr, q string) int {
	t.Helper()
	var found struct{ Total int }
	if err := json.Unmarshal([]byte(getPage(t, "http://"+addr+"/api/search?q="+url.QueryEscape(q))), &found); err != nil {
		t.Fatal(err)
	}
	return found.Total
}
