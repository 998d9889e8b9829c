package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

// seedMessages writes an archive with a line, an action and a topic seen on
// joining, in #techrights of minimalConfig.
func seedMessages(t *testing.T, dir string) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "data/archive.db"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 2, 2, 14, 0, 0, 0, time.UTC)
	for i, ev := range []event.Event{
		{Kind: event.KindMessage, Nick: "alice", Text: "say -hello to the minsk office"},
		{Kind: event.KindTopic, Text: "minsk news and more", Flags: event.FlagTopicOnJoin},
	} {
		ev.Network, ev.Channel, ev.Time = "testnet", "#techrights", at.Add(time.Duration(i)*time.Minute)
		if _, err := db.Append(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetPublicOnly(context.Background(), []string{"testnet"}, []event.ChannelRef{{Network: "testnet", Name: "#techrights"}}); err != nil {
		t.Fatal(err)
	}
}

// The command-line mistakes and oddities of issue 19, each with the
// message that says what to do.
func TestCLIMessages(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	seedMessages(t, dir)

	t.Run("export --date names --date", func(t *testing.T) {
		_, errOut, code := call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: "#techrights", date: "2026-13-45"}, format: "own"})
		if code == 0 || !strings.Contains(errOut, "--date") || strings.Contains(errOut, "--from") {
			t.Errorf("%d %q", code, errOut)
		}
	})
	t.Run("export --out writes 0644 files", func(t *testing.T) {
		out := filepath.Join(dir, "exported", "deep")
		if _, errOut, code := call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: "#techrights"}, format: "own", outDir: out}); code != 0 {
			t.Fatal(errOut)
		}
		for _, p := range []string{out, filepath.Join(out, "2026-02-02.txt")} {
			fi, err := os.Stat(p)
			want := os.FileMode(0o644)
			if fi != nil && fi.IsDir() {
				want = 0o755
			}
			if err != nil || fi.Mode().Perm() != want {
				t.Errorf("%s: %v %v, want %v", p, fi.Mode(), err, want)
			}
		}
	})
	t.Run("search -word says to use --", func(t *testing.T) {
		_, errOut, code := run(t, dir, "search", "-hello")
		if code == 0 || !strings.Contains(errOut, "proceedings search -- -hello") {
			t.Errorf("%d %q", code, errOut)
		}
		out, errOut, code := call(t, search, searchOptions{global: configIn(dir), limit: 20, order: "newest", words: []string{"-hello"}})
		if code != 0 || !strings.Contains(out, "<alice> say -hello") {
			t.Errorf("search -- -hello: %d %q %q", code, out, errOut)
		}
	})
	t.Run("--channel without #", func(t *testing.T) {
		out, errOut, code := call(t, search, searchOptions{global: configIn(dir), channel: "techrights", limit: 20, order: "newest", words: []string{"minsk"}})
		if code != 0 || !strings.Contains(out, "minsk office") {
			t.Errorf("search: %d %q %q", code, out, errOut)
		}
		if out, errOut, code := call(t, stats, statsOptions{global: configIn(dir), channelDays: channelDays{channel: "TechRights"}, top: 10}); code != 0 || !strings.Contains(out, "#techrights") {
			t.Errorf("stats: %d %q %q", code, out, errOut)
		}
		if out, errOut, code := call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: "techrights"}, format: "own"}); code != 0 || !strings.Contains(out, "minsk office") {
			t.Errorf("export: %d %q %q", code, out, errOut)
		}
	})
	t.Run("topic seen on joining", func(t *testing.T) {
		out, _, _ := call(t, search, searchOptions{global: configIn(dir), limit: 20, order: "newest", words: []string{"news"}})
		if !strings.Contains(out, "#techrights -!- Topic for #techrights: minsk news and more") {
			t.Errorf("%q", out)
		}
	})
	t.Run("ask without quotes", func(t *testing.T) {
		out, errOut, code := call(t, ask, askOptions{global: configIn(dir), nick: "console", userhost: "console@localhost", words: []string{"!search", "minsk", "office"}})
		if code != 0 || !strings.Contains(out, "minsk office") {
			t.Errorf("%d %q %q", code, out, errOut)
		}
	})
	t.Run("listen errors", func(t *testing.T) {
		_, errOut, code := call(t, serve, serveOptions{global: configIn(dir), addr: "127.0.0.1"})
		if code == 0 || !strings.Contains(errOut, "missing port") || strings.Contains(errOut, "another server") {
			t.Errorf("no port: %d %q", code, errOut)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		_, errOut, code = call(t, serve, serveOptions{global: configIn(dir), addr: ln.Addr().String()})
		if code == 0 || !strings.Contains(errOut, "another server") {
			t.Errorf("port in use: %d %q", code, errOut)
		}
	})
	t.Run("log flags", func(t *testing.T) {
		_, errOut, code := run(t, dir, "search", "--log-format", "xml", "minsk")
		if code == 0 || !strings.Contains(errOut, "text or json") {
			t.Errorf("--log-format xml: %d %q", code, errOut)
		}
		_, errOut, code = run(t, dir, "search", "--log-level", "bogus", "minsk")
		if code == 0 || !strings.Contains(errOut, "debug, info, warn or error") {
			t.Errorf("--log-level bogus: %d %q", code, errOut)
		}
	})
	t.Run("import-feed of another scheme", func(t *testing.T) {
		_, errOut, code := call(t, importFeeds, importFeedOptions{global: configIn(dir), sources: []string{"ftp://x/y"}})
		if code == 0 || !strings.Contains(errOut, "ftp") || !strings.Contains(errOut, "http") || strings.Contains(errOut, "no such file") {
			t.Errorf("%d %q", code, errOut)
		}
	})
}

