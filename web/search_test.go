package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"proceedings/event"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"proceedings/archive"
	"proceedings/sitepath"
)

// hits returns the permalinks of a search page's hits, in order.
func hits(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			for _, a := range n.Attr {
				if a.Key == "class" && a.Val == "permalink" {
					for _, a := range n.Attr {
						if a.Key == "href" {
							out = append(out, a.Val)
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func (f *fixture) link(name string, day int) string {
	return sitepath.DayPath("libera", "#techrights", event.Date{Year: 2026, Month: 2, Day: day}) + fmt.Sprintf("#l-%d", f.ids[name])
}

func TestSearchPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	resp := f.get(t, "/search?q=minsk")
	page := body(t, resp)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Newest first, linking to each line's permalink on its day page.
	want := []string{f.link("late", 3), f.link("action", 2), f.link("phrase", 2), f.link("hostile", 2)}
	if got := hits(t, page); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("hits\n got %v\nwant %v", got, want)
	}
	for _, s := range []string{
		`<link rel="stylesheet" href="./style.css">`,
		`<input type="search" id="q" name="q" value="minsk"`,
		`<mark>Minsk</mark> is &lt;b&gt;lovely&lt;/b&gt; &amp; &#34;quoted&#34; &lt;script&gt;alert(1)&lt;/script&gt;`,
		`<span class="nick">* carol</span>`,
		`<span class="nick">&lt;alice&gt;</span>`,
		`<time datetime="2026-02-02T14:03:11Z">2026-02-02 14:03:11</time>`,
		`1–4 of 4 lines`,
		`<option value="#techrights">#techrights</option>`,
	} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %s", s)
		}
	}
	for _, s := range []string{"<script>", "<b>", "#secret", "mallory", "secret plans", "secret.host"} {
		if strings.Contains(page, s) {
			t.Errorf("page contains %q", s)
		}
	}
	// A topic the bot found on joining has no setter: it reads as the day
	// pages say it, not as a topic set by nobody.
	f = newFixture(t, Options{})
	for _, ev := range []event.Event{
		{Time: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC), Kind: event.KindTopic, Flags: event.FlagTopicOnJoin, Text: "the zebrafish topic"},
		{Time: time.Date(2026, 7, 1, 9, 1, 0, 0, time.UTC), Kind: event.KindTopic, Nick: "alice", Text: "a zebrafish topic by alice"},
	} {
		ev.Network, ev.Channel = "libera", "#techrights"
		if _, err := f.w.Append(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	page = body(t, f.get(t, "/search?q=zebrafish"))
	if !strings.Contains(page, `Topic for <span class="channel">`) && !strings.Contains(page, "Topic for #techrights:") {
		t.Errorf("the topic found on joining is not shown as one:\n%s", page)
	}
	if strings.Contains(page, `<span class="nick"></span>`) {
		t.Errorf("a topic is shown with an empty nick:\n%s", page)
	}
	if !strings.Contains(page, `<span class="nick">alice</span> set the topic:`) {
		t.Errorf("the topic alice set is not shown as hers:\n%s", page)
	}
	// Times and days are the site's: 23:30 UTC on 30 June is 00:30 on 1
	// July in London, on the page of that day.
	page = body(t, f.get(t, "/search?q=heatwave"))
	if !strings.Contains(page, ">2026-07-01 00:30:00</time>") || !strings.Contains(page, f.link("summer", 0)[:len("libera/techrights/")]+"2026-07-01.html#l-") {
		t.Errorf("summer line not shown in site time:\n%s", page)
	}
}

func TestSearchFiltersAndPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"q=minsk&nick=BOB", []string{f.link("late", 3), f.link("phrase", 2)}},
		{"q=minsk&from=2026-02-03", []string{f.link("late", 3)}},
		{"q=minsk&to=2026-02-02", []string{f.link("action", 2), f.link("phrase", 2), f.link("hostile", 2)}},
		{"q=minsk&from=2026-02-02&to=2026-02-02&channel=techrights", []string{f.link("action", 2), f.link("phrase", 2), f.link("hostile", 2)}},
		{"q=minsk&channel=%23TechRights&network=libera", []string{f.link("late", 3), f.link("action", 2), f.link("phrase", 2), f.link("hostile", 2)}},
		{"q=%22free+software%22", []string{f.link("phrase", 2)}},
		{"q=software+free", []string{f.link("phrase", 2)}},
		{"q=%22software+free%22", nil},
		{"q=linux+line+44&order=relevance&limit=1", []string{f.link("linux44", 3)}},
		{"q=nothing-like-this", nil},
		{"q=%3Cscript%3E+alert", []string{f.link("hostile", 2)}},
		{"q=minsk&page=2", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			resp := f.get(t, "/search?"+tc.query)
			page := body(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, page)
			}
			if got := hits(t, page); strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("hits\n got %v\nwant %v", got, tc.want)
			}
			if len(tc.want) == 0 && !strings.Contains(page, "No lines match") {
				t.Error("no 'No lines match'")
			}
		})
	}
	// Paging through 45 "linux" lines, 20 a page: every line once, in order.
	var all []string
	next := "search?q=linux"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("too many pages")
		}
		resp := f.get(t, "/"+next)
		page := body(t, resp)
		all = append(all, hits(t, page)...)
		m := regexp.MustCompile(`<a rel="next" href="([^"]+)"`).FindStringSubmatch(page)
		next = ""
		if m != nil {
			next = html.UnescapeString(m[1])
		}
		if pages == 1 && !strings.Contains(page, `21–40 of 45 lines`) || pages == 1 && !strings.Contains(page, `rel="prev" href="search?q=linux"`) {
			t.Errorf("page 2 header or prev link: %s", page)
		}
	}
	if len(all) != linuxLines {
		t.Fatalf("paged through %d hits, want %d", len(all), linuxLines)
	}
	for i, h := range all {
		want := f.link(fmt.Sprintf("linux%d", linuxLines-1-i), 0)
		if !strings.HasSuffix(h, want[strings.Index(want, "#"):]) {
			t.Fatalf("hit %d is %s, want anchor of %s", i, h, want)
		}
	}
}

