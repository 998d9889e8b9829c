package logs

import (
	"encoding/json"
	"fmt"
	"io"
	"proceedings/event"
	"strings"
	"time"
)

// EventWriter writes events in one text format. Call Header at the start of
// each file (writers that need a day marker write one by themselves when the
// day changes), Write for each event in time order, and Flush at the end.
type EventWriter interface {
	Header(network, channel string, day time.Time) error
	Write(event.Event) error
	Flush() error
}

// WriteFormats lists the formats NewFormatWriter writes.
func WriteFormats() []string { return []string{"own", "irssi", "weechat", "znc", "json"} }

// NewFormatWriter returns a writer of one of WriteFormats, with times in loc
// (UTC when nil). Like Writer, it makes one Write call per line on w.
//
// "own" and "irssi" mark each new day in the stream, and "weechat" and
// "json" date every line; "znc" lines carry only a time, as ZNC writes one
// file per day, so write one day per file in that format. Lines the target
// program would never write (recording gaps) are written as status lines
// its reader skips. So is, in "znc", a mode change with no nick (set by a
// server): ZNC's "*** Server sets mode: +nt" records the modes it was told
// on joining, not a change, and its reader skips it.
func NewFormatWriter(format string, w io.Writer, loc *time.Location) (EventWriter, error) {
	if loc == nil {
		loc = time.UTC
	}
	switch format {
	case "own", "":
		return NewWriter(w, loc), nil
	case "irssi":
		return &lineWriter{w: w, loc: loc, line: appendIrssi, dayMarker: irssiDayMarker, header: irssiHeader}, nil
	case "weechat":
		return &lineWriter{w: w, loc: loc, line: appendWeechat}, nil
	case "znc":
		return &lineWriter{w: w, loc: loc, line: appendZNC}, nil
	case "json":
		jw := &jsonWriter{w: w, loc: loc}
		jw.enc = json.NewEncoder(w)
		jw.enc.SetEscapeHTML(false)
		return jw, nil
	}
	return nil, fmt.Errorf("unknown export format %q (want one of %s)", format, strings.Join(WriteFormats(), ", "))
}

// lineWriter writes one line per event with a format's append function, and
// optional header and day-change lines.
type lineWriter struct {
	w         io.Writer
	loc       *time.Location
	buf       []byte
	channel   string
	day       time.Time
	haveDay   bool
	line      func(b []byte, ev event.Event, local time.Time) []byte
	header    func(b []byte, day time.Time) []byte
	dayMarker func(b []byte, day time.Time) []byte
}

func (w *lineWriter) Header(network, channel string, day time.Time) error {
	d := day.In(w.loc)
	w.channel, w.day, w.haveDay = channel, startOfDay(d), true
	if w.header == nil {
		return nil
	}
	w.buf = w.header(w.buf[:0], d)
	_, err := w.w.Write(w.buf)
	return err
}

func (w *lineWriter) Write(ev event.Event) error {
	local := ev.Time.In(w.loc)
	b := w.buf[:0]
	if day := startOfDay(local); !w.haveDay {
		w.day, w.haveDay = day, true
		if w.header != nil {
			b = w.header(b, local)
		}
	} else if !day.Equal(w.day) {
		w.day = day
		if w.dayMarker != nil {
			b = w.dayMarker(b, local)
		}
	}
	if ev.Channel == "" {
		ev.Channel = w.channel
	}
	b = w.line(b, ev, local)
	w.buf = append(b, '\n')
	_, err := w.w.Write(w.buf)
	return err
}

func (w *lineWriter) Flush() error { return flush(w.w) }

func irssiHeader(b []byte, day time.Time) []byte {
	b = append(b, "--- Log opened "...)
	b = day.AppendFormat(b, "Mon Jan 02 15:04:05 2006")
	return append(b, '\n')
}

func irssiDayMarker(b []byte, day time.Time) []byte {
	b = append(b, "--- Day changed "...)
	b = day.AppendFormat(b, "Mon Jan 02 2006")
	return append(b, '\n')
}

