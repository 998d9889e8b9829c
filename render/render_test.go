package render

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"proceedings/event"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixtureOptions are the options of the golden site.
func fixtureOptions(out string) Options {
	return Options{
		Out:     out,
		BaseURL: "https://irc.example.org/",
		Channels: []ChannelOptions{
			{Network: "testnet", Name: "#test", Public: true, Description: "A channel for *tests*."},
			{Network: "testnet", Name: "#secret", Public: false},
		},
		Now:    func() time.Time { return at(10, 12, 0, 0) },
		Logger: quietLogger(),
	}
}

func render(t testing.TB, db archive.Store, opt Options) Stats {
	t.Helper()
	st, err := Render(context.Background(), db, opt)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// readTree reads every file under dir (bookkeeping included) by relative path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestGolden(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	out := t.TempDir()
	render(t, db, fixtureOptions(out))
	for _, f := range []struct{ file, golden string }{
		{"testnet/test/2026-02-02.html", "day.html.golden"},
		{"testnet/test/2026-02-02.txt", "day.txt.golden"},
		{"testnet/test/2026-02-02.gmi", "day.gmi.golden"},
		{"testnet/test/2026-02-02-links.html", "links.html.golden"},
	} {
		t.Run(f.golden, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join(out, f.file))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", f.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./render -run TestGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -update after checking the change):\n%s", f.file, path, firstDiff(got, want))
			}
		})
	}
}

func firstDiff(got, want []byte) string {
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			return "line " + itoa(i+1) + ":\n got: " + g + "\nwant: " + w
		}
	}
	return ""
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestDeterministic(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	store(t, db, privateEvents()...)
	a, b := t.TempDir(), t.TempDir()
	render(t, db, fixtureOptions(a))
	opt := fixtureOptions(b)
	opt.Workers = 1 // another interleaving of the day workers
	render(t, db, opt)
	ta, tb := readTree(t, a), readTree(t, b)
	if !slices.Equal(keys(ta), keys(tb)) {
		t.Fatalf("different files:\n%v\n%v", keys(ta), keys(tb))
	}
	for _, k := range keys(ta) {
		if !bytes.Equal(ta[k], tb[k]) {
			t.Errorf("%s differs between two renders:\n%s", k, firstDiff(ta[k], tb[k]))
		}
	}
	// A full render over an existing site rewrites the same bytes.
	opt = fixtureOptions(a)
	opt.Full = true
	st := render(t, db, opt)
	if !st.Full || st.Days != 3 {
		t.Errorf("forced full render: %+v", st)
	}
	again := readTree(t, a)
	for _, k := range keys(ta) {
		if !strings.HasPrefix(k, CacheDir) && !bytes.Equal(ta[k], again[k]) {
			t.Errorf("%s changed in a second full render", k)
		}
	}
}

