package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"proceedings/event"
	"strings"
	"testing"
	"time"

	"proceedings/sitepath"
)

func TestSiteFilesAndContentTypes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	dayPath := sitepath.DayPath("libera", "#techrights", event.Date{Year: 2026, Month: 2, Day: 2})
	base := "/" + strings.TrimSuffix(dayPath, ".html")
	for _, tc := range []struct {
		target, ctype, contains string
	}{
		{"/", "text/html; charset=utf-8", "<h1>IRC Proceedings</h1>"},
		{"/index.html", "text/html; charset=utf-8", "<h1>IRC Proceedings</h1>"},
		{"/style.css", "text/css; charset=utf-8", "li:target"},
		{"/feed.atom", "application/atom+xml; charset=utf-8", "<feed"},
		{"/robots.txt", "text/plain; charset=utf-8", "User-agent"},
		{"/logo.svg", "image/svg+xml", "<svg"},
		{"/data.bin", "application/octet-stream", "\x01"},
		{"/" + dayPath, "text/html; charset=utf-8", "IRC Proceedings: Monday, February 02, 2026"},
		{base, "text/html; charset=utf-8", "IRC Proceedings: Monday, February 02, 2026"}, // clean URL
		{base + ".txt", "text/plain; charset=utf-8", "IRC logs for Monday"},
		{base + ".gmi", "text/gemini; charset=utf-8", "# IRC Proceedings"},
		{"/about", "text/html; charset=utf-8", "about"},
		{"/libera/techrights/", "text/html; charset=utf-8", "calendar"},
		{"/big.txt", "text/plain; charset=utf-8", "xxxx"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			resp := f.get(t, tc.target)
			b := body(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, b)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if !strings.Contains(b, tc.contains) {
				t.Errorf("body lacks %q: %.200s", tc.contains, b)
			}
			if resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "" {
				t.Errorf("no validators: %v", resp.Header)
			}
		})
	}
	// The big file arrives whole (it is streamed, not cached).
	if b := body(t, f.get(t, "/big.txt")); len(b) != bigFileSize {
		t.Errorf("big.txt: %d bytes, want %d", len(b), bigFileSize)
	}
	// HEAD: headers, no body.
	resp := do(t, f.srv, "HEAD", "/style.css")
	if b := body(t, resp); resp.StatusCode != 200 || b != "" || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("HEAD: %d %q %v", resp.StatusCode, b, resp.Header)
	}
}

func TestDirectoriesAreNeverListed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	for _, tc := range []struct {
		target   string
		status   int
		location string
	}{
		{"/libera/techrights", http.StatusMovedPermanently, "techrights/"},
		{"/libera/techrights?x=1", http.StatusMovedPermanently, "techrights/?x=1"},
		{"/libera/", http.StatusNotFound, ""}, // a directory without index.html
		{"/libera", http.StatusNotFound, ""},
		{"/empty/", http.StatusNotFound, ""},
		{"/empty", http.StatusNotFound, ""},
		{"/nosuch", http.StatusNotFound, ""},
		{"/nosuch.html", http.StatusNotFound, ""},
		{"/empty/README.html", http.StatusNotFound, ""},
	} {
		t.Run(tc.target, func(t *testing.T) {
			resp := f.get(t, tc.target)
			b := body(t, resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.200s", resp.StatusCode, tc.status, b)
			}
			if got := resp.Header.Get("Location"); got != tc.location {
				t.Errorf("Location %q, want %q", got, tc.location)
			}
			// A listing would name the entries (empty/README, libera/techrights);
			// the 404 page's site header links index.html, as every page does.
			if strings.Contains(b, "README") || strings.Contains(b, `href="techrights`) {
				t.Errorf("the body lists a directory: %s", b)
			}
		})
	}
}

