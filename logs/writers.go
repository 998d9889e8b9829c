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
func WriteFormats() []string {
	names := make([]string, 0, len(textFormats)+1)
	for _, f := range textFormats {
		names = append(names, f.name)
	}
	return append(names, "json")
}

// NewFormatWriter returns a writer of one of WriteFormats, with times in loc
// (UTC when nil). Like Writer, it makes one Write call per event on w.
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
	if format == "json" {
		jw := &jsonWriter{w: w, loc: loc}
		jw.enc = json.NewEncoder(w)
		jw.enc.SetEscapeHTML(false)
		return jw, nil
	}
	if format == "" {
		format = ownFormat.name
	}
	for _, f := range textFormats {
		if f.name == format {
			return &Writer{w: w, loc: loc, format: f}, nil
		}
	}
	return nil, fmt.Errorf("unknown export format %q (want one of %s)", format, strings.Join(WriteFormats(), ", "))
}

// Writer writes events in one of the text formats, our own unless
// NewFormatWriter named another. It writes each event with one call to the
// underlying writer; give it a *bufio.Writer for speed, and call Flush at
// the end (which flushes the underlying writer when it can).
type Writer struct {
	w       io.Writer
	loc     *time.Location
	format  *lineFormat
	buf     []byte
	channel string    // the channel of events that name none
	started bool      // the file's header is written
	day     time.Time // local midnight of the day being written
	next    time.Time // local midnight of the day after it
}

var _ EventWriter = (*Writer)(nil)

// NewWriter returns a Writer of our own format with times in loc (UTC when nil).
func NewWriter(w io.Writer, loc *time.Location) *Writer {
	if loc == nil {
		loc = time.UTC
	}
	return &Writer{w: w, loc: loc, format: ownFormat}
}

// Header starts a file of one channel whose first day is the local day of
// day: it writes the lines that open one in the format, if any (our own
// format's two header lines, irssi's "--- Log opened").
func (w *Writer) Header(network, channel string, day time.Time) error {
	d := day.In(w.loc)
	w.channel, w.started = channel, true
	w.setDay(d)
	if w.format.header == nil {
		return nil
	}
	w.buf = appendPieces(w.buf[:0], w.format.header, &event.Event{Network: network, Channel: channel}, d)
	_, err := w.w.Write(w.buf)
	return err
}

// Write writes one event. Before the first event without a Header it writes
// the header, and before the first event of each new day the format's day
// marker (our own format's first header line, irssi's "--- Day changed").
func (w *Writer) Write(ev event.Event) error {
	local := ev.Time.In(w.loc)
	if !w.started {
		if err := w.Header(ev.Network, ev.Channel, local); err != nil {
			return err
		}
	}
	b := w.buf[:0]
	if local.Before(w.day) || !local.Before(w.next) {
		w.setDay(local)
		if w.format.newDay != nil {
			b = appendPieces(b, w.format.newDay, &ev, local)
		}
	}
	if ev.Channel == "" {
		ev.Channel = w.channel
	}
	b = w.format.appendLine(b, &ev, local)
	w.buf = append(b, '\n')
	_, err := w.w.Write(w.buf)
	return err
}

// Flush flushes the underlying writer if it has a Flush method.
func (w *Writer) Flush() error { return flush(w.w) }

func flush(w io.Writer) error {
	if f, ok := w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// setDay makes the local day of t the one being written.
func (w *Writer) setDay(t time.Time) {
	y, m, d := t.Date()
	w.day = time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	w.next = time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
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
