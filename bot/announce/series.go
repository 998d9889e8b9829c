package announce

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SeriesPart is a title recognised as one part of a numbered series.
type SeriesPart struct {
	Series   string // "From Belarus With Love"
	Part     int    // 10
	Of       int    // total parts when the title says "Part 10 of 12", else 0
	Subtitle string // "From “High-Tech Hub” to “No-Go Zone”", may be empty
	Numeral  string // the numeral as written in the title: "X" or "10"
}

// ParseSeriesTitle recognises a title such as
//
//	From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”
//	Mobbing at the European Patent Office (EPO) - Part II - Racism, Cocaine Use …
//	Some Series – Part 10 of 12: Subtitle
//	Series Name, Part 3 / Series Name (Part 3) / Series Name Part 3
//
// and reports whether it is one part of a numbered series. The rules:
//
//   - The word "Part" starts a word (after a space, "(", "[" or an en or em
//     dash) and is followed by one space and a part number as
//     ParsePartNumber reads it (arabic 1–100000 or a canonical roman
//     numeral, any case), optionally followed by "of N".
//   - Lower-case "part" counts only right after a separator or bracket
//     ("Series, part 3"), so that prose ("taking part 2 times") does not.
//   - After the number comes the end of the title, or a separator (colon, em
//     or en dash, a spaced hyphen, "|", or a comma, semicolon or full stop
//     followed by a space) and then the subtitle. "Part 3-4", "Part 3 of the
//     story", "Part-time" and "Part XYZ" are not parts.
//   - Something with a letter or digit must come before "Part": "Part 3:
//     Subtitle" alone is not a part of a series. The series name loses the
//     separators and brackets between it and "Part".
//   - Dated daily roundups ("Links 02/02/2026: …", "Gemini Links …") and "IRC
//     Proceedings: …"/"IRC logs for …" pages are never parts.
//
// White space (including no-break spaces, tabs, line breaks and control
// characters) is collapsed to single spaces; invalid UTF-8 becomes U+FFFD.
// Everything else, curly quotes and trailing "..." included, is kept as
// written. HTML entities are not decoded: that is the caller's job. If "Part"
// occurs more than once, the first occurrence that fits the rules wins.
func ParseSeriesTitle(title string) (SeriesPart, bool) {
	s := seriesNormalize(title)
	if seriesIsRoundup(s) {
		return SeriesPart{}, false
	}
	// "Part" + " " + at least one numeral character.
	for i := 0; i+6 <= len(s); i++ {
		if c := s[i]; c != 'P' && c != 'p' {
			continue
		}
		if p, ok := seriesPartAt(s, i); ok {
			return p, true
		}
	}
	return SeriesPart{}, false
}

// seriesPartAt tries to read a part whose "Part" keyword starts at s[i].
func seriesPartAt(s string, i int) (SeriesPart, bool) {
	var none SeriesPart
	if !seriesFold(s[i+1:i+4], "art") || s[i+4] != ' ' {
		return none, false
	}
	prefix := s[:i]
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(prefix)
		if r != ' ' && r != '(' && r != '[' && !seriesWideDash(r) {
			return none, false // "Counterpart", "Depart", "Counter-part"
		}
	}
	head := strings.TrimRight(prefix, " ")
	var closer byte
	if strings.HasSuffix(head, "(") {
		closer, head = ')', head[:len(head)-1]
	} else if strings.HasSuffix(head, "[") {
		closer, head = ']', head[:len(head)-1]
	}
	if s[i] == 'p' && closer == 0 {
		r, _ := utf8.DecodeLastRuneInString(head)
		if !seriesSeparator(r) {
			return none, false
		}
	}

	j := i + 5
	k := j + seriesTokenLen(s[j:])
	numeral := s[j:k]
	part, err := ParsePartNumber(numeral)
	if err != nil {
		return none, false
	}
	rest := s[k:]
	of := 0
	if len(rest) > 4 && rest[0] == ' ' && seriesFold(rest[1:3], "of") && rest[3] == ' ' {
		if m := 4 + seriesTokenLen(rest[4:]); m > 4 {
			if n, err := ParsePartNumber(rest[4:m]); err == nil {
				if n >= part { // "Part 10 of 3" is a typo: keep the part, not the total
					of = n
				}
				rest = rest[m:]
			}
		}
	}
	subtitle, ok := seriesTail(rest, closer)
	if !ok {
		return none, false
	}
	series := strings.TrimRightFunc(head, func(r rune) bool {
		return r == ' ' || seriesSeparator(r)
	})
	if strings.IndexFunc(series, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}) < 0 {
		return none, false // "Part 3: …", "— Part 3"
	}
	return SeriesPart{Series: series, Part: part, Of: of, Subtitle: subtitle, Numeral: numeral}, true
}

