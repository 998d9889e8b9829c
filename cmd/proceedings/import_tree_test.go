package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"proceedings/archive/sqlite"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

// The client folder trees under testdata/trees were written by the real
// irssi, WeeChat, ZNC, HexChat and Limnoria logging one scene in #chan and
// #Other, with a query and a private notice to each and server buffers
// (see testdata/trees/MANIFEST). Each test copies one and adds what real
// archives hold besides: an empty file, a README, a truncated .gz, and a
// real log of another channel compressed (logs/testdata/real).

// treeConfig configures #chan and #Other of testnet, and the scene's relay
// bot.
const treeConfig = `nick: proceedings
server: {host: 127.0.0.1, port: 6667, tls: false}
network: testnet
channels:
  - {name: "#chan", public: true}
  - {name: "#Other", public: true}
` + treeRelay + `archive: data/archive.db
site:
  base_url: "https://irc.example.org/"
  timezone: UTC
`

const treeRelay = `relays:
  - {nick: bridge, mask: "bridge!*@127.0.0.1", pattern: '^<(?P<nick>[^>]+)> (?P<text>.*)$'}
`

// eventLine tells, per format, the lines of a log that are events: a line
// with the format's time stamp that is none of the program's own status
// lines. It is written from the logs, independently of package logs.
var eventLine = map[string]struct{ stamp, noise *regexp.Regexp }{
	"irssi": {regexp.MustCompile(`^\d\d:\d\d `), regexp.MustCompile(`^\d\d:\d\d -!- Irssi: `)},
	"weechat": {regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\t`),
		regexp.MustCompile("\t--\t(Topic set by |Channel |irc: disconnected from server$)")},
	"znc":      {regexp.MustCompile(`^\[\d\d:\d\d:\d\d\] `), regexp.MustCompile(`\] \*\*\* Server sets mode: `)},
	"limnoria": {regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d  `), regexp.MustCompile(`^$`)},
	// HexChat: its own status lines in the "*" column; a line without the
	// tab between the columns is none of its events.
	// A private notice is shown, and logged, in the focused channel's tab:
	// "-alice-<TAB>…", where a channel's notice is "-alice/#chan-<TAB>…".
	"xchat": {regexp.MustCompile(`^[A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d [^\t]*\t`),
		regexp.MustCompile("\t(Now talking on |Topic for \\S+ set by |Disconnected \\()|^.{16}-[^/\t]+-\t")},
}

