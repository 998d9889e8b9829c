package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
	"proceedings/web"
)

// searchArchive writes an archive for minimalConfig (testnet, #techrights
// public, site time Europe/London) with a private #secret beside it.
func searchArchive(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	london, _ := time.LoadLocation("Europe/London")
	db, err := sqlite.Open(ctx, filepath.Join(dir, "data/archive.db"), archive.Options{Location: london})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetPublicOnly(ctx, []string{"testnet"}, []event.ChannelRef{{Network: "testnet", Name: "#techrights"}}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, e := range []struct {
		name string
		ev   event.Event
	}{
		{"first", event.Event{Channel: "#techrights", Time: time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC), Kind: event.KindMessage, Nick: "alice", Text: "Minsk is far; minsky is not minsk"}},
		{"action", event.Event{Channel: "#techrights", Time: time.Date(2026, 2, 2, 14, 4, 0, 0, time.UTC), Kind: event.KindAction, Nick: "bob", Text: "waves at \x02minsk\x02 \x1b[31mred\x1b[0m"}},
		{"summer", event.Event{Channel: "#techrights", Time: time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC), Kind: event.KindMessage, Nick: "carol", Text: "summer in minsk"}},
		{"secret", event.Event{Channel: "#secret", Time: time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC), Kind: event.KindMessage, Nick: "mallory", Text: "secret minsk plans"}},
		// Namesakes of #techrights on a network the configuration does
		// not name (imported from a client's log): never searched
		// without --all, so they make no name ambiguous without it.
		{"namesake", event.Event{Network: "othernet", Channel: "#techrights", Time: time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC), Kind: event.KindMessage, Nick: "trent", Text: "namesake"}},
		{"double", event.Event{Network: "othernet", Channel: "##techrights", Time: time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC), Kind: event.KindMessage, Nick: "trent", Text: "namesake"}},
	} {
		if e.ev.Network == "" {
			e.ev.Network = "testnet"
		}
		id, err := db.Append(ctx, e.ev)
		if err != nil {
			t.Fatal(err)
		}
		ids[e.name] = id
	}
	return ids
}

