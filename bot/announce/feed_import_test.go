package announce

import (
	"context"
	"os"
	"path/filepath"
	"proceedings/bot"
	"strings"
	"testing"
	"time"
)

// TestImportFeed imports the fixture and a plain list, and checks that the
// announcer never announces what was imported, even when it shows up in
// the feed later.
func TestImportFeed(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	ctx := context.Background()

	// The bot already runs on a feed that shows only the newest posts.
	fs := newFeedServer(t, fx.doc(fx.items[:5]))
	a, say, _ := newTestAnnouncer(t, db, testFeed(fs.URL()))
	pollStep(t, a, say, false)

	f, err := os.Open(filepath.Join("testdata", "techrights-feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	added, err := ImportFeed(ctx, db, f, "techrights-feed.xml")
	if err != nil || added != 17 {
		t.Fatalf("ImportFeed = %d, %v; want the 17 posts the feed did not show", added, err)
	}
	list := `# Older parts of a series, one per line: [date] URL title
2025-06-01 https://techrights.org/n/2025/06/01/Mobbing_Part_I.shtml Mobbing at the European Patent Office (EPO) - Part I - Where It Began

https://techrights.org/n/2025/06/08/Mobbing_Part_III.shtml  Mobbing at the European Patent Office (EPO) - Part III - Aftermath
Growth of GNU/Linux in Cuba — https://techrights.org/n/2026/02/01/Growth_of_GNU_Linux_in_Cuba.shtml
`
	added, err = ImportFeed(ctx, db, strings.NewReader(list), "old-posts.txt")
	if err != nil || added != 2 {
		t.Fatalf("ImportFeed(list) = %d, %v; want 2 new (the third is known)", added, err)
	}
	mobbing, err := db.SeriesParts(ctx, "Mobbing at the European Patent Office (EPO)")
	if err != nil || len(mobbing) != 3 {
		t.Fatalf("mobbing parts = %+v, %v; want I, II, III", mobbing, err)
	}
	if p := mobbing[0]; p.Numeral != "I" || p.Subtitle != "Where It Began" || !p.Published.Equal(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("part I = %+v", p)
	}
	if again, err := ImportFeed(ctx, db, strings.NewReader(fx.doc(fx.items)), "again"); err != nil || again != 0 {
		t.Errorf("importing the same feed again: %d new, %v; want 0", again, err)
	}

	// A post imported before the site's feed shows it, published after the
	// announcer's first poll.
	const early = "https://techrights.org/n/2026/12/01/Early.shtml"
	if n, err := ImportFeed(ctx, db, strings.NewReader(early+" Imported Before Publication\n"), "early.txt"); err != nil || n != 1 {
		t.Fatalf("ImportFeed(early) = %d, %v", n, err)
	}

	// The feed now lists everything: nothing is announced.
	fs.set(fx.doc(append([]string{rssItem("Imported Before Publication", early, time.Now().Add(time.Hour))}, fx.items...)))
	pollStep(t, a, say, false)
	parts, _ := db.SeriesParts(ctx, belarus)
	if len(parts) != 10 {
		t.Errorf("%d parts of %q, want 10", len(parts), belarus)
	}

	for _, bad := range []string{"just a title, no link", "<rss><channel><item><title>cut"} {
		if _, err := ImportFeed(ctx, db, strings.NewReader(bad), "bad"); err == nil {
			t.Errorf("ImportFeed(%q) did not fail", bad)
		}
	}
}

// TestImportFeedURL imports over HTTP and from a file: URL.
func TestImportFeedURL(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	db := openTestArchive(t)
	ctx := context.Background()
	fs := newFeedServer(t, fx.doc(fx.items[:3]))
	if n, err := ImportFeedURL(ctx, db, fs.URL(), ""); err != nil || n != 3 {
		t.Fatalf("ImportFeedURL(http) = %d, %v; want 3", n, err)
	}
	abs, err := filepath.Abs(filepath.Join("testdata", "techrights-feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ImportFeedURL(ctx, db, "file://"+abs, ""); err != nil || n != 19 {
		t.Fatalf("ImportFeedURL(file) = %d, %v; want 19", n, err)
	}
	fs.setMode(serveHTML)
	if _, err := ImportFeedURL(ctx, db, fs.URL(), ""); err == nil || !strings.Contains(err.Error(), "not an RSS") {
		t.Errorf("importing an HTML page: %v", err)
	}
}

func FuzzPostList(f *testing.F) {
	f.Add("2026-01-05 https://example.org/part-i/ From Belarus With Love — Part I: Schizophrenic EPO Policy\n# comment\n\nTitle — https://example.org/x")
	f.Add("https://a\n2026-13-45 http://b c")
	f.Fuzz(func(t *testing.T, s string) {
		items, err := postList([]byte(s), "fuzz")
		if err != nil {
			return
		}
		for _, it := range items {
			p := it.post
			if !strings.HasPrefix(p.Link, "http://") && !strings.HasPrefix(p.Link, "https://") || p.GUID != p.Link {
				t.Fatalf("post %+v has no http(s) link as its GUID", p)
			}
			if p.Title == "" || strings.ContainsAny(p.Title, "\r\n\x00") {
				t.Fatalf("post %+v has a bad title", p)
			}
			if p.Series != "" && p.Part < 1 {
				t.Fatalf("post %+v is a part without a number", p)
			}
		}
	})
}

// FuzzFeedItems feeds arbitrary documents through the parser and the
// conversion into posts.
func FuzzFeedItems(f *testing.F) {
	fx, err := os.ReadFile(filepath.Join("testdata", "techrights-feed.xml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fx)
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title type="html">a &lt;b&gt;</title><link href="/rel"/></entry></feed>`))
	f.Add([]byte(`<rss><channel><link>https://e.org/</link><item><link>rel/1</link></item><item><guid>g</guid></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		feed, err := parseFeed(doc, "")
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, it := range feedItems(feed, "fuzz") {
			p := it.post
			if p.GUID == "" || seen[p.GUID] {
				t.Fatalf("item %+v: empty or repeated GUID", p)
			}
			seen[p.GUID] = true
			if p.Title != bot.CleanText(p.Title) {
				t.Fatalf("title %q is not clean", p.Title)
			}
		}
	})
}

func TestFeedItemsLinks(t *testing.T) {
	doc := `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><link>https://example.org/blog/</link>
<item><title>Relative</title><link>2026/post.html</link></item>
<item><title>Rooted</title><link>/other.html</link></item>
<item><title>  Spaces &amp;amp; tabs	</title><link> https://example.org/x </link></item>
<item><title>Same GUID</title><guid>g1</guid><link>https://example.org/a</link></item>
<item><title>Same GUID again</title><guid>g1</guid><link>https://example.org/b</link></item>
<item><title>No link</title></item>
</channel></rss>`
	feed, err := parseFeed([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range feedItems(feed, "src") {
		got = append(got, it.post.GUID+" "+it.post.Link+" "+it.post.Title)
	}
	// Undated: oldest first is the reverse of document order; the repeated
	// GUID keeps its last (oldest) item.
	want := []string{
		"g1 https://example.org/b Same GUID again",
		"https://example.org/x https://example.org/x Spaces & tabs",
		"https://example.org/other.html https://example.org/other.html Rooted",
		"https://example.org/blog/2026/post.html https://example.org/blog/2026/post.html Relative",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