// appendIrssi writes an event as irssi's default theme does, with seconds
// in the time stamp ("%H:%M:%S ").
func appendIrssi(b []byte, ev event.Event, local time.Time) []byte {
	b = appendClock(b, local)
	b = append(b, ' ')
	switch ev.Kind {
	case event.KindMessage:
		b = append(b, "< "...)
		b = appendClean(b, ev.Nick)
		b = append(b, "> "...)
		return appendClean(b, ev.Text)
	case event.KindAction:
		b = append(b, " * "...)
		b = appendClean(b, ev.Nick)
		b = append(b, ' ')
		return appendClean(b, ev.Text)
	case event.KindNotice:
		b = append(b, '-')
		b = appendClean(b, ev.Nick)
		b = append(b, ':')
		b = appendClean(b, ev.Channel)
		b = append(b, "- "...)
		return appendClean(b, ev.Text)
	}
	b = append(b, "-!- "...)
	switch ev.Kind {
	case event.KindJoin, event.KindPart, event.KindQuit:
		b = appendClean(b, ev.Nick)
		if ev.UserHost != "" {
			b = append(b, " ["...)
			b = appendClean(b, ev.UserHost)
			b = append(b, ']')
		}
		switch ev.Kind {
		case event.KindJoin:
			b = append(b, " has joined "...)
			return appendClean(b, ev.Channel)
		case event.KindPart:
			b = append(b, " has left "...)
			b = appendClean(b, ev.Channel)
		default:
			b = append(b, " has quit"...)
		}
		b = append(b, " ["...)
		b = appendClean(b, ev.Text)
		return append(b, ']')
	case event.KindKick:
		b = appendClean(b, ev.Target)
		b = append(b, " was kicked from "...)
		b = appendClean(b, ev.Channel)
		b = append(b, " by "...)
		b = appendClean(b, ev.Nick)
		b = append(b, " ["...)
		b = appendClean(b, ev.Text)
		return append(b, ']')
	case event.KindNick:
		b = appendClean(b, ev.Nick)
		b = append(b, " is now known as "...)
		return appendClean(b, ev.Target)
	case event.KindTopic:
		switch {
		case ev.Flags&event.FlagTopicOnJoin != 0:
			b = append(b, "Topic for "...)
			b = appendClean(b, ev.Channel)
			b = append(b, ": "...)
			return appendClean(b, ev.Text)
		case ev.Text == "" && ev.Nick != "":
			b = append(b, "Topic unset by "...)
			b = appendClean(b, ev.Nick)
			b = append(b, " on "...)
			return appendClean(b, ev.Channel)
		}
		b = appendClean(b, nickOr(ev.Nick, "server"))
		b = append(b, " changed the topic of "...)
		b = appendClean(b, ev.Channel)
		b = append(b, " to: "...)
		return appendClean(b, ev.Text)
	case event.KindMode:
		if ev.Nick == "" {
			b = append(b, "Server"...)
			b = append(b, "Mode/"...)
		} else {
			b = append(b, "mode/"...)
		}
		b = appendClean(b, ev.Channel)
		b = append(b, " ["...)
		b = appendClean(b, ev.Text)
		b = append(b, "] by "...)
		return appendClean(b, nickOr(ev.Nick, "server"))
	case event.KindGap:
		b = append(b, "Irssi: "...)
		return appendGapText(b, ev, local)
	}
	return appendOther(b, ev)
}

func nickOr(nick, alt string) string {
	if nick == "" {
		return alt
	}
	return nick
}

// appendGapText writes "recording gap: nothing was recorded from … to …".
func appendGapText(b []byte, ev event.Event, local time.Time) []byte {
	b = append(b, "recording gap: nothing was recorded "...)
	start, ok := ev.GapStart()
	if !ok {
		b = append(b, "before "...)
		return appendClock(b, local)
	}
	start = start.In(local.Location())
	b = append(b, "from "...)
	if !startOfDay(start).Equal(startOfDay(local)) {
		b = appendDate(b, start)
		b = append(b, ' ')
	}
	b = appendClock(b, start)
	b = append(b, " to "...)
	return appendClock(b, local)
}

