// Package sitepath is the URL layout of the rendered site: where a
// channel's pages, a day's page, a line's permalink, the daily indexes and
// the series pages live, relative to the site root. Package render writes
// the files there; the bot and the web server link to them. It knows
// nothing but the event types.
package sitepath

import (
	"strconv"
	"strings"
	"time"

	"proceedings/event"
)

// Slug maps a channel name to the path segment of its directory. The map is
// a pure function of the name (the bot computes links without asking anyone)
// and it is injective on channels the archive tells apart:
//
//   - the name is folded the way the archive compares channels (rfc1459), so
//     "#Techrights" and "#techrights" share a directory, as they share a log;
//   - one leading '#' is dropped: "#techrights" → "techrights";
//   - a-z, 0-9, '_' and an inner '-' are kept; every other byte is written
//     as "~" and two hex digits: "##linux" → "~23linux", "#../../etc" →
//     "~2e~2e~2f~2e~2e~2fetc", "&ops" → "~26ops".
//
// '~' never appears in a folded name (it folds to '^'), and every other
// byte is either kept or escaped, so two different folded names never share
// a slug, and a slug never contains '/', '.', or anything a shell or a URL
// would read specially.
func Slug(name string) string {
	f := event.FoldChannel(name)
	if len(f) > 1 && f[0] == '#' {
		f = f[1:]
	}
	return escapeSegment(f)
}

// networkSlug maps a network name to its top-level directory. Networks are
// compared exactly by the archive, so nothing is folded: upper-case letters
// are escaped like any other byte. The names of the site's own top-level
// directories are given a trailing '~' (which no escape ends with).
func networkSlug(name string) string {
	s := escapeSegment(name)
	if reservedTop[s] {
		s += "~"
	}
	return s
}

// The site's own top-level directories: no network's directory may take
// their names.
const (
	DailyIndexDir = "days"
	SeriesDir     = "series"
)

var reservedTop = map[string]bool{DailyIndexDir: true, SeriesDir: true}

const hexDigits = "0123456789abcdef"

func escapeSegment(s string) string {
	if s == "" {
		return "~"
	}
	plain := true
	for i := 0; i < len(s); i++ {
		if !segmentByteOK(s, i) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		if segmentByteOK(s, i) {
			b.WriteByte(s[i])
			continue
		}
		c := s[i]
		b.WriteByte('~')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func segmentByteOK(s string, i int) bool {
	c := s[i]
	switch {
	case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
		return true
	case c == '-':
		return i > 0 // no leading '-': it reads as an option to shell tools
	}
	return false
}

// ChannelPath is the directory of a channel's pages relative to the site
// root, with a trailing slash: "libera/techrights/". The channel's calendar
// is its index.html.
func ChannelPath(network, channel string) string {
	return networkSlug(network) + "/" + Slug(channel) + "/"
}

// DayPath is the one function that maps a channel-day to its page relative
// to the site root: "libera/techrights/2026-02-02.html". The bot's !logs,
// the announcements, the feed and every page link go through it; the .txt,
// .gmi and links twins sit beside it.
func DayPath(network, channel string, day event.Date) string {
	return ChannelPath(network, channel) + day.String() + ".html"
}

// DayURL is DayPath resolved against the site's base URL (which ends in
// "/"); with an empty base it is DayPath itself.
func DayURL(baseURL, network, channel string, day event.Date) string {
	return baseURL + DayPath(network, channel, day)
}

// AppendLineAnchor appends the id of an event's line on its day page,
// "l-4711": the event's id in the archive, which does not change when
// lines are added or other lines are redacted.
func AppendLineAnchor(b []byte, id int64) []byte {
	return strconv.AppendInt(append(b, "l-"...), id, 10)
}

// Permalink is the address of an event's line relative to the site root:
// its day page (the day in loc, the site's zone) and the line's anchor,
// "libera/techrights/2026-02-02.html#l-4711".
func Permalink(ev event.Event, loc *time.Location) string {
	return string(AppendLineAnchor([]byte(DayPath(ev.Network, ev.Channel, event.DateOf(ev.Time, loc))+"#"), ev.ID))
}

// DailyIndexPath is the page listing every public channel's log of a date:
// "days/2026-02-02.html".
func DailyIndexPath(day event.Date) string { return DailyIndexDir + "/" + day.String() + ".html" }

// SeriesIndexPath is the page listing every known series.
const SeriesIndexPath = SeriesDir + "/index.html"

// SeriesPath is the page of the series whose file name is slug (see
// SeriesSlug): "series/from-belarus-with-love.html".
func SeriesPath(slug string) string { return SeriesDir + "/" + slug + ".html" }

// SeriesSlug makes a readable file name of a series name: "From Belarus
// With Love" → "from-belarus-with-love"; a name without letters or digits
// gives "series". Two series can share a slug: the renderer numbers the
// later ones ("-2", "-3").
func SeriesSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
			if b.Len() >= 80 {
				break
			}
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "series"
	}
	return b.String()
}