func TestSearchBadInputsAreExplained(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	long := strings.Repeat("minsk ", 50)
	for _, tc := range []struct {
		name, query string
		status      int
		says        string
	}{
		{"too long", "q=" + url.QueryEscape(long), 400, "bytes long; at most 256"},
		{"no words", "q=%2A%2A%2A+%28+%29", 400, "Type at least one word"},
		{"only quotes", "q=%22%22", 400, "Type at least one word"},
		{"page zero", "q=minsk&page=0", 400, "The page is a number"},
		{"page text", "q=minsk&page=two", 400, "The page is a number"},
		{"page negative", "q=minsk&page=-1", 400, "The page is a number"},
		{"page too deep", "q=minsk&page=51", 400, "Only the first 50 pages"},
		{"page huge", "q=minsk&page=99999999999999999999", 400, "The page is a number"},
		{"limit too big", "q=minsk&limit=1000", 400, "from 1 to 100"},
		{"limit zero", "q=minsk&limit=0", 400, "from 1 to 100"},
		{"bad from", "q=minsk&from=02%2F02%2F2026", 400, "should look like 2026-02-02"},
		{"bad to", "q=minsk&to=yesterday", 400, "should look like 2026-02-02"},
		{"to before from", "q=minsk&from=2026-02-03&to=2026-02-01", 400, "is before the first"},
		{"private channel", "q=minsk&channel=%23secret", 400, "There is no public channel #secret"},
		{"unknown channel", "q=minsk&channel=%23nosuch", 400, "There is no public channel #nosuch"},
		{"unknown network", "q=minsk&network=efnet", 400, "no public channel on efnet"},
		{"channel on another network", "q=minsk&channel=%23techrights&network=efnet", 400, "no public channel #techrights on efnet"},
		{"bad order", "q=minsk&order=random", 400, "Order is newest or relevance"},
		{"nick with space", "q=minsk&nick=a+b", 400, "no spaces"},
		{"nick with control", "q=minsk&nick=a%01b", 400, "no spaces or control"},
		{"long channel", "q=minsk&channel=" + strings.Repeat("c", 101), 400, "too long"},
		{"query string too long", "q=" + strings.Repeat("a", 5000), 414, "too long"},
		{"empty", "q=", 200, `id="q" name="q" value=""`},
		{"nothing", "", 200, `id="q" name="q" value=""`},
		{"bad utf-8", "q=%ff%fe+minsk", 200, "<mark>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.get(t, "/search?"+tc.query)
			page := body(t, resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, page)
			}
			if !strings.Contains(page, tc.says) {
				t.Fatalf("page does not say %q:\n%s", tc.says, page)
			}
			if tc.status == 400 && !strings.Contains(page, `<p class="error" role="alert">`) {
				t.Errorf("no error paragraph")
			}
			if tc.status == 400 && !strings.Contains(page, `<form class="search-form"`) {
				t.Errorf("no form to correct the search")
			}
			if strings.Contains(page, "mallory") {
				t.Error("private channel leaked")
			}
		})
	}
	// The form keeps what was typed, escaped.
	resp := f.get(t, "/search?q=%22%3E%3Cscript%3Ex&page=0")
	if page := body(t, resp); !strings.Contains(page, `value="&#34;&gt;&lt;script&gt;x"`) {
		t.Errorf("refilled form: %s", page)
	}
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{SearchRate: 0.001, SearchBurst: 1})
	f.get(t, "/search?q=minsk") // use up the burst
	for _, tc := range []struct {
		method, target string
		status         int
	}{
		{"GET", "/", 200},
		{"GET", "/style.css", 200},
		{"GET", "/libera/techrights", 301},
		{"GET", "/nosuch", 404},
		{"GET", "/../etc/passwd", 404},
		{"GET", "/search", 200},
		{"GET", "/search?q=minsk", 429},
		{"GET", "/search?page=0", 400},
		{"GET", "/api/channels", 200},
		{"GET", "/api/nosuch", 404},
		{"POST", "/search", 405},
		{"DELETE", "/index.html", 405},
		{"GET", "/index.html", 304},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			var hdr []string
			if tc.status == 304 {
				first := f.get(t, tc.target)
				hdr = []string{"If-None-Match", first.Header.Get("ETag")}
			}
			resp := do(t, f.srv, tc.method, tc.target, hdr...)
			body(t, resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			for k, v := range map[string]string{
				"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
				"X-Frame-Options":         "DENY",
			} {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if tc.status == 405 && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow %q", resp.Header.Get("Allow"))
			}
		})
	}
}

