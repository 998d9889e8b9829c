package announce

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/config"
	"proceedings/internal/bottest"
)

const (
	partXLink   = "https://techrights.org/n/2026/02/01/From_Belarus_With_Love_Part_X_From_High_Tech_Hub_to_No_Go_Zone.shtml"
	links0202   = "https://techrights.org/n/2026/02/02/Links_02_02_2026_Cultural_Cleansing_by_China_and_Living_Behind_Firewalls_in_Iran.shtml"
	partILink   = "https://techrights.org/n/2026/01/20/From_Belarus_With_Love_Part_I_Schizophrenic_EPO_Policy.shtml"
	cubaLink    = "https://techrights.org/n/2026/02/01/Growth_of_GNU_Linux_in_Cuba.shtml"
	belarus     = "From Belarus With Love"
	testChannel = "#techrights"
)

// testFeed is a feed config announcing in #techrights on network "test".
func testFeed(url string) config.Feed {
	return config.Feed{
		URL:      url,
		Interval: time.Second,
		Channels: []string{testChannel},
		Targets:  []config.ChannelRef{{Network: "test", Channel: testChannel}},
		MaxBurst: 3,
	}
}

type hookCall struct {
	network, channel string
	post             archive.Post
}

// newTestAnnouncer returns an announcer of one feed that says into a
// bottest.Sayer and records its OnAnnounce calls.
func newTestAnnouncer(t testing.TB, db PostStore, f config.Feed, series ...config.Series) (*Announcer, *bottest.Sayer, *[]hookCall) {
	t.Helper()
	say := &bottest.Sayer{}
	var mu sync.Mutex
	hooks := &[]hookCall{}
	a, err := NewAnnouncer(Options{
		Feeds:  []config.Feed{f},
		Series: series,
		Store:  db,
		Sayer:  say,
		OnAnnounce: func(network, channel string, p archive.Post) {
			mu.Lock()
			defer mu.Unlock()
			*hooks = append(*hooks, hookCall{network, channel, p})
		},
		Timeout:  2 * time.Second,
		MaxBytes: 1 << 20,
		Logger:   bottest.Logger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, say, hooks
}

// pollStep polls and checks what was said.
func pollStep(t *testing.T, a *Announcer, say *bottest.Sayer, wantErr bool, want ...string) PollResult {
	t.Helper()
	res, err := a.Poll(context.Background(), 0)
	if (err != nil) != wantErr {
		t.Fatalf("Poll: error %v, want an error: %v", err, wantErr)
	}
	if err != nil {
		t.Logf("Poll failed as it should: %v", err)
	}
	got := say.Take()
	for i := range want {
		want[i] = testChannel + " " + want[i]
	}
	if !slices.Equal(got, want) {
		t.Fatalf("announced:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	return res
}

// TestAnnouncerFeedChanges serves the fixture feed and changes it between
// polls the way a real site and a real network do, and checks every line
// announced.
func TestAnnouncerFeedChanges(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	ctx := context.Background()
	// The site before Part X and the day's links were published.
	fs := newFeedServer(t, fx.doc(fx.without(t, "Part X:", "Links 02/02/2026")))
	a, say, hooks := newTestAnnouncer(t, db, testFeed(fs.URL()))

	// First run: remember everything, announce nothing.
	res := pollStep(t, a, say, false)
	if !res.FirstRun || res.Items != 20 || res.New != 20 {
		t.Fatalf("first poll = %+v, want a first run that found 20 new items", res)
	}
	if ua := fs.lastRequest().Get("User-Agent"); !strings.Contains(ua, "proceedings") {
		t.Errorf("User-Agent %q does not name the bot", ua)
	}
	parts, err := db.SeriesParts(ctx, belarus)
	if err != nil || len(parts) != 9 {
		t.Fatalf("after the first poll the archive has %d parts of %q (err %v), want 9", len(parts), belarus, err)
	}

	t.Run("304", func(t *testing.T) {
		res := pollStep(t, a, say, false)
		h := fs.lastRequest()
		if h.Get("If-None-Match") == "" || h.Get("If-Modified-Since") == "" {
			t.Errorf("the poll sent If-None-Match %q, If-Modified-Since %q: want both", h.Get("If-None-Match"), h.Get("If-Modified-Since"))
		}
		if !res.NotModified {
			t.Errorf("an unchanged feed: %+v, want NotModified", res)
		}
	})

	t.Run("new part", func(t *testing.T) {
		fs.set(fx.doc(fx.without(t, "Links 02/02/2026")))
		pollStep(t, a, say, false,
			"New: From Belarus With Love — Part X (10 of 10): From “High-Tech Hub” to “No-Go Zone” — "+partXLink)
		if len(*hooks) != 1 || (*hooks)[0].channel != testChannel || (*hooks)[0].network != "test" ||
			(*hooks)[0].post.Series != belarus || (*hooks)[0].post.Part != 10 {
			t.Errorf("OnAnnounce calls = %+v, want one for part 10 in test/#techrights", *hooks)
		}
		p, ok, err := db.PostByGUID(ctx, partXLink)
		if err != nil || !ok || p.Announced.IsZero() || p.Numeral != "X" || p.Subtitle != "From “High-Tech Hub” to “No-Go Zone”" {
			t.Errorf("part X in the archive = %+v, %v, %v; want it announced, numeral X, with its subtitle", p, ok, err)
		}
	})

	t.Run("new links post", func(t *testing.T) {
		fs.set(fx.doc(fx.items))
		pollStep(t, a, say, false,
			"Links 02/02/2026: Cultural Cleansing by China and 'Living Behind Firewalls\" in Iran — "+links0202)
	})

	t.Run("re-published old item", func(t *testing.T) {
		old := strings.Replace(fx.item(t, "Part I:"), "Tue, 20 Jan 2026 09:00:00 +0000", "Tue, 03 Feb 2026 09:00:00 +0000", 1)
		fs.set(fx.doc(append([]string{old}, fx.without(t, "Part I:")...)))
		pollStep(t, a, say, false)
	})

	t.Run("changed title", func(t *testing.T) {
		items := slices.Clone(fx.items)
		for i, it := range items {
			items[i] = strings.Replace(it, "<title>Growth of GNU/Linux in Cuba</title>", "<title>Growth of GNU/Linux in Cuba (Updated)</title>", 1)
		}
		fs.set(fx.doc(items))
		res := pollStep(t, a, say, false)
		if res.Saved == 0 {
			t.Errorf("a changed title was not saved: %+v", res)
		}
		p, _, err := db.PostByGUID(ctx, cubaLink)
		if err != nil || p.Title != "Growth of GNU/Linux in Cuba (Updated)" {
			t.Errorf("the archive has title %q (err %v), want the new one", p.Title, err)
		}
	})

	t.Run("reordered", func(t *testing.T) {
		items := slices.Clone(fx.items)
		slices.Reverse(items)
		fs.set(fx.doc(items))
		pollStep(t, a, say, false)
	})

	base := fx.doc(fx.items)
	fs.set(base)
	pollStep(t, a, say, false)
	newItem := rssItem("Links 03/02/2026: Recovered After the Outage", "https://techrights.org/n/2026/02/03/Links_03_02_2026.shtml", time.Date(2026, 2, 3, 18, 0, 0, 0, time.UTC))
	broken := fx.doc(append([]string{newItem}, fx.items...))
	fs.set(broken)
	failures := []struct {
		name string
		mode serveMode
		want string
	}{
		{"HTML error page", serveHTML, "not an RSS, Atom or RDF feed"},
		{"503", serveStatus, "503"},
		{"slow response", serveSlow, "exceeded"}, // context deadline or Client.Timeout
		{"50 MB of garbage", serveGarbage, "too large"},
		{"50 MB declared", serveHugeLength, "too large"},
		{"cut transfer", serveCutTransfer, "unexpected EOF"},
		{"cut document", serveCutDocument, "XML syntax error"},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			fs.setMode(f.mode)
			_, err := a.Poll(ctx, 0)
			if err == nil || !strings.Contains(err.Error(), f.want) {
				t.Fatalf("Poll error = %v, want one saying %q", err, f.want)
			}
			if got := say.Take(); len(got) != 0 {
				t.Fatalf("a failed poll announced %q", got)
			}
		})
	}
	if a.feeds[0].failures != len(failures) {
		t.Errorf("%d failures counted, want %d", a.feeds[0].failures, len(failures))
	}

	t.Run("recovery", func(t *testing.T) {
		fs.setMode(serveFeed)
		pollStep(t, a, say, false, "Links 03/02/2026: Recovered After the Outage — https://techrights.org/n/2026/02/03/Links_03_02_2026.shtml")
		if a.feeds[0].failures != 0 {
			t.Errorf("failures = %d after a good poll, want 0", a.feeds[0].failures)
		}
	})

	t.Run("burst", func(t *testing.T) {
		var items []string
		for i := range 17 {
			items = append(items, rssItem(fmt.Sprintf("Burst post %02d", i+1), fmt.Sprintf("https://techrights.org/n/2026/02/04/burst_%02d.shtml", i+1),
				time.Date(2026, 2, 4, 0, i, 0, 0, time.UTC)))
		}
		slices.Reverse(items) // newest first, as feeds are
		fs.set(fx.head + strings.Join(items, "") + newItem + strings.Join(fx.items, "") + fx.tail)
		res := pollStep(t, a, say, false,
			"Burst post 01 — https://techrights.org/n/2026/02/04/burst_01.shtml",
			"Burst post 02 — https://techrights.org/n/2026/02/04/burst_02.shtml",
			"Burst post 03 — https://techrights.org/n/2026/02/04/burst_03.shtml",
			"… and 14 more: https://techrights.org/")
		if res.New != 17 || res.Announced != 3 || res.Collapsed != 14 {
			t.Errorf("burst poll = %+v, want 17 new, 3 announced, 14 collapsed", res)
		}
		pollStep(t, a, say, false)
	})

	t.Run("restart", func(t *testing.T) {
		a2, say2, _ := newTestAnnouncer(t, db, testFeed(fs.URL()))
		res := pollStep(t, a2, say2, false)
		if !res.NotModified || res.FirstRun {
			t.Errorf("first poll after a restart = %+v, want a 304 and no first run", res)
		}
		if h := fs.lastRequest(); h.Get("If-None-Match") == "" {
			t.Error("the validators were not kept across the restart")
		}
		// A server that forgets its validators sends the whole feed: still
		// nothing new, and nothing to write.
		fs.setValidators(false)
		res = pollStep(t, a2, say2, false)
		if res.NotModified || res.Items != 40 || res.Saved != 0 || res.New != 0 {
			t.Errorf("poll of the full, known feed after a restart = %+v, want 40 items, none saved or new", res)
		}
		res = pollStep(t, a2, say2, false)
		if !res.NotModified {
			t.Errorf("the same body again = %+v, want it recognised as unchanged", res)
		}
	})

	parts, err = db.SeriesParts(ctx, belarus)
	if err != nil || len(parts) != 10 {
		t.Fatalf("the archive has %d parts of %q (err %v), want 10", len(parts), belarus, err)
	}
	for i, p := range parts {
		if p.Part != i+1 || p.Numeral != Roman(i+1) || p.Series != belarus {
			t.Errorf("part %d = %+v", i+1, p)
		}
	}
	for _, s := range []string{"Mobbing at the European Patent Office (EPO)", "A Can of WORMS"} {
		if ps, err := db.SeriesParts(ctx, s); err != nil || len(ps) != 1 || ps[0].Part != 2 || ps[0].Numeral != "II" {
			t.Errorf("series %q = %+v (err %v), want part II", s, ps, err)
		}
	}
}

// TestAnnounceBacklog checks announce_backlog on the first run, and that
// a feed that cannot be read on the first run stays in its first run.
func TestAnnounceBacklog(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	fs := newFeedServer(t, fx.doc(fx.items))
	f := testFeed(fs.URL())
	f.AnnounceBacklog = 2
	a, say, _ := newTestAnnouncer(t, db, f)
	fs.setMode(serveHTML)
	pollStep(t, a, say, true)
	fs.setMode(serveFeed)
	res := pollStep(t, a, say, false,
		"IRC Proceedings: Sunday, February 01, 2026 — https://techrights.org/n/2026/02/02/IRC_Proceedings_Sunday_February_01_2026.shtml",
		"Links 01/02/2026: Public TV Gutted by Cheeto, Billionaires Fund a Cheeto Propaganda Movie in 'Documentary' Clothing — https://techrights.org/n/2026/02/02/Links_01_02_2026_Public_TV_Gutted_by_Cheeto_Billionaires_Fund_a_Cheeto_Propagand.shtml")
	if !res.FirstRun {
		t.Errorf("the first good poll was not a first run: %+v", res)
	}
}

// TestAnnouncerSeries checks series declared by hand: a part in the feed
// and in the configuration is one part, and a declared part that the feed
// publishes later is announced once, with its place in the series.
func TestAnnouncerSeries(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	ctx := context.Background()
	fs := newFeedServer(t, fx.doc(fx.items))
	const partXILink = "https://techrights.org/n/2026/02/05/From_Belarus_With_Love_Part_XI.shtml"
	declared := []config.Series{{Name: belarus, Parts: []config.SeriesPart{
		{N: 1, Title: "From Belarus With Love — Part I: Schizophrenic EPO Policy", URL: partILink},
		{N: 11, Title: "From Belarus With Love — Part XI: The Last Part", URL: partXILink},
		{N: 12, Title: "From Belarus With Love — Part XII"}, // no URL yet
	}}}
	a, say, _ := newTestAnnouncer(t, db, testFeed(fs.URL()), declared...)
	if err := a.SaveSeries(ctx); err != nil {
		t.Fatal(err)
	}
	pollStep(t, a, say, false)
	parts, err := db.SeriesParts(ctx, belarus)
	if err != nil || len(parts) != 12 {
		t.Fatalf("%d parts (err %v), want 12: I–X from the feed, part I once, XI and XII declared", len(parts), err)
	}
	if parts[0].Link != partILink || parts[0].Feed != fs.URL() {
		t.Errorf("part I = %+v, want the feed's post", parts[0])
	}

	xi := rssItem("From Belarus With Love — Part XI: The Last Part", partXILink, time.Now().Add(time.Minute))
	xii := rssItem("From Belarus With Love — Part XII: Really the Last", "https://techrights.org/n/2026/02/06/Part_XII.shtml", time.Now().Add(2*time.Minute))
	fs.set(fx.doc(append([]string{xi}, fx.items...)))
	pollStep(t, a, say, false, "New: From Belarus With Love — Part XI (11 of 12): The Last Part — "+partXILink)
	fs.set(fx.doc(append([]string{xii, xi}, fx.items...)))
	pollStep(t, a, say, false, "New: From Belarus With Love — Part XII (12 of 12): Really the Last — https://techrights.org/n/2026/02/06/Part_XII.shtml")

	// Saving the configuration again (a restart) changes nothing.
	if err := a.SaveSeries(ctx); err != nil {
		t.Fatal(err)
	}
	fs.setValidators(false)
	a2, say2, _ := newTestAnnouncer(t, db, testFeed(fs.URL()), declared...)
	pollStep(t, a2, say2, false)
	if parts, _ := db.SeriesParts(ctx, belarus); len(parts) != 12 {
		t.Errorf("%d parts after a restart, want 12", len(parts))
	}
}

// TestAnnouncerFormat checks a custom template, the "of N" of a title, and
// the cut of a long title to one IRC line.
func TestAnnouncerFormat(t *testing.T) {
	t.Parallel()
	db := openTestArchive(t)
	ctx := context.Background()
	long := strings.Repeat("Patent Trolls ", 40) + "End"
	cases := []struct {
		name, format string
		post         archive.Post
		want         string
	}{
		{"default", "", archive.Post{Title: "Growth of GNU/Linux in Cuba", Link: cubaLink},
			"Growth of GNU/Linux in Cuba — " + cubaLink},
		{"part of N", "", archive.Post{Title: "Slop — Part 3 of 12: More", Link: "https://example.org/3", Series: "Slop", Part: 3, PartOf: 12, Numeral: "3", Subtitle: "More"},
			"New: Slop — Part 3 (3 of 12): More — https://example.org/3"},
		{"custom", "[{{.Series}} {{.Part}}/{{.Of}}] {{.PostTitle}} <{{.Link}}>", archive.Post{Title: "Slop — Part 3 of 12: More", Link: "https://example.org/3", Series: "Slop", Part: 3, PartOf: 12, Numeral: "3", Subtitle: "More"},
			"[Slop 3/12] Slop — Part 3 of 12: More <https://example.org/3>"},
		{"line breaks in the format", "{{.Title}}\n{{.Link}}", archive.Post{Title: "A", Link: "https://example.org/a"},
			"A https://example.org/a"},
		{"a javascript: link is no link", "", archive.Post{Title: "Hostile", Link: "javascript:alert(1)"}, "Hostile — "},
		{"a data: link is no link", "{{.Title}} <{{.Link}}>", archive.Post{Title: "Hostile", Link: "data:text/html,x"}, "Hostile <>"},
		{"long title", "", archive.Post{Title: long, Link: "https://example.org/long"},
			strings.TrimSpace(strings.Repeat("Patent Trolls ", 26)) + "… — https://example.org/long"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _, _ := newTestAnnouncer(t, db, testFeed("file:///nonexistent"))
			f := config.Feed{}
			if c.format != "" {
				f.Format = template.Must(template.New("f").Option("missingkey=error").Parse(c.format))
			}
			got, err := a.Line(ctx, f, c.post, "https://example.org/")
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("line\n  %q\nwant\n  %q", got, c.want)
			}
			if len(got) > bot.MaxTextBytes {
				t.Errorf("line of %d bytes, more than %d", len(got), bot.MaxTextBytes)
			}
		})
	}
}

