package render

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"proceedings/event"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"proceedings/archive"
	"proceedings/internal/pagecheck"
)

// browser is a headless Debian Chromium that records every console error,
// uncaught exception and dialog of the pages it opens.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	reported chan struct{} // a token for each problem, for tests that wait for one
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(375, 700),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{ctx: ctx, reported: make(chan struct{}, 64)}
	console := chromedp.Console(ctx) // starts the browser
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				b.report("console %s at %s: %s", m.Type, m.URL, m.Text)
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.report("a %s dialog opened on %s: %q", ev.Type, ev.URL, ev.Message)
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 700)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

func (b *browser) report(format string, args ...any) {
	b.mu.Lock()
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
	b.mu.Unlock()
	select {
	case b.reported <- struct{}{}:
	default:
	}
}

func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// open loads a URL and waits for its load event.
func (b *browser) open(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// serve serves dir on loopback.
func serve(t *testing.T, dir string) string {
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// sitePages lists the HTML pages under out, relative to it.
func sitePages(t *testing.T, out string) []string {
	t.Helper()
	var pages []string
	filepath.WalkDir(out, func(p string, e os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(out, p)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(pages)
	if len(pages) < 20 {
		t.Fatalf("only %d pages", len(pages))
	}
	return pages
}

func TestBrowser(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	store(t, db, xssEvents()...)
	out := t.TempDir()
	opt := xssOptions(out)
	// The bot's command reference, the longest Markdown page of the site.
	commands, err := os.ReadFile(filepath.Join("..", "bot", "commands", "commands.md"))
	if err != nil {
		t.Fatal(err)
	}
	opt.Pages = map[string][]byte{"commands": commands}
	// A series of three parts, two named only by their whole title, one
	// with the subtitle the feed importer stores.
	for i, title := range []string{"Part I: Start", "Part II: “Middle” & more", "Part III: End"} {
		p := archive.Post{GUID: "s" + fmtInt(i), Link: "https://techrights.org/" + fmtInt(i+1) + "/", Title: "From Belarus With Love — " + title,
			Series: "From Belarus With Love", Part: i + 1, Numeral: []string{"I", "II", "III"}[i], Published: at(i+1, 8, 0, 0)}
		if i == 2 {
			p.Subtitle = "End"
		}
		if _, _, err := db.SavePost(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	// A front page whose Markdown opens with its own title.
	content := t.TempDir()
	os.WriteFile(filepath.Join(content, "index.md"), []byte("# Welcome to the logs\n\nThe **logs** of our channels.\n\n# A second title\n"), 0o644)
	opt.ContentDir = content
	render(t, db, opt)
	// The search page of proceedings serve, which uses style.css too.
	searchPage, err := os.ReadFile(filepath.Join("testdata", "search-page.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "search.html"), searchPage, 0o644); err != nil {
		t.Fatal(err)
	}
	base := serve(t, out)
	b := newBrowser(t)
	day := base + "testnet/test/2026-02-02.html"
	xssDay := base + "testnet/xss/2026-02-03.html"

	// The canary shows that the checks below can fail: a page whose script
	// runs, opens a dialog, logs an error and is too wide.
	t.Run("canary", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "canary.html"), []byte(`<!DOCTYPE html><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,">`+
			`<div style="width:2000px">wide</div><script>window.__xss=1; console.error("canary"); alert("canary")</script>`), 0o644)
		b.open(t, serve(t, dir)+"canary.html")
		if !eval[bool](t, b, `window.__xss === 1`) {
			t.Error("the canary's script did not run")
		}
		if w := eval[int](t, b, `document.documentElement.scrollWidth`); w <= 375 {
			t.Errorf("the canary is %d px wide", w)
		}
		b.open(t, "about:blank")
		timeout := time.After(10 * time.Second)
		var problems []string
	wait:
		for len(problems) < 2 {
			select {
			case <-b.reported:
				problems = append(problems, b.takeProblems()...)
			case <-timeout:
				break wait
			}
		}
		text := strings.Join(problems, "\n")
		if !strings.Contains(text, "dialog") || !strings.Contains(text, "canary") {
			t.Errorf("the watcher missed the canary's dialog or console error: %q", problems)
		}
	})

	t.Run("permalink scrolls to and highlights its line", func(t *testing.T) {
		ch, err := db.FindChannel(context.Background(), "testnet", "#xss")
		if err != nil {
			t.Fatal(err)
		}
		evs, err := db.Day(context.Background(), ch.ID, event.Date{Year: 2026, Month: 2, Day: 3})
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("l-%d", evs[len(evs)-5].ID) // far down a long page
		b.open(t, xssDay+"?p#"+id)
		type result struct {
			ID             string
			Top, Bottom, H float64
			Y              float64
			BG, Other      string
		}
		r := eval[result](t, b, `(() => { const e = document.querySelector(':target'); if (!e) return {};
			const r = e.getBoundingClientRect(); const o = document.querySelector('.log li:not(:target)');
			return {ID: e.id, Top: r.top, Bottom: r.bottom, H: innerHeight, Y: scrollY,
				BG: getComputedStyle(e).backgroundColor, Other: getComputedStyle(o).backgroundColor}; })()`)
		if r.ID != id {
			t.Fatalf(":target is %q, want %q", r.ID, id)
		}
		if r.Y <= 0 || r.Top < 0 || r.Top >= r.H {
			t.Errorf("line %s is not scrolled into view: top %.0f of %.0f, scrollY %.0f", id, r.Top, r.H, r.Y)
		}
		if r.BG == r.Other {
			t.Errorf("the target line is not highlighted: background %s like the others", r.BG)
		}
	})

	t.Run("range permalink highlights the range", func(t *testing.T) {
		b.open(t, day+"?r#l-6-l-9")
		got := eval[string](t, b, `Array.from(document.querySelectorAll('li.hl')).map(e => e.id).join(',')`)
		if got != "l-6,l-7,l-8,l-9" {
			t.Errorf("highlighted %q, want l-6 to l-9", got)
		}
	})

	t.Run("nick filter without JavaScript", func(t *testing.T) {
		alice := nickClass(nickHash("alice"))
		b.open(t, day+"?n#"+alice)
		type result struct{ Visible, Hers, Others int }
		r := eval[result](t, b, `(() => { const vis = Array.from(document.querySelectorAll('.log li')).filter(e => e.offsetParent !== null);
			return {Visible: vis.length, Hers: document.querySelectorAll('.log li.`+alice+`').length,
				Others: vis.filter(e => !e.classList.contains('`+alice+`')).length}; })()`)
		if r.Hers == 0 || r.Visible != r.Hers || r.Others != 0 {
			t.Errorf("filtering on alice shows %d lines, %d of them others', want her %d", r.Visible, r.Others, r.Hers)
		}
		if !eval[bool](t, b, `document.getElementById('`+alice+`').offsetParent !== null`) {
			t.Error("the filter's notice is not shown")
		}
	})

	t.Run("join and quit toggle without JavaScript", func(t *testing.T) {
		b.open(t, day+"?t")
		visible := `Array.from(document.querySelectorAll('.log li.jpq')).filter(e => e.offsetParent !== null).length`
		if n := eval[int](t, b, visible); n == 0 {
			t.Fatal("no join/part/quit line is shown before the toggle")
		}
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("label[for=hide-jpq]"))); err != nil {
			t.Fatal(err)
		}
		if n := eval[int](t, b, visible); n != 0 {
			t.Errorf("%d join/part/quit lines still shown after the toggle", n)
		}
		if n := eval[int](t, b, `Array.from(document.querySelectorAll('.log li.m')).filter(e => e.offsetParent !== null).length`); n == 0 {
			t.Error("the toggle hid the messages too")
		}
	})

	t.Run("search forms", func(t *testing.T) {
		type form struct {
			Action, Channel, Network string
			Width                    float64
		}
		for _, tc := range []struct {
			page string
			want form
		}{
			{"index.html", form{Action: base + "search"}},
			{"testnet/test/index.html", form{Action: base + "search", Channel: "#test", Network: "testnet"}},
			{"testnet/test/2026-02-02.html", form{Action: base + "search", Channel: "#test", Network: "testnet"}},
		} {
			b.open(t, base+tc.page)
			got := eval[form](t, b, `(() => { const f = document.querySelector('form.find'); if (!f) return {};
				const v = n => f.elements[n] ? f.elements[n].value : '';
				return {Action: f.action, Channel: v('channel'), Network: v('network'), Width: f.elements.q.getBoundingClientRect().width}; })()`)
			if got.Width < 100 {
				t.Errorf("%s: the search box is %.0f px wide", tc.page, got.Width)
			}
			got.Width = 0
			if got != tc.want {
				t.Errorf("%s: search form %+v, want %+v", tc.page, got, tc.want)
			}
		}
		b.open(t, base+"search.html")
		type look struct{ Mark, Button, Hit string }
		l := eval[look](t, b, `(() => { const s = e => getComputedStyle(document.querySelector(e));
			return {Mark: s('mark').backgroundColor, Button: s('.search-form button').backgroundColor, Hit: s('li.hit').borderBottomStyle}; })()`)
		if l.Mark == "rgba(0, 0, 0, 0)" || l.Button == "rgba(0, 0, 0, 0)" || l.Hit != "solid" {
			t.Errorf("the search page is not styled by style.css: %+v", l)
		}
	})

	t.Run("no script of the XSS corpus runs; no horizontal scroll at 375 px", func(t *testing.T) {
		for _, p := range sitePages(t, out) {
			u := base + strings.ReplaceAll(p, "~", "%7E")
			b.open(t, u)
			// Hover and focus everything, for handlers that wait for them.
			eval[bool](t, b, `(() => { for (const e of document.querySelectorAll('*')) { e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); } return true; })()`)
			if xss := eval[bool](t, b, `window.__xss !== undefined`); xss {
				t.Errorf("%s: a script from the log ran", p)
			}
			type widths struct{ Scroll, Client int }
			w := eval[widths](t, b, `({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`)
			if w.Client != 375 || w.Scroll > w.Client {
				t.Errorf("%s: %d px wide in a %d px viewport (want 375 and no horizontal scroll)", p, w.Scroll, w.Client)
			}
		}
		b.open(t, "about:blank")
	})

	// Every page: one site header with the navigation and a search box
	// that goes to the search page, one footer, one <h1>.
	t.Run("one header, footer and h1 on every page", func(t *testing.T) {
		for _, p := range sitePages(t, out) {
			b.open(t, base+strings.ReplaceAll(p, "~", "%7E"))
			got := eval[pagecheck.Chrome](t, b, pagecheck.Script)
			if msg := got.Problem(base); msg != "" {
				t.Errorf("%s: %s", p, msg)
			}
		}
	})

	t.Run("series page names each part once", func(t *testing.T) {
		b.open(t, base+"series/from-belarus-with-love.html")
		type part struct{ Text, Href string }
		type result struct {
			Parts  []part
			Marker string
		}
		r := eval[result](t, b, `(() => { const ol = document.querySelector('ol.parts'); if (!ol) return {};
			return {Marker: getComputedStyle(ol).listStyleType, Parts: Array.from(ol.querySelectorAll('li')).map(li => {
				const c = li.cloneNode(true); c.querySelectorAll('small').forEach(s => s.remove());
				const a = li.querySelector('a'); return {Text: c.textContent.trim(), Href: a ? a.href : ''}; })}; })()`)
		want := []part{
			{"Part I: Start", "https://techrights.org/1/"},
			{"Part II: “Middle” & more", "https://techrights.org/2/"},
			{"Part III: End", "https://techrights.org/3/"},
		}
		if fmt.Sprint(r.Parts) != fmt.Sprint(want) {
			t.Errorf("series parts %q, want %q", r.Parts, want)
		}
		// "1. Part I: …" would say the number twice.
		if r.Marker != "none" {
			t.Errorf("the list of parts is numbered (%q) besides its part numbers", r.Marker)
		}
	})

	// At 1000 px: the charts of a channel of four days.
	wide := func(t *testing.T) {
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 900)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { chromedp.Do(b.ctx, chromedp.EmulateViewport(375, 700)) })
	}

	t.Run("stats bars are slim on a short channel", func(t *testing.T) {
		wide(t)
		b.open(t, base+"testnet/test/stats.html")
		type bar struct {
			Chart     string
			W, ChartW float64
			Bars      int
		}
		bars := eval[[]bar](t, b, `Array.from(document.querySelectorAll('svg.chart')).flatMap(svg => {
			const rects = svg.querySelectorAll('.bars rect');
			return Array.from(rects).map(r => ({Chart: svg.querySelector('title').textContent, W: r.getBoundingClientRect().width,
				ChartW: svg.getBoundingClientRect().width, Bars: rects.length})); })`)
		if len(bars) < 24+7+3 {
			t.Fatalf("only %d bars on the stats page", len(bars))
		}
		for _, r := range bars {
			if r.W <= 0 || r.W > 64 || r.W > r.ChartW/10 {
				t.Errorf("%s: a bar %.0f px wide in a chart of %.0f px (%d bars); want at most 64 px and a tenth of the chart", r.Chart, r.W, r.ChartW, r.Bars)
				break
			}
		}
	})

	t.Run("calendar columns are of one width", func(t *testing.T) {
		for _, width := range []int{375, 1000} {
			ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
			err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900))
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			b.open(t, base+"testnet/test/index.html")
			cols := eval[[][]float64](t, b, `Array.from(document.querySelectorAll('table.cal')).map(t =>
				Array.from(t.querySelectorAll('thead th')).map(th => th.getBoundingClientRect().width))`)
			if len(cols) == 0 {
				t.Fatal("no calendar month")
			}
			for i, month := range cols {
				if len(month) != 7 {
					t.Errorf("at %d px, month %d has %d weekday columns", width, i, len(month))
					continue
				}
				for _, w := range month[1:] {
					if w < month[0]-0.5 || w > month[0]+0.5 {
						t.Errorf("at %d px, month %d: weekday columns %v px wide, want seven equal", width, i, month)
						break
					}
				}
			}
		}
		chromedp.Do(b.ctx, chromedp.EmulateViewport(375, 700))
	})

	t.Run("screenshot of a day page", func(t *testing.T) {
		sdb := openArchive(t, london)
		store(t, sdb, showcase()...)
		sout := t.TempDir()
		render(t, sdb, Options{Out: sout, Title: "Techrights IRC Proceedings", Logger: quietLogger(),
			Channels: []ChannelOptions{{Network: "libera", Name: "#techrights", Public: true}}})
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		defer chromedp.Do(ctx, chromedp.EmulateViewport(375, 700))
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 900), chromedp.Navigate(serve(t, sout)+"libera/techrights/2026-02-02.html")); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		// The README's pictures are of the demo: make screenshots.
		if len(png) < 10000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Fatalf("the screenshot is not a PNG of a page (%d bytes)", len(png))
		}
	})

	for _, p := range b.takeProblems() {
		t.Error(p)
	}
}
