package render

// This file is the line writer: the one piece of code, besides html/template,
// that turns log text into HTML. It is small on purpose and audited:
//
//   - every piece of text from the archive (nicks, user@hosts, messages,
//     reasons, topics, modes, channel names) goes through appendText or
//     appendEscaped, which escape & < > " ', replace control characters and
//     invalid UTF-8 by U+FFFD, and emit no markup of their own;
//   - the only markup written is fixed: the elements li, a, time and span
//     (and p, b and small in a day's list of speakers), the attributes id,
//     class, href and rel, and class names from a fixed set (see
//     lineClasses in line_test.go, enforced by FuzzLineWriter); this holds
//     for the day's lines, its speakers and the rows of its links page;
//   - links are built only from URLs that links.Scan parsed and accepted
//     (http, https, gemini, irc), always with rel="nofollow ugc noopener";
//   - mIRC formatting becomes class names chosen from fixed tables, never
//     a style attribute.
//
// Its output is the only template.HTML the page templates trust.

import (
	"html/template"
	"proceedings/event"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ergochat/irc-go/ircfmt"

	"proceedings/internal/ascii"
	"proceedings/internal/irctext"
	"proceedings/internal/links"
	"proceedings/sitepath"
)

// paletteSize is the number of nick colours (.c0 … .c15 in style.css).
const paletteSize = 16