// With ##x beside #x, a bare x is refused with both names.
func TestChannelWithoutPrefixAmbiguous(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "data/archive.db"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"#techrights", "##techrights"} {
		if _, err := db.Append(context.Background(), event.Event{Network: "testnet", Channel: name, Kind: event.KindMessage,
			Nick: "a", Text: "hi", Time: time.Date(2026, 2, 2, 14, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	_, errOut, code := call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: "techrights"}, format: "own"})
	if code == 0 || !strings.Contains(errOut, "(##techrights, #techrights)") {
		t.Errorf("%d %q", code, errOut)
	}
}

// check reports every problem: both network forms and what is wrong in the
// one it ignores, a tab in the indentation, paths that cannot be written.
func TestCheckReportsEveryProblem(t *testing.T) {
	mixed := strings.Replace(minimalConfig, "    public: true\n", "    public: true\n  - name: \"#techrights\"\n", 1) +
		"networks:\n  - {name: libera, server: {host: irc.libera.chat}, nick: bot}\n"
	dir := writeConfig(t, mixed)
	out, _, code := run(t, dir, "check")
	if code != 1 || !strings.Contains(out, "networks: cannot be combined") || !strings.Contains(out, "bot.yaml:7: channels[1].name: channel #techrights is listed twice") {
		t.Errorf("mixed forms: %d\n%s", code, out)
	}
	dir = writeConfig(t, strings.Replace(minimalConfig, "  timezone:", "\ttimezone:", 1))
	out, _, code = run(t, dir, "check")
	if code != 1 || !strings.Contains(out, "bot.yaml:10:") || !strings.Contains(out, "YAML indentation must use spaces") {
		t.Errorf("tab: %d\n%s", code, out)
	}
	dir = writeConfig(t, strings.Replace(minimalConfig, "archive: data/archive.db", "archive: /proc/nope/archive.db", 1)+"  out: /proc/nope/public\n")
	out, _, code = run(t, dir, "check")
	if code != 1 || !strings.Contains(out, "bot.yaml:7: archive: /proc/nope/archive.db cannot be created") || !strings.Contains(out, "bot.yaml:11: site.out: /proc/nope/public cannot be created") {
		t.Errorf("unwritable paths: %d\n%s", code, out)
	}
}
