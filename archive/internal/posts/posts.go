// Package posts holds the rules both archive engines follow in storing
// the site's posts and series, beyond their SQL: a series' key, which
// part numbers are stored, how a stored post reads back, which lines
// may link a post, and which post is a series' newest.
package posts

import (
	"fmt"
	"strings"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

// FoldSeries is a series' name as its key: lower case, runs of spaces as
// one.
func FoldSeries(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// Parts are the part number and series length stored for p: none outside
// a series (inSeries), and no length unless the post said one.
func Parts(p archive.Post, inSeries bool) (part, partOf *int) {
	if !inSeries {
		return nil, nil
	}
	if p.PartOf > 0 {
		partOf = &p.PartOf
	}
	return &p.Part, partOf
}

// Read completes a post read back from an engine: its times from
// milliseconds since the epoch (0: none; firstSeen is always set) and its
// link in the form PostLink gives, which a post stored before that rule
// may lack.
func Read(p archive.Post, published, firstSeen, announced int64) archive.Post {
	p.Link = archive.PostLink(p.Link)
	if published != 0 {
		p.Published = time.UnixMilli(published).UTC()
	}
	p.FirstSeen = time.UnixMilli(firstSeen).UTC()
	if announced != 0 {
		p.Announced = time.UnixMilli(announced).UTC()
	}
	return p
}

// LinkWindow bounds how many of a nick's newest lines LastSeriesLinked
// reads.
const LinkWindow = 2000

// MayLink reports whether a line may give the link of a post, for
// LastSeriesLinked: a message or notice with a URL in it, in channel
// (any channel when 0).
func MayLink(channel, lineChannel int64, kind event.Kind, text string) bool {
	return (channel == 0 || lineChannel == channel) && (kind == event.KindMessage || kind == event.KindNotice) && strings.Contains(text, "://")
}

// SetNewest sets each series' Newest to its post in newest, the newest
// part of every series, read in one query; a series without one there is
// an error.
func SetNewest(series []archive.SeriesInfo, newest []archive.Post) error {
	byName := make(map[string]archive.Post, len(newest))
	for _, p := range newest {
		byName[p.Series] = p
	}
	for i := range series {
		p, ok := byName[series[i].Name]
		if !ok {
			return fmt.Errorf("read the newest part of series %q: none", series[i].Name)
		}
		series[i].Newest = p
	}
	return nil
}