func TestIncremental(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	out := t.TempDir()
	opt := fixtureOptions(out)
	first := render(t, db, opt)
	if !first.Full || first.Days != 3 || first.Events != 21 {
		t.Fatalf("first render: %+v", first)
	}

	t.Run("nothing changed", func(t *testing.T) {
		before := readTree(t, out)
		st := render(t, db, opt)
		if st.Full || st.Days != 0 || len(st.Written) != 0 || len(st.Removed) != 0 {
			t.Fatalf("re-render with nothing changed did work: %+v", st)
		}
		if st.Duration > 50*time.Millisecond {
			t.Logf("no-change re-render took %s (target 50 ms; the machine may be busy)", st.Duration)
		}
		after := readTree(t, out)
		for k := range before {
			if !bytes.Equal(before[k], after[k]) {
				t.Errorf("%s changed", k)
			}
		}
	})

	t.Run("one line on an existing day", func(t *testing.T) {
		store(t, db, event.Event{Network: "testnet", Channel: "#test", Time: at(2, 14, 0, 0), Kind: event.KindMessage, Nick: "erin", Text: "one more line https://new.example/"})
		st := render(t, db, opt)
		want := []string{
			"days/2026-02-02.html",
			"feed.atom",
			"index.html",
			"testnet/test/2026-02-02-links.html",
			"testnet/test/2026-02-02.css",
			"testnet/test/2026-02-02.gmi",
			"testnet/test/2026-02-02.html",
			"testnet/test/2026-02-02.txt",
			"testnet/test/index.html",
			"testnet/test/stats.html",
		}
		if st.Full || st.Days != 1 || !slices.Equal(st.Written, want) {
			t.Fatalf("after one new line: full=%v days=%d written\n%q\nwant\n%q", st.Full, st.Days, st.Written, want)
		}
		page, _ := os.ReadFile(filepath.Join(out, "testnet/test/2026-02-02.html"))
		if !bytes.Contains(page, []byte("one more line")) {
			t.Error("the new line is not on the day page")
		}
		stats, _ := os.ReadFile(filepath.Join(out, "testnet/test/stats.html"))
		if !bytes.Contains(stats, []byte("new.example")) {
			t.Error("the stats page does not count the new line's host")
		}
		feed, _ := os.ReadFile(filepath.Join(out, "feed.atom"))
		if !bytes.Contains(feed, []byte("10 lines by 6 people")) {
			t.Errorf("the feed's summary of the day is not updated:\n%s", feed)
		}
	})

	t.Run("a new day", func(t *testing.T) {
		store(t, db, event.Event{Network: "testnet", Channel: "#test", Time: at(6, 9, 0, 0), Kind: event.KindMessage, Nick: "alice", Text: "a new day"})
		st := render(t, db, opt)
		// The new day, the day before it (its "next" link), their daily
		// indexes, and the listings.
		want := []string{
			"days/2026-02-04.html",
			"days/2026-02-06.html",
			"feed.atom",
			"index.html",
			"testnet/test/2026-02-04-links.html",
			"testnet/test/2026-02-04.css",
			"testnet/test/2026-02-04.gmi",
			"testnet/test/2026-02-04.html",
			"testnet/test/2026-02-04.txt",
			"testnet/test/2026-02-06-links.html",
			"testnet/test/2026-02-06.css",
			"testnet/test/2026-02-06.gmi",
			"testnet/test/2026-02-06.html",
			"testnet/test/2026-02-06.txt",
			"testnet/test/index.html",
			"testnet/test/stats.html",
		}
		if st.Days != 2 || !slices.Equal(st.Written, want) {
			t.Fatalf("after a new day: days=%d written\n%q\nwant\n%q", st.Days, st.Written, want)
		}
		prev, _ := os.ReadFile(filepath.Join(out, "testnet/test/2026-02-04.html"))
		if !bytes.Contains(prev, []byte(`<link rel="next" href="2026-02-06.html">`)) {
			t.Error("the day before the new day does not link to it")
		}
	})

	t.Run("the day ends", func(t *testing.T) {
		o := opt
		o.Now = func() time.Time { return at(11, 0, 0, 1) }
		st := render(t, db, o)
		if st.Days != 0 || !slices.Equal(st.Written, []string{"feed.atom", "index.html"}) {
			t.Fatalf("a new date without new lines: %+v", st)
		}
	})

	t.Run("options changed", func(t *testing.T) {
		o := opt
		o.Title = "Other title"
		st := render(t, db, o)
		if !st.Full || st.Days != 4 {
			t.Fatalf("a new title did not render everything: %+v", st)
		}
	})
}

// privateEvents are lines of a channel that is recorded but not published.
func privateEvents() []event.Event {
	return []event.Event{
		{Network: "testnet", Channel: "#secret", Time: at(2, 10, 0, 0), Kind: event.KindMessage, Nick: "mallory", Text: "PRIVATE-MARKER the plans"},
		{Network: "testnet", Channel: "#secret", Time: at(3, 10, 0, 0), Kind: event.KindMessage, Nick: "mallory", Text: "PRIVATE-MARKER https://private.example/"},
		{Network: "testnet", Channel: "#secret", Time: at(5, 10, 0, 0), Kind: event.KindTopic, Nick: "mallory", Text: "PRIVATE-MARKER topic"},
	}
}

// assertAbsent fails when any file under out mentions what must stay private.
func assertAbsent(t *testing.T, out string, needles ...string) {
	t.Helper()
	for path, data := range readTree(t, out) {
		for _, n := range needles {
			if bytes.Contains(data, []byte(n)) || strings.Contains(path, n) {
				t.Errorf("%s mentions %q", path, n)
			}
		}
	}
}