// readLog reads a log file, decompressed when its name ends in .gz.
func readLog(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	data, err = io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// countEvents counts the event lines of a log file (gzip-compressed when
// its name ends in .gz) of a format.
func countEvents(t *testing.T, path, format string) int {
	t.Helper()
	data := readLog(t, path)
	rule := eventLine[format]
	n := 0
	for _, l := range strings.Split(string(data), "\n") {
		if rule.stamp.MatchString(l) && !rule.noise.MatchString(l) {
			n++
		}
	}
	return n
}

// fileLines counts the lines of a file (gzip-compressed when its name ends
// in .gz): what the summary must account for.
func fileLines(t *testing.T, path string) int {
	t.Helper()
	data := readLog(t, path)
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}

// linesRead reads the summary's "lines read: L = E with events + M headers
// and date markers + B blank + N not imported" and checks that it adds up.
func linesRead(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^lines read: (\d+) = (\d+) with events \+ (\d+) headers and date markers \+ (\d+) blank \+ (\d+) not imported`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no line accounting in the summary:\n%s", out)
	}
	var n [5]int
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	if n[0] != n[1]+n[2]+n[3]+n[4] {
		t.Errorf("lines read %d != %d with events + %d markers + %d blank + %d not imported", n[0], n[1], n[2], n[3], n[4])
	}
	return n[0]
}

// expectedEvents counts the events of the real log in dir of
// logs/testdata/real: its expected.txt lists them as the IRC server relayed
// them to a watching client (one line may hold two: irssi writes a mode two
// people set alike as one line "by alice, bob").
func expectedEvents(t *testing.T, dir string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range strings.Split(string(data), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			n++
		}
	}
	return n
}

// clientTree is one client's tree and what a test adds to it, paths
// relative to the tree (slash-separated).
type clientTree struct {
	client, format string
	// channels: the files of each channel, as configured or as named.
	channels map[string][]string
	// leftOut: files that are no channel's log, with a part of the reason.
	leftOut map[string]string
	// Added by the test: an empty file, a real log of another channel
	// compressed (from real, into realGz), a truncated .gz of the first
	// #chan file.
	empty, real, realGz, brokenGz string
}

var clientTrees = []clientTree{
	{
		client: "irssi", format: "irssi",
		channels: map[string][]string{"#chan": {"irclogs/testnet/#chan.log"}, "#Other": {"irclogs/testnet/#other.log"}},
		leftOut: map[string]string{
			"irclogs/testnet/alice.log":    "query",
			"irclogs/testnet/bob.log":      "query",
			"irclogs/testnet/irssilog.log": "query", // the server's notices to "*"
		},
		empty: "irclogs/testnet/#quiet.log", real: "irssi/#chan.log", realGz: "irclogs/testnet/#real.log.gz",
		brokenGz: "irclogs/testnet/#broken.log.gz",
	},
	{
		client: "weechat", format: "weechat",
		channels: map[string][]string{"#chan": {"logs/irc.testnet.#chan.weechatlog"}, "#Other": {"logs/irc.testnet.#other.weechatlog"}},
		leftOut: map[string]string{
			"logs/core.weechat.weechatlog":       "core buffer",
			"logs/irc.server.testnet.weechatlog": "server buffer",
			"logs/irc.testnet.bob.weechatlog":    "query",
		},
		empty: "logs/irc.testnet.#quiet.weechatlog", real: "weechat/irc.test.#chan.weechatlog",
		realGz: "logs/irc.testnet.#real.weechatlog.1.gz", brokenGz: "logs/irc.testnet.#broken.weechatlog.gz",
	},
	{
		client: "znc", format: "znc",
		channels: map[string][]string{
			"#chan":  {"users/znclog/networks/testnet/moddata/log/#chan/2026-12-05.log"},
			"#Other": {"users/znclog/networks/testnet/moddata/log/#other/2026-12-05.log"},
		},
		leftOut: map[string]string{
			"users/znclog/networks/testnet/moddata/log/alice/2026-12-05.log":            "query",
			"users/znclog/networks/testnet/moddata/log/bob/2026-12-05.log":              "query",
			"users/znclog/networks/testnet/moddata/log/status/2026-12-05.log":           "status window",
			"users/znclog/networks/testnet/moddata/log/irc.test.example/2026-12-05.log": "server irc.test.example",
		},
		empty: "users/znclog/networks/testnet/moddata/log/#quiet/2026-12-06.log", real: "znc/2026-11-24.log",
		realGz:   "users/znclog/networks/testnet/moddata/log/#real/2026-11-24.log.gz",
		brokenGz: "users/znclog/networks/testnet/moddata/log/#broken/2026-12-05.log.gz",
	},
	{
		client: "hexchat", format: "xchat",
		channels: map[string][]string{"#chan": {"logs/testnet/#chan.log"}, "#Other": {"logs/testnet/#other.log"}},
		leftOut: map[string]string{
			"logs/NETWORK/server.log":  "server tab",
			"logs/testnet/server.log":  "server tab",
			"logs/testnet/testnet.log": "server buffer of testnet",
			"logs/testnet/bob.log":     "query",
			"logs/testnet/.log":        "hidden",
		},
		empty: "logs/testnet/#quiet.log", brokenGz: "logs/testnet/#broken.log.gz",
		// No HexChat log of another scene: its #chan again, compressed.
		realGz: "logs/testnet/#real.log.gz",
	},
	{
		client: "limnoria", format: "limnoria",
		channels: map[string][]string{
			"#chan":  {"ChannelLogger/testnet/#chan/#chan.log"},
			"#Other": {"ChannelLogger/testnet/#other/#other.log"},
		},
		empty: "ChannelLogger/testnet/#quiet/#quiet.log", real: "limnoria/#chan.log",
		realGz: "ChannelLogger/testnet/#real/#real.log.gz", brokenGz: "ChannelLogger/testnet/#broken/#broken.log.gz",
	},
}

// copyTree copies the directory src to dst.
// importIn runs import with dir's bot.yaml on the paths.
func importIn(t *testing.T, dir string, opts importOptions, paths ...string) (string, string, int) {
	t.Helper()
	opts.global, opts.paths = configIn(dir), paths
	return call(t, importLogs, opts)
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// channelEvents returns every event of a channel in the archive of dir.
func channelEvents(t *testing.T, dir, network, channel string) []event.Event {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "data", "archive.db"), archive.Options{ReadOnly: true, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ch, err := db.FindChannel(ctx, network, channel)
	if err != nil {
		return nil
	}
	days, err := db.Calendar(ctx, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []event.Event
	for _, d := range days {
		evs, err := db.Day(ctx, ch.ID, d.Day)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evs...)
	}
	return out
}

// storedEvents counts the events of a channel in the archive of dir, from
// its calendar.
func storedEvents(t *testing.T, dir, network, channel string) int {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "data", "archive.db"), archive.Options{ReadOnly: true, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ch, err := db.FindChannel(ctx, network, channel)
	if err != nil {
		return 0
	}
	days, err := db.Calendar(ctx, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range days {
		n += d.Events
	}
	return n
}

// allEvents returns every event of every channel in the archive of dir,
// by channel name.
func allEvents(t *testing.T, dir string) map[string][]event.Event {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "data", "archive.db"), archive.Options{ReadOnly: true, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	chans, err := db.Channels(ctx)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]event.Event{}
	for _, c := range chans {
		out[c.Network+"/"+c.Name] = channelEvents(t, dir, c.Network, c.Name)
	}
	return out
}

// Importing a whole client folder puts each channel's file into its own
// channel, leaves queries, server buffers and empty files out, skips the
// README and the truncated .gz with their reasons (exit status 3), imports
// the rest, unwraps the relay's lines, and adds nothing when run again; a
// dry run lists the same and writes nothing.
func TestImportClientFolders(t *testing.T) {
	for _, tc := range clientTrees {
		t.Run(tc.client, func(t *testing.T) { testClientFolder(t, tc) })
	}
}

func testClientFolder(t *testing.T, tc clientTree) {
	dir := writeConfig(t, treeConfig)
	tree := filepath.Join(dir, "logs-of-"+tc.client)
	copyTree(t, filepath.Join("testdata", "trees", tc.client), tree)
	at := func(rel string) string { return filepath.Join(tree, filepath.FromSlash(rel)) }

	// What real archives hold besides.
	writeFile(t, at(tc.empty), nil)
	writeFile(t, at("README"), []byte("My IRC logs, copied from the old laptop.\nSee the channels' folders.\n"))
	chanFile := at(tc.channels["#chan"][0])
	chanData, err := os.ReadFile(chanFile)
	if err != nil {
		t.Fatal(err)
	}
	full := gzipped(t, chanData)
	writeFile(t, at(tc.brokenGz), full[:len(full)/2])
	realSrc := chanFile
	if tc.real != "" {
		realSrc = filepath.Join("..", "..", "logs", "testdata", "real", filepath.FromSlash(tc.real))
	}
	realData, err := os.ReadFile(realSrc)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, at(tc.realGz), gzipped(t, realData))

	want := map[string]int{} // events per channel, counted from the files
	for ch, files := range tc.channels {
		for _, f := range files {
			want[ch] += countEvents(t, at(f), tc.format)
		}
	}
	if tc.real != "" {
		want["#real"] = expectedEvents(t, filepath.Dir(realSrc))
	} else {
		want["#real"] = countEvents(t, at(tc.realGz), tc.format)
	}
	for ch, n := range want {
		if n == 0 {
			t.Fatalf("%s: no events counted in its files", ch)
		}
	}
	leftOut := map[string]string{tc.empty: "empty file"}
	for f, why := range tc.leftOut {
		leftOut[f] = why
	}
	skipped := map[string]string{"README": "not a log in any known format", tc.brokenGz: "damaged or truncated gzip data"}

	checkLists := func(what, out string) {
		t.Helper()
		for f, why := range leftOut {
			if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(at(f)) + `: .*` + regexp.QuoteMeta(why)).MatchString(out) {
				t.Errorf("%s: %s is not listed as left out (%s):\n%s", what, f, why, out)
			}
		}
		for f, why := range skipped {
			if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(at(f)) + `: .*` + regexp.QuoteMeta(why)).MatchString(out) {
				t.Errorf("%s: %s is not listed as skipped (%s):\n%s", what, f, why, out)
			}
		}
		if !strings.Contains(out, fmt.Sprintf("left out, no channel's log (%d):", len(leftOut))) ||
			!strings.Contains(out, fmt.Sprintf("skipped, could not be read (%d):", len(skipped))) {
			t.Errorf("%s: the lists do not say %d left out and %d skipped:\n%s", what, len(leftOut), len(skipped), out)
		}
	}

	// The dry run: the plan, and nothing written.
	out, errOut, code := importIn(t, dir, importOptions{dryRun: true}, tree)
	if code != exitSkipped || !strings.Contains(errOut, "would be skipped") {
		t.Fatalf("dry run: exit %d, want %d\n%s%s", code, exitSkipped, out, errOut)
	}
	checkLists("dry run", out)
	for ch, files := range tc.channels {
		for _, f := range files {
			line := fmt.Sprintf("  %s -> testnet/%s: %s, 2026-12-05, %d events", at(f), ch, tc.format, want[ch])
			if !strings.Contains(out, line) {
				t.Errorf("the plan lacks %q:\n%s", line, out)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("the dry run wrote the archive's folder: %v", err)
	}

	// The import.
	out, errOut, code = importIn(t, dir, importOptions{}, tree)
	if code != exitSkipped || !strings.Contains(errOut, "imported, but 2 file(s) were skipped") {
		t.Fatalf("import: exit %d, want %d\n%s%s", code, exitSkipped, out, errOut)
	}
	checkLists("import", out)
	total := 0
	for _, n := range want {
		total += n
	}
	if s := fmt.Sprintf("events read: %d, added: %d, already in the archive: 0 ", total, total); !strings.Contains(out, s) {
		t.Errorf("the summary does not say %q:\n%s", s, out)
	}
	// Every line of the files read is accounted for.
	lines := fileLines(t, at(tc.realGz))
	for _, files := range tc.channels {
		for _, f := range files {
			lines += fileLines(t, at(f))
		}
	}
	if got := linesRead(t, out); got != lines {
		t.Errorf("the summary accounts for %d lines, the files read hold %d", got, lines)
	}
	got := allEvents(t, dir)
	if len(got) != len(want) {
		t.Errorf("the archive holds %d channels, want %d (%v)", len(got), len(want), want)
	}
	for ch, n := range want {
		evs := got["testnet/"+ch]
		if len(evs) != n {
			t.Errorf("%s holds %d events, its files %d", ch, len(evs), n)
		}
	}
	for ch, evs := range got {
		for _, ev := range evs {
			text := ev.Text + " " + ev.Nick
			// The queries and server buffers: bob's private lines, the
			// MOTD, the server's and ZNC's status lines.
			for _, private := range []string{"this private line is no channel's", "message of the day", "Test server of proceedings",
				"Connection statistics", "Connected to IRC", "Welcome to the Internet"} {
				if strings.Contains(text, private) {
					t.Errorf("%s holds a line of no channel: %+v", ch, ev)
				}
			}
			// HexChat writes the private notice into the focused channel's
			// file too (-alice-<TAB>…): not kept there either.
			if strings.Contains(text, "private notice") {
				t.Errorf("%s holds a private notice: %+v", ch, ev)
			}
			if ev.Kind.IsSpeech() && ev.Nick == "bridge" && strings.HasPrefix(ev.Text, "<") {
				t.Errorf("%s holds the relay's line as its own: %+v", ch, ev)
			}
		}
	}
	// The relay's lines are their authors', as the live recorder stores them.
	for _, ch := range []string{"#chan", "#Other"} {
		for _, author := range []struct{ nick, text string }{
			{"Ewan", "relayed from the bridge into " + ch},
			{"Mairi", "a coloured relayed nick in " + ch},
		} {
			found := 0
			for _, ev := range got["testnet/"+ch] {
				if ev.Nick == author.nick && ev.Text == author.text {
					found++
					if ev.Flags&event.FlagRelayed == 0 || ev.Via != "testnet" || ev.UserHost != "" || ev.Account != "" {
						t.Errorf("%s: %+v is not marked relayed via testnet without host and account", ch, ev)
					}
				}
			}
			if found != 1 {
				t.Errorf("%s: %d lines by %s saying %q, want 1", ch, found, author.nick, author.text)
			}
		}
	}

	// Again: nothing added.
	out, errOut, code = importIn(t, dir, importOptions{}, tree)
	if code != exitSkipped || !strings.Contains(out, fmt.Sprintf("added: 0, already in the archive: %d ", total)) {
		t.Fatalf("second import: exit %d\n%s%s", code, out, errOut)
	}
}

// An imported relay log after a live recording of the same lines adds
// nothing: the relay's lines are unwrapped as the live recorder unwraps them,
// so the importer's duplicate check matches them. Without the relay in
// bot.yaml, they would be stored a second time, as the relay's.
func TestImportRelayAfterLiveRecording(t *testing.T) {
	irssiLog, err := filepath.Abs(filepath.Join("testdata", "trees", "irssi", "irclogs", "testnet", "#chan.log"))
	if err != nil {
		t.Fatal(err)
	}
	// The live side: what the recorder stores for the scene's lines in
	// #chan (bot.TestRelayUnbridged checks the same fields), at the second
	// WeeChat logged them (irssi writes only minutes).
	at := time.Date(2026, 12, 5, 10, 13, 16, 0, time.UTC)
	live := []event.Event{
		{Kind: event.KindMessage, Nick: "alice", UserHost: "~alice@127.0.0.1", Text: "hello #chan, a plain message"},
		{Kind: event.KindMessage, Nick: "bob", UserHost: "~bob@127.0.0.1", Text: "bob in #chan: UTF-8 — naïve café, 日本語"},
		{Kind: event.KindAction, Nick: "carol", UserHost: "~carol@127.0.0.1", Text: "waves in #chan"},
		{Kind: event.KindMessage, Nick: "Ewan", Text: "relayed from the bridge into #chan", Flags: event.FlagRelayed, Via: "testnet"},
		{Kind: event.KindNotice, Nick: "carol", UserHost: "~carol@127.0.0.1", Text: "a notice to #chan"},
		{Kind: event.KindMessage, Nick: "Mairi", Text: "a coloured relayed nick in #chan", Flags: event.FlagRelayed, Via: "testnet"},
		{Kind: event.KindMessage, Nick: "alice", UserHost: "~alice@127.0.0.1", Text: "the end of the scene in #chan"},
	}
	fileEvents := countEvents(t, irssiLog, "irssi")
	for _, tc := range []struct {
		name, config string
		dups, ewan   int // lines already in the archive; Ewan's lines stored
	}{
		{"relay configured", treeConfig, len(live), 1},
		// Without the relay the file's "<bridge> <Ewan> …" is another line.
		{"no relay", strings.Replace(treeConfig, treeRelay, "", 1), len(live) - 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeConfig(t, tc.config)
			ctx := context.Background()
			if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
				t.Fatal(err)
			}
			db, err := sqlite.Open(ctx, filepath.Join(dir, "data", "archive.db"), archive.Options{Location: time.UTC})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range live {
				ev.Network, ev.Channel, ev.Time = "testnet", "#chan", at
				if _, err := db.Append(ctx, ev); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()

			out, errOut, code := importIn(t, dir, importOptions{timezone: "UTC"}, irssiLog)
			want := fmt.Sprintf("events read: %d, added: %d, already in the archive: %d ", fileEvents, fileEvents-tc.dups, tc.dups)
			if code != 0 || !strings.Contains(out, want) {
				t.Fatalf("import: exit %d, want the summary to say %q:\n%s%s", code, want, out, errOut)
			}
			ewan := 0
			for _, ev := range channelEvents(t, dir, "testnet", "#chan") {
				if strings.Contains(ev.Text, "relayed from the bridge") {
					ewan++
				}
			}
			if ewan != tc.ewan {
				t.Errorf("Ewan's line is stored %d times, want %d", ewan, tc.ewan)
			}
		})
	}
}

// The summary's counts are exact: after a stray file (skipped, the rest
// imported) and after a failure part way (--strict, a bad line after a
// batch was written), "added" is what the archive holds. It runs the
// binary, which is not built with the race detector: in-process, the race
// detector makes the lines it needs slow to import.
func TestImportCountsAreExact(t *testing.T) {
	logDir := t.TempDir()
	const days, perDay = 12, 2500 // 30,000 lines: more than one importer batch
	total := writeIrssiDays(t, logDir, days, perDay)
	writeFile(t, filepath.Join(logDir, "README"), []byte("logs of #techrights, 2024\n"))

	dir := writeConfig(t, minimalConfig)
	out, errOut, code := run(t, dir, "import", "--channel", "#techrights", "--timezone", "UTC", logDir)
	if code != exitSkipped || !strings.Contains(out, fmt.Sprintf("events read: %d, added: %d,", total, total)) ||
		!strings.Contains(out, filepath.Join(logDir, "README")+": not a log in any known format") {
		t.Fatalf("import with a stray file: exit %d\n%s%s", code, out, errOut)
	}
	if n := storedEvents(t, dir, "testnet", "#techrights"); n != total {
		t.Errorf("the archive holds %d lines, the summary says %d were added", n, total)
	}

	// A bad line in the last file, refused by --strict after the first
	// batch was handed to the writer.
	bad := filepath.Join(logDir, "techrights.2024-12-31.log")
	writeFile(t, bad, []byte("--- Log opened Tue Dec 31 10:00:00 2024\n10:00 <alice> fine\nthis line is not irssi at all\n"))
	os.Remove(filepath.Join(logDir, "README"))
	dir = writeConfig(t, minimalConfig)
	out, errOut, code = run(t, dir, "import", "--strict", "--channel", "#techrights", "--timezone", "UTC", logDir)
	if code != 1 || !strings.Contains(errOut, "techrights.2024-12-31.log:3") {
		t.Fatalf("strict import: exit %d\n%s%s", code, out, errOut)
	}
	m := regexp.MustCompile(`events read: (\d+), added: (\d+), already in the archive: 0 `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary after the failure:\n%s", out)
	}
	read, _ := strconv.Atoi(m[1])
	added, _ := strconv.Atoi(m[2])
	if n := storedEvents(t, dir, "testnet", "#techrights"); n != added || added == 0 || added >= read {
		t.Errorf("after the failure the summary says %d read, %d added; the archive holds %d", read, added, n)
	}
	if !strings.Contains(out, fmt.Sprintf("events read but not written (the import stopped): %d", read-added)) {
		t.Errorf("the summary does not say what was read and not written:\n%s", out)
	}
}

// --date names the date of one file: refused for several, with where else
// a date comes from; the date error of one file says the same.
func TestImportDateOfOneFile(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	logDir := filepath.Join(dir, "old")
	line := []byte("14:03 <alice> a line with no date\n")
	writeFile(t, filepath.Join(logDir, "a.log"), line)
	writeFile(t, filepath.Join(logDir, "b.log"), line)
	_, errOut, code := importIn(t, dir, importOptions{channel: "#techrights", date: "2026-02-02"}, logDir)
	if code != 1 || !strings.Contains(errOut, "--date gives the date of one file, and the paths hold 2") ||
		!strings.Contains(errOut, "YYYY-MM-DD or YYYYMMDD in its name") {
		t.Fatalf("--date with two files: exit %d %s", code, errOut)
	}
	// Named on the command line: a file found in a folder named by no
	// date is a query, left out even with --channel.
	out, errOut, code := importIn(t, dir, importOptions{channel: "#techrights"}, filepath.Join(logDir, "a.log"), filepath.Join(logDir, "b.log"))
	for _, s := range []string{"cannot tell the date", `"--- Log opened`, "--date YYYY-MM-DD", "YYYY-MM-DD or YYYYMMDD", "--date gives the date of one file"} {
		if code != 1 || !strings.Contains(errOut, s) {
			t.Errorf("date-less files: exit %d, the error does not say %q:\n%s%s", code, s, out, errOut)
		}
	}
	out, errOut, code = importIn(t, dir, importOptions{channel: "#techrights", date: "2026-02-02", timezone: "UTC"}, filepath.Join(logDir, "a.log"))
	if code != 0 || !strings.Contains(out, "added: 1,") {
		t.Fatalf("--date with one file: exit %d\n%s%s", code, out, errOut)
	}
}