// TestAnnouncerFileFeed polls a file: URL, which tests and the demo use.
func TestAnnouncerFileFeed(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	path := filepath.Join(t.TempDir(), "feed.xml")
	write := func(s string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	write(fx.doc(fx.without(t, "Part X:")), t0)
	a, say, _ := newTestAnnouncer(t, db, testFeed("file://"+path))
	pollStep(t, a, say, false)
	if res := pollStep(t, a, say, false); !res.NotModified {
		t.Errorf("an unchanged file: %+v, want NotModified", res)
	}
	write(fx.doc(fx.items), t0.Add(time.Minute))
	pollStep(t, a, say, false, "New: From Belarus With Love — Part X (10 of 10): From “High-Tech Hub” to “No-Go Zone” — "+partXLink)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	pollStep(t, a, say, true)
}

// TestAnnouncerFeedFormats reads Atom and RDF (RSS 1.0) as well as RSS.
func TestAnnouncerFeedFormats(t *testing.T) {
	t.Parallel()
	docs := map[string]func(title, link string) string{
		"atom": func(title, link string) string {
			e := ""
			if title != "" {
				e = fmt.Sprintf(`<entry><id>%s</id><title>%s</title><link href="%s"/><updated>2026-02-03T10:00:00Z</updated></entry>`, link, title, link)
			}
			return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><link href="https://example.org/"/><id>urn:t</id><updated>2026-02-03T10:00:00Z</updated>` +
				e + `<entry><id>urn:old</id><title>Old</title><link href="https://example.org/old"/><updated>2026-01-01T10:00:00Z</updated></entry></feed>`
		},
		"rdf": func(title, link string) string {
			e := ""
			if title != "" {
				e = fmt.Sprintf(`<item rdf:about="%s"><title>%s</title><link>%s</link></item>`, link, title, link)
			}
			return `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://example.org/"><title>T</title><link>https://example.org/</link></channel>` +
				e + `<item rdf:about="https://example.org/old"><title>Old</title><link>https://example.org/old</link></item></rdf:RDF>`
		},
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := openTestArchive(t)
			fs := newFeedServer(t, doc("", ""))
			a, say, _ := newTestAnnouncer(t, db, testFeed(fs.URL()))
			pollStep(t, a, say, false)
			fs.set(doc("Mobbing at the EPO - Part III - Fresh &amp;amp; New", "https://example.org/new"))
			pollStep(t, a, say, false, "New: Mobbing at the EPO — Part III (3 of 3): Fresh & New — https://example.org/new")
		})
	}
}