func TestPrivateChannel(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	store(t, db, privateEvents()...)
	// The archive itself says #secret is public: the options win.
	if err := db.SetPublic(context.Background(), "testnet", "#secret", true); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	st := render(t, db, fixtureOptions(out))
	if st.Days != 3 {
		t.Errorf("rendered %d days, want the 3 of #test", st.Days)
	}
	assertAbsent(t, out, "secret", "PRIVATE-MARKER", "mallory", "private.example", "2026-02-03.html", "2026-02-05.html", "Tuesday, February 03", "Thursday, February 05")

	t.Run("a public channel made private", func(t *testing.T) {
		opt := fixtureOptions(out)
		opt.Channels[1].Public = true
		render(t, db, opt)
		if _, err := os.Stat(filepath.Join(out, "testnet/secret/2026-02-03.html")); err != nil {
			t.Fatalf("#secret was not published when public: %v", err)
		}
		opt.Channels[1].Public = false
		st := render(t, db, opt)
		if len(st.Removed) == 0 {
			t.Error("nothing was removed")
		}
		assertAbsent(t, out, "secret", "PRIVATE-MARKER", "mallory", "private.example", "2026-02-03.html", "2026-02-05.html", "Tuesday, February 03", "Thursday, February 05")
	})

	t.Run("archive flags without options", func(t *testing.T) {
		out := t.TempDir()
		opt := fixtureOptions(out)
		opt.Channels = nil
		if err := db.SetPublic(context.Background(), "testnet", "#secret", false); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPublic(context.Background(), "testnet", "#test", true); err != nil {
			t.Fatal(err)
		}
		render(t, db, opt)
		assertAbsent(t, out, "secret", "PRIVATE-MARKER", "mallory")
		if _, err := os.Stat(filepath.Join(out, "testnet/test/2026-02-02.html")); err != nil {
			t.Error(err)
		}
	})
}

func TestHostileChannelNames(t *testing.T) {
	db := openArchive(t, time.UTC)
	names := []string{"#../../etc", "#..", "#a/b", "##", "#<script>", "&x", "#.hidden", "#-rf", "#días"}
	var evs []event.Event
	var chans []ChannelOptions
	for i, n := range names {
		evs = append(evs, event.Event{Network: "../net", Channel: n, Time: time.Date(2026, 2, 2, 10, i, 0, 0, time.UTC), Kind: event.KindMessage, Nick: "x", Text: "hi"})
		chans = append(chans, ChannelOptions{Network: "../net", Name: n, Public: true})
	}
	store(t, db, evs...)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	st := render(t, db, Options{Out: out, Channels: chans, Logger: quietLogger()})
	if st.Days != len(names) {
		t.Errorf("rendered %d days, want %d", st.Days, len(names))
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("rendering wrote beside the output directory: %v", entries)
	}
	dirs := map[string]bool{}
	for path := range readTree(t, out) {
		if !filepath.IsLocal(path) {
			t.Errorf("%s is outside the output directory", path)
		}
		if strings.HasSuffix(path, "/2026-02-02.html") && !strings.HasPrefix(path, "days/") {
			dirs[filepath.Dir(path)] = true
		}
	}
	if len(dirs) != len(names) {
		t.Errorf("%d channel directories for %d channels: %v", len(dirs), len(names), dirs)
	}
}