func appendOther(b []byte, ev event.Event) []byte {
	b = append(b, ev.Kind.String()...)
	if ev.Nick != "" {
		b = append(b, ' ')
		b = appendClean(b, ev.Nick)
	}
	if ev.Text != "" {
		b = append(b, ": "...)
		b = appendClean(b, ev.Text)
	}
	return b
}

// appendTab appends s with tabs, CR, LF and NUL turned into spaces (for the
// prefix column of WeeChat lines).
func appendTab(b []byte, s string) []byte {
	start := len(b)
	b = appendClean(b, s)
	for i := start; i < len(b); i++ {
		if b[i] == '\t' {
			b[i] = ' '
		}
	}
	return b
}

func appendParen(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, " ("...)
	b = appendClean(b, s)
	return append(b, ')')
}

// appendWeechat writes an event as WeeChat's logger does.
func appendWeechat(b []byte, ev event.Event, local time.Time) []byte {
	b = appendDate(b, local)
	b = append(b, ' ')
	b = appendClock(b, local)
	b = append(b, '\t')
	switch ev.Kind {
	case event.KindMessage:
		b = appendTab(b, ev.Nick)
		b = append(b, '\t')
		return appendClean(b, ev.Text)
	case event.KindAction:
		b = append(b, " *\t"...)
		b = appendClean(b, ev.Nick)
		b = append(b, ' ')
		return appendClean(b, ev.Text)
	case event.KindNotice:
		b = append(b, "--\tNotice("...)
		b = appendClean(b, ev.Nick)
		b = append(b, ") -> "...)
		b = appendClean(b, ev.Channel)
		b = append(b, ": "...)
		return appendClean(b, ev.Text)
	case event.KindJoin:
		b = append(b, "-->\t"...)
		b = appendClean(b, ev.Nick)
		if ev.Account != "" {
			b = append(b, " ["...)
			b = appendClean(b, ev.Account)
			b = append(b, ']')
		}
		b = appendParen(b, ev.UserHost)
		b = append(b, " has joined "...)
		return appendClean(b, ev.Channel)
	case event.KindPart, event.KindQuit:
		b = append(b, "<--\t"...)
		b = appendClean(b, ev.Nick)
		b = appendParen(b, ev.UserHost)
		if ev.Kind == event.KindPart {
			b = append(b, " has left "...)
			b = appendClean(b, ev.Channel)
		} else {
			b = append(b, " has quit"...)
		}
		return appendParen(b, ev.Text)
	case event.KindKick:
		b = append(b, "<--\t"...)
		b = appendClean(b, ev.Nick)
		b = append(b, " has kicked "...)
		b = appendClean(b, ev.Target)
		return appendParen(b, ev.Text)
	case event.KindNick:
		b = append(b, "--\t"...)
		b = appendClean(b, ev.Nick)
		b = append(b, " is now known as "...)
		return appendClean(b, ev.Target)
	case event.KindTopic:
		b = append(b, "--\t"...)
		switch {
		case ev.Flags&event.FlagTopicOnJoin != 0:
			b = append(b, "Topic for "...)
			b = appendClean(b, ev.Channel)
			b = append(b, ` is "`...)
		case ev.Text == "":
			b = appendClean(b, nickOr(ev.Nick, "server"))
			b = append(b, " has unset topic for "...)
			return appendClean(b, ev.Channel)
		default:
			b = appendClean(b, nickOr(ev.Nick, "server"))
			b = append(b, " has changed topic for "...)
			b = appendClean(b, ev.Channel)
			b = append(b, ` to "`...)
		}
		b = appendClean(b, ev.Text)
		return append(b, '"')
	case event.KindMode:
		b = append(b, "--\tMode "...)
		b = appendClean(b, ev.Channel)
		b = append(b, " ["...)
		b = appendClean(b, ev.Text)
		b = append(b, "] by "...)
		return appendClean(b, nickOr(ev.Nick, "server"))
	case event.KindGap:
		b = append(b, "--\t"...)
		return appendGapText(b, ev, local)
	}
	b = append(b, "--\t"...)
	return appendOther(b, ev)
}

