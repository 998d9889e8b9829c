package announce

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/internal/archivetest"
	"proceedings/internal/bottest"
)

// fixtureFeed is testdata/techrights-feed.xml (a copy of
// shared/fixtures/techrights-feed.xml) cut into its channel head, its item
// blocks in document order and its tail, so that tests can serve changed
// versions of it.
type fixtureFeed struct {
	head  string
	items []string
	tail  string
}

var itemRE = regexp.MustCompile(`(?s)<item>.*?</item>\n`)

func loadFixture(t testing.TB) fixtureFeed {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "techrights-feed.xml"))
	if err != nil {
		t.Fatalf("read the fixture feed: %v", err)
	}
	s := string(b)
	locs := itemRE.FindAllStringIndex(s, -1)
	if len(locs) != 22 {
		t.Fatalf("the fixture feed has %d items, want 22", len(locs))
	}
	f := fixtureFeed{head: s[:locs[0][0]], tail: s[locs[len(locs)-1][1]:]}
	for _, l := range locs {
		f.items = append(f.items, s[l[0]:l[1]])
	}
	return f
}

// doc is an RSS document with these item blocks.
func (f fixtureFeed) doc(items []string) string {
	return f.head + strings.Join(items, "") + f.tail
}

// without returns the fixture's items except those containing any of the
// substrings (each must match one item).
func (f fixtureFeed) without(t testing.TB, subs ...string) []string {
	t.Helper()
	var out []string
	hits := map[string]int{}
	for _, it := range f.items {
		keep := true
		for _, s := range subs {
			if strings.Contains(it, s) {
				keep = false
				hits[s]++
			}
		}
		if keep {
			out = append(out, it)
		}
	}
	for _, s := range subs {
		if hits[s] != 1 {
			t.Fatalf("%d fixture items contain %q, want 1", hits[s], s)
		}
	}
	return out
}

// item returns the fixture item containing sub.
func (f fixtureFeed) item(t testing.TB, sub string) string {
	t.Helper()
	for _, it := range f.items {
		if strings.Contains(it, sub) {
			return it
		}
	}
	t.Fatalf("no fixture item contains %q", sub)
	return ""
}

// rssItem builds an item block in the fixture's shape.
func rssItem(title, link string, pub time.Time) string {
	return fmt.Sprintf("<item>\n<title>%s</title>\n<link>%s</link>\n<guid isPermaLink=\"true\">%s</guid>\n<pubDate>%s</pubDate>\n<description>test item</description>\n</item>\n",
		html.EscapeString(title), html.EscapeString(link), html.EscapeString(link), pub.UTC().Format(time.RFC1123Z))
}

// serveMode is how feedServer answers.
type serveMode int

const (
	serveFeed        serveMode = iota // the document, with conditional GET when validators are on
	serveHTML                         // 200 with an HTML error page
	serveStatus                       // 503 with Retry-After
	serveSlow                         // never answers: blocks until the client gives up
	serveGarbage                      // 50 MB of garbage, chunked (no Content-Length)
	serveHugeLength                   // declares 50 MB in Content-Length
	serveCutTransfer                  // declares the whole document, sends half, closes
	serveCutDocument                  // a well-formed HTTP answer holding half the XML
)

// feedServer serves a feed document that tests change between polls.
type feedServer struct {
	t   testing.TB
	srv *httptest.Server

	mu         sync.Mutex
	body       string
	etagv      string // the ETag of body
	version    int
	mode       serveMode
	validators bool // send ETag and Last-Modified and honour them
	reqs       []http.Header
	notMod     int // 304s sent
}

const garbageSize = 50 << 20

func newFeedServer(t testing.TB, body string) *feedServer {
	fs := &feedServer{t: t, body: body, etagv: etagOf(body), validators: true}
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *feedServer) URL() string { return fs.srv.URL + "/feed.xml" }

// set replaces the document.
func (fs *feedServer) set(body string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if body != fs.body {
		fs.body = body
		fs.etagv = etagOf(body)
		fs.version++
	}
}

func (fs *feedServer) setMode(m serveMode) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.mode = m
}

func (fs *feedServer) setValidators(on bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.validators = on
}

// lastRequest returns the headers of the last request.
func (fs *feedServer) lastRequest() http.Header {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.reqs) == 0 {
		return nil
	}
	return fs.reqs[len(fs.reqs)-1]
}

func etagOf(body string) string {
	sum := sha256.Sum256([]byte(body))
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

func (fs *feedServer) lastModified() string {
	return time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(fs.version) * time.Minute).Format(http.TimeFormat)
}

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	fs.reqs = append(fs.reqs, r.Header.Clone())
	body, mode, validators := fs.body, fs.mode, fs.validators
	etag, lastMod := fs.etagv, fs.lastModified()
	fs.mu.Unlock()

	switch mode {
	case serveHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The site is down for maintenance.</p></body></html>\n")
		return
	case serveStatus:
		w.Header().Set("Retry-After", "120")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	case serveSlow:
		<-r.Context().Done() // the client's timeout ends it
		return
	case serveGarbage, serveHugeLength:
		w.Header().Set("Content-Type", "application/rss+xml")
		if mode == serveHugeLength {
			w.Header().Set("Content-Length", fmt.Sprint(garbageSize))
		}
		chunk := []byte(strings.Repeat("<garbage>\x00\xff&#;", 2048))
		for sent := 0; sent < garbageSize; sent += len(chunk) {
			if _, err := w.Write(chunk[:min(len(chunk), garbageSize-sent)]); err != nil {
				return // the client hung up, as it should
			}
		}
		return
	case serveCutTransfer:
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		io.WriteString(w, body[:len(body)/2])
		return // net/http closes a connection whose body is short
	case serveCutDocument:
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, body[:len(body)*2/3])
		return
	}
	if validators {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			if inm == etag {
				fs.mu.Lock()
				fs.notMod++
				fs.mu.Unlock()
				w.WriteHeader(http.StatusNotModified)
				return
			}
		} else if ims := r.Header.Get("If-Modified-Since"); ims == lastMod {
			fs.mu.Lock()
			fs.notMod++
			fs.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	io.WriteString(w, body)
}

// openTestArchive opens a fresh archive on the engine the tests run on
// (internal/archivetest).
func openTestArchive(t testing.TB) archive.Store {
	t.Helper()
	return archivetest.Open(t, archive.Options{Logger: bottest.Logger(t)})
}