// failingStore is an archive whose SavePost fails for some GUIDs.
type failingStore struct {
	PostStore
	fail func(guid string) bool
}

func (s *failingStore) SavePost(ctx context.Context, p archive.Post) (archive.Post, bool, error) {
	if s.fail(p.GUID) {
		return archive.Post{}, false, errors.New("disk full")
	}
	return s.PostStore.SavePost(ctx, p)
}

// TestAnnouncerSaveFailure: when the archive fails in the middle of a poll,
// what was saved is still announced, nothing twice, and the next poll
// picks up the rest.
func TestAnnouncerSaveFailure(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	fs := newFeedServer(t, fx.doc(fx.items))
	var broken sync.Map
	st := &failingStore{PostStore: db, fail: func(g string) bool { _, ok := broken.Load(g); return ok }}
	a, say, _ := newTestAnnouncer(t, st, testFeed(fs.URL()))
	pollStep(t, a, say, false)
	one := rssItem("One", "https://example.org/1", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	two := rssItem("Two", "https://example.org/2", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	fs.set(fx.doc(append([]string{two, one}, fx.items...)))
	broken.Store("https://example.org/2", true)
	pollStep(t, a, say, true, "One — https://example.org/1")
	broken.Delete("https://example.org/2")
	pollStep(t, a, say, false, "Two — https://example.org/2")
	pollStep(t, a, say, false)
}

// TestAnnouncerSayFailure: a channel that cannot be reached does not stop
// the others.
func TestAnnouncerSayFailure(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	fs := newFeedServer(t, fx.doc(fx.without(t, "Part X:")))
	f := testFeed(fs.URL())
	f.Targets = append([]config.ChannelRef{{Network: "test", Channel: "#gone"}}, f.Targets...)
	a, say, hooks := newTestAnnouncer(t, db, f)
	say.Fail = map[string]error{"#gone": errors.New("not on that network")}
	pollStep(t, a, say, false)
	fs.set(fx.doc(fx.items))
	pollStep(t, a, say, false, "New: From Belarus With Love — Part X (10 of 10): From “High-Tech Hub” to “No-Go Zone” — "+partXLink)
	if len(*hooks) != 1 {
		t.Errorf("%d OnAnnounce calls, want 1 (for the channel that got it)", len(*hooks))
	}
}

func TestFeedBackoff(t *testing.T) {
	cases := []struct {
		interval time.Duration
		failures int
		jitter   float64
		want     time.Duration
	}{
		{5 * time.Minute, 0, 0, 5 * time.Minute},
		{5 * time.Minute, 1, 0, 10 * time.Minute},
		{5 * time.Minute, 2, 0, 20 * time.Minute},
		{5 * time.Minute, 3, 0, 40 * time.Minute},
		{5 * time.Minute, 4, 0, time.Hour},
		{5 * time.Minute, 1000, 0, time.Hour},
		{5 * time.Minute, 1, 0.5, 9*time.Minute + 30*time.Second},
		{2 * time.Hour, 3, 0, 2 * time.Hour}, // never sooner than the interval
		{time.Second, 3, 0, 8 * time.Second},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v×%d", c.interval, c.failures), func(t *testing.T) {
			if got := feedBackoff(c.interval, c.failures, time.Hour, c.jitter); got != c.want {
				t.Errorf("feedBackoff = %v, want %v", got, c.want)
			}
		})
	}
}