// appendZNC writes an event as ZNC's log module does.
func appendZNC(b []byte, ev event.Event, local time.Time) []byte {
	b = append(b, '[')
	b = appendClock(b, local)
	b = append(b, "] "...)
	switch ev.Kind {
	case event.KindMessage:
		b = append(b, '<')
		b = appendClean(b, ev.Nick)
		b = append(b, "> "...)
		return appendClean(b, ev.Text)
	case event.KindAction:
		b = append(b, "* "...)
		b = appendClean(b, ev.Nick)
		b = append(b, ' ')
		return appendClean(b, ev.Text)
	case event.KindNotice:
		b = append(b, '-')
		b = appendClean(b, ev.Nick)
		b = append(b, "- "...)
		return appendClean(b, ev.Text)
	}
	b = append(b, "*** "...)
	switch ev.Kind {
	case event.KindJoin, event.KindPart, event.KindQuit:
		switch ev.Kind {
		case event.KindJoin:
			b = append(b, "Joins: "...)
		case event.KindPart:
			b = append(b, "Parts: "...)
		default:
			b = append(b, "Quits: "...)
		}
		b = appendClean(b, ev.Nick)
		b = append(b, " ("...)
		if ev.UserHost == "" {
			b = append(b, '@')
		}
		b = appendClean(b, ev.UserHost)
		b = append(b, ')')
		if ev.Kind == event.KindJoin {
			return b
		}
		b = append(b, " ("...)
		b = appendClean(b, ev.Text)
		return append(b, ')')
	case event.KindKick:
		b = appendClean(b, ev.Target)
		b = append(b, " was kicked by "...)
		b = appendClean(b, ev.Nick)
		b = append(b, " ("...)
		b = appendClean(b, ev.Text)
		return append(b, ')')
	case event.KindNick:
		b = appendClean(b, ev.Nick)
		b = append(b, " is now known as "...)
		return appendClean(b, ev.Target)
	case event.KindTopic:
		if ev.Flags&event.FlagTopicOnJoin != 0 {
			b = append(b, "Topic for "...)
			b = appendClean(b, ev.Channel)
			b = append(b, " is '"...)
		} else {
			b = appendClean(b, nickOr(ev.Nick, "Server"))
			b = append(b, " changes topic to '"...)
		}
		b = appendClean(b, ev.Text)
		return append(b, '\'')
	case event.KindMode:
		b = appendClean(b, nickOr(ev.Nick, "Server"))
		b = append(b, " sets mode: "...)
		return appendClean(b, ev.Text)
	case event.KindGap:
		return appendGapText(b, ev, local)
	}
	return appendOther(b, ev)
}

// jsonEvent is the JSON shape of an event: every field of event.Event,
// the kind by name and the time in RFC 3339 with milliseconds.
type jsonEvent struct {
	ID       int64  `json:"id,omitempty"`
	Network  string `json:"network"`
	Channel  string `json:"channel"`
	Time     string `json:"time"`
	Kind     string `json:"kind"`
	Nick     string `json:"nick"`
	UserHost string `json:"userhost,omitempty"`
	Account  string `json:"account,omitempty"`
	Text     string `json:"text"`
	Target   string `json:"target,omitempty"`
	MsgID    string `json:"msgid,omitempty"`
	Via      string `json:"via,omitempty"`
	Flags    uint32 `json:"flags"`
}

// jsonWriter writes one JSON object per line.
type jsonWriter struct {
	w   io.Writer
	loc *time.Location
	enc *json.Encoder
}

func (w *jsonWriter) Header(string, string, time.Time) error { return nil }

func (w *jsonWriter) Write(ev event.Event) error {
	return w.enc.Encode(jsonEvent{
		ID:       ev.ID,
		Network:  ev.Network,
		Channel:  ev.Channel,
		Time:     ev.Time.In(w.loc).Format("2006-01-02T15:04:05.000Z07:00"),
		Kind:     ev.Kind.String(),
		Nick:     ev.Nick,
		UserHost: ev.UserHost,
		Account:  ev.Account,
		Text:     ev.Text,
		Target:   ev.Target,
		MsgID:    ev.MsgID,
		Via:      ev.Via,
		Flags:    uint32(ev.Flags),
	})
}

func (w *jsonWriter) Flush() error { return flush(w.w) }
