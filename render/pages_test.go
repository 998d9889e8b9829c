package render

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPages renders Options.Pages (the bot's command reference, say) and
// links them from every page.
func TestPages(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	out := t.TempDir()
	opt := fixtureOptions(out)
	opt.Pages = map[string][]byte{
		"commands":        []byte("# Commands\n\n`!part N [series words]` — a part of a series. <script>alert(1)</script>\n\n[x](javascript:alert(1))\n"),
		"code-of-conduct": []byte("Be kind.\n"),
	}
	render(t, db, opt)
	read := func(p string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	page := read("commands.html")
	for _, want := range []string{"<title>Commands — IRC Proceedings</title>", "<h1>Commands</h1>", "<code>!part N [series words]</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("commands.html lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "javascript:") {
		t.Error("raw HTML or a javascript: link from Markdown reached commands.html")
	}
	nav := ` <a href="code-of-conduct.html">Code of conduct</a> <a href="commands.html">Commands</a> <a href="about.html">About</a>`
	if !strings.Contains(read("index.html"), nav) {
		t.Errorf("the front page's navigation lacks the pages:\n%s", read("index.html"))
	}
	if !strings.Contains(read("testnet/test/2026-02-02.html"), `<a href="../../commands.html">Commands</a>`) {
		t.Error("a day page does not link commands.html")
	}

	// New text renders the page again, and no day.
	opt.Pages["commands"] = []byte("# Commands\n\n`!seen nick`\n")
	st := render(t, db, opt)
	if st.Full || st.Days != 0 || !slices.Contains(st.Written, "commands.html") || !strings.Contains(read("commands.html"), "!seen nick") {
		t.Errorf("after a new text: %+v", st)
	}

	// A page that is no longer given goes away, with its links.
	delete(opt.Pages, "code-of-conduct")
	st = render(t, db, opt)
	if !st.Full || !slices.Contains(st.Removed, "code-of-conduct.html") {
		t.Errorf("after dropping a page: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(out, "code-of-conduct.html")); !os.IsNotExist(err) {
		t.Errorf("code-of-conduct.html is still there: %v", err)
	}
	if strings.Contains(read("index.html"), "code-of-conduct") {
		t.Error("the front page still links the dropped page")
	}

	for _, name := range []string{"", "index", "about", "../etc", "Commands", "-x", "a/b", "a.b", strings.Repeat("a", 65)} {
		opt := fixtureOptions(t.TempDir())
		opt.Pages = map[string][]byte{name: []byte("x")}
		if _, err := Render(context.Background(), db, opt); err == nil || !strings.Contains(err.Error(), "page name") {
			t.Errorf("page name %q: err = %v", name, err)
		}
	}
}

// TestPartHeading: a series page names each part once, without the
// series name the page is about.
func TestPartHeading(t *testing.T) {
	for _, c := range []struct{ series, numeral, title, subtitle, want string }{
		{"From Belarus With Love", "X", "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”", "", "Part X: From “High-Tech Hub” to “No-Go Zone”"},
		{"From Belarus With Love", "X", "From Belarus With Love — Part X: whatever", "The Subtitle", "Part X: The Subtitle"},
		{"From Belarus With Love", "IV", "From Belarus With Love — Part IV", "", "Part IV"},
		{"From Belarus With Love", "I", "From Belarus With Love — Part IV", "", "Part I: Part IV"},
		{"A Can of WORMS", "II", "A Can of WORMS - Part II - Darkening the Name", "", "Part II: Darkening the Name"},
		{"Series", "2", "Another Title", "", "Part 2: Another Title"},
	} {
		if got := partHeading(c.series, c.numeral, c.title, c.subtitle); got != c.want {
			t.Errorf("partHeading(%q, %q, %q, %q) = %q, want %q", c.series, c.numeral, c.title, c.subtitle, got, c.want)
		}
	}
}