// The network of a file comes from its network folder below the path
// given, matched to bot.yaml's networks without regard to case, or mapped
// with --network FOLDER=NAME; a network that bot.yaml lacks is marked; a
// file whose path names no network takes --network NAME, and without it
// (several networks configured) is skipped saying so.
func TestImportNetworkFolders(t *testing.T) {
	const twoNets = `networks:
  - name: libera
    server: {host: 127.0.0.1, port: 6667, tls: false}
    nick: proceedings
    channels:
      - {name: "#chan", public: true}
  - name: oftc
    server: {host: 127.0.0.1, port: 6668, tls: false}
    nick: proceedings
    channels:
      - {name: "#chan", public: true}
archive: data/archive.db
site:
  base_url: "https://irc.example.org/"
  timezone: UTC
`
	dir := writeConfig(t, twoNets)
	tree := filepath.Join(dir, "irclogs")
	real, err := os.ReadFile(filepath.Join("..", "..", "logs", "testdata", "real", "irssi", "#chan.log"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(tree, "Libera", "#chan.log"), real)
	writeFile(t, filepath.Join(tree, "OFTC", "#chan.log"), real)
	writeFile(t, filepath.Join(tree, "efnet", "#chan.log"), real)
	writeFile(t, filepath.Join(tree, "#chan.log"), real)

	out, errOut, code := importIn(t, dir, importOptions{dryRun: true}, tree)
	for _, s := range []string{
		filepath.Join(tree, "Libera", "#chan.log") + " -> libera/#chan: irssi",
		filepath.Join(tree, "OFTC", "#chan.log") + " -> oftc/#chan: irssi",
		filepath.Join(tree, "efnet", "#chan.log") + " -> efnet/#chan (network efnet not in bot.yaml): irssi",
		"networks not in bot.yaml: efnet",
		filepath.Join(tree, "#chan.log") + ": no network: the path names none, and the configuration has several (libera, oftc)",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("the plan lacks %q:\n%s", s, out)
		}
	}
	if code != exitSkipped {
		t.Errorf("dry run: exit %d, want %d: %s", code, exitSkipped, errOut)
	}

	out, errOut, code = importIn(t, dir, importOptions{networks: []string{"efnet=oftc", "libera"}}, tree)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	n := expectedEvents(t, filepath.Join("..", "..", "logs", "testdata", "real", "irssi"))
	if got := len(channelEvents(t, dir, "libera", "#chan")); got != n {
		t.Errorf("libera/#chan holds %d events, want %d (Libera/ and the file at the root, the same lines)", got, n)
	}
	if got := len(channelEvents(t, dir, "oftc", "#chan")); got != n {
		t.Errorf("oftc/#chan holds %d events, want %d (OFTC/ and efnet/ mapped to oftc, the same lines)", got, n)
	}
	if got := len(channelEvents(t, dir, "efnet", "#chan")); got != 0 {
		t.Errorf("efnet/#chan holds %d events; efnet was mapped to oftc", got)
	}

	for _, bad := range [][]string{{"a", "b"}, {"=libera"}, {"x/y=libera"}} {
		if _, errOut, code := importIn(t, dir, importOptions{networks: bad}, tree); code != 1 || !strings.Contains(errOut, "--network") {
			t.Errorf("import --network %v: exit %d %s", bad, code, errOut)
		}
	}
}

