package titles

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"proceedings/bot"
	"proceedings/config"
	"proceedings/internal/bottest"
	"proceedings/internal/links"
	"proceedings/internal/links/linkstest"
)

func TestExtractTitle(t *testing.T) {
	cases := []struct{ name, page, want string }{
		{"simple", "<html><head><title>Hello</title></head></html>", "Hello"},
		{"upper case and attributes", "<HTML><HEAD><TITLE lang=en>Hello</TITLE>", "Hello"},
		{"entities", "<title>Fish &amp; Chips &#8212; &ldquo;x&rdquo;</title>", "Fish & Chips — “x”"},
		{"decoded once", "<title>&amp;amp;</title>", "&amp;"},
		{"markup inside is text", "<title>a <b>b</b></title>", "a <b>b</b>"},
		{"line breaks", "<title>\n  Two\n  lines\n</title>", "Two lines"},
		{"svg title is not the page's", `<svg><title>icon</title></svg><title>Page</title>`, "Page"},
		{"math title neither", `<math><title>x</title></math><title>Page</title>`, "Page"},
		{"first title wins", "<title>One</title><title>Two</title>", "One"},
		{"none", "<html><body>no title</body></html>", ""},
		{"empty", "<title></title>", ""},
		{"unclosed", "<title>Cut off", "Cut off"},
		{"script is skipped", "<script>document.write('<title>x</title>')</script><title>Real</title>", "Real"},
		{"comment is skipped", "<!-- <title>x</title> --><title>Real</title>", "Real"},
		{"hostile", "<title>\x02Bold\x0304 red\u202e evil\x00</title>", "Bold red evil\uFFFD"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ExtractTitle(strings.NewReader(c.page))
			if err != nil || got != c.want {
				t.Errorf("ExtractTitle = %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func FuzzExtractTitle(f *testing.F) {
	f.Add([]byte("<html><head><title>Hello &amp; bye</title></head></html>"))
	f.Add([]byte("<svg><title>x</title></svg><title>y"))
	f.Add([]byte("<title>\x00\r\n\xff</title>"))
	f.Fuzz(func(t *testing.T, page []byte) {
		got, err := ExtractTitle(bytes.NewReader(page))
		if err != nil {
			t.Fatalf("ExtractTitle: %v (only read errors are errors)", err)
		}
		bottest.CheckClean(t, got)
		if len(got) > maxTitleBytes+3*utf8.UTFMax {
			t.Fatalf("a title of %d bytes", len(got))
		}
	})
}

// FuzzExtractTitleRoundTrip: any text, escaped into a <title>, comes back
// as CleanTitle would clean it.
func FuzzExtractTitleRoundTrip(f *testing.F) {
	f.Add("From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”")
	f.Add("a < b && c > d \"'")
	f.Add("</title><title>x")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > maxTitleBytes/2 {
			return
		}
		page := "<!doctype html><html><head><title>" + html.EscapeString(s) + "</title></head><body></body></html>"
		got, err := ExtractTitle(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		// The HTML tokenizer turns NUL into U+FFFD.
		if want := bot.CleanText(strings.ReplaceAll(s, "\x00", "\uFFFD")); got != want {
			t.Fatalf("title %q came back as %q, want %q", s, got, want)
		}
	})
}

// TestFindURLs runs the edge cases of package links: the bot titles the
// first http(s) links the day page makes of the line (render runs the same
// cases).
func TestFindURLs(t *testing.T) {
	for _, c := range linkstest.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var want []string
			for _, l := range c.Links {
				if u, _ := url.Parse(l.Href); len(want) < 3 && (u.Scheme == "http" || u.Scheme == "https") {
					want = append(want, l.Href)
				}
			}
			if got := FindURLs(c.Line, 3); !slices.Equal(got, want) {
				t.Errorf("FindURLs(%q) = %q, want %q", c.Line, got, want)
			}
		})
	}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"a https://1.example b https://2.example c https://3.example d https://4.example", []string{"https://1.example", "https://2.example", "https://3.example"}},
		{"gemini://g.example/ irc://irc.example/#c http://x.example/", []string{"http://x.example/"}},
	} {
		if got := FindURLs(c.text, 3); !slices.Equal(got, c.want) {
			t.Errorf("FindURLs(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// FuzzFindURLs checks that the bot picks at most max http(s) URLs, each
// one a link of the line as the day page makes it, in order.
func FuzzFindURLs(f *testing.F) {
	f.Add("see https://techrights.org/x.shtml, and (http://example.org/a_(b)).")
	f.Add("https://[::1]:80/ http://a@b/ https://%zz/")
	f.Add("\x02https://example.org/a\x0304b gemini://g.example/")
	f.Fuzz(func(t *testing.T, text string) {
		got := FindURLs(text, 3)
		if len(got) > 3 {
			t.Fatalf("%d URLs, want at most 3", len(got))
		}
		var linked []string
		web := 0
		links.Scan(text, func(_, _ int, href string) {
			linked = append(linked, href)
			if strings.HasPrefix(href, "http") {
				web++
			}
		})
		if len(got) != min(web, 3) {
			t.Fatalf("%q: %d URLs of the %d http(s) links %q", text, len(got), web, linked)
		}
		for _, u := range got {
			p, err := url.Parse(u)
			if err != nil || p.Scheme != "http" && p.Scheme != "https" || p.Host == "" {
				t.Fatalf("%q is not an http(s) URL: %v", u, err)
			}
			i := slices.Index(linked, u)
			if i < 0 {
				t.Fatalf("%q is not one of the links %q of %q", u, linked, text)
			}
			linked = linked[i+1:]
		}
	})
}

func TestPageTitleLine(t *testing.T) {
	long := strings.Repeat("word ", 200)
	cases := []struct {
		p    PageTitle
		want string
	}{
		{PageTitle{"Hello", "example.org"}, "[ Hello ] - example.org"},
		{PageTitle{"", "example.org"}, ""},
		{PageTitle{"example.org", "example.org"}, ""},
		{PageTitle{"www.Example.org/", "example.org"}, ""},
		{PageTitle{"https://example.org", "example.org:8080"}, ""},
		{PageTitle{"Example", "example.org"}, "[ Example ] - example.org"},
		{PageTitle{long, "example.org"}, "[ " + strings.TrimSpace(strings.Repeat("word ", 76)) + "… ] - example.org"},
	}
	for _, c := range cases {
		got := c.p.Line()
		if got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.p.Title, got, c.want)
		}
		if len(got) > bot.MaxTextBytes {
			t.Errorf("a line of %d bytes", len(got))
		}
	}
}

func TestTitleFetch(t *testing.T) {
	t.Parallel()
	srv := bottest.TitlePages(t)
	host := srv.Listener.Addr().String()
	tf := newTestTitles(t, []string{"127.0.0.1"}, nil, nil, 10*time.Second)
	impatient := newTestTitles(t, []string{"127.0.0.1"}, nil, nil, 300*time.Millisecond)
	cases := []struct{ path, title, err string }{
		{"/page", "Page Title", ""},
		{"/xhtml", "XHTML Page", ""},
		{"/cp1251", "Привет, мир", ""},
		{"/latin1", "Café crème", ""},
		{"/entities", "Fish & Chips — “Quoted”", ""},
		{"/big", "", ""}, // the title is past the 512 KiB read
		{"/png", "", "not an HTML page"},
		{"/json", "", "not an HTML page"},
		{"/none", "", "not an HTML page"},
		{"/404", "", "404 Not Found"},
		{"/slow", "", "exceeded"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			f := tf
			if c.path == "/slow" {
				f = impatient
			}
			start := time.Now()
			pt, err := f.Fetch(context.Background(), srv.URL+c.path)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("Fetch = %+v, %v; want an error saying %q", pt, err, c.err)
				}
				if d := time.Since(start); f == impatient && d > 5*time.Second {
					t.Errorf("the fetch took %v with a 300ms timeout", d)
				}
				return
			}
			if err != nil || pt.Title != c.title || pt.Host != host {
				t.Fatalf("Fetch = %+v, %v; want %q from %s", pt, err, c.title, host)
			}
		})
	}
	for _, u := range []string{"ftp://example.org/", "file:///etc/passwd", "http:///x", "javascript:alert(1)"} {
		if _, err := tf.Fetch(context.Background(), u); err == nil {
			t.Errorf("Fetch(%q) did not fail", u)
		}
	}
}