func TestPathTraversalAndHiddenFilesAre404(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	for _, target := range []string{
		"/../../etc/passwd",
		"/../../../../../../etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/%2E%2E/%2E%2E/etc/passwd",
		"/..%2f..%2fetc%2fpasswd",
		"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/libera/../../etc/passwd",
		"/libera/%2e%2e/%2e%2e/etc/passwd",
		"/..\\..\\etc\\passwd",
		"/%5c..%5c..%5cetc%5cpasswd",
		"/libera\\..\\index.html",
		"/index.html%00",
		"/index.html%00.txt",
		"/%00/etc/passwd",
		"/./index.html",
		"//etc/passwd",
		"/libera//techrights/",
		"/.proceedings-state.json",
		"/.proceedings-state",
		"/.proceedings-cache/1.gob",
		"/.proceedings-cache/",
		"/sub/.hidden",
		"/%2eproceedings-state.json",
		"/passwd", // a symbolic link out of the site
		"/etc/passwd",
		"/etc/",
		"/index.html%0a",
		"/%ff%fe",
		"/" + strings.Repeat("a/", 600),
	} {
		t.Run(target, func(t *testing.T) {
			resp := f.get(t, target)
			b := body(t, resp)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404; location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if strings.Contains(b, "root:") || strings.Contains(b, "secret") || strings.Contains(b, "gob") {
				t.Fatalf("leaked: %s", b)
			}
			if resp.Header.Get("Content-Security-Policy") == "" {
				t.Error("404 without security headers")
			}
		})
	}
}

// TestTraversalOverTheWire sends raw requests over a real connection, where
// nothing cleans the path before the server sees it.
func TestTraversalOverTheWire(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	url := startServer(t, f.srv)
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/")
	for _, target := range []string{"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/..\\..\\etc\\passwd", "/.proceedings-state.json"} {
		status, b := rawGet(t, addr, target)
		if status != 404 || strings.Contains(b, "root:") {
			t.Errorf("%s: status %d, body %.100q", target, status, b)
		}
	}
}

func TestNotFoundUsesTheSites404Page(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	resp := f.get(t, "/nosuch")
	if b := body(t, resp); resp.StatusCode != 404 || !strings.Contains(b, `action="/search"`) {
		t.Fatalf("built-in 404: %d %s", resp.StatusCode, b)
	}
	os.WriteFile(filepath.Join(f.site, "404.html"), []byte("<!DOCTYPE html><p>our own lost page</p>"), 0o644)
	resp = f.get(t, "/nosuch")
	if b := body(t, resp); resp.StatusCode != 404 || !strings.Contains(b, "our own lost page") || resp.Header.Get("ETag") != "" {
		t.Fatalf("site 404: %d %v %s", resp.StatusCode, resp.Header, b)
	}
}

