package archive

import (
	"errors"
	"net/url"
	"strings"
	"time"
)

// Post is an article of the site, from its feed or declared by hand.
type Post struct {
	ID        int64
	GUID      string // the feed's GUID or id, else the link
	Link      string
	Title     string
	Published time.Time // zero when unknown
	FirstSeen time.Time
	Feed      string // the feed it came from ("" when declared by hand)
	Series    string // the series this post is a part of, "" when none
	Part      int    // its part number in Series
	PartOf    int    // the series' announced length ("Part 3 of 12"), 0 when unknown
	Subtitle  string
	Numeral   string    // the part number as the title wrote it ("X")
	Announced time.Time // when it was announced in IRC; zero when never
}

// SeriesInfo summarises a series.
type SeriesInfo struct {
	ID     int64
	Name   string
	Parts  int  // how many parts are known
	Newest Post // the part with the highest number
}

// PostLink is the one rule for a post's link, wherever it is stored, said
// in IRC or published: an absolute http, https or gemini URL with a host,
// without spaces or control characters (a feed's surrounding whitespace is
// trimmed). Anything else, javascript: and data: included, is no link ("").
func PostLink(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || r >= 0x80 && r <= 0x9f }) {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" || u.User != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "gemini":
		return raw
	}
	return ""
}

// ToSave is the post as an engine stores it: its GUID is its link when the
// feed gave none, its link is canonical (PostLink), and it was first seen
// now unless it says when. A post with neither GUID nor link is refused.
func (p Post) ToSave(now time.Time) (Post, error) {
	if p.GUID == "" {
		p.GUID = p.Link
	}
	if p.GUID == "" {
		return Post{}, errors.New("save post: it has neither a GUID nor a link")
	}
	p.Link = PostLink(p.Link)
	if p.FirstSeen.IsZero() {
		p.FirstSeen = now
	}
	return p, nil
}