// TestTitleFetcherIncoming checks which lines get a title, and the per-URL
// and per-channel limits, with a fake clock.
func TestTitleFetcherIncoming(t *testing.T) {
	t.Parallel()
	srv := bottest.TitlePages(t)
	host := srv.Listener.Addr().String()
	now := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
	say := &bottest.Sayer{}
	tf, err := NewTitleFetcher(Options{
		Titles:  config.Titles{Timeout: 2 * time.Second, MaxBytes: config.DefaultTitleMaxBytes, AllowHosts: []string{"127.0.0.1"}},
		Enabled: func(network, channel string) bool { return channel != "#quiet" },
		Sayer:   say,
		Now:     func() time.Time { return now },
		Logger:  bottest.Logger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	msg := func(channel, text string) bot.Incoming {
		return bot.Incoming{Network: "test", Channel: channel, Nick: "alice", UserHost: "alice@example.org", Text: text, Time: now}
	}
	steps := []struct {
		name    string
		in      bot.Incoming
		advance time.Duration
		want    []string
	}{
		{"a URL", msg("#techrights", "look: "+srv.URL+"/page, nice"), 0, []string{"#techrights [ Page Title ] - " + host}},
		{"the same URL again", msg("#techrights", srv.URL+"/page"), time.Minute, nil},
		{"with a fragment, still the same", msg("#techrights", srv.URL+"/page#top"), time.Minute, nil},
		{"in another channel", msg("#other", srv.URL+"/page"), 0, []string{"#other [ Page Title ] - " + host}},
		{"ten minutes later", msg("#techrights", srv.URL+"/page"), 8 * time.Minute, []string{"#techrights [ Page Title ] - " + host}},
		{"the bot's own line", bot.Incoming{Network: "test", Channel: "#techrights", Nick: "bot", Text: srv.URL + "/other", Self: true}, 0, nil},
		{"a notice", bot.Incoming{Network: "test", Channel: "#techrights", Nick: "otherbot", Text: srv.URL + "/other", Notice: true}, 0, nil},
		{"a private message", bot.Incoming{Network: "test", Nick: "alice", Text: srv.URL + "/other"}, 0, nil},
		{"a line that is not recorded", bot.Incoming{Network: "test", Channel: "#techrights", Nick: "alice", Text: "[off] " + srv.URL + "/other", NoLog: true}, 0, nil},
		{"a channel without titles", msg("#quiet", srv.URL+"/other"), 0, nil},
		{"title is the host", msg("#techrights", srv.URL+"/host"), titleEvery, nil},
		{"formatting around the URL", msg("#techrights", "\x02"+srv.URL+"/other\x02"), titleEvery, []string{"#techrights [ Other Page ] - " + host}},
		{"an action", bot.Incoming{Network: "test", Channel: "#techrights", Nick: "alice", Text: "reads " + srv.URL + "/xhtml", Action: true}, titleEvery, []string{"#techrights [ XHTML Page ] - " + host}},
		{"one title per message", msg("#other", srv.URL+"/n1 "+srv.URL+"/n2"), time.Minute, []string{"#other [ Page 1 ] - " + host}},
		{"no title for the first, none for the second", msg("#other", srv.URL+"/png "+srv.URL+"/n3"), time.Minute, nil},
		{"a refused address, and only one fetch per message", msg("#other", "http://169.254.169.254/ "+srv.URL+"/n4"), time.Minute, nil},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		tf.Incoming(context.Background(), s.in)
		if got := say.Take(); fmt.Sprint(got) != fmt.Sprint(s.want) {
			t.Errorf("%s: said %q, want %q", s.name, got, s.want)
		}
	}

	// The per-channel pace: a burst of titleBurst, then one per titleEvery.
	now = now.Add(time.Hour)
	for i := 1; i <= 5; i++ {
		tf.Incoming(context.Background(), msg("#flood", srv.URL+"/n"+strconv.Itoa(i)))
	}
	if got := say.Take(); len(got) != titleBurst {
		t.Errorf("5 URLs at once got %d titles, want %d: %q", len(got), titleBurst, got)
	}
	now = now.Add(titleEvery)
	tf.Incoming(context.Background(), msg("#flood", srv.URL+"/n5"))
	if got := say.Take(); len(got) != 1 {
		t.Errorf("after %v: %q, want one title", titleEvery, got)
	}
}

// TestTitleFetcherNeedsAllowList: without allow_hosts, the same loopback
// test server gets no request at all.
func TestTitleFetcherNeedsAllowList(t *testing.T) {
	t.Parallel()
	srv, hits := pageServer(t, "Secret")
	say := &bottest.Sayer{}
	tf, err := NewTitleFetcher(Options{Sayer: say, Logger: bottest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	tf.Incoming(context.Background(), bot.Incoming{Network: "test", Channel: "#c", Nick: "mallory", Text: srv.URL + "/"})
	if got := say.Take(); len(got) != 0 || hits.Load() != 0 {
		t.Errorf("said %q, server hit %d times; want nothing", got, hits.Load())
	}
}