// nickHash identifies a nick on a page (the filter's "n-xxxxxxxx" class) and
// picks its colour. It is computed on the folded nick, so "Alice" and
// "alice" are one person.
func nickHash(nick string) uint32 {
	// FNV-1a over the bytes event.FoldChannel would produce, without
	// building the folded string.
	h := uint32(2166136261)
	for i := 0; i < len(nick); i++ {
		c := nick[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 32
		case c == '[':
			c = '{'
		case c == ']':
			c = '}'
		case c == '\\':
			c = '|'
		case c == '~':
			c = '^'
		}
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

const hexDigits = "0123456789abcdef"

func appendHex32(b []byte, v uint32) []byte {
	for shift := 28; shift >= 0; shift -= 4 {
		b = append(b, hexDigits[(v>>uint(shift))&15])
	}
	return b
}

// nickClass is the filter class of a nick: "n-" and 8 hex digits.
func nickClass(h uint32) string { return string(appendHex32([]byte("n-"), h)) }

// colourClass is the nick colour class: "c0" … "c15".
func colourClass(h uint32) string { return "c" + strconv.Itoa(int(h&(paletteSize-1))) }

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

func appendClock(b []byte, t time.Time) []byte {
	h, m, s := t.Clock()
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, m)
	b = append(b, ':')
	return append2(b, s)
}

// kindClass is the class of each kind's line.
var kindClass = [...]string{
	event.KindMessage: "m",
	event.KindAction:  "a",
	event.KindNotice:  "no",
	event.KindJoin:    "j",
	event.KindPart:    "p",
	event.KindQuit:    "q",
	event.KindKick:    "k",
	event.KindNick:    "ni",
	event.KindTopic:   "tp",
	event.KindMode:    "md",
	event.KindGap:     "gp",
}

// isChatter reports the kinds the "hide joins, parts and quits" toggle hides.
func isChatter(k event.Kind) bool {
	return k == event.KindJoin || k == event.KindPart || k == event.KindQuit || k == event.KindNick
}

// appendLine appends one event as an <li>. local is the event's time in the
// site's zone.
func appendLine(b []byte, ev *event.Event, local time.Time) []byte {
	kc := "x"
	if ev.Kind.Valid() {
		kc = kindClass[ev.Kind]
	}
	h := nickHash(ev.Nick)
	b = append(b, `<li id="`...)
	b = sitepath.AppendLineAnchor(b, ev.ID)
	b = append(b, `" class="`...)
	b = append(b, kc...)
	if isChatter(ev.Kind) {
		b = append(b, " jpq"...)
	}
	if ev.Flags&event.FlagSelf != 0 {
		b = append(b, " s"...)
	}
	if ev.Nick != "" {
		b = append(b, " n-"...)
		b = appendHex32(b, h)
	}
	b = append(b, `"><a class="t" href="#`...)
	b = sitepath.AppendLineAnchor(b, ev.ID)
	b = append(b, `"><time>`...)
	b = appendClock(b, local)
	b = append(b, "</time></a> "...)

	switch ev.Kind {
	case event.KindMessage, event.KindAction, event.KindNotice:
		open, close := "&lt;", "&gt;"
		switch ev.Kind {
		case event.KindAction:
			open, close = "* ", ""
		case event.KindNotice:
			open, close = "-", "-"
		}
		b = appendNick(b, ev.Nick, h, open, close)
		b = appendVia(b, ev)
		b = append(b, ` <span class="tx">`...)
		b = appendText(b, ev.Text)
		b = append(b, "</span>"...)
	case event.KindJoin, event.KindPart, event.KindQuit:
		b = append(b, `<span class="ev">`...)
		b = appendNick(b, ev.Nick, h, "", "")
		if ev.UserHost != "" {
			b = append(b, ` <span class="uh">(`...)
			b = appendEscaped(b, ev.UserHost)
			b = append(b, ")</span>"...)
		}
		switch ev.Kind {
		case event.KindJoin:
			b = append(b, " has joined"...)
		case event.KindPart:
			b = append(b, " has left"...)
		default:
			b = append(b, " has quit"...)
		}
		b = appendReason(b, ev.Text)
		b = append(b, "</span>"...)
	case event.KindKick:
		b = append(b, `<span class="ev">`...)
		b = appendNick(b, ev.Target, nickHash(ev.Target), "", "")
		b = append(b, " was kicked by "...)
		b = appendNick(b, ev.Nick, h, "", "")
		b = appendReason(b, ev.Text)
		b = append(b, "</span>"...)
	case event.KindNick:
		b = append(b, `<span class="ev">`...)
		b = appendNick(b, ev.Nick, h, "", "")
		b = append(b, " is now known as "...)
		b = appendNick(b, ev.Target, nickHash(ev.Target), "", "")
		b = append(b, "</span>"...)
	case event.KindTopic:
		b = append(b, `<span class="ev">`...)
		switch {
		case ev.Flags&event.FlagTopicOnJoin != 0:
			b = append(b, "The topic is: "...)
		case ev.Nick == "":
			b = append(b, "The topic was changed to: "...)
		default:
			b = appendNick(b, ev.Nick, h, "", "")
			b = append(b, " changed the topic to: "...)
		}
		b = append(b, `<span class="tx">`...)
		b = appendText(b, ev.Text)
		b = append(b, "</span></span>"...)
	case event.KindMode:
		b = append(b, `<span class="ev">`...)
		if ev.Nick != "" {
			b = appendNick(b, ev.Nick, h, "", "")
			b = append(b, " sets mode "...)
		} else {
			b = append(b, "Mode "...)
		}
		b = append(b, `<span class="tx">`...)
		b = appendEscaped(b, ev.Text)
		b = append(b, "</span></span>"...)
	case event.KindGap:
		b = append(b, `<span class="ev">Recording gap: nothing was recorded`...)
		if start, ok := ev.GapStart(); ok {
			ls := start.In(local.Location())
			b = append(b, " from "...)
			if y, m, d := ls.Date(); y != local.Year() || m != local.Month() || d != local.Day() {
				b = ls.AppendFormat(b, "2006-01-02 ")
			}
			b = appendClock(b, ls)
			b = append(b, " to "...)
			b = appendClock(b, local)
		}
		b = append(b, "</span>"...)
	default:
		b = append(b, `<span class="ev">`...)
		b = appendNick(b, ev.Nick, h, "", "")
		b = append(b, ` <span class="tx">`...)
		b = appendText(b, ev.Text)
		b = append(b, "</span></span>"...)
	}
	return append(b, "</li>\n"...)
}

// appendNick writes a nick in its colour, between fixed decorations.
func appendNick(b []byte, nick string, h uint32, open, close string) []byte {
	b = append(b, `<span class="nk c`...)
	b = strconv.AppendUint(b, uint64(h&(paletteSize-1)), 10)
	b = append(b, `">`...)
	b = append(b, open...)
	b = appendPlain(b, nick)
	b = append(b, close...)
	return append(b, "</span>"...)
}

// appendPeople writes a day page's speakers, each linking to their nick
// filter, and the notice each filter shows, into w.people. The IDs and
// colours are made of hex digits and numbers; nicks are escaped.
func appendPeople(w *worker, speakers []speaker) (people, filters template.HTML) {
	if len(speakers) == 0 {
		return "", ""
	}
	b := w.people[:0]
	for _, s := range speakers {
		b = append(b, `<li><a class="`...)
		b = append(b, s.Colour...)
		b = append(b, `" href="#`...)
		b = append(b, s.ID...)
		b = append(b, `">`...)
		b = appendEscaped(b, s.Nick)
		b = append(b, `</a> <small>`...)
		b = strconv.AppendInt(b, int64(s.Lines), 10)
		b = append(b, `</small></li>`...)
	}
	mid := len(b)
	for _, s := range speakers {
		b = append(b, `<p class="nf" id="`...)
		b = append(b, s.ID...)
		b = append(b, `">Only the lines of <b class="`...)
		b = append(b, s.Colour...)
		b = append(b, `">`...)
		b = appendEscaped(b, s.Nick)
		b = append(b, "</b> are shown. <a href=\"#\">Show everyone</a></p>\n"...)
	}
	w.people = b
	return template.HTML(b[:mid]), template.HTML(b[mid:])
}

// appendPlain writes text without its mIRC formatting, escaped.
func appendPlain(b []byte, s string) []byte {
	return appendEscaped(b, irctext.StripShown(s))
}

// appendLinkRow writes one row of a day's links page (day is its date,
// from event.Date.String): the time, linking to the line in context; who
// shared the link; the link, named by the page's title when one is known.
func appendLinkRow(b []byte, row *linkRow, day string) []byte {
	b = append(b, "\n<li><a class=\"t\" href=\""...)
	b = append(b, day...)
	b = append(b, ".html#"...)
	b = sitepath.AppendLineAnchor(b, row.id)
	b = append(b, `"><time>`...)
	b = appendClock(b, row.local)
	b = append(b, "</time></a> "...)
	if row.nick == "" {
		b = appendNick(b, "(topic)", nickHash(""), "", "")
	} else {
		b = appendNick(b, row.nick, nickHash(row.nick), "", "")
	}
	b = append(b, ` <a class="url" href="`...)
	b = appendEscaped(b, row.href)
	b = append(b, `" rel="nofollow ugc noopener">`...)
	if row.title != "" {
		b = appendPlain(b, row.title)
		b = append(b, `</a> <span class="host">`...)
		b = appendPlain(b, row.text)
		b = append(b, "</span>"...)
	} else {
		b = appendPlain(b, row.text)
		b = append(b, "</a>"...)
	}
	return append(b, "</li>"...)
}

func appendVia(b []byte, ev *event.Event) []byte {
	if ev.Via == "" {
		return b
	}
	b = append(b, ` <span class="via">via `...)
	b = appendEscaped(b, ev.Via)
	return append(b, "</span>"...)
}

func appendReason(b []byte, reason string) []byte {
	if reason == "" {
		return b
	}
	b = append(b, ` (<span class="tx">`...)
	b = appendText(b, reason)
	return append(b, "</span>)"...)
}

// lineVersion changes when the line writer writes a line of the same
// event differently (hex colours taken out: 2): it is in the day key, so a
// new binary renders every page again.
const lineVersion = 2

// appendText writes message text: mIRC formatting as classed spans,
// accepted URLs as links, everything else escaped.
func appendText(b []byte, s string) []byte {
	s = irctext.WithoutHexColours(s) // not drawn, like the extended palette
	if !irctext.HasFormatting(s) {
		return appendLinked(b, s)
	}
	for _, part := range ircfmt.Split(s) {
		if !part.IsFormatted() {
			b = appendLinked(b, part.Content)
			continue
		}
		b = append(b, `<span class="`...)
		b = appendFormatClasses(b, &part)
		b = append(b, `">`...)
		b = appendLinked(b, part.Content)
		b = append(b, "</span>"...)
	}
	return b
}

// appendFormatClasses writes the classes of one formatted piece; all come
// from fixed tables. Colours 16–98 (the extended palette) are not shown.
func appendFormatClasses(b []byte, f *ircfmt.FormattedSubstring) []byte {
	start := len(b)
	add := func(c string) {
		if len(b) > start {
			b = append(b, ' ')
		}
		b = append(b, c...)
	}
	if f.Bold {
		add("bo")
	}
	if f.Italic {
		add("it")
	}
	if f.Underline {
		add("un")
	}
	if f.Strikethrough {
		add("st")
	}
	if f.Monospace {
		add("mo")
	}
	if f.ReverseColor {
		add("rv")
	}
	bg := f.BackgroundColor.IsSet && f.BackgroundColor.Value < 16
	if f.ForegroundColor.IsSet && f.ForegroundColor.Value < 16 {
		// Without a background of its own, a colour is drawn in a shade
		// readable on the page (f*); on a background, exactly (F*).
		if bg {
			add(exactFG[f.ForegroundColor.Value])
		} else {
			add(readableFG[f.ForegroundColor.Value])
		}
	}
	if bg {
		add(bgClass[f.BackgroundColor.Value])
	}
	if len(b) == start {
		add("fm")
	}
	return b
}

var (
	readableFG = [16]string{"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15"}
	exactFG    = [16]string{"F0", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12", "F13", "F14", "F15"}
	bgClass    = [16]string{"b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15"}
)

// appendLinked writes text with accepted URLs made into links.
func appendLinked(b []byte, s string) []byte {
	if !links.MayContain(s) {
		return appendEscaped(b, s)
	}
	last := 0
	links.Scan(s, func(start, end int, href string) {
		b = appendEscaped(b, s[last:start])
		b = append(b, `<a href="`...)
		b = appendEscaped(b, href)
		b = append(b, `" rel="nofollow ugc noopener">`...)
		b = appendEscaped(b, s[start:end])
		b = append(b, "</a>"...)
		last = end
	})
	return appendEscaped(b, s[last:])
}

// plainByte marks the bytes appendEscaped copies as they are: printable
// ASCII but for & < > " '.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '&' && c != '<' && c != '>' && c != '"' && c != '\''
	}
	return t
}()

