package bot

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ergochat/irc-go/ircmsg"
)

// maxLine bounds one line from the server (512 bytes of message and 8191 of
// tags are the protocol's limits); longer lines are cut there.
const maxLine = 16 << 10

// message is one line from the server, parsed: irc-go's message with its
// source split into nick, user and host, and its time (the server-time tag,
// else when it was read).
type message struct {
	ircmsg.Message
	src  ircmsg.NUH
	time time.Time
}

// parseMessage parses one line as read from the server, without its line
// ending: NUL bytes are removed and invalid UTF-8 is decoded as Latin-1, so
// that a broken client or server costs no line. ok is false for a line that
// is not an IRC message at all (empty, tags only, no command).
func parseMessage(raw []byte, now time.Time) (m *message, ok bool) {
	if bytes.IndexByte(raw, 0) >= 0 {
		raw = bytes.ReplaceAll(raw, []byte{0}, nil)
	}
	raw = bytes.TrimRight(raw, "\r\n")
	if bytes.IndexByte(raw, '\r') >= 0 {
		// A bare CR inside a line is not a line break: keep it out of the
		// parser, which refuses it, as a space.
		raw = bytes.ReplaceAll(raw, []byte{'\r'}, []byte{' '})
	}
	raw = decodeLatin1(raw)
	msg, err := ircmsg.ParseLine(string(raw))
	if err == ircmsg.ErrorInvalidTagContent || err == ircmsg.ErrorTagsTooLong {
		// Tags the parser refuses cost the tags, not the line.
		if i := bytes.IndexByte(raw, ' '); i > 0 {
			msg, err = ircmsg.ParseLine(string(raw[i+1:]))
		}
	}
	if err != nil && err != ircmsg.ErrorBodyTooLong {
		return nil, false
	}
	m = &message{Message: msg, time: now}
	if msg.Source != "" {
		m.src, _ = ircmsg.ParseNUH(msg.Source)
	}
	if present, v := msg.GetTag("time"); present {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil && plausibleTime(t, now) {
			m.time = t
		}
	}
	return m, true
}

// Bounds of a server-time the bot believes: a little ahead of its own clock
// (clocks drift), and not before IRC logs could exist. Past times in
// between are kept, since a bouncer or a chathistory replay sends lines
// from hours or years ago.
const maxTimeAhead = 5 * time.Minute

var earliestTime = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// plausibleTime reports whether a server-time t can be stored for a line
// read at now. A far-future time (9999-12-31) would stretch the published
// calendar without end, a time before 1990 (0001-01-01) is refused by the
// archive; either way the line is kept at the time it was read.
func plausibleTime(t, now time.Time) bool {
	return !t.Before(earliestTime) && !t.After(now.Add(maxTimeAhead))
}

// tag returns the value of a tag and whether the line carries it.
func (m *message) tag(name string) (string, bool) {
	present, v := m.GetTag(name)
	return v, present
}

// last returns the last parameter ("" when there is none).
func (m *message) last() string {
	if len(m.Params) == 0 {
		return ""
	}
	return m.Params[len(m.Params)-1]
}

// param returns parameter i ("" when there is none).
func (m *message) param(i int) string {
	if i < len(m.Params) {
		return m.Params[i]
	}
	return ""
}

// userHost is "user@host" of the source, or its host alone.
func (m *message) userHost() string {
	switch {
	case m.src.User != "" && m.src.Host != "":
		return m.src.User + "@" + m.src.Host
	default:
		return m.src.Host
	}
}

// decodeLatin1 returns b unchanged when it is valid UTF-8, and otherwise a
// copy in which every byte that is not part of a valid UTF-8 sequence is
// decoded as Latin-1 (ISO 8859-1), the fallback most IRC logs use.
func decodeLatin1(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/4)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			out = utf8.AppendRune(out, rune(b[i]))
			i++
			continue
		}
		out = append(out, b[i:i+size]...)
		i += size
	}
	return out
}

// splitCTCP splits "\x01CMD text\x01" into CMD and text.
func splitCTCP(s string) (cmd, text string) {
	s = strings.TrimPrefix(s, "\x01")
	s = strings.TrimSuffix(s, "\x01")
	cmd, text, _ = strings.Cut(s, " ")
	return strings.ToUpper(cmd), text
}