// TestAnnouncerRun runs the poll loop: it polls at once, again after the
// interval, and stops with its context.
func TestAnnouncerRun(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	fs := newFeedServer(t, fx.doc(fx.without(t, "Part X:")))
	f := testFeed(fs.URL())
	f.Interval = 50 * time.Millisecond
	polls := make(chan PollResult, 100)
	a, say, _ := newTestAnnouncer(t, db, f)
	a.opt.OnPoll = func(feedURL string, res PollResult, err error) {
		if err != nil {
			t.Errorf("poll of %s: %v", feedURL, err)
		}
		polls <- res
	}
	say.Ch = make(chan bottest.Said, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	if res := <-polls; !res.FirstRun {
		t.Fatalf("the first poll was %+v, want the first run", res)
	}
	if res := <-polls; !res.NotModified {
		t.Fatalf("the second poll was %+v, want a 304", res)
	}
	fs.set(fx.doc(fx.items))
	select {
	case s := <-say.Ch:
		if !strings.HasPrefix(s.Text, "New: From Belarus With Love — Part X (10 of 10)") {
			t.Errorf("announced %q, want part X", s.Text)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("part X was not announced within 30 s")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// TestAnnouncerReloadAndSetAnnounce changes channels and format while the
// announcer runs.
func TestAnnouncerReloadAndSetAnnounce(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	fs := newFeedServer(t, fx.doc(fx.items))
	a, say, _ := newTestAnnouncer(t, db, testFeed(fs.URL()))
	pollStep(t, a, say, false)
	items := slices.Clone(fx.items)
	publish := func(n int) {
		items = append([]string{rssItem(fmt.Sprintf("Post %d", n), fmt.Sprintf("https://example.org/%d", n), time.Date(2026, 3, n, 0, 0, 0, 0, time.UTC))}, items...)
		fs.set(fx.doc(items))
	}

	if err := a.SetAnnounce("test", "#TechRights", false); err != nil {
		t.Fatal(err)
	}
	if err := a.SetAnnounce("test", "#other", true); err != nil {
		t.Fatal(err)
	}
	publish(1)
	if _, err := a.Poll(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if got := say.Take(); fmt.Sprint(got) != "[#other Post 1 — https://example.org/1]" {
		t.Errorf("after SetAnnounce: %q", got)
	}

	f := testFeed(fs.URL())
	f.FormatText = "New post: {{.Title}} <{{.Link}}>"
	if err := a.Reload([]config.Feed{f, testFeed("https://example.org/added.xml")}); err != nil {
		t.Fatal(err)
	}
	publish(2)
	pollStep(t, a, say, false, "New post: Post 2 <https://example.org/2>")

	if err := a.SetAnnounce("test", "", false); err != nil {
		t.Fatal(err)
	}
	publish(3)
	pollStep(t, a, say, false)
	if err := a.SetAnnounce("test", "", true); err == nil {
		t.Error("turning on every channel of a network was accepted")
	}
	f.FormatText = "{{.Nope"
	if err := a.Reload([]config.Feed{f}); err == nil {
		t.Error("a bad format was accepted")
	}
}

func TestCheckFeedFormat(t *testing.T) {
	for _, c := range []struct {
		format string
		ok     bool
	}{
		{config.DefaultFeedFormat, true},
		{"{{.PostTitle}} ({{.Published.Format \"2006-01-02\"}}) {{.Link}} {{if .Series}}[{{.Series}} {{.Part}}/{{.Of}}]{{end}}", true},
		{"{{.Nope}}", false},
		{"{{.Title.Foo}}", false},
	} {
		tmpl := template.Must(template.New("f").Option("missingkey=error").Parse(c.format))
		if err := CheckFeedFormat(tmpl); (err == nil) != c.ok {
			t.Errorf("CheckFeedFormat(%q) = %v, want ok %v", c.format, err, c.ok)
		}
	}
}
