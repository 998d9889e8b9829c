package announce

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"proceedings/archive"
	"proceedings/bot"
)

// Limits of a feed fetch, unless Options says otherwise.
const (
	// DefaultFeedMaxBytes is the largest feed document read, a few times
	// a long feed with full text.
	DefaultFeedMaxBytes = 10 << 20
	// DefaultFeedTimeout bounds one fetch: connect, headers and body.
	DefaultFeedTimeout = 30 * time.Second
)

// feedValidators are what a conditional GET sends back: the ETag and
// Last-Modified of the last document processed. For a file: URL,
// LastModified holds its modification time and size.
type feedValidators struct {
	ETag, LastModified string
}

// feedDoc is one fetched feed document.
type feedDoc struct {
	NotModified bool // 304, or an unchanged file
	Body        []byte
	ContentType string
	Validators  feedValidators
}

// feedFetcher fetches feed documents with a timeout, a size cap and
// conditional GET.
type feedFetcher struct {
	client    *http.Client
	userAgent string
	maxBytes  int64
	timeout   time.Duration
}

// errFeedTooLarge is returned for a document over the size cap.
var errFeedTooLarge = errors.New("feed too large")

// httpStatusError is a non-2xx, non-304 answer.
type httpStatusError struct {
	Status     string
	RetryAfter time.Duration // from a Retry-After header, 0 when none
}

func (e *httpStatusError) Error() string { return "the server answered " + e.Status }

// fetch gets the document at rawURL (http, https or file), sending the
// validators of the last document processed. A document over the size cap,
// a truncated transfer or a timeout is an error: nothing partial is ever
// returned.
func (f *feedFetcher) fetch(ctx context.Context, rawURL string, v feedValidators) (feedDoc, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return feedDoc{}, fmt.Errorf("feed URL %q: %w", rawURL, err)
	}
	if u.Scheme == "file" {
		return f.fetchFile(u, v)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return feedDoc{}, fmt.Errorf("feed URL %q: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return feedDoc{}, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return feedDoc{NotModified: true, Validators: v}, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return feedDoc{}, fmt.Errorf("fetch %s: %w", rawURL, &httpStatusError{Status: resp.Status, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())})
	}
	if resp.ContentLength > f.maxBytes {
		return feedDoc{}, fmt.Errorf("fetch %s: %w: %d bytes, the limit is %d", rawURL, errFeedTooLarge, resp.ContentLength, f.maxBytes)
	}
	body, err := readCapped(resp.Body, f.maxBytes)
	if err != nil {
		return feedDoc{}, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	return feedDoc{
		Body:        body,
		ContentType: resp.Header.Get("Content-Type"),
		Validators:  feedValidators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")},
	}, nil
}

// fetchFile reads a file: URL; its modification time and size stand in for
// Last-Modified.
func (f *feedFetcher) fetchFile(u *url.URL, v feedValidators) (feedDoc, error) {
	path := u.Path
	if u.Opaque != "" {
		path = u.Opaque
	}
	fh, err := os.Open(path)
	if err != nil {
		return feedDoc{}, fmt.Errorf("read feed file: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return feedDoc{}, fmt.Errorf("read feed file: %w", err)
	}
	stamp := st.ModTime().UTC().Format(time.RFC3339Nano) + " " + strconv.FormatInt(st.Size(), 10)
	if v.LastModified == stamp {
		return feedDoc{NotModified: true, Validators: v}, nil
	}
	if st.Size() > f.maxBytes {
		return feedDoc{}, fmt.Errorf("read feed file %s: %w: %d bytes, the limit is %d", path, errFeedTooLarge, st.Size(), f.maxBytes)
	}
	body, err := readCapped(fh, f.maxBytes)
	if err != nil {
		return feedDoc{}, fmt.Errorf("read feed file %s: %w", path, err)
	}
	return feedDoc{Body: body, Validators: feedValidators{LastModified: stamp}}, nil
}

// readCapped reads r to its end, failing when it holds more than max bytes.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read the body (truncated or timed out): %w", err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", errFeedTooLarge, max)
	}
	return body, nil
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// parseFeed parses an RSS (0.9x, 1.0/RDF, 2.0), Atom or JSON Feed
// document. contentType is only used to explain a failure.
func parseFeed(body []byte, contentType string) (*gofeed.Feed, error) {
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			what := "it"
			if mt, _, perr := mime.ParseMediaType(contentType); perr == nil {
				what = "the " + mt + " document"
			}
			return nil, fmt.Errorf("%s is not an RSS, Atom or RDF feed (an error page?): %w", what, err)
		}
		return nil, fmt.Errorf("parse the feed (truncated or malformed?): %w", err)
	}
	return feed, nil
}

