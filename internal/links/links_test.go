package links

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"proceedings/internal/irctext"
	"proceedings/internal/links/linkstest"
)

func found(s string) []linkstest.Link {
	var out []linkstest.Link
	Scan(s, func(start, end int, href string) {
		out = append(out, linkstest.Link{Text: s[start:end], Href: href})
	})
	return out
}

func TestScan(t *testing.T) {
	for _, c := range linkstest.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if got := found(c.Line); !reflect.DeepEqual(got, c.Links) {
				t.Errorf("Scan(%q) = %q, want %q", c.Line, got, c.Links)
			}
			if len(c.Links) > 0 && !MayContain(c.Line) {
				t.Errorf("MayContain(%q) = false", c.Line)
			}
		})
	}
}

func TestHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.Techrights.org/x":        "www.Techrights.org",
		"https://www.Techrights.org:8443/x?y": "www.Techrights.org:8443",
		"https://a.example?q":                 "a.example",
		"gemini://gemini.example:1965/":       "gemini.example:1965",
		"irc://irc.libera.chat/#x":            "irc.libera.chat",
		"http://[2001:db8::1]:8080/":          "[2001:db8::1]:8080",
		"https://b%C3%BCcher.example/x":       "bücher.example",
	} {
		if got := Host(in); got != want {
			t.Errorf("Host(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzScan checks that every link is a parsed http, https, gemini or irc
// URL with a host, taken from ordered, non-overlapping spans of the text
// that hold no formatting code, read the same in the text without its
// codes, and do not end in the sentence's punctuation.
func FuzzScan(f *testing.F) {
	for _, c := range linkstest.Cases {
		f.Add(c.Line)
	}
	f.Add("https://a.b/\"><script>")
	f.Add("https://x/\xff")
	f.Fuzz(func(t *testing.T, s string) {
		last := 0
		plain := irctext.Strip(s)
		Scan(s, func(start, end int, href string) {
			if start < last || end <= start || end > len(s) {
				t.Fatalf("bad span [%d,%d) after %d in %q", start, end, last, s)
			}
			last = end
			text := s[start:end]
			if irctext.HasFormatting(text) || !strings.Contains(plain, text) {
				t.Fatalf("link %q is not a piece of %q without its codes, %q", text, s, plain)
			}
			if r, _ := utf8.DecodeLastRuneInString(text); r < utf8.RuneSelf && !endByte[r] && !isClosing(r) || r >= utf8.RuneSelf && unicode.IsPunct(r) {
				t.Fatalf("link %q in %q ends in %q", text, s, r)
			}
			u, err := url.Parse(href)
			if err != nil {
				t.Fatalf("href %q does not parse: %v", href, err)
			}
			switch u.Scheme {
			case "http", "https", "gemini", "irc":
			default:
				t.Fatalf("href %q has scheme %q", href, u.Scheme)
			}
			if u.Host == "" {
				t.Fatalf("href %q has no host", href)
			}
			if strings.ContainsAny(href, " <>\"`\x00\n\r\t") {
				t.Fatalf("href %q holds a character that breaks out of text", href)
			}
		})
	})
}

func isClosing(r rune) bool { return r == ')' || r == ']' || r == '}' }

// FuzzPlainURL holds Href's shortcut to url.Parse: whatever plainURL
// takes, the full path accepts and gives back unchanged.
func FuzzPlainURL(f *testing.F) {
	for _, s := range []string{"https://techrights.org/n/2026/02/02/links-02-02-2026/", "http://a.example:8080/x?y=1&z=2",
		"https://a.example:99999/", "http://a.example:/", "https://a.example?q", "http://a..b/", "https://-x-.example/p;q,r+s@t:u~v",
		"http://a.example/%41", "http://a.example/#f", "https://ÿ.example/", "http://[::1]/", "http://a.example/p?x=a:b@c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !plainURL(s) {
			return
		}
		u, err := url.Parse(s)
		if err != nil || u.Opaque != "" || u.Host == "" {
			t.Fatalf("plainURL(%q) but url.Parse: %v %+v", s, err, u)
		}
		if u.String() != s {
			t.Fatalf("plainURL(%q) but URL.String gives %q", s, u.String())
		}
		if h := u.Hostname(); h == "" || strings.ContainsAny(h, " \t\"'<>\\") {
			t.Fatalf("plainURL(%q) with host %q", s, h)
		}
		if h := Host(s); h != u.Host {
			t.Fatalf("Host(%q) = %q, URL.Host %q", s, h, u.Host)
		}
	})
}

func TestPlainURLTakesTheCommonShape(t *testing.T) {
	for _, s := range []string{"https://techrights.org/n/2026/02/02/links-02-02-2026/", "http://news.bbc.co.uk/2020/01/18/x-y", "https://a.example", "https://a.example:8443/p?x=1&y=2"} {
		if !plainURL(s) {
			t.Errorf("plainURL(%q) = false", s)
		}
	}
	for _, s := range []string{"https://a.example/%2F", "https://a.example/#top", "gemini://g.example/", "https://[::1]/", "HTTPS://A.EXAMPLE/", "https:///x", "https://a.example:x/"} {
		if plainURL(s) {
			t.Errorf("plainURL(%q) = true", s)
		}
	}
}
