// Package links finds the URLs in a line of IRC text that are links: the
// day pages link them and the bot fetches the title of the first http(s)
// one, so both must find the same URL in the same line. Only this package
// decides what a link is.
package links

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLen bounds a link: longer candidates stay plain text.
const maxLen = 4096

// MayContain reports whether s may hold a link. When it is false Scan finds
// none, and a caller can skip the work around a scan: most lines hold no
// link.
func MayContain(s string) bool { return strings.Contains(s, "://") }

// Scan calls fn for every link in s, in order, with the byte span of its
// text in s and the href to use. The rules, after the strict pattern of
// mvdan.cc/xurls:
//
//   - a link starts with http://, https://, gemini:// or irc:// (in any
//     case) not preceded by a letter; no other scheme is ever linked
//     (javascript:, data:, ftp:, "xhttp://");
//   - it ends before white space (Unicode's too), a control character, DEL,
//     or one of < > " `; the mIRC formatting codes are control characters,
//     so a link never spans a change of formatting;
//   - it ends in a letter, a digit, one of / # - _ ~ % $ & + =, a non-ASCII
//     character that is not punctuation, or a ) ] } that closes a bracket
//     opened in it (Wikipedia's "Foo_(bar)"): whatever else ends the
//     candidate, such as "." "," ":" "!" "?" "'" "*" or ” », belongs to the
//     sentence and is left out;
//   - it parses (net/url) with a host; the href is what URL.String gives
//     for it, not the raw text (see Href).
func Scan(s string, fn func(start, end int, href string)) {
	i := 0
	for i < len(s) {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			return
		}
		p := i + j
		start := p
		for start > 0 && start > p-7 && isSchemeByte(s[start-1]) {
			start--
		}
		if start > 0 && isSchemeByte(s[start-1]) || !acceptedScheme(s[start:p]) {
			i = p + 3
			continue
		}
		end := candidateEnd(s, p+3)
		end = trimEnd(s, start, end)
		if end-start > maxLen || end <= p+3 {
			i = max(end, p+3)
			continue
		}
		if href, ok := Href(s[start:end]); ok {
			fn(start, end, href)
		}
		i = end
	}
}

func isSchemeByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func acceptedScheme(s string) bool {
	switch len(s) {
	case 3:
		return strings.EqualFold(s, "irc")
	case 4:
		return strings.EqualFold(s, "http")
	case 5:
		return strings.EqualFold(s, "https")
	case 6:
		return strings.EqualFold(s, "gemini")
	}
	return false
}

// candidateEnd is where a link that goes on at s[i] must stop: at the
// first byte or Unicode space that cannot be in a link in running text.
func candidateEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if stopByte[c] {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return i
}

// stopByte marks the ASCII bytes that end a link: space, controls (the
// mIRC formatting codes among them), DEL and < > " `.
var stopByte = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`'
	}
	return t
}()

// endByte marks the ASCII bytes a link may end in (a closing bracket aside).
var endByte = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/#-_~%$&+=", byte(c)) >= 0
	}
	return t
}()

// trimEnd leaves out of s[start:end] the characters at its end that belong
// to the sentence around the link (see Scan).
func trimEnd(s string, start, end int) int {
	for end > start {
		c := s[end-1]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeLastRuneInString(s[start:end])
			if !unicode.IsPunct(r) {
				return end
			}
			end -= size
			continue
		}
		if endByte[c] {
			return end
		}
		if open := opener(c); open != 0 && strings.Count(s[start:end], string(open)) >= strings.Count(s[start:end], string(c)) {
			return end
		}
		end--
	}
	return end
}

// opener is the opening bracket of a closing one, or 0.
func opener(c byte) byte {
	switch c {
	case ')':
		return '('
	case ']':
		return '['
	case '}':
		return '{'
	}
	return 0
}

// Href returns the href to link a URL with, and whether it may be linked
// at all: it must parse, have a host and use http, https, gemini or irc.
// The href is URL.String of the parse (the scheme in lower case, what
// needs escaping escaped). Feed posts' links go through it too.
func Href(raw string) (string, bool) {
	if plainURL(raw) {
		return raw, true
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return "", false
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if !acceptedScheme(u.Scheme) {
		return "", false
	}
	if h := u.Hostname(); h == "" || strings.ContainsAny(h, " \t\"'<>\\") {
		return "", false
	}
	return u.String(), true
}

// plainURL reports a URL of the most common shape, which url.Parse accepts
// and URL.String gives back unchanged: "http://" or "https://", a host of
// letters, digits, dots and hyphens, an optional port, then only
// characters that need no escaping anywhere in a URL (no %, no #). Most
// links in a log are like that; Href takes them as they are, without
// parsing (FuzzPlainURL holds it to url.Parse).
func plainURL(s string) bool {
	var rest string
	switch {
	case strings.HasPrefix(s, "https://"):
		rest = s[len("https://"):]
	case strings.HasPrefix(s, "http://"):
		rest = s[len("http://"):]
	default:
		return false
	}
	i := 0
	for i < len(rest) && (isAlnum(rest[i]) || rest[i] == '.' || rest[i] == '-') {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(rest) && rest[i] == ':' {
		j := i + 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == i+1 || j-i-1 > 5 {
			return false
		}
		i = j
	}
	if i < len(rest) && rest[i] != '/' && rest[i] != '?' {
		return false
	}
	for ; i < len(rest); i++ {
		if c := rest[i]; !isAlnum(c) && !strings.ContainsRune("-._~/?=&+,;:@", rune(c)) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Host is the host, with its port, of an href that Href gave (URL.Host),
// without parsing the common plain ones again.
func Host(href string) string {
	if plainURL(href) {
		rest := href[strings.Index(href, "://")+3:]
		if i := strings.IndexAny(rest, "/?"); i >= 0 {
			rest = rest[:i]
		}
		return rest
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	return u.Host
}