// feedItem is a feed entry ready for the archive.
type feedItem struct {
	post archive.Post
	// fingerprint changes when anything stored about the item changes.
	fingerprint string
}

// feedItems turns a parsed feed into posts, oldest first: by publication
// date when every item has one, else in reverse document order (feeds list
// the newest first). Items without GUID and link are dropped, and so are
// repeats of a GUID within the document.
func feedItems(feed *gofeed.Feed, source string) []feedItem {
	// Relative item links are resolved against the site's link, else the
	// feed's own address as the document states it.
	baseLink := cleanLink(feed.Link)
	if baseLink == "" {
		baseLink = cleanLink(feed.FeedLink)
	}
	base, err := url.Parse(baseLink)
	if err != nil || !base.IsAbs() {
		base = nil
	}
	items := make([]feedItem, 0, len(feed.Items))
	seen := make(map[string]bool, len(feed.Items))
	allDated := true
	for i := len(feed.Items) - 1; i >= 0; i-- {
		it := feed.Items[i]
		if it == nil {
			continue
		}
		link := cleanLink(it.Link)
		if link == "" && len(it.Links) > 0 {
			link = cleanLink(it.Links[0])
		}
		if link != "" && base != nil {
			if u, err := base.Parse(link); err == nil {
				link = u.String()
			}
		}
		guid := strings.TrimSpace(it.GUID)
		if guid == "" {
			guid = link
		}
		if guid == "" || seen[guid] {
			continue
		}
		seen[guid] = true
		title := bot.CleanTitle(it.Title, 0)
		if title == "" {
			title = link
		}
		var pub time.Time
		switch {
		case it.PublishedParsed != nil:
			pub = it.PublishedParsed.UTC()
		case it.UpdatedParsed != nil:
			pub = it.UpdatedParsed.UTC()
		default:
			allDated = false
		}
		p := archive.Post{GUID: guid, Link: link, Title: title, Published: pub, Feed: source}
		if sp, ok := ParseSeriesTitle(title); ok {
			p.Series, p.Part, p.PartOf, p.Subtitle, p.Numeral = sp.Series, sp.Part, sp.Of, sp.Subtitle, sp.Numeral
		}
		items = append(items, feedItem{post: p, fingerprint: postFingerprint(p)})
	}
	if allDated {
		slices.SortStableFunc(items, func(a, b feedItem) int { return a.post.Published.Compare(b.post.Published) })
	}
	return items
}

// postFingerprint identifies what the archive stores of a feed item.
func postFingerprint(p archive.Post) string {
	return strings.Join([]string{p.Title, p.Link, strconv.FormatInt(p.Published.UnixMilli(), 10)}, "\x00")
}

// cleanLink trims a link and drops control characters and inner spaces,
// which no URL contains.
func cleanLink(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return -1
		}
		return r
	}, s)
}

// siteURL is the site a feed belongs to, for "… and 14 more: <site>": the
// feed's own link, else the origin of its URL; "" for a file without a
// link.
func siteURL(feed *gofeed.Feed, feedURL string) string {
	if feed != nil {
		if u, err := url.Parse(cleanLink(feed.Link)); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return u.String()
		}
	}
	if u, err := url.Parse(feedURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return u.Scheme + "://" + u.Host + "/"
	}
	return ""
}

// bodyDigest identifies a document's bytes, to skip re-parsing a feed that
// a server without conditional GET sends unchanged.
func bodyDigest(b []byte) [32]byte { return sha256.Sum256(b) }
