package render

import (
	"bytes"
	"hash/fnv"
	"net/url"
	"proceedings/event"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"proceedings/internal/links"
)

func TestNickHash(t *testing.T) {
	for _, n := range []string{"alice", "Alice", "[bob]", "{BOB}", "x\\y~", "ünï", ""} {
		h := fnv.New32a()
		h.Write([]byte(event.FoldChannel(n)))
		if got := nickHash(n); got != h.Sum32() {
			t.Errorf("nickHash(%q) = %08x, want FNV-1a of the folded nick %08x", n, got, h.Sum32())
		}
	}
	if nickHash("Alice") != nickHash("alice") || nickHash("[x]") != nickHash("{x}") {
		t.Error("nick hashes differ for nicks IRC treats as one")
	}
}

func TestAppendLine(t *testing.T) {
	loc := london
	tm := time.Date(2026, 2, 2, 14, 3, 11, 0, loc)
	tests := []struct {
		name string
		ev   event.Event
		want string
	}{
		{"message", event.Event{ID: 7, Kind: event.KindMessage, Nick: "alice", Text: "hi <b>&"},
			`<li id="l-7" class="m n-872213e7"><a class="t" href="#l-7"><time>14:03:11</time></a> <span class="nk c7">&lt;alice&gt;</span> <span class="tx">hi &lt;b&gt;&amp;</span></li>`},
		{"action", event.Event{ID: 8, Kind: event.KindAction, Nick: "bob", Text: "waves"},
			`<li id="l-8" class="a n-86c6a0d4"><a class="t" href="#l-8"><time>14:03:11</time></a> <span class="nk c4">* bob</span> <span class="tx">waves</span></li>`},
		{"link", event.Event{ID: 9, Kind: event.KindMessage, Nick: "bob", Text: "see https://example.org/a?b=1&c=2."},
			`<li id="l-9" class="m n-86c6a0d4"><a class="t" href="#l-9"><time>14:03:11</time></a> <span class="nk c4">&lt;bob&gt;</span> <span class="tx">see <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">https://example.org/a?b=1&amp;c=2</a>.</span></li>`},
		{"javascript", event.Event{ID: 10, Kind: event.KindMessage, Nick: "eve", Text: `javascript:alert(1) "><svg onload=alert(1)>`},
			`<li id="l-10" class="m n-5ba1e5c5"><a class="t" href="#l-10"><time>14:03:11</time></a> <span class="nk c5">&lt;eve&gt;</span> <span class="tx">javascript:alert(1) &#34;&gt;&lt;svg onload=alert(1)&gt;</span></li>`},
		{"colours", event.Event{ID: 11, Kind: event.KindMessage, Nick: "bob", Text: "\x02b\x02 \x0304,01x\x03 \x0399y"},
			`<li id="l-11" class="m n-86c6a0d4"><a class="t" href="#l-11"><time>14:03:11</time></a> <span class="nk c4">&lt;bob&gt;</span> <span class="tx"><span class="bo">b</span> <span class="F4 b1">x</span> y</span></li>`},
		{"hex colours", event.Event{ID: 11, Kind: event.KindMessage, Nick: "bob", Text: "\x04ff0000red\x04 \x02\x04FF0000,00FF00b\x02"},
			`<li id="l-11" class="m n-86c6a0d4"><a class="t" href="#l-11"><time>14:03:11</time></a> <span class="nk c4">&lt;bob&gt;</span> <span class="tx">red <span class="bo">b</span></span></li>`},
		{"controls", event.Event{ID: 12, Kind: event.KindMessage, Nick: "bob", Text: "a\x07b\tc\xffd\u0085e"},
			"<li id=\"l-12\" class=\"m n-86c6a0d4\"><a class=\"t\" href=\"#l-12\"><time>14:03:11</time></a> <span class=\"nk c4\">&lt;bob&gt;</span> <span class=\"tx\">a\uFFFDb c\uFFFDd\uFFFDe</span></li>"},
		{"join", event.Event{ID: 13, Kind: event.KindJoin, Nick: "carol", UserHost: "~c@h"},
			`<li id="l-13" class="j jpq n-67088f12"><a class="t" href="#l-13"><time>14:03:11</time></a> <span class="ev"><span class="nk c2">carol</span> <span class="uh">(~c@h)</span> has joined</span></li>`},
		{"kick", event.Event{ID: 14, Kind: event.KindKick, Nick: "op", Target: "<x>", Text: "bye"},
			`<li id="l-14" class="k n-5f342caa"><a class="t" href="#l-14"><time>14:03:11</time></a> <span class="ev"><span class="nk c5">&lt;x&gt;</span> was kicked by <span class="nk c10">op</span> (<span class="tx">bye</span>)</span></li>`},
		{"self", event.Event{ID: 15, Kind: event.KindNotice, Nick: "proceedings", Flags: event.FlagSelf, Text: "ok"},
			`<li id="l-15" class="no s n-76253b30"><a class="t" href="#l-15"><time>14:03:11</time></a> <span class="nk c0">-proceedings-</span> <span class="tx">ok</span></li>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.Time = tm
			got := strings.TrimSuffix(string(appendLine(nil, &tt.ev, tm.In(loc))), "\n")
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			checkLine(t, []byte(got), &tt.ev)
		})
	}
}

func TestAppendLinkRow(t *testing.T) {
	tm := time.Date(2026, 2, 2, 14, 3, 11, 0, london)
	for _, tt := range []struct {
		name string
		row  linkRow
		want string
	}{
		{"untitled", linkRow{id: 6, local: tm, nick: "alice", href: "https://example.org/a?b=1&c=2", text: "https://example.org/a?b=1&c=2"},
			`<li><a class="t" href="2026-02-02.html#l-6"><time>14:03:11</time></a> <span class="nk c7">alice</span> <a class="url" href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">https://example.org/a?b=1&amp;c=2</a></li>`},
		{"titled", linkRow{id: 7, local: tm, nick: "\x02bob\x02", href: "https://x.example/", text: "https://x.example/", title: "<script>alert(1)</script> \x0304red\x03"},
			`<li><a class="t" href="2026-02-02.html#l-7"><time>14:03:11</time></a> <span class="nk c2">bob</span> <a class="url" href="https://x.example/" rel="nofollow ugc noopener">&lt;script&gt;alert(1)&lt;/script&gt; red</a> <span class="host">https://x.example/</span></li>`},
		{"topic", linkRow{id: 8, local: tm, href: "gemini://g.example/", text: "gemini://g.example/"},
			`<li><a class="t" href="2026-02-02.html#l-8"><time>14:03:11</time></a> <span class="nk c5">(topic)</span> <a class="url" href="gemini://g.example/" rel="nofollow ugc noopener">gemini://g.example/</a></li>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.TrimPrefix(string(appendLinkRow(nil, &tt.row, "2026-02-02")), "\n")
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			checkLine(t, []byte(got), nil)
		})
	}
}

// The markup the line writer may produce, and nothing else.
var (
	lineElements = map[string]map[string]bool{
		"li":   {"id": true, "class": true},
		"a":    {"class": true, "href": true, "rel": true},
		"time": {},
		"span": {"class": true},
	}
	lineClassRe = regexp.MustCompile(`^(m|a|no|j|p|q|k|ni|tp|md|gp|x|jpq|s|n-[0-9a-f]{8}|t|nk|c[0-9]|c1[0-5]|tx|ev|uh|via|bo|it|un|st|mo|rv|fm|[fFb][0-9]|[fFb]1[0-5]|quiet|url|host)$`)
	lineIDRe    = regexp.MustCompile(`^l-[0-9]+$`)
	anchorRe    = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2}\.html)?#l-[0-9]+$`) // in the page, or in the day's (links page)
)

// checkLine parses the line writer's output for ev and fails on any
// element or attribute outside the allowlist, on a link that is not http,
// https, gemini or irc, and, for messages, when the visible text is not the
// message's (so no text turned into markup and none was lost).
func checkLine(t *testing.T, out []byte, ev *event.Event) {
	t.Helper()
	ctx := &html.Node{Type: html.ElementNode, Data: "ol", DataAtom: atom.Ol}
	nodes, err := html.ParseFragment(bytes.NewReader(out), ctx)
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	lis := 0
	for _, n := range nodes {
		if n.Type == html.ElementNode {
			lis++
			if n.Data != "li" {
				t.Fatalf("top element <%s>, want one <li>\n%s", n.Data, out)
			}
		} else if n.Type != html.TextNode || strings.TrimSpace(n.Data) != "" {
			t.Fatalf("stray node %v %q\n%s", n.Type, n.Data, out)
		}
	}
	if lis != 1 {
		t.Fatalf("%d <li> elements, want 1\n%s", lis, out)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			allowed, ok := lineElements[n.Data]
			if !ok {
				t.Fatalf("element <%s> is not allowed\n%s", n.Data, out)
			}
			external := false
			rel := ""
			for _, a := range n.Attr {
				if a.Namespace != "" || !allowed[a.Key] {
					t.Fatalf("attribute %s on <%s> is not allowed\n%s", a.Key, n.Data, out)
				}
				switch a.Key {
				case "class":
					for _, c := range strings.Fields(a.Val) {
						if !lineClassRe.MatchString(c) {
							t.Fatalf("class %q is not allowed\n%s", c, out)
						}
					}
				case "id":
					if !lineIDRe.MatchString(a.Val) {
						t.Fatalf("id %q is not allowed\n%s", a.Val, out)
					}
				case "href":
					if anchorRe.MatchString(a.Val) {
						break
					}
					u, err := url.Parse(a.Val)
					if err != nil || u.Host == "" {
						t.Fatalf("href %q is not an absolute URL\n%s", a.Val, out)
					}
					switch u.Scheme {
					case "http", "https", "gemini", "irc":
					default:
						t.Fatalf("href %q has scheme %q\n%s", a.Val, u.Scheme, out)
					}
					external = true
				case "rel":
					rel = a.Val
				}
			}
			if external && rel != "nofollow ugc noopener" {
				t.Fatalf("external link without rel=\"nofollow ugc noopener\"\n%s", out)
			}
		case html.TextNode:
		default:
			t.Fatalf("node of type %v (%q) is not allowed\n%s", n.Type, n.Data, out)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	if ev != nil && ev.Kind == event.KindMessage && ev.Via == "" {
		var text strings.Builder
		var collect func(n *html.Node)
		collect = func(n *html.Node) {
			if n.Type == html.TextNode {
				text.WriteString(n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				collect(c)
			}
		}
		for _, n := range nodes {
			collect(n)
		}
		want := appendClock(nil, ev.Time.In(london))
		got := strings.TrimSpace(text.String())
		wantS := string(want) + " <" + sanitizeText(ev.Nick) + "> " + sanitizeText(ev.Text)
		if got != strings.TrimSpace(wantS) {
			t.Fatalf("visible text\n%q\nwant\n%q\n%s", got, wantS, out)
		}
	}
}

// FuzzLineWriter feeds hostile events to the line writer and checks its
// output against the allowlist.
func FuzzLineWriter(f *testing.F) {
	seeds := []struct {
		kind                              byte
		nick, text, target, userhost, via string
	}{
		{1, "alice", "hello https://example.org/", "", "", ""},
		{1, `"><svg onload=alert(1)>`, `<script>alert(1)</script>`, "", "", ""},
		{1, "bob", `javascript:alert(1) https://x.example/"onmouseover="alert(1)`, "", "", ""},
		{2, "bob", "\x0304,01red\x0f \x02\x1d\x1f\x1e\x11\x16x", "", "", ""},
		{4, "carol", "", "", `"><img src=x onerror=alert(1)>`, ""},
		{7, "op", "reason <b>", "<victim>", "", ""},
		{8, "old", "", "new</li><li>", "", ""},
		{9, "", "topic \u202egnp.exe\u200b\ufeff", "", "", ""},
		{10, "", "+o <x>", "", "", ""},
		{11, "", "2026-02-02T10:00:00Z", "", "", ""},
		{1, "x", "\xff\xfe\xc3\x28 \x00 \r\n", "", "", "net<"},
		{42, "x", "unknown kind", "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.kind, s.nick, s.text, s.target, s.userhost, s.via, uint32(0))
	}
	tm := time.Date(2026, 2, 2, 14, 3, 11, 0, london)
	f.Fuzz(func(t *testing.T, kind byte, nick, text, target, userhost, via string, flags uint32) {
		ev := event.Event{ID: 123, Time: tm, Kind: event.Kind(kind), Nick: nick, Text: text, Target: target,
			UserHost: userhost, Via: via, Flags: event.Flags(flags)}
		checkLine(t, appendLine(nil, &ev, tm), &ev)
		checkLine(t, appendQuiet(nil, time.Duration(len(text))*time.Minute+time.Hour), nil)
		// The links page's rows: every link in the text, titled by target.
		links.Scan(text, func(start, end int, href string) {
			row := linkRow{id: 123, local: tm, nick: nick, href: href, text: text[start:end], title: target}
			checkLine(t, appendLinkRow(nil, &row, "2026-02-02"), nil)
		})
		row := linkRow{id: 123, local: tm, nick: nick, href: "https://example.org/", text: text, title: target}
		checkLine(t, appendLinkRow(nil, &row, "2026-02-02"), nil)
	})
}

func BenchmarkLine(b *testing.B) {
	tm := time.Date(2026, 2, 2, 14, 3, 11, 0, london)
	for _, bc := range []struct {
		name string
		ev   event.Event
	}{
		{"message", event.Event{ID: 1234567, Time: tm, Kind: event.KindMessage, Nick: "schestowitz", Text: "The EPO is still breaking the law, as usual; see the latest article about it"}},
		{"link", event.Event{ID: 1234568, Time: tm, Kind: event.KindMessage, Nick: "techrights-sec", Text: "Links 02/02/2026: Belarus and more https://techrights.org/n/2026/02/02/links-02-02-2026/"}},
		{"join", event.Event{ID: 1234569, Time: tm, Kind: event.KindJoin, Nick: "guest42", UserHost: "~guest@203.0.113.9"}},
		{"mirc", event.Event{ID: 1234570, Time: tm, Kind: event.KindMessage, Nick: "alice", Text: "\x02bold\x02 and \x0304red\x03 text"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var buf []byte
			local := bc.ev.Time.In(london)
			b.ReportAllocs()
			for b.Loop() {
				buf = appendLine(buf[:0], &bc.ev, local)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

func TestAppendPeople(t *testing.T) {
	nicks := []string{"alice", `"><svg onload=alert(1)>`, "b&b<'x'>", "\xff\x00nick\u202e"}
	var speakers []speaker
	for i, n := range nicks {
		h := nickHash(n)
		speakers = append(speakers, speaker{ID: nickClass(h), Nick: n, Colour: colourClass(h), Lines: i + 1})
	}
	var w worker
	people, filters := appendPeople(&w, speakers)
	allowed := map[string]map[string]bool{
		"li": {}, "small": {}, "p": {"class": true, "id": true}, "b": {"class": true}, "a": {"class": true, "href": true},
	}
	idRe := regexp.MustCompile(`^n-[0-9a-f]{8}$`)
	check := func(what string, out string, ctxTag atom.Atom, top string) {
		t.Helper()
		nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: ctxTag.String(), DataAtom: ctxTag})
		if err != nil {
			t.Fatalf("%s does not parse: %v", what, err)
		}
		var tops []*html.Node
		for _, n := range nodes {
			if n.Type == html.ElementNode {
				tops = append(tops, n)
			} else if strings.TrimSpace(n.Data) != "" {
				t.Fatalf("%s: stray text %q", what, n.Data)
			}
		}
		if len(tops) != len(speakers) {
			t.Fatalf("%s: %d elements, want %d\n%s", what, len(tops), len(speakers), out)
		}
		for i, n := range tops {
			if n.Data != top {
				t.Fatalf("%s: top element <%s>, want <%s>", what, n.Data, top)
			}
			var text strings.Builder
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				switch n.Type {
				case html.ElementNode:
					attrs, ok := allowed[n.Data]
					if !ok {
						t.Fatalf("%s: element <%s> is not allowed\n%s", what, n.Data, out)
					}
					for _, a := range n.Attr {
						if !attrs[a.Key] {
							t.Fatalf("%s: attribute %s on <%s> is not allowed\n%s", what, a.Key, n.Data, out)
						}
						switch a.Key {
						case "id":
							if a.Val != speakers[i].ID || !idRe.MatchString(a.Val) {
								t.Fatalf("%s: id %q", what, a.Val)
							}
						case "href":
							if a.Val != "#"+speakers[i].ID && a.Val != "#" {
								t.Fatalf("%s: href %q", what, a.Val)
							}
						case "class":
							if !lineClassRe.MatchString(a.Val) && a.Val != "nf" {
								t.Fatalf("%s: class %q", what, a.Val)
							}
						}
					}
				case html.TextNode:
					text.WriteString(n.Data)
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(n)
			if !strings.Contains(text.String(), sanitizeText(speakers[i].Nick)) {
				t.Errorf("%s: visible text %q does not name %q", what, text.String(), sanitizeText(speakers[i].Nick))
			}
		}
	}
	check("people", string(people), atom.Ul, "li")
	check("filters", string(filters), atom.Div, "p")
	if !strings.Contains(string(people), `<small>4</small>`) {
		t.Errorf("people without line counts:\n%s", people)
	}
	if p, f := appendPeople(&w, nil); p != "" || f != "" {
		t.Errorf("no speakers gave %q, %q", p, f)
	}
}

// TestAppendEscapedByteByByte checks the eight-bytes-at-a-time appendEscaped
// against a rune-at-a-time statement of its rules, with every byte value at
// every position of a line longer than two words.
func TestAppendEscapedByteByByte(t *testing.T) {
	ref := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1, r < 0x20 && r != '\t', r == 0x7f, r >= 0x80 && r < 0xa0:
				b.WriteString("\uFFFD")
			case r == '\t':
				b.WriteByte(' ')
			case r == '&':
				b.WriteString("&amp;")
			case r == '<':
				b.WriteString("&lt;")
			case r == '>':
				b.WriteString("&gt;")
			case r == '"':
				b.WriteString("&#34;")
			case r == '\'':
				b.WriteString("&#39;")
			default:
				b.WriteString(s[i : i+size])
			}
			i += size
		}
		return b.String()
	}
	cases := []string{"", "plain", "it's <b> & \"q\"", "ünïcode ok", "\xc2\x85 C1", "\xff\xfe", "a\tb", "12345678&12345678<"}
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 19; pos++ {
			b := []byte("abcdefghijklmnopqrs")
			b[pos] = byte(c)
			cases = append(cases, string(b))
		}
	}
	for _, s := range cases {
		if got, want := string(appendEscaped(nil, s)), ref(s); got != want {
			t.Errorf("appendEscaped(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestCountWords(t *testing.T) {
	slow := func(s string) int {
		n, in := 0, false
		for i := 0; i < len(s); i++ {
			sp := s[i] == ' ' || s[i] == '\t'
			if !sp && !in {
				n++
			}
			in = !sp
		}
		return n
	}
	cases := []string{"", " ", "a", "a b", "  two  words  ", "tab\tseparated\twords here", "eightchr eightchr", "x       y       z       ",
		"\xa0\x20\x09\x89\xff ünïcode words", strings.Repeat("ab ", 40)}
	alphabet := []byte{' ', '\t', 'a', 0x20 ^ 0x80, 0x09 ^ 0x80, 0x21, 0x08, 0xa0}
	seed := uint32(1)
	for range 20000 {
		n := int(seed % 40)
		b := make([]byte, n)
		for i := range b {
			seed = seed*1664525 + 1013904223
			b[i] = alphabet[seed>>29]
		}
		seed = seed*1664525 + 1013904223
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		if got, want := countWords(s), slow(s); got != want {
			t.Fatalf("countWords(%q) = %d, want %d", s, got, want)
		}
	}
}