func TestConditionalGet(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	first := f.get(t, "/about.html")
	body(t, first)
	etag, lastMod := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || lastMod == "" {
		t.Fatalf("validators: ETag %q Last-Modified %q", etag, lastMod)
	}
	for _, tc := range []struct {
		name   string
		hdr    []string
		status int
	}{
		{"etag", []string{"If-None-Match", etag}, 304},
		{"etag in a list", []string{"If-None-Match", `"nope", ` + etag}, 304},
		{"weak etag", []string{"If-None-Match", "W/" + etag}, 304},
		{"star", []string{"If-None-Match", "*"}, 304},
		{"other etag", []string{"If-None-Match", `"nope"`}, 200},
		{"modified since", []string{"If-Modified-Since", lastMod}, 304},
		{"modified since long ago", []string{"If-Modified-Since", "Mon, 02 Jan 2006 15:04:05 GMT"}, 200},
		{"etag wins over date", []string{"If-None-Match", `"nope"`, "If-Modified-Since", lastMod}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.get(t, "/about.html", tc.hdr...)
			b := body(t, resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == 304 && b != "" {
				t.Errorf("304 with a body: %q", b)
			}
		})
	}
	// A changed page gets a new ETag and the old one no longer matches.
	p := filepath.Join(f.site, "about.html")
	if err := os.WriteFile(p, []byte("<!DOCTYPE html><p>about, updated</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(p, later, later)
	resp := f.get(t, "/about.html", "If-None-Match", etag)
	if b := body(t, resp); resp.StatusCode != 200 || !strings.Contains(b, "updated") || resp.Header.Get("ETag") == etag {
		t.Fatalf("after a change: %d %q %q", resp.StatusCode, resp.Header.Get("ETag"), b)
	}
	// The same bytes rewritten (a re-render) keep their ETag.
	again := f.get(t, "/about.html")
	body(t, again)
	os.WriteFile(p, []byte("<!DOCTYPE html><p>about, updated</p>"), 0o644)
	later = later.Add(time.Minute)
	os.Chtimes(p, later, later)
	resp = f.get(t, "/about.html", "If-None-Match", again.Header.Get("ETag"))
	if body(t, resp); resp.StatusCode != 304 {
		t.Fatalf("identical bytes, new mtime: %d, want 304", resp.StatusCode)
	}
}

func TestGzip(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	plain := body(t, f.get(t, "/index.html"))
	for _, tc := range []struct {
		target, accept string
		gzipped        bool
	}{
		{"/index.html", "gzip", true},
		{"/index.html", "gzip, deflate, br", true},
		{"/index.html", "br;q=1.0, gzip;q=0.8", true},
		{"/index.html", "*", true},
		{"/index.html", "gzip;q=0", false},
		{"/index.html", "gzip;q=0.0, deflate", false},
		{"/index.html", "deflate", false},
		{"/index.html", "", false},
		{"/style.css", "gzip", true},
		{"/robots.txt", "gzip", false}, // too small to be worth it
		{"/data.bin", "gzip", false},   // not text
		{"/big.txt", "gzip", false},    // streamed as is
	} {
		t.Run(tc.target+" "+tc.accept, func(t *testing.T) {
			var hdr []string
			if tc.accept != "" {
				hdr = []string{"Accept-Encoding", tc.accept}
			}
			resp := f.get(t, tc.target, hdr...)
			b := body(t, resp)
			got := resp.Header.Get("Content-Encoding") == "gzip"
			if got != tc.gzipped {
				t.Fatalf("gzipped %v, want %v (%v)", got, tc.gzipped, resp.Header)
			}
			if !got {
				return
			}
			zr, err := gzip.NewReader(strings.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			un, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if tc.target == "/index.html" && string(un) != plain {
				t.Errorf("gunzipped body differs from the plain one")
			}
			if len(b) >= len(un) {
				t.Errorf("gzip did not shrink: %d >= %d", len(b), len(un))
			}
			if resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary %q", resp.Header.Get("Vary"))
			}
		})
	}
	// The two encodings have different ETags, each answering 304 to itself.
	gz := f.get(t, "/index.html", "Accept-Encoding", "gzip")
	body(t, gz)
	id := f.get(t, "/index.html")
	body(t, id)
	if gz.Header.Get("ETag") == id.Header.Get("ETag") {
		t.Fatal("gzip and identity share an ETag")
	}
	if resp := f.get(t, "/index.html", "Accept-Encoding", "gzip", "If-None-Match", gz.Header.Get("ETag")); resp.StatusCode != 304 {
		t.Errorf("gzip revalidation: %d", resp.StatusCode)
	}
}

func TestNothingRenderedYet(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{SiteDir: filepath.Join(t.TempDir(), "not-yet")})
	resp := f.get(t, "/")
	b := body(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(b, "nothing rendered yet: run <code>proceedings render</code>") {
		t.Fatalf("/ before rendering: %d %s", resp.StatusCode, b)
	}
	// Search works already.
	resp = f.get(t, "/search?q=minsk")
	if b := body(t, resp); resp.StatusCode != 200 || !strings.Contains(b, "<mark>") {
		t.Fatalf("search before rendering: %d %s", resp.StatusCode, b)
	}
	if resp := f.get(t, "/style.css"); resp.StatusCode != 404 {
		t.Fatalf("style.css before rendering: %d", resp.StatusCode)
	}
	// The renderer creates the directory and writes the site: served at once.
	if err := os.MkdirAll(f.srv.site.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.srv.site.dir, "index.html"), []byte("<h1>rendered now</h1>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b := body(t, f.get(t, "/")); !strings.Contains(b, "rendered now") {
		t.Fatalf("after rendering: %s", b)
	}
}

func TestGzipCacheStaysWithinBudget(t *testing.T) {
	t.Parallel()
	c := newFileCache(10_000)
	for i := range 100 {
		c.put(&fileEntry{name: string(rune('a'+i%26)) + strings.Repeat("x", i), body: bytes.Repeat([]byte("y"), 1000)})
		if c.used > c.limit {
			t.Fatalf("cache holds %d bytes, limit %d", c.used, c.limit)
		}
	}
	if c.lru.Len() != len(c.byKey) || c.lru.Len() == 0 {
		t.Fatalf("lru %d entries, map %d", c.lru.Len(), len(c.byKey))
	}
}
