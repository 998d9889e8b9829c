package render

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"proceedings/event"
	"proceedings/internal/links"
	"proceedings/internal/links/linkstest"
)

func TestLinkHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.Techrights.org/x":        "techrights.org",
		"https://www.Techrights.org:8443/x?y": "techrights.org",
		"gemini://gemini.example:1965/":       "gemini.example",
		"irc://irc.libera.chat/#x":            "irc.libera.chat",
		"http://[2001:db8::1]:8080/":          "2001:db8::1",
	} {
		if got := linkHost(links.Host(in)); got != want {
			t.Errorf("linkHost(links.Host(%q)) = %q, want %q", in, got, want)
		}
	}
}

// lineLinks is the links a day page shows in a message: its line's links
// (the text split at formatting codes), and the rows of the day's links
// page and the links of its Gemini twin (the whole text).
func lineLinks(t *testing.T, text string) (line, rows []linkstest.Link, gemini []string) {
	t.Helper()
	tm := time.Date(2026, 2, 2, 14, 3, 11, 0, london)
	ev := event.Event{ID: 1, Time: tm, Kind: event.KindMessage, Nick: "alice", Text: text}
	out := appendLine(nil, &ev, tm)
	nodes, err := html.ParseFragment(bytes.NewReader(out), &html.Node{Type: html.ElementNode, Data: "ol", DataAtom: atom.Ol})
	if err != nil {
		t.Fatalf("the line does not parse: %v\n%s", err, out)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" && attr(n, "rel") == "nofollow ugc noopener" {
			line = append(line, linkstest.Link{Text: anchorText(n), Href: attr(n, "href")})
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}

	a := newDayAggregator()
	a.reset("2026-02-02", 0)
	a.titles = func(string) string { return "" }
	a.add(&ev, tm)
	for _, r := range a.rows {
		rows = append(rows, linkstest.Link{Text: r.text, Href: r.href})
	}

	for _, l := range strings.Split(string(appendGeminiLine(nil, nil, &ev)), "\n") {
		if href, ok := strings.CutPrefix(l, "=> "); ok {
			gemini = append(gemini, href)
		}
	}
	return line, rows, gemini
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func anchorText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func hrefsOf(ls []linkstest.Link) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Href)
	}
	return out
}

// TestPageLinks runs the edge cases of package links through the day page:
// its line, its links page and its Gemini twin link what links.Scan finds,
// the URLs the bot titles (bot/titles runs the same cases).
func TestPageLinks(t *testing.T) {
	for _, c := range linkstest.Cases {
		t.Run(c.Name, func(t *testing.T) {
			line, rows, gemini := lineLinks(t, c.Line)
			if !reflect.DeepEqual(line, c.Links) {
				t.Errorf("the line of %q links %q, want %q", c.Line, line, c.Links)
			}
			if !reflect.DeepEqual(rows, c.Links) {
				t.Errorf("the links page of %q lists %q, want %q", c.Line, rows, c.Links)
			}
			if want := hrefsOf(c.Links); !reflect.DeepEqual(gemini, want) {
				t.Errorf("the Gemini twin of %q links %q, want %q", c.Line, gemini, want)
			}
		})
	}
}

// FuzzPageLinks checks that a message's line, split at its formatting
// codes, links the same URLs as its links page and Gemini twin, which scan
// the whole text.
func FuzzPageLinks(f *testing.F) {
	for _, c := range linkstest.Cases {
		f.Add(c.Line)
	}
	f.Fuzz(func(t *testing.T, text string) {
		line, rows, gemini := lineLinks(t, strings.ToValidUTF8(text, "\uFFFD"))
		if !reflect.DeepEqual(line, rows) || !reflect.DeepEqual(hrefsOf(line), gemini) {
			t.Fatalf("%q: the line links %q, the links page %q, the Gemini twin %q", text, line, rows, gemini)
		}
	})
}