func TestSearchPageHasNoInlineScriptOrStyle(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	for _, target := range []string{"/search", "/search?q=minsk", "/search?page=0", "/nosuch"} {
		page := body(t, f.get(t, target))
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				if n.Data == "script" || n.Data == "style" {
					t.Errorf("%s: <%s> element", target, n.Data)
				}
				for _, a := range n.Attr {
					if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
						t.Errorf("%s: %s attribute on <%s>", target, a.Key, n.Data)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{SearchRate: 0.01, SearchBurst: 3})
	for i := range 3 {
		if resp := f.get(t, "/search?q=minsk"); resp.StatusCode != 200 {
			t.Fatalf("search %d within the burst: %d", i, resp.StatusCode)
		}
	}
	resp := f.get(t, "/search?q=minsk")
	page := body(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "Too many searches") {
		t.Fatalf("past the burst: %d %s", resp.StatusCode, page)
	}
	if ra := resp.Header.Get("Retry-After"); ra != "100" {
		t.Errorf("Retry-After %q, want 100 (one token at 0.01/s)", ra)
	}
	// The API shares the bucket and answers in JSON.
	resp = f.get(t, "/api/search?q=minsk")
	if b := body(t, resp); resp.StatusCode != 429 || !strings.HasPrefix(b, `{"error":"Too many searches`) || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("API past the burst: %d %s", resp.StatusCode, b)
	}
	// The form alone, the site and bad requests cost nothing.
	for _, target := range []string{"/search", "/search?q=", "/", "/style.css", "/api/days?channel=%23techrights", "/search?q=minsk&page=0"} {
		if resp := f.get(t, target); resp.StatusCode == 429 {
			t.Errorf("%s was rate-limited", target)
		}
	}
	// Another client has its own bucket.
	req := httptestRequest(t, "/search?q=minsk", "198.51.100.7:5555")
	if resp := serve(f.srv, req); resp.StatusCode != 200 {
		t.Errorf("another client: %d", resp.StatusCode)
	}
	// An IPv6 client is one /64.
	for i, addr := range []string{"[2001:db8::1]:1", "[2001:db8::2]:1", "[2001:db8::3]:1", "[2001:db8::ffff]:1"} {
		resp := serve(f.srv, httptestRequest(t, "/search?q=minsk", addr))
		if want := map[bool]int{true: 200, false: 429}[i < 3]; resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", addr, resp.StatusCode, want)
		}
	}
}

func TestClientKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		remote, xff string
		trust       bool
		want        string
	}{
		{"192.0.2.1:1234", "", false, "192.0.2.1"},
		{"192.0.2.1:1234", "203.0.113.9", false, "192.0.2.1"},
		{"192.0.2.1:1234", "203.0.113.9", true, "203.0.113.9"},
		{"192.0.2.1:1234", "10.0.0.1, 203.0.113.9", true, "203.0.113.9"},
		{"192.0.2.1:1234", "junk", true, "192.0.2.1"},
		{"[2001:db8:1:2:3:4:5:6]:80", "", false, "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.1]:80", "", false, "192.0.2.1"},
		{"not-an-address", "", false, "not-an-address"},
	} {
		req := httptestRequest(t, "/", tc.remote)
		if tc.xff != "" {
			req.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientKey(req, tc.trust); got != tc.want {
			t.Errorf("%s %q trust=%v: %q, want %q", tc.remote, tc.xff, tc.trust, got, tc.want)
		}
	}
}

func TestSnippetsLoseControlCharacters(t *testing.T) {
	t.Parallel()
	got := visibleSpans([]archive.Span{{Text: "\x02bold\x02 and\t"}, {Text: "\x1f", Match: false}, {Text: "min\x1bsk", Match: true}, {Text: "\u0085"}})
	want := []archive.Span{{Text: "bold and "}, {Text: "minsk", Match: true}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}
