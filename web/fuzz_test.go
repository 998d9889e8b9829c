package web

import (
	"net/url"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"proceedings/archive"
)

// pageElements are the only elements the search page may contain,
// whatever the query string.
var pageElements = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "link": true, "body": true, "header": true, "a": true,
	"main": true, "h1": true, "form": true, "p": true, "label": true, "input": true, "button": true, "select": true,
	"option": true, "section": true, "ol": true, "li": true, "time": true, "span": true, "mark": true, "nav": true, "code": true,
	"footer": true,
}

// FuzzSearchQuery feeds raw query strings to the parser and to the search
// page over a real archive: the parsed form always respects the caps, the
// page is never a 500, and nothing typed becomes markup.
func FuzzSearchQuery(f *testing.F) {
	for _, seed := range []string{
		"q=minsk", "q=%22free+software%22&order=relevance", "q=linux&page=3&limit=7", "q=minsk&channel=%23techrights&nick=bob&from=2026-02-01&to=2026-02-03",
		"q=%3Cscript%3Ealert(1)%3C/script%3E", "q=%22%3E%3Cimg+src=x+onerror=alert(1)%3E", "q=*&page=0", "q=a%00b", "q=%ff%fe",
		"q=minsk&page=999999999999999999999", "q=minsk&limit=-1", "q=NEAR(a+b)", "q=a+OR+b+NOT+c", "q=col:minsk", "q=%5E", "channel=%23secret&q=minsk",
		"q=minsk&q=other", "q=minsk;page=2", "%zz", "q=" + strings.Repeat("x", 300),
	} {
		f.Add(seed)
	}
	fx := newFixture(f, Options{})
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw)
		form, err := parseSearchForm(v)
		if err == nil {
			if form.Page < 1 || form.Page > MaxPage || form.Limit < 1 || form.Limit > MaxPageSize || len(form.Q) > archive.MaxQueryLen ||
				(form.Order != "newest" && form.Order != "relevance") || !utf8.ValidString(form.Q) {
				t.Fatalf("%q parsed to an out-of-bounds form %+v", raw, form)
			}
		} else if _, ok := err.(*badRequest); !ok {
			t.Fatalf("%q: error %v is not a bad request", raw, err)
		}
		req := httptestRequest(t, "/search", "192.0.2.1:1")
		req.URL.RawQuery = raw
		resp := serve(fx.srv, req)
		b := body(t, resp)
		switch resp.StatusCode {
		case 200, 400, 414:
		default:
			t.Fatalf("%q: status %d\n%s", raw, resp.StatusCode, b)
		}
		doc, err := html.Parse(strings.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				if !pageElements[n.Data] {
					t.Fatalf("%q: the page has a <%s> element", raw, n.Data)
				}
				for _, a := range n.Attr {
					if strings.HasPrefix(a.Key, "on") || a.Key == "style" || a.Key == "srcdoc" {
						t.Fatalf("%q: <%s %s=…>", raw, n.Data, a.Key)
					}
					if a.Key == "href" && strings.Contains(strings.ToLower(a.Val), "javascript:") {
						t.Fatalf("%q: href %q", raw, a.Val)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if strings.Contains(b, "mallory") {
			t.Fatalf("%q: a private channel's line is on the page", raw)
		}
	})
}

// FuzzSitePath feeds request paths to the path check and to the server: a
// path that is accepted is already clean and names nothing hidden, and no
// path reaches a file outside the site.
func FuzzSitePath(f *testing.F) {
	for _, seed := range []string{"/", "/index.html", "/libera/techrights/", "/libera/techrights", "/../../etc/passwd", "/%2e%2e/etc/passwd",
		"/..%2f..%2fetc/passwd", "/a\\..\\b", "/.proceedings-state.json", "/passwd", "/etc/passwd", "//x", "/x/./y", "/big.txt", "/\x00"} {
		f.Add(seed)
	}
	fx := newFixture(f, Options{})
	f.Fuzz(func(t *testing.T, p string) {
		if rel, ok := sitePath(p); ok {
			clean := path.Clean("/" + rel)
			if strings.HasSuffix(rel, "/") {
				clean += "/"
			}
			if rel != "" && clean != "/"+rel || strings.ContainsAny(rel, "\\\x00") || strings.Contains("/"+rel, "/.") {
				t.Fatalf("%q accepted as %q", p, rel)
			}
		}
		req := httptestRequest(t, "/", "192.0.2.1:1")
		req.URL.Path = p
		resp := serve(fx.srv, req)
		b := body(t, resp)
		switch resp.StatusCode {
		case 200, 301, 404:
		case 400, 414:
			if !strings.HasPrefix(p, "/search") && !strings.HasPrefix(p, "/api/") {
				t.Fatalf("%q: status %d", p, resp.StatusCode)
			}
		default:
			t.Fatalf("%q: status %d", p, resp.StatusCode)
		}
		if strings.Contains(b, "root:") || strings.Contains(b, `"secret":"state"`) {
			t.Fatalf("%q: served something outside the site: %.100s", p, b)
		}
	})
}