func TestSearchCommand(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	ids := searchArchive(t, dir)

	searchFor := func(opts searchOptions) (string, string, int) {
		opts.global = configIn(dir)
		return call(t, search, opts)
	}
	out, errOut, code := searchFor(searchOptions{limit: 20, order: "newest", words: []string{"minsk"}})
	want := "2026-07-01 00:30:00 #techrights <carol> summer in minsk\n" +
		"2026-02-02 14:04:00 #techrights * bob waves at minsk [31mred[0m\n" +
		"2026-02-02 14:03:11 #techrights <alice> Minsk is far; minsky is not minsk\n"
	if code != 0 || out != want {
		t.Fatalf("search: code %d, stderr %q\n got:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\x02") {
		t.Errorf("control characters reach the terminal: %q", out)
	}
	if strings.TrimSpace(errOut) != "3 matches" {
		t.Errorf("stderr %q", errOut)
	}

	minsk := []string{"minsk"}
	for _, tc := range []struct {
		name  string
		opts  searchOptions
		lines []string // substrings, one per output line, in order
		err   string
	}{
		{"limit", searchOptions{limit: 1, order: "newest", words: minsk}, []string{"<carol>"}, "1 of 3 matches (--limit 3 for all)"},
		{"nick", searchOptions{nick: "BOB", limit: 20, order: "newest", words: minsk}, []string{"* bob"}, "1 match"},
		{"days in site time", searchOptions{from: "2026-07-01", to: "2026-07-01", limit: 20, order: "newest", words: minsk}, []string{"<carol>"}, "1 match"},
		{"to", searchOptions{to: "2026-06-30", limit: 20, order: "newest", words: minsk}, []string{"* bob", "<alice>"}, "2 matches"},
		{"channel", searchOptions{channel: "#TechRights", limit: 20, order: "newest", words: []string{"minsk", "far"}}, []string{"<alice>"}, "1 match"},
		{"channel without its prefix", searchOptions{channel: "techrights", limit: 20, order: "newest", words: []string{"minsk", "far"}}, []string{"<alice>"}, "1 match"},
		{"all: the network names the namesake", searchOptions{all: true, network: "othernet", channel: "#techrights", limit: 20, order: "newest", words: []string{"namesake"}}, []string{"#techrights <trent>"}, "1 match"},
		{"phrase", searchOptions{limit: 20, order: "newest", words: []string{`"not minsk"`}}, []string{"<alice>"}, "1 match"},
		{"relevance", searchOptions{limit: 3, order: "relevance", words: minsk}, []string{"", "", ""}, "3 matches"},
		{"all includes private channels", searchOptions{all: true, limit: 20, order: "newest", words: []string{"minsk", "plans"}}, []string{"#secret <mallory> secret minsk plans"}, "1 match"},
		{"nothing", searchOptions{limit: 20, order: "newest", words: []string{"zzzz"}}, nil, "no matches"},
		{"private needs all", searchOptions{channel: "#secret", all: true, limit: 20, order: "newest", words: []string{"plans"}}, []string{"#secret"}, "1 match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := searchFor(tc.opts)
			if code != 0 {
				t.Fatalf("code %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if out == "" {
				lines = nil
			}
			if len(lines) != len(tc.lines) {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), len(tc.lines), out)
			}
			for i, l := range lines {
				if !strings.Contains(l, tc.lines[i]) {
					t.Errorf("line %d %q lacks %q", i, l, tc.lines[i])
				}
			}
			if !strings.Contains(errOut, tc.err) {
				t.Errorf("stderr %q lacks %q", errOut, tc.err)
			}
			if !tc.opts.all && strings.Contains(out, "mallory") {
				t.Error("a private channel was searched without --all")
			}
		})
	}

	// --json: one object per line, the shape of /api/search's hits.
	out, _, code = searchFor(searchOptions{asJSON: true, limit: 20, order: "newest", words: minsk})
	if code != 0 {
		t.Fatal(out)
	}
	var hits []web.APIHit
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var h web.APIHit
		if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		hits = append(hits, h)
	}
	if len(hits) != 3 || hits[2].ID != ids["first"] || hits[2].Text != "Minsk is far; minsky is not minsk" || hits[2].Channel != "#techrights" ||
		hits[2].Path != "testnet/techrights/2026-02-02.html#l-1" || hits[2].URL != "https://irc.example.org/testnet/techrights/2026-02-02.html#l-1" ||
		hits[1].Text != "waves at \x02minsk\x02 \x1b[31mred\x1b[0m" || len(hits[0].Snippet) == 0 {
		t.Fatalf("json hits: %+v", hits)
	}

	// Mistakes: exit 1 and say why.
	for _, tc := range []struct {
		opts searchOptions
		says string
	}{
		{searchOptions{limit: 20, order: "newest", words: []string{"***"}}, "type at least one word"},
		{searchOptions{limit: 20, order: "newest", words: []string{strings.Repeat("minsk ", 60)}}, "at most 256"},
		{searchOptions{channel: "#secret", limit: 20, order: "newest", words: []string{"plans"}}, "#secret is not published: search it with --all"},
		{searchOptions{channel: "#nosuch", limit: 20, order: "newest", words: minsk}, "no such channel"},
		{searchOptions{all: true, channel: "techrights", limit: 20, order: "newest", words: minsk}, "--channel techrights fits several channels (##techrights, #techrights): give the name with its prefix"},
		{searchOptions{all: true, channel: "#techrights", limit: 20, order: "newest", words: minsk}, "channel #techrights is in the archive for several networks (othernet, testnet): name one with --network"},
		{searchOptions{limit: 20, order: "oldest", words: minsk}, "use newest or relevance"},
		{searchOptions{limit: 0, order: "newest", words: minsk}, "from 1 to 10000"},
		{searchOptions{from: "02/02/2026", limit: 20, order: "newest", words: minsk}, "--from"},
		{searchOptions{from: "2026-02-03", to: "2026-02-01", limit: 20, order: "newest", words: minsk}, "before"},
		{searchOptions{network: "efnet", limit: 20, order: "newest", words: minsk}, "no searchable channel on network"},
	} {
		out, errOut, code := searchFor(tc.opts)
		if code != 1 || !strings.Contains(errOut, tc.says) || out != "" {
			t.Errorf("%+v: code %d, stdout %q, stderr %q (want %q)", tc.opts, code, out, errOut, tc.says)
		}
	}
	if out, errOut, code := run(t, dir, "search"); code != 1 || !strings.Contains(errOut, "requires at least 1 arg") || out != "" {
		t.Errorf("search without words: code %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestSearchHighlightsOnATerminal runs the command under script(1), which
// gives it a pseudo-terminal: the matched words, and only they, are bold
// and reversed.
func TestSearchHighlightsOnATerminal(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	searchArchive(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", binary+" search --nick alice minsk", "/dev/null")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := "<alice> \x1b[1;7mMinsk\x1b[0m is far; minsky is not \x1b[1;7mminsk\x1b[0m"
	if !strings.Contains(string(out), want) {
		t.Fatalf("terminal output %q lacks %q", out, want)
	}
}

func TestHighlightAndTermSafe(t *testing.T) {
	spans := []archive.Span{{Text: "about "}, {Text: "Linux", Match: true}, {Text: " and "}, {Text: "linux", Match: true}}
	for _, tc := range []struct{ in, want string }{
		{"Linux and linux", "\x1b[1;7mLinux\x1b[0m and \x1b[1;7mlinux\x1b[0m"},
		{"linuxes Linux2 xlinux", "linuxes Linux2 xlinux"},
		{"(linux)", "(\x1b[1;7mlinux\x1b[0m)"},
		{"café linux", "café \x1b[1;7mlinux\x1b[0m"},
		{"éLinux", "éLinux"},
	} {
		if got := highlight(tc.in, spans); got != tc.want {
			t.Errorf("highlight(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"\x02bold\x02 \x0304,01red\x03 \x1dit\x1d", "bold red it"},
		{"esc \x1b]0;title\x07 \x1b[2J", "esc ]0;title [2J"},
		{"tab\there\r\nnew", "tab herenew"},
		{"bidi \u202eevil\u202c", "bidi evil"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	} {
		if got := termSafe(tc.in); got != tc.want {
			t.Errorf("termSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestServeCommand(t *testing.T) {
	dir := writeConfig(t, minimalConfig+"  out: public\n")
	searchArchive(t, dir)
	first, base, stop := startServing(t, func(ctx context.Context, stdout, stderr io.Writer) error {
		return serve(ctx, serveOptions{global: configIn(dir), addr: "127.0.0.1:0"}, stdout, stderr)
	})
	if !strings.HasPrefix(first, "serving "+filepath.Join(dir, "public")+" and search on http://") {
		t.Fatalf("first line %q", first)
	}
	if b := getPage(t, base); !strings.Contains(b, "nothing rendered yet") {
		t.Errorf("/ before rendering: %s", b)
	}
	if b := getPage(t, base+"search?q=minsk"); strings.Count(b, "<mark>") < 3 || strings.Contains(b, "mallory") {
		t.Errorf("search: %s", b)
	}
	if b := getPage(t, base+"api/channels"); !strings.Contains(b, `"channel": "#techrights"`) || strings.Contains(b, "#secret") {
		t.Errorf("api/channels: %s", b)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve did not stop cleanly: %v", err)
	}
}
