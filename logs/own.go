package logs

import (
	"fmt"
	"proceedings/event"
	"strings"
	"time"
	"unicode/utf8"

	"proceedings/internal/ascii"
)

const (
	dayTitleLayout = "Monday, January 02, 2006"
	ownDayPrefix   = "--- IRC logs for "
	ownZoneMarker  = " (times are "
)

// DayTitle names a day the way page titles and our own log headers do:
// "Monday, February 02, 2026". The day is taken in its own location.
func DayTitle(day time.Time) string { return day.Format(dayTitleLayout) }

// FormatLine returns one event as a line of our own format, without the
// newline, with its time in loc (UTC when nil).
func FormatLine(ev event.Event, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	var a [160]byte
	return string(ownFormat.appendLine(a[:0], &ev, ev.Time.In(loc)))
}

// appendClean appends s as every text output writes it: one event stays one
// line and no terminal acts on it. CR, LF, NUL and the Unicode line and
// paragraph separators become a space; every other control character (C0
// but tab and mIRC's formatting codes, DEL, C1 such as CSI and NEL) and every
// byte of invalid UTF-8 becomes U+FFFD. mIRC's codes (bold, colour, reset,
// reverse, italic, strike, underline, monospace) stay: terminals ignore them
// and our own format keeps them.
func appendClean(b []byte, s string) []byte {
	i := ascii.PlainPrefix(s)
	if i == len(s) {
		return append(b, s...)
	}
	for j := i; j < len(s); j++ {
		c := s[j]
		if c >= 0x20 && c < 0x7f || c == '\t' || isFormatCode(c) {
			continue
		}
		switch {
		case c == 0xc2 && j+1 < len(s) && s[j+1] < 0xa0: // C1 controls, U+0080 to U+009F
		case c == 0xe2 && j+2 < len(s) && s[j+1] == 0x80 && (s[j+2] == 0xa8 || s[j+2] == 0xa9): // U+2028, U+2029
		case c >= 0x80:
			continue // checked below with utf8.ValidString
		}
		return appendCleanSlow(b, s, i)
	}
	if !utf8.ValidString(s[i:]) {
		return appendCleanSlow(b, s, i)
	}
	return append(b, s...)
}

// appendCleanSlow is appendClean rune by rune from s[i:].
func appendCleanSlow(b []byte, s string, i int) []byte {
	b = append(b, s[:i]...)
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n' || r == '\r' || r == 0 || r == '\u2028' || r == '\u2029':
			b = append(b, ' ')
		case r == utf8.RuneError && size == 1,
			r < 0x20 && r != '\t' && !isFormatCode(byte(r)), r >= 0x7f && r < 0xa0:
			b = append(b, "\uFFFD"...)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// isFormatCode reports whether c is one of mIRC's formatting codes.
func isFormatCode(c byte) bool {
	switch c {
	case 0x02, 0x03, 0x04, 0x0f, 0x11, 0x16, 0x1d, 0x1e, 0x1f:
		return true
	}
	return false
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

func appendClock(b []byte, t time.Time) []byte {
	h, m, s := t.Clock()
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, m)
	b = append(b, ':')
	return append2(b, s)
}

func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	b = append2(b, y/100)
	b = append2(b, y%100)
	b = append(b, '-')
	b = append2(b, int(m))
	b = append(b, '-')
	return append2(b, d)
}

// parseOwn reads one line of our own format.
func parseOwn(s *state, line string) (lineResult, string) {
	if line[0] == '-' && strings.HasPrefix(line, "--- ") {
		return parseOwnHeader(s, line)
	}
	t, body, res, reason := bracketedClock(s, line)
	if res != resEvent {
		return res, reason
	}
	if x, ok := strings.CutPrefix(body, "-!- "); ok {
		return parseBang(s, t, x, true)
	}
	return parseSpeech(s, t, body)
}

// noticeNick reads "-nick- text" (or "-nick-" with an empty text).
func noticeNick(body string) (nick, text string, ok bool) {
	if j := strings.Index(body[1:], "- "); j > 0 {
		return body[1 : 1+j], body[j+3:], true
	}
	if len(body) > 2 && body[len(body)-1] == '-' && strings.IndexByte(body, ' ') < 0 {
		return body[1 : len(body)-1], "", true
	}
	return "", "", false
}

// parseOwnHeader reads our two header lines.
func parseOwnHeader(s *state, line string) (lineResult, string) {
	if day, ok := strings.CutPrefix(line, ownDayPrefix); ok {
		d, err := time.Parse(dayTitleLayout, day)
		if err != nil {
			return resBad, "header with a day that is not like " + dayTitleLayout
		}
		s.clk.setDate(d.Date())
		return resMarker, ""
	}
	rest := line[len("--- "):]
	i := strings.LastIndex(rest, ownZoneMarker)
	if i < 0 || !strings.HasSuffix(rest, ")") {
		return resBad, "header line of an unknown kind"
	}
	zone := rest[i+len(ownZoneMarker) : len(rest)-1]
	ch, network, _ := strings.Cut(rest[:i], " on ")
	if ch == "" || strings.IndexByte(ch, ' ') >= 0 {
		return resBad, "header without a channel"
	}
	if s.optChannel == "" {
		s.channel = ch
	}
	if s.optNetwork == "" {
		s.network = network
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return resBad, fmt.Sprintf("unknown time zone %q in the header: times read in %s", zone, s.clk.loc)
	}
	s.clk.setLocation(loc)
	return resMarker, ""
}