// seriesTail reads what follows the part number: the end of the title, or a
// separator and the subtitle. closer is the bracket opened before "Part", or
// 0.
func seriesTail(rest string, closer byte) (string, bool) {
	rest = strings.TrimPrefix(rest, " ")
	if closer != 0 && rest != "" && rest[0] == closer {
		rest = strings.TrimPrefix(rest[1:], " ")
	}
	if rest == "" {
		return "", true
	}
	r, size := utf8.DecodeRuneInString(rest)
	after := rest[size:]
	spaced := after == "" || after[0] == ' '
	switch {
	case r == ':' || r == '|':
	case seriesDash(r):
		if n, _ := utf8.DecodeRuneInString(after); n >= '0' && n <= '9' {
			return "", false // a range, "Part 3-4"
		}
		if !seriesWideDash(r) && !spaced {
			return "", false // "Part 2-Foo"
		}
	case r == ',' || r == ';' || r == '.':
		if !spaced {
			return "", false // "Part 2.5"
		}
	default:
		return "", false // "Part 3 of the story", "Part I Think"
	}
	sub := strings.TrimPrefix(after, " ")
	// A doubled separator, "Part 3: — Subtitle".
	for {
		r, size := utf8.DecodeRuneInString(sub)
		if !(seriesDash(r) || r == ':' || r == '|') || (size < len(sub) && sub[size] != ' ') {
			break
		}
		sub = strings.TrimPrefix(sub[size:], " ")
	}
	return sub, true
}

// seriesTokenLen is the length of the run of ASCII letters and digits at the
// start of s: the candidate part number.
func seriesTokenLen(s string) int {
	n := 0
	for n < len(s) {
		c := s[n] | 0x20
		if (c < 'a' || c > 'z') && (s[n] < '0' || s[n] > '9') {
			break
		}
		n++
	}
	return n
}

// seriesFold reports whether the ASCII string s equals lower, a lower-case
// ASCII word, ignoring case. Non-ASCII bytes never match.
func seriesFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// seriesWideDash reports the dashes that separate without spaces around
// them: figure dash, en dash, em dash, horizontal bar.
func seriesWideDash(r rune) bool {
	return r >= '\u2012' && r <= '\u2015'
}

// seriesDash reports any dash: the wide ones, the ASCII hyphen-minus and the
// Unicode hyphens.
func seriesDash(r rune) bool {
	return r == '-' || r == '\u2010' || r == '\u2011' || seriesWideDash(r)
}

// seriesSeparator reports the characters that may stand between a series
// name and "Part". Not ";", which ends a stray HTML entity ("&#8212;").
func seriesSeparator(r rune) bool {
	return seriesDash(r) || r == ':' || r == ',' || r == '|'
}

// seriesInvisibleSpace reports characters treated as white space although
// unicode.IsSpace does not count them.
func seriesInvisibleSpace(r rune) bool {
	return unicode.IsControl(r) || r == '\u200B' || r == '\u2060' || r == '\uFEFF'
}

// seriesNormalize collapses white space to single spaces, trims the ends and
// replaces invalid UTF-8 with U+FFFD. Titles that need none of it are
// returned as they are, without allocating.
func seriesNormalize(s string) string {
	clean := utf8.ValidString(s)
	prevSpace := true // trims leading space
	for i := 0; clean && i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == ' ' && !prevSpace:
			prevSpace = true
		case r == ' ' || unicode.IsSpace(r) || seriesInvisibleSpace(r):
			clean = false
		default:
			prevSpace = false
		}
		i += size
	}
	if clean && (s == "" || !prevSpace) {
		return s
	}

	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range s { // invalid bytes arrive as utf8.RuneError, U+FFFD
		if unicode.IsSpace(r) || seriesInvisibleSpace(r) {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// seriesIsRoundup reports the site's daily pages, which are never parts of
// a series whatever their text says: "Links 02/02/2026: …", "Gemini Links
// 03/02/2026: …" (anything whose text before the first colon ends with a
// date), "IRC Proceedings: …" and "IRC logs for …".
func seriesIsRoundup(s string) bool {
	if len(s) >= 16 && strings.EqualFold(s[:16], "IRC Proceedings:") ||
		len(s) >= 13 && strings.EqualFold(s[:13], "IRC logs for ") {
		return true
	}
	head, _, found := strings.Cut(s, ":")
	if !found {
		return false
	}
	return seriesLooksLikeDate(head[strings.LastIndexByte(head, ' ')+1:])
}

// seriesLooksLikeDate reports dates such as 02/02/2026, 2026-02-02 or
// 2.2.26: three groups of one to four ASCII digits with the same separator.
func seriesLooksLikeDate(s string) bool {
	groups, digits := 1, 0
	var sep byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
			if digits > 4 {
				return false
			}
		case (c == '/' || c == '-' || c == '.') && digits > 0 && (sep == 0 || sep == c):
			sep, digits = c, 0
			groups++
		default:
			return false
		}
	}
	return groups == 3 && digits > 0
}