func TestContentAndSeries(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	ctx := context.Background()
	for i, title := range []string{"Part I: Start", "Part II: <script>alert(1)</script>", "Part III: End"} {
		_, _, err := db.SavePost(ctx, archive.Post{GUID: "g" + fmtInt(i), Link: []string{"https://techrights.org/1/", "javascript:alert(1)", "https://techrights.org/3/"}[i],
			Title: "From Belarus With Love — " + title, Series: "From Belarus With Love", Part: i + 1, Numeral: []string{"I", "II", "III"}[i],
			Published: at(i+1, 8, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
	}
	content := t.TempDir()
	os.MkdirAll(filepath.Join(content, "channels"), 0o755)
	os.WriteFile(filepath.Join(content, "index.md"), []byte("# Welcome\n\nThe **logs** of our channels. <script>alert(1)</script>\n\n[x](javascript:alert(1))\n"), 0o644)
	os.WriteFile(filepath.Join(content, "about.md"), []byte("# About us\n\nWe log.\n"), 0o644)
	os.WriteFile(filepath.Join(content, "channels", "test.md"), []byte("The channel *for tests*.\n"), 0o644)
	out := t.TempDir()
	opt := fixtureOptions(out)
	opt.ContentDir = content
	render(t, db, opt)
	read := func(p string) string {
		data, err := os.ReadFile(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	front := read("index.html")
	for _, want := range []string{"<strong>logs</strong>", "From Belarus With Love", `href="series/from-belarus-with-love.html"`} {
		if !strings.Contains(front, want) {
			t.Errorf("front page lacks %q", want)
		}
	}
	if strings.Contains(front, "<script>alert") || strings.Contains(front, "javascript:") {
		t.Error("raw HTML or a javascript: link from Markdown reached the front page")
	}
	if s := read("about.html"); !strings.Contains(s, "<h1>About us</h1>") {
		t.Error("about.html is not content/about.md")
	}
	if s := read("testnet/test/index.html"); !strings.Contains(s, "<em>for tests</em>") {
		t.Error("the calendar lacks the channel's Markdown description")
	}
	series := read("series/from-belarus-with-love.html")
	if !strings.Contains(series, `href="https://techrights.org/1/"`) || strings.Contains(series, "javascript:") || strings.Contains(series, "<script>") {
		t.Errorf("series page:\n%s", series)
	}
	if i, j := strings.Index(series, "Part I:"), strings.Index(series, "Part III:"); i < 0 || j < i {
		t.Error("series parts are not in order")
	}

	// Editing the content renders the listing pages, not the days.
	os.WriteFile(filepath.Join(content, "index.md"), []byte("New intro.\n"), 0o644)
	st := render(t, db, opt)
	if st.Full || st.Days != 0 || !slices.Contains(st.Written, "index.html") || !slices.Contains(st.Written, "about.html") {
		t.Errorf("after a content edit: %+v", st)
	}
	// A new series part renders the series pages only.
	if _, _, err := db.SavePost(ctx, archive.Post{GUID: "g9", Link: "https://techrights.org/4/", Title: "From Belarus With Love — Part IV", Series: "From Belarus With Love", Part: 4}); err != nil {
		t.Fatal(err)
	}
	st = render(t, db, opt)
	if st.Days != 0 || !slices.Contains(st.Written, "series/from-belarus-with-love.html") {
		t.Errorf("after a new part: %+v", st)
	}
}

func TestRobotsNoIndex(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	out := t.TempDir()
	opt := fixtureOptions(out)
	opt.BaseURL = "https://example.org/logs/"
	opt.Channels[0].NoIndex = true
	render(t, db, opt)
	robots, _ := os.ReadFile(filepath.Join(out, "robots.txt"))
	if !strings.Contains(string(robots), "Disallow: /logs/testnet/test/\n") {
		t.Errorf("robots.txt:\n%s", robots)
	}
	for _, p := range []string{"testnet/test/2026-02-02.html", "testnet/test/index.html", "testnet/test/stats.html", "testnet/test/2026-02-02-links.html"} {
		data, _ := os.ReadFile(filepath.Join(out, p))
		if !bytes.Contains(data, []byte(`<meta name="robots" content="noindex, nofollow">`)) {
			t.Errorf("%s has no robots noindex meta", p)
		}
	}
}

// TestDayRemoved covers a day that disappears from the archive, as a
// redaction of its every line makes it: its files go, its neighbours'
// links are mended, and no page, feed or stats mentions it.
func TestDayRemoved(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	store(t, db, event.Event{Network: "testnet", Channel: "#test", Time: at(3, 12, 0, 0), Kind: event.KindMessage, Nick: "ghost", Text: "GHOST-MARKER https://ghost.example/"})
	out := t.TempDir()
	opt := fixtureOptions(out)
	render(t, db, opt)
	if _, err := os.Stat(filepath.Join(out, "testnet/test/2026-02-03.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Redact(context.Background(), archive.RedactQuery{Network: "testnet", Channel: "#test", Nick: "ghost"}, "test", false); err != nil {
		t.Fatal(err)
	}

	res := render(t, db, opt)
	wantRemoved := []string{"days/2026-02-03.html", "testnet/test/2026-02-03-links.html", "testnet/test/2026-02-03.css",
		"testnet/test/2026-02-03.gmi", "testnet/test/2026-02-03.html", "testnet/test/2026-02-03.txt"}
	if !slices.Equal(res.Removed, wantRemoved) {
		t.Errorf("removed %q, want %q", res.Removed, wantRemoved)
	}
	for _, p := range []string{"testnet/test/2026-02-02.html", "testnet/test/2026-02-04.html", "days/2026-02-02.html", "days/2026-02-04.html"} {
		if !slices.Contains(res.Written, p) {
			t.Errorf("%s (next to the removed day) was not rendered again", p)
		}
	}
	for path, data := range readTree(t, out) {
		for _, gone := range []string{"2026-02-03.html", "Tuesday, February 03", "GHOST", "ghost"} {
			if bytes.Contains(data, []byte(gone)) {
				t.Errorf("%s still shows the removed day: it holds %q", path, gone)
			}
		}
	}
}

func TestConcurrentRenders(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	out := t.TempDir()
	type result struct {
		st  Stats
		err error
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			st, err := Render(context.Background(), db, fixtureOptions(out))
			results <- result{st, err}
		}()
	}
	var worked, idle int
	for range 2 {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.st.Full && r.st.Days == 3 {
			worked++
		} else if len(r.st.Written) == 0 {
			idle++
		}
	}
	// They took turns: one rendered everything, the other found it done.
	if worked != 1 || idle != 1 {
		t.Errorf("%d renders did the work and %d found nothing to do; want 1 and 1", worked, idle)
	}
	entries, _ := os.ReadDir(filepath.Join(out, "testnet/test"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestChannelWithoutEvents(t *testing.T) {
	db := openArchive(t, london)
	if err := db.SetPublic(context.Background(), "testnet", "#quiet", true); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	opt := fixtureOptions(out)
	opt.Channels = []ChannelOptions{{Network: "testnet", Name: "#quiet", Public: true}}
	st := render(t, db, opt)
	if st.Days != 0 {
		t.Errorf("rendered %d days of an empty channel", st.Days)
	}
	for _, p := range []string{"index.html", "testnet/quiet/index.html", "testnet/quiet/stats.html", "feed.atom"} {
		data, err := os.ReadFile(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, ".html") {
			checkPage(t, p, data)
		}
	}
}

// TestWriteFileFailures: a write that cannot finish says which file and
// why, leaves the old file as it was and no temporary file behind.
func TestWriteFileFailures(t *testing.T) {
	out := t.TempDir()
	r := &renderer{opt: Options{Out: out}, files: files{out: out, dirs: map[string]bool{}}}
	if err := r.writeFile("a/page.html", true, []byte("old")); err != nil {
		t.Fatal(err)
	}
	if err := r.writeFile("a/page.html", true, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "a/page.html")); string(data) != "new" {
		t.Fatalf("page holds %q, want new", data)
	}
	if err := r.writeFile("a/parts.html", true, []byte("head "), nil, []byte("lines "), []byte("foot")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "a/parts.html")); string(data) != "head lines foot" {
		t.Fatalf("a page of parts holds %q", data)
	}
	// A directory where the page should go.
	if err := os.Mkdir(filepath.Join(out, "a/dir.html"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := r.writeFile("a/dir.html", true, []byte("x")); err == nil || !strings.Contains(err.Error(), "a/dir.html") {
		t.Errorf("writing over a directory: %v", err)
	}
	if os.Geteuid() != 0 { // root writes into read-only directories
		if err := os.Chmod(filepath.Join(out, "a"), 0o555); err != nil {
			t.Fatal(err)
		}
		err := r.writeFile("a/page.html", true, []byte("newer"))
		os.Chmod(filepath.Join(out, "a"), 0o755)
		if err == nil || !strings.Contains(err.Error(), "a/page.html") {
			t.Errorf("writing into a read-only directory: %v", err)
		}
		if data, _ := os.ReadFile(filepath.Join(out, "a/page.html")); string(data) != "new" {
			t.Errorf("after a failed write the page holds %q, want new", data)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(out, "a"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(out, "a/dir.html")); err != nil {
		t.Errorf("the directory in the way is gone: %v", err)
	}
}

// TestHostsArePublishedOnlyWhenAsked: the user@host of joins, parts and
// quits is on no page (.html, .txt, .gmi) unless ShowHosts is set, and a
// change of the setting renders every day again.
func TestHostsArePublishedOnlyWhenAsked(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	out := t.TempDir()
	opt := fixtureOptions(out)
	files := []string{"testnet/test/2026-02-02.html", "testnet/test/2026-02-02.txt", "testnet/test/2026-02-02.gmi"}
	check := func(want bool) {
		t.Helper()
		for _, f := range files {
			page, err := os.ReadFile(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(page, []byte("host.example")); got != want {
				t.Errorf("ShowHosts %v: %s carries a host: %v", opt.ShowHosts, f, got)
			}
		}
	}
	render(t, db, opt)
	check(false)
	opt.ShowHosts = true
	render(t, db, opt)
	check(true)
	opt.ShowHosts = false
	render(t, db, opt)
	check(false)
}
