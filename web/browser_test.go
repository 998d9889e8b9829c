package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"proceedings/event"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"proceedings/internal/pagecheck"
	"proceedings/render"
	"proceedings/sitepath"
)

// chromium is a headless Chromium (pagecheck.ChromiumOptions) that records
// the console errors (CSP violations among them) and dialogs of the pages
// it opens.
type chromium struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func newChromium(t *testing.T) *chromium {
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), pagecheck.ChromiumOptions(pagecheck.Chromium, t.TempDir(), 1000, 700)...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	c := &chromium{ctx: ctx}
	pagecheck.WatchProblems(ctx, c.report)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 700)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return c
}

func (c *chromium) report(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *chromium) problemsSoFar() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.problems...)
}

// do runs steps, each bounded in time.
func (c *chromium) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func evalJS[T any](t *testing.T, c *chromium, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// loads runs a step that navigates and waits for the new page's load
// event.
func loads(step chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	wait := chromedp.WaitEvent(page.LoadEventFired, nil, step)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := wait(ctx, t)
		return chromedp.Void{}, err
	}
}

// TestBrowserSearchToHighlightedLine renders the fixture archive with the
// site renderer, serves it with search, and in Chromium types a query into
// the search box, submits it, follows a hit and lands on the day page with
// that line targeted and highlighted, with no console error (a CSP
// violation would be one) on the way.
func TestBrowserSearchToHighlightedLine(t *testing.T) {
	f := newFixture(t, Options{})
	out := filepath.Join(t.TempDir(), "public")
	if _, err := render.Render(context.Background(), f.r, render.Options{Out: out, Logger: discardLogger()}); err != nil {
		t.Fatalf("render the site: %v", err)
	}
	srv, err := New(Options{Archive: f.r, SiteDir: out, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	base := startServer(t, srv)
	c := newChromium(t)

	c.do(t, "open the search page", loads(chromedp.Navigate(base+"search")))
	c.do(t, "type a query", chromedp.SendKeys(chromedp.CSS("#q"), "minsk"))
	c.do(t, "choose newest first", chromedp.SetValue(chromedp.CSS("#order"), "newest"))
	c.do(t, "submit", loads(chromedp.Submit(chromedp.CSS("#q"))))

	loc := evalJS[string](t, c, `location.href`)
	if !strings.HasPrefix(loc, base+"search?") || !strings.Contains(loc, "q=minsk") {
		t.Fatalf("the form went to %s", loc)
	}
	type hit struct{ Href, Mark, Text string }
	got := evalJS[[]hit](t, c, `Array.from(document.querySelectorAll('ol.hits li')).map(li => ({
		Href: li.querySelector('a.permalink').href, Mark: (li.querySelector('mark') || {}).textContent || '', Text: li.textContent}))`)
	if len(got) != 4 {
		t.Fatalf("%d hits on the page, want 4: %+v", len(got), got)
	}
	// The hostile line (the last, oldest): its markup is text, its match marked.
	hostile := got[3]
	if hostile.Mark != "Minsk" || !strings.Contains(hostile.Text, "<script>alert(1)</script>") {
		t.Fatalf("hostile hit: %+v", hostile)
	}
	want := base + f.link("hostile", 2)
	if hostile.Href != want {
		t.Fatalf("hit links to %s, want %s", hostile.Href, want)
	}

	c.do(t, "follow the hit", loads(chromedp.Click(chromedp.CSS(`ol.hits li:nth-child(4) a.permalink`))))
	type landing struct {
		URL, Title, Target string
		Top, H             float64
		BG, Other          string
	}
	l := evalJS[landing](t, c, `(() => { const e = document.querySelector(':target');
		const o = document.querySelector('li[id^="l-"]:not(:target)');
		const r = e ? e.getBoundingClientRect() : {top: -1};
		return {URL: location.href, Title: document.title, Target: e ? e.id : '', Top: r.top, H: innerHeight,
			BG: e ? getComputedStyle(e).backgroundColor : '', Other: o ? getComputedStyle(o).backgroundColor : ''}; })()`)
	if l.URL != want {
		t.Fatalf("landed on %s, want %s", l.URL, want)
	}
	if !strings.Contains(l.Title, "Monday, February 02, 2026") {
		t.Errorf("day page title %q", l.Title)
	}
	if l.Target != fmt.Sprintf("l-%d", f.ids["hostile"]) {
		t.Fatalf(":target is %q, want l-%d", l.Target, f.ids["hostile"])
	}
	if l.Top < 0 || l.Top >= l.H {
		t.Errorf("the line is not in view: top %.0f of %.0f", l.Top, l.H)
	}
	if l.BG == l.Other {
		t.Errorf("the line is not highlighted: background %s like the others", l.BG)
	}
	if p := c.problemsSoFar(); len(p) > 0 {
		t.Errorf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}

// TestBrowserOneChromeOnEveryPage opens every kind of page, the rendered
// ones as this server sends them and the ones it makes itself (the search
// page, with hits, without, with an error; a 404; "nothing rendered
// yet"), and checks that each has the one site header (title, the
// navigation, a search box that goes to the search page), one footer and
// one <h1>; then it searches from the header of several of them and lands
// on the hits.
func TestBrowserOneChromeOnEveryPage(t *testing.T) {
	f := newFixture(t, Options{})
	out := filepath.Join(t.TempDir(), "public")
	content := t.TempDir()
	if err := os.WriteFile(filepath.Join(content, "index.md"), []byte("# Welcome\n\nThe logs of our channels.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := render.Render(context.Background(), f.r, render.Options{Out: out, Logger: discardLogger(), ContentDir: content,
		Pages: map[string][]byte{"commands": []byte("Say `!help`.\n")}}); err != nil {
		t.Fatalf("render the site: %v", err)
	}
	srv, err := New(Options{Archive: f.r, SiteDir: out, Logger: discardLogger(), SearchRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	base := startServer(t, srv)
	c := newChromium(t)

	var pages []string
	filepath.WalkDir(out, func(p string, e os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(out, p)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(pages)
	kinds := map[string]bool{}
	for _, p := range pages {
		switch {
		case p == "index.html", p == "about.html", p == "commands.html", p == "series/index.html":
			kinds[p] = true
		case strings.HasPrefix(p, "series/"):
			kinds["series page"] = true
		case strings.HasPrefix(p, "days/"):
			kinds["daily index"] = true
		case strings.HasSuffix(p, "/index.html"):
			kinds["calendar"] = true
		case strings.HasSuffix(p, "/stats.html"):
			kinds["stats"] = true
		case strings.HasSuffix(p, "-links.html"):
			kinds["links"] = true
		default:
			kinds["day"] = true
		}
	}
	if len(kinds) != 10 {
		t.Fatalf("the site has %d kinds of page, want 10: %v", len(kinds), kinds)
	}
	pages = append(pages, "", "libera/techrights/", "search", "search?q=minsk", "search?q=nosuchwordanywhere",
		"search?q=minsk&from=yesterday", "search?q=minsk&channel=%23secret", "no/such/page")

	check := func(base, p string) {
		t.Helper()
		c.do(t, "open "+p, loads(chromedp.Navigate(base+p)))
		got := evalJS[pagecheck.Chrome](t, c, pagecheck.Script)
		if msg := got.Problem(base); msg != "" {
			t.Errorf("/%s: %s", p, msg)
		}
	}
	for _, p := range pages {
		check(base, p)
	}
	// The error states really are errors, and the search really empty.
	for p, want := range map[string]string{
		"search?q=minsk&from=yesterday":    "p.error",
		"search?q=nosuchwordanywhere":      "p.search-count",
		"search?q=minsk&channel=%23secret": "p.error",
	} {
		c.do(t, "open "+p, loads(chromedp.Navigate(base+p)))
		if !evalJS[bool](t, c, `document.querySelector('`+want+`') !== null && document.querySelectorAll('ol.hits li').length === 0`) {
			t.Errorf("/%s: no %s, or hits", p, want)
		}
	}

	// The header's box searches, from wherever.
	for _, p := range []string{"", sitepath.DayPath("libera", "#techrights", event.DateOf(day0, london)), "libera/techrights/stats.html",
		"series/index.html", "search?q=linux", "no/such/page"} {
		c.do(t, "open "+p, loads(chromedp.Navigate(base+p)))
		c.do(t, "type into the header's box on "+p, chromedp.SendKeys(chromedp.CSS("header form input[name=q]"), "minsk"))
		c.do(t, "submit the header's box on "+p, loads(chromedp.Submit(chromedp.CSS("header form input[name=q]"))))
		type landing struct {
			URL  string
			Hits int
		}
		l := evalJS[landing](t, c, `({URL: location.href, Hits: document.querySelectorAll('ol.hits li').length})`)
		if !strings.HasPrefix(l.URL, base+"search?") || !strings.Contains(l.URL, "q=minsk") || l.Hits == 0 {
			t.Errorf("searching from the header of /%s: landed on %s with %d hits", p, l.URL, l.Hits)
		}
	}

	// The browser logs the status of the pages that are errors on purpose.
	var problems []string
	for _, p := range c.problemsSoFar() {
		if !strings.Contains(p, "the server responded with a status of 40") ||
			!(strings.Contains(p, "from=yesterday") || strings.Contains(p, "%23secret") || strings.Contains(p, "no/such/page")) {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		t.Errorf("the browser reported problems:\n%s", strings.Join(problems, "\n"))
	}

	// Before anything is rendered, "/" says so, in the same chrome (whose
	// stylesheet is not there yet either).
	empty, err := New(Options{Archive: f.r, SiteDir: filepath.Join(t.TempDir(), "nothing-yet"), Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	check(startServer(t, empty), "")
}
