package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"proceedings/event"
	"strings"
	"sync"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/internal/archivetest"
	"proceedings/sitepath"
)

func TestMain(m *testing.M) { archivetest.Main(m) }

// london is the site timezone of the tests: times shown must be local.
var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()

// day0 is the first day of the fixture: 2026-02-02 (winter: London is UTC).
var day0 = time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)

// fixture is a real archive (written by one handle, served read-only by
// another, as with a running bot) and a hand-made site directory.
type fixture struct {
	w    archive.Store // the writer, as the bot holds it
	r    archive.Store // read-only, served
	site string
	srv  *Server
	ids  map[string]int64 // event ids by a name given below
}

// linuxLines is how many "linux" lines the fixture has: more than two
// pages of hits.
const linuxLines = 45

func newFixture(t testing.TB, opts Options) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	where := archivetest.Location(t, dir)
	w := archivetest.OpenAt(t, where, archive.Options{Location: london, Logger: discardLogger()})
	if err := w.SetPublicOnly(ctx, []string{"libera"}, []event.ChannelRef{{Network: "libera", Name: "#techrights"}}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{w: w, ids: map[string]int64{}}
	var mu sync.Mutex
	var errs []error
	add := func(name string, ev event.Event) {
		t.Helper()
		if ev.Network == "" {
			ev.Network = "libera"
		}
		if ev.Channel == "" {
			ev.Channel = "#techrights"
		}
		if ev.Kind == 0 {
			ev.Kind = event.KindMessage
		}
		// Queued without waiting: the writer commits them in a few
		// batches, which keeps the fixture quick under -race.
		err := w.AppendAsync(ev, func(id int64, err error) {
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if name != "" {
				f.ids[name] = id
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add("join", event.Event{Time: day0.Add(-time.Minute), Kind: event.KindJoin, Nick: "alice", UserHost: "~alice@secret.host.example"})
	add("hostile", event.Event{Time: day0, Nick: "alice", Text: `Minsk is <b>lovely</b> & "quoted" <script>alert(1)</script>`})
	add("phrase", event.Event{Time: day0.Add(time.Second), Nick: "bob", Text: "free software matters in Minsk"})
	add("action", event.Event{Time: day0.Add(2 * time.Second), Kind: event.KindAction, Nick: "carol", Text: "reads about minsk"})
	add("secret", event.Event{Channel: "#secret", Time: day0.Add(3 * time.Second), Nick: "mallory", Text: "minsk secret plans linux"})
	for i := range linuxLines {
		// Spread over two days; the last ones on 2026-02-03.
		add(fmt.Sprintf("linux%d", i), event.Event{Time: day0.Add(time.Duration(i+10) * time.Hour / 4), Nick: []string{"dave", "erin"}[i%2],
			Text: fmt.Sprintf("linux line %d", i)})
	}
	add("late", event.Event{Time: time.Date(2026, 2, 3, 23, 30, 0, 0, time.UTC), Nick: "bob", Text: "late minsk news"})
	// In summer London is an hour ahead of UTC: the site shows 00:30 on
	// the 1st of July.
	add("summer", event.Event{Time: time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC), Nick: "bob", Text: "heatwave"})
	if _, _, err := w.SavePost(ctx, archive.Post{GUID: "p10", Link: "https://techrights.org/p10", Title: "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”",
		Series: "From Belarus With Love", Part: 10, Numeral: "X", Subtitle: "From “High-Tech Hub” to “No-Go Zone”", Published: day0}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.SavePost(ctx, archive.Post{GUID: "p9", Link: "https://techrights.org/p9", Title: "From Belarus With Love — Part IX: Earlier",
		Series: "From Belarus With Love", Part: 9, Numeral: "IX", Subtitle: "Earlier", Published: day0.Add(-24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	f.r = archivetest.OpenAt(t, where, archive.Options{Location: london, ReadOnly: true, Logger: discardLogger()})

	f.site = filepath.Join(dir, "public")
	f.writeSite(t)
	if opts.SiteDir == "" {
		opts.SiteDir = f.site
	}
	opts.Archive = f.r
	if opts.SearchRate == 0 {
		opts.SearchRate = -1 // most tests are not about the limit
	}
	opts.Logger = discardLogger()
	var err error
	f.srv, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// bigFile is larger than what is kept in memory: it is streamed.
const bigFileSize = maxCachedFile + 1000

// writeSite writes a small hand-made site: pages of every type, a day page
// with line anchors as the renderer writes them, a dotfile and a hidden
// directory like the renderer's state, a directory without an index, and
// a symbolic link that points out of the site.
func (f *fixture) writeSite(t testing.TB) {
	t.Helper()
	day := event.Date{Year: 2026, Month: 2, Day: 2}
	dayPath := sitepath.DayPath("libera", "#techrights", day)
	base := strings.TrimSuffix(dayPath, ".html")
	var lines strings.Builder
	for _, name := range []string{"join", "hostile", "phrase", "action"} {
		fmt.Fprintf(&lines, `<li id="l-%d"><a class="t" href="#l-%d">14:03</a> line</li>`+"\n", f.ids[name], f.ids[name])
	}
	for i := range 30 {
		fmt.Fprintf(&lines, `<li id="l-%d"><a class="t" href="#l-%d">x</a> linux line %d</li>`+"\n", f.ids[fmt.Sprintf("linux%d", i)], f.ids[fmt.Sprintf("linux%d", i)], i)
	}
	long := strings.Repeat("<p>The archive of #techrights, day after day.</p>\n", 40)
	files := map[string]string{
		"index.html":                   "<!DOCTYPE html><title>IRC Proceedings</title><h1>IRC Proceedings</h1>\n" + long,
		"style.css":                    "body { font-family: sans-serif; }\nli:target { background: yellow; }\n" + strings.Repeat("/* padding for gzip */\n", 40),
		"feed.atom":                    `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>`,
		"robots.txt":                   "User-agent: *\n",
		"about.html":                   "<!DOCTYPE html><title>About</title><p>about</p>",
		"logo.svg":                     `<svg xmlns="http://www.w3.org/2000/svg"/>`,
		"data.bin":                     "\x00\x01\x02",
		"libera/techrights/index.html": "<!DOCTYPE html><title>#techrights</title><p>calendar</p>",
		dayPath:                        "<!DOCTYPE html><html><head><title>IRC Proceedings: Monday, February 02, 2026</title><link rel=\"stylesheet\" href=\"../../style.css\"></head><body><ol class=\"log\">\n" + lines.String() + "</ol></body></html>\n",
		base + ".txt":                  "--- IRC logs for Monday, February 02, 2026\n[14:03:11] <alice> hi\n",
		base + ".gmi":                  "# IRC Proceedings: Monday, February 02, 2026\n",
		".proceedings-state.json":      `{"secret":"state"}`,
		".proceedings-cache/1.gob":     "gob",
		"empty/README":                 "no index here",
		"sub/.hidden":                  "hidden",
		"big.txt":                      strings.Repeat("x", bigFileSize),
	}
	for name, body := range files {
		p := filepath.Join(f.site, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(f.site, "passwd")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", filepath.Join(f.site, "etc")); err != nil {
		t.Fatal(err)
	}
}

// get sends a request straight to the handler. target is the raw request
// target, exactly as a client could send it (no cleaning on the way).
func (f *fixture) get(t testing.TB, target string, hdr ...string) *http.Response {
	t.Helper()
	return do(t, f.srv, "GET", target, hdr...)
}

func do(t testing.TB, h http.Handler, method, target string, hdr ...string) *http.Response {
	t.Helper()
	raw := method + " " + target + " HTTP/1.1\r\nHost: example.org\r\n"
	for i := 0; i+1 < len(hdr); i += 2 {
		raw += hdr[i] + ": " + hdr[i+1] + "\r\n"
	}
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw + "\r\n")))
	if err != nil {
		t.Fatalf("request %q: %v", target, err)
	}
	req.RemoteAddr = "192.0.2.1:1234"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return string(b)
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// startServer serves h on a loopback port through Serve, as the command
// does, and returns its URL; the server is shut down when the test ends.
func startServer(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ListenerURL(ln)
}

// rawGet sends one request line as written, over a new connection.
func rawGet(t testing.TB, addr, target string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	return resp.StatusCode, body(t, resp)
}

func httptestRequest(t testing.TB, target, remote string) *http.Request {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	req.RemoteAddr = remote
	return req
}

func serve(h http.Handler, req *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}