// escapeFree is the length of the longest prefix of s that appendEscaped
// copies as it is (plainByte), counted eight bytes at a time.
func escapeFree(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := ascii.Word(s, i)
		// As in ascii.PlainPrefix, and & < > " ' too.
		if (x|ascii.HasLess(x, 0x20)|ascii.HasByte(x, 0x7f)|ascii.HasByte(x, '&')|ascii.HasByte(x, '<')|
			ascii.HasByte(x, '>')|ascii.HasByte(x, '"')|ascii.HasByte(x, '\''))&ascii.High != 0 {
			break
		}
	}
	for ; i < len(s) && plainByte[s[i]]; i++ {
	}
	return i
}

// appendEscaped writes s as HTML text (also safe inside a quoted
// attribute): & < > " ' are escaped, control characters other than tab and
// invalid UTF-8 become U+FFFD, a tab becomes a space.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		i += escapeFree(s[i:])
		if i >= len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			var esc string
			switch c {
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			default:
				i++
				continue
			}
			b = append(b, s[last:i]...)
			b = append(b, esc...)
			i++
			last = i
			continue
		}
		if c < 0x80 { // C0 controls and DEL
			b = append(b, s[last:i]...)
			if c == '\t' {
				b = append(b, ' ')
			} else {
				b = append(b, "\uFFFD"...)
			}
			i++
			last = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r >= 0x80 && r < 0xa0 {
			// Invalid UTF-8, or a C1 control.
			b = append(b, s[last:i]...)
			b = append(b, "\uFFFD"...)
			i += size
			last = i
			continue
		}
		i += size
	}
	return append(b, s[last:]...)
}
