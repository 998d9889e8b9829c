package render

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"proceedings/event"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"proceedings/sitepath"
)

// xssChannel is a channel whose name is itself an attack.
const xssChannel = "#<img/src=x/onerror=window.__xss=1>"

// xssPayloads are hostile texts: each must show as text and do nothing.
// Those that would run set window.__xss or call alert, which the browser
// test watches for.
var xssPayloads = []string{
	`<script>window.__xss=1;alert(1)</script>`,
	`"><svg onload=window.__xss=1>`,
	`'><img src=x onerror=window.__xss=1>`,
	`javascript:window.__xss=1`,
	`<a href="javascript:window.__xss=1">click</a>`,
	`https://example.org/"><script>window.__xss=1</script>`,
	`https://example.org/' onmouseover='window.__xss=1' x='`,
	`http://x.example/?q=<img src=x onerror=window.__xss=1>`,
	`JaVaScRiPt://example.org/%0Awindow.__xss=1`,
	`data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==`,
	`<iframe src="javascript:window.__xss=1"></iframe>`,
	`<style>body{display:none}</style><link rel=stylesheet href=//evil.example/x.css>`,
	`</span></li></ol><script>window.__xss=1</script><ol><li>`,
	`{{.}} {{template "top"}} ${window.__xss=1}`,
	"\x0304<script>\x03window.__xss=1\x0f</script>",
	"broken \xff\xfe\xc3\x28 utf-8 \xed\xa0\x80",
	"rtl \u202egnp.exe\u202c and \u2066isolate\u2069 \u200f",
	"zero\u200bwidth\u200c\u200d\ufeff joiners",
	"controls \x00 \x01 \x07 \x1b[31m \x7f \u0085",
	strings.Repeat("A", 10000),
	"https://example.org/" + strings.Repeat("x", 10000),
	strings.Repeat("<b>", 3000),
	"irc://irc.example.org/#chan gemini://g.example/ https://ok.example/path?a=1&b=<2>",
}

// xssEvents puts every payload in every place a text goes: messages,
// actions, notices, nicks, user@hosts, topics, kick reasons and targets,
// part and quit reasons, modes, nick changes and relay networks.
func xssEvents() []event.Event {
	var evs []event.Event
	tm := time.Date(2026, 2, 3, 10, 0, 0, 0, london)
	add := func(ev event.Event) {
		tm = tm.Add(time.Second)
		ev.Network, ev.Time = "testnet", tm
		if ev.Channel == "" {
			ev.Channel = "#xss"
		}
		evs = append(evs, ev)
	}
	for i, p := range xssPayloads {
		nick := "eve"
		if i%3 == 0 {
			nick = p // nicks from an imported log can be anything
		}
		add(event.Event{Kind: event.KindMessage, Nick: nick, Text: p})
		add(event.Event{Kind: event.KindAction, Nick: "eve", Text: p})
		add(event.Event{Kind: event.KindNotice, Nick: p, Text: p})
		add(event.Event{Kind: event.KindTopic, Nick: "eve", Text: p})
		add(event.Event{Kind: event.KindKick, Nick: "op", Target: p, Text: p})
		add(event.Event{Kind: event.KindPart, Nick: "eve", UserHost: p, Text: p})
		add(event.Event{Kind: event.KindQuit, Nick: "eve", UserHost: "~e@h", Text: p})
		add(event.Event{Kind: event.KindMode, Nick: "op", Text: p})
		add(event.Event{Kind: event.KindNick, Nick: "eve", Target: p})
		add(event.Event{Kind: event.KindMessage, Nick: "eve", Via: p, Flags: event.FlagRelayed, Text: "relayed"})
		add(event.Event{Kind: event.KindMessage, Nick: "eve", Text: p, Channel: xssChannel})
	}
	add(event.Event{Kind: event.KindGap, Text: "<script>window.__xss=1</script>"})
	return evs
}

func xssOptions(out string) Options {
	opt := fixtureOptions(out)
	opt.Channels = append(opt.Channels,
		ChannelOptions{Network: "testnet", Name: "#xss", Public: true, Description: `<script>window.__xss=1</script> [x](javascript:window.__xss=1)`},
		ChannelOptions{Network: "testnet", Name: xssChannel, Public: true, Description: `"><svg onload=window.__xss=1>`})
	return opt
}

