package render

import (
	"net/url"
	"strings"
)

// maxURLLen bounds a link: longer candidates stay plain text.
const maxURLLen = 4096

// scanURLs calls fn for every URL in s that the site turns into a link, in
// order, with the byte span of its text in s and the href to use. Only URLs
// that parse, have a host and use http, https, gemini or irc are accepted;
// the href is net/url's serialisation of the parsed URL, never the raw text.
func scanURLs(s string, fn func(start, end int, href string)) {
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
		end := p + 3
		for end < len(s) && !isURLStop(s[end]) {
			end++
		}
		end = trimURLEnd(s, start, end)
		if end-start > maxURLLen || end <= p+3 {
			i = max(end, p+3)
			continue
		}
		if href, ok := acceptURL(s[start:end]); ok {
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

// isURLStop reports bytes that end a URL in running text: space, controls
// (mIRC formatting included) and the characters that delimit URLs in prose.
func isURLStop(c byte) bool {
	return c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`'
}

// trimURLEnd drops trailing punctuation that belongs to the sentence, not
// the URL: "see https://a.example/x." and "(https://a.example/x)".
func trimURLEnd(s string, start, end int) int {
	for end > start {
		switch s[end-1] {
		case '.', ',', ';', ':', '!', '?', '\'', '*':
			end--
			continue
		case ')':
			if strings.Count(s[start:end], "(") < strings.Count(s[start:end], ")") {
				end--
				continue
			}
		case ']':
			if strings.Count(s[start:end], "[") < strings.Count(s[start:end], "]") {
				end--
				continue
			}
		}
		return end
	}
	return end
}

// acceptURL parses a candidate and returns the href to link to.
func acceptURL(raw string) (string, bool) {
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
// links in a log are like that; acceptURL takes them as they are, without
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

// hrefHost is the host, with its port, of an href that acceptURL gave
// (URL.Host), without parsing the common plain ones again.
func hrefHost(href string) string {
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

// linkHost is the host a link is counted under in the stats: lower case,
// without "www." and the port. host is a URL's Host.
func linkHost(host string) string {
	return strings.TrimPrefix(strings.ToLower((&url.URL{Host: host}).Hostname()), "www.")
}
