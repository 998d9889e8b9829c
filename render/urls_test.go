package render

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func urlsIn(s string) (texts, hrefs []string) {
	scanURLs(s, func(start, end int, href string) {
		texts = append(texts, s[start:end])
		hrefs = append(hrefs, href)
	})
	return texts, hrefs
}

func TestScanURLs(t *testing.T) {
	tests := []struct {
		in    string
		texts []string
		hrefs []string
	}{
		{"see https://example.org/x.", []string{"https://example.org/x"}, []string{"https://example.org/x"}},
		{"(https://example.org/x)", []string{"https://example.org/x"}, []string{"https://example.org/x"}},
		{"https://en.wikipedia.org/wiki/Foo_(bar)", []string{"https://en.wikipedia.org/wiki/Foo_(bar)"}, []string{"https://en.wikipedia.org/wiki/Foo_(bar)"}},
		{"HTTP://EXAMPLE.org/", []string{"HTTP://EXAMPLE.org/"}, []string{"http://EXAMPLE.org/"}},
		{"gemini://gemini.example/a irc://irc.libera.chat/#techrights", []string{"gemini://gemini.example/a", "irc://irc.libera.chat/#techrights"}, []string{"gemini://gemini.example/a", "irc://irc.libera.chat/#techrights"}},
		{"<https://example.org/a>", []string{"https://example.org/a"}, []string{"https://example.org/a"}},
		{`"https://example.org/a"`, []string{"https://example.org/a"}, []string{"https://example.org/a"}},
		{"https://example.org/a\x02bold", []string{"https://example.org/a"}, []string{"https://example.org/a"}},
		{"https://example.org/é", []string{"https://example.org/é"}, []string{"https://example.org/%C3%A9"}},
		{"javascript:alert(1)", nil, nil},
		{"javascript://example.org/%0aalert(1)", nil, nil},
		{"xhttp://example.org/", nil, nil},
		{"ftp://example.org/", nil, nil},
		{"data://text/html,<script>", nil, nil},
		{"https://", nil, nil},
		{"https:///path", nil, nil},
		{"https://exa mple.org", []string{"https://exa"}, []string{"https://exa"}},
		{"https://example.org/%zz", nil, nil},
		{"no links here", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			texts, hrefs := urlsIn(tt.in)
			if !reflect.DeepEqual(texts, tt.texts) || !reflect.DeepEqual(hrefs, tt.hrefs) {
				t.Errorf("scanURLs(%q) = %q %q, want %q %q", tt.in, texts, hrefs, tt.texts, tt.hrefs)
			}
		})
	}
}

func TestLinkHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.Techrights.org/x":        "techrights.org",
		"https://www.Techrights.org:8443/x?y": "techrights.org",
		"gemini://gemini.example:1965/":       "gemini.example",
		"irc://irc.libera.chat/#x":            "irc.libera.chat",
		"http://[2001:db8::1]:8080/":          "2001:db8::1",
	} {
		if got := linkHost(hrefHost(in)); got != want {
			t.Errorf("linkHost(hrefHost(%q)) = %q, want %q", in, got, want)
		}
	}
}

// FuzzScanURLs checks that every link is a parsed http, https, gemini or irc
// URL with a host, taken from ordered, non-overlapping spans of the text.
func FuzzScanURLs(f *testing.F) {
	for _, s := range []string{"see https://example.org/x.", "javascript:alert(1)", "https://a.b/\"><script>", "(http://x.y/(z))", "gemini://g/ irc://i/#c", "https://x/\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := 0
		scanURLs(s, func(start, end int, href string) {
			if start < last || end <= start || end > len(s) {
				t.Fatalf("bad span [%d,%d) after %d in %q", start, end, last, s)
			}
			last = end
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

// FuzzPlainURL holds acceptURL's shortcut to url.Parse: whatever plainURL
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
		if h := hrefHost(s); h != u.Host {
			t.Fatalf("hrefHost(%q) = %q, URL.Host %q", s, h, u.Host)
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