// The markup allowed anywhere on the site.
var (
	pageElements = map[string]bool{
		"html": true, "head": true, "meta": true, "title": true, "link": true, "script": true, "body": true,
		"a": true, "header": true, "nav": true, "main": true, "footer": true, "section": true, "div": true,
		"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "small": true, "b": true,
		"strong": true, "em": true, "code": true, "pre": true, "blockquote": true, "hr": true, "br": true,
		"ol": true, "ul": true, "li": true, "span": true, "time": true, "details": true, "summary": true,
		"input": true, "label": true, "table": true, "caption": true, "thead": true, "tbody": true, "tr": true,
		"th": true, "td": true, "figure": true, "figcaption": true, "meter": true,
		"svg": true, "g": true, "rect": true, "line": true, "text": true,
		"form": true, "button": true, // the search box: a GET form, no script
	}
	pageAttrs = map[string]bool{
		"id": true, "class": true, "href": true, "rel": true, "type": true, "title": true, "lang": true,
		"charset": true, "name": true, "content": true, "src": true, "defer": true, "for": true, "scope": true,
		"abbr": true, "role": true, "aria-labelledby": true, "aria-label": true, "aria-hidden": true,
		"value": true, "min": true, "max": true, "viewBox": true, "x": true, "y": true, "x1": true, "y1": true,
		"x2": true, "y2": true, "width": true, "height": true, "text-anchor": true,
		"action": true, "method": true, "maxlength": true, "placeholder": true,
	}
)

// checkPage parses a rendered page and fails on markup outside the site's
// allowlist: event handlers, style attributes, scripts other than range.js,
// links with a scheme other than http, https, gemini and irc.
func checkPage(t *testing.T, name string, data []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s does not parse: %v", name, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !pageElements[n.Data] {
				t.Errorf("%s: element <%s> is not allowed", name, n.Data)
			}
			for _, a := range n.Attr {
				if !pageAttrs[a.Key] || a.Namespace != "" {
					t.Errorf("%s: attribute %s=%q on <%s> is not allowed", name, a.Key, a.Val, n.Data)
					continue
				}
				if a.Key == "href" || a.Key == "src" || a.Key == "action" {
					checkURL(t, name, n.Data, a.Val)
				}
			}
			if n.Data == "script" {
				src := ""
				for _, a := range n.Attr {
					if a.Key == "src" {
						src = a.Val
					}
				}
				if !strings.HasSuffix(src, "range.js") || strings.Contains(src, ":") || n.FirstChild != nil {
					t.Errorf("%s: a script other than range.js: src=%q", name, src)
				}
			}
			if n.Data == "form" {
				for _, a := range n.Attr {
					if a.Key == "action" && !strings.HasSuffix(a.Val, "search") || a.Key == "method" && a.Val != "get" {
						t.Errorf("%s: a form other than the search box: %s=%q", name, a.Key, a.Val)
					}
				}
			}
			if n.Data == "meta" {
				for _, a := range n.Attr {
					if a.Key == "name" && a.Val != "viewport" && a.Val != "robots" {
						t.Errorf("%s: meta %s", name, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func checkURL(t *testing.T, page, elem, v string) {
	t.Helper()
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil {
		t.Errorf("%s: <%s> link %q does not parse", page, elem, v)
		return
	}
	switch u.Scheme {
	case "":
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "javascript") && strings.Contains(v, ":") {
			t.Errorf("%s: <%s> link %q", page, elem, v)
		}
	case "http", "https", "gemini", "irc":
		if u.Host == "" {
			t.Errorf("%s: <%s> link %q has no host", page, elem, v)
		}
	default:
		t.Errorf("%s: <%s> link %q has scheme %q", page, elem, v, u.Scheme)
	}
}

// textOf is the text content of an HTML document.
func textOf(t *testing.T, data []byte) string {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}

func TestXSSCorpus(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	store(t, db, xssEvents()...)
	out := t.TempDir()
	st := render(t, db, xssOptions(out))
	if st.Days != 5 {
		t.Errorf("rendered %d days, want 5", st.Days)
	}
	pages := 0
	for path, data := range readTree(t, out) {
		switch {
		case strings.HasSuffix(path, ".html"):
			pages++
			checkPage(t, path, data)
		case strings.HasSuffix(path, ".atom"):
			d := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Errorf("%s is not well-formed XML: %v", path, err)
					break
				}
			}
		case strings.HasSuffix(path, ".css"):
			if bytes.Contains(data, []byte("xss")) || bytes.Contains(data, []byte("<")) {
				t.Errorf("%s carries user text", path)
			}
		}
	}
	if pages < 20 {
		t.Errorf("only %d pages checked", pages)
	}
	day, err := os.ReadFile(filepath.Join(out, "testnet/xss/2026-02-03.html"))
	if err != nil {
		t.Fatal(err)
	}
	text := textOf(t, day)
	for _, p := range xssPayloads {
		if want := sanitizeText(p); !strings.Contains(text, want) {
			t.Errorf("payload %.60q is not shown as text", p)
		}
	}
	p := sitepath.DayPath("testnet", xssChannel, event.Date{Year: 2026, Month: 2, Day: 3})
	if p != "testnet/~3cimg~2fsrc~3dx~2fonerror~3dwindow~2e__xss~3d1~3e/2026-02-03.html" {
		t.Errorf("DayPath of the hostile channel = %q", p)
	}
	if _, err := os.Stat(filepath.Join(out, p)); err != nil {
		t.Errorf("the hostile channel's page is not where DayPath puts it: %v", err)
	}
}
