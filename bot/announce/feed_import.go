package announce

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"proceedings/archive"
	"proceedings/bot"
)

// importMaxBytes caps what ImportFeed reads, far above any real feed or
// list of past posts.
const importMaxBytes = 64 << 20

// PostSaver is the part of the archive ImportFeed writes to.
type PostSaver interface {
	SavePost(ctx context.Context, p archive.Post) (archive.Post, bool, error)
}

var _ PostSaver = (archive.Store)(nil)

// ImportFeed loads the posts of a feed document (RSS, Atom, RDF or JSON
// Feed) or of a plain list of past posts into the archive without
// announcing them: once stored, a post is known, and the announcer never
// announces it later. Series parts are recognised in the titles as the
// announcer does. source names where the posts came from (a file or URL);
// it is stored as the posts' feed. It returns how many posts were new to
// the archive.
//
// A plain list has one post per line: an http(s) URL and the title, in
// either order, optionally starting with the publication date
// (2006-01-02); blank lines and lines starting with "#" are skipped:
//
//	2026-01-05 https://example.org/part-i/ From Belarus With Love — Part I: Schizophrenic EPO Policy
func ImportFeed(ctx context.Context, db archive.Store, r io.Reader, source string) (added int, err error) {
	return importPosts(ctx, db, r, source)
}

func importPosts(ctx context.Context, db PostSaver, r io.Reader, source string) (int, error) {
	if source == "" {
		source = "import"
	}
	body, err := readCapped(r, importMaxBytes)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", source, err)
	}
	var items []feedItem
	if looksLikeFeed(body) {
		feed, err := parseFeed(body, "")
		if err != nil {
			return 0, fmt.Errorf("import %s: %w", source, err)
		}
		items = feedItems(feed, source)
	} else if items, err = postList(body, source); err != nil {
		return 0, fmt.Errorf("import %s: %w", source, err)
	}
	added := 0
	for _, it := range items {
		_, isNew, err := db.SavePost(ctx, it.post)
		if err != nil {
			return added, fmt.Errorf("import %s: %w", source, err)
		}
		if isNew {
			added++
		}
	}
	return added, nil
}

// looksLikeFeed reports whether a document is XML or JSON rather than a
// plain list: its first non-blank character (after a byte-order mark) is
// "<" or "{".
func looksLikeFeed(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '<' || b[0] == '{')
}

// postList reads a plain list of posts (see ImportFeed).
func postList(body []byte, source string) ([]feedItem, error) {
	var items []feedItem
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		var p archive.Post
		if d, err := time.Parse("2006-01-02", fields[0]); err == nil {
			p.Published = d
			fields = fields[1:]
		}
		var rest []string
		for _, f := range fields {
			if p.Link == "" && (strings.HasPrefix(f, "http://") || strings.HasPrefix(f, "https://")) {
				p.Link = cleanLink(f)
				continue
			}
			rest = append(rest, f)
		}
		if p.Link == "" {
			return nil, fmt.Errorf("line %d: no http(s) URL; write one post per line as: [2006-01-02] URL title", n)
		}
		p.GUID = p.Link
		p.Feed = source
		p.Title = bot.CleanTitle(strings.Trim(strings.Join(rest, " "), " -–—|:\t"), 0)
		if p.Title == "" {
			p.Title = p.Link
		}
		if sp, ok := ParseSeriesTitle(p.Title); ok {
			p.Series, p.Part, p.PartOf, p.Subtitle, p.Numeral = sp.Series, sp.Part, sp.Of, sp.Subtitle, sp.Numeral
		}
		items = append(items, feedItem{post: p, fingerprint: postFingerprint(p)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the list of posts: %w", err)
	}
	return items, nil
}

// ImportFeedURL fetches a feed (an http, https or file URL) with the
// announcer's limits (DefaultFeedTimeout, DefaultFeedMaxBytes) and imports
// it as ImportFeed does. userAgent "" is DefaultUserAgent.
func ImportFeedURL(ctx context.Context, db archive.Store, feedURL, userAgent string) (added int, err error) {
	if userAgent == "" {
		userAgent = bot.DefaultUserAgent
	}
	f := &feedFetcher{
		client:    &http.Client{Timeout: DefaultFeedTimeout},
		userAgent: userAgent,
		maxBytes:  DefaultFeedMaxBytes,
		timeout:   DefaultFeedTimeout,
	}
	doc, err := f.fetch(ctx, feedURL, feedValidators{})
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", feedURL, err)
	}
	return importPosts(ctx, db, bytes.NewReader(doc.Body), feedURL)
}