// --encoding reads the files' text from the encoding it names; a name no
// encoding has is refused, with examples.
func TestImportEncoding(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	// "привет" in windows-1251, in an irssi log.
	log := append([]byte("--- Log opened Mon Feb 02 14:00:00 2026\n14:03 <alice> "), 0xef, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, '\n')
	path := filepath.Join(dir, "#techrights.log")
	writeFile(t, path, log)
	if _, errOut, code := importIn(t, dir, importOptions{encoding: "klingon"}, path); code != 1 || !strings.Contains(errOut, "--encoding") {
		t.Fatalf("--encoding klingon: exit %d %s", code, errOut)
	}
	out, errOut, code := importIn(t, dir, importOptions{encoding: "windows-1251", timezone: "UTC"}, path)
	if code != 0 || !strings.Contains(out, "added: 1,") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	evs := channelEvents(t, dir, "testnet", "#techrights")
	if len(evs) != 1 || evs[0].Text != "привет" {
		t.Errorf("stored %+v, want alice's привет", evs)
	}
}

// A bridged channel's logs go to the bridge's log, as the live recorder's
// lines do, with Via the network they were seen on: the same lines logged
// on both networks are stored once.
func TestImportBridgedChannel(t *testing.T) {
	const bridged = `networks:
  - name: testnet
    server: {host: 127.0.0.1, port: 6667, tls: false}
    nick: proceedings
    channels:
      - {name: "#chan", public: true}
  - name: oftc
    server: {host: 127.0.0.1, port: 6668, tls: false}
    nick: proceedings
    channels:
      - {name: "#chan", public: true}
bridges:
  - {name: "#chan", channels: ["testnet/#chan", "oftc/#chan"]}
archive: data/archive.db
site:
  base_url: "https://irc.example.org/"
  timezone: UTC
`
	dir := writeConfig(t, bridged)
	log, err := os.ReadFile(filepath.Join("testdata", "trees", "irssi", "irclogs", "testnet", "#chan.log"))
	if err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(dir, "irclogs")
	writeFile(t, filepath.Join(tree, "oftc", "#chan.log"), log)
	writeFile(t, filepath.Join(tree, "testnet", "#chan.log"), log)
	out, errOut, code := importIn(t, dir, importOptions{}, tree)
	n := countEvents(t, filepath.Join(tree, "testnet", "#chan.log"), "irssi")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("events read: %d, added: %d, already in the archive: %d ", 2*n, n, n)) {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	evs := channelEvents(t, dir, "bridge", "#chan")
	if len(evs) != n {
		t.Fatalf("the bridge's log holds %d events, want %d", len(evs), n)
	}
	for _, ev := range evs {
		if ev.Via != "oftc" { // oftc/ is read first, in name order
			t.Errorf("%+v: Via %q, want oftc", ev, ev.Via)
		}
	}
	for _, net := range []string{"testnet", "oftc"} {
		if got := len(channelEvents(t, dir, net, "#chan")); got != 0 {
			t.Errorf("%s/#chan holds %d events; the bridge's log should", net, got)
		}
	}
}
