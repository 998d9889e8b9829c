package archive

import (
	"errors"
	"fmt"
	"proceedings/event"
	"time"
)

// ErrNoChannel is returned when a channel is not in the archive.
var ErrNoChannel = errors.New("no such channel in the archive")

// Channel is a channel log kept in the archive.
type Channel struct {
	ID      int64
	Network string
	Name    string
	Public  bool // published on the site and searchable by everyone
	Events  int64
	Lines   int64      // messages, actions and notices
	Days    int        // days with at least one event
	First   event.Date // first and last day with events (zero when none)
	Last    event.Date
}

// Fields says which of an event's fields Range fills in; the fewer, the
// cheaper each event is to read.
type Fields int

const (
	// CountFields fills in ID, Time, Kind, Nick, Text and Flags (and Network
	// and Channel): enough to count and to find links, for statistics over
	// years of events.
	CountFields Fields = iota
	// PageFields adds Target, UserHost and Via: everything a log page or an
	// export format shows (all but Account and MsgID).
	PageFields
	// AllFields fills in every field.
	AllFields
)

// DayInfo is one day of a channel's calendar.
type DayInfo struct {
	Channel int64
	Day     event.Date
	Events  int   // every event
	Lines   int   // messages, actions and notices
	Rev     int64 // the archive revision that last changed the day
}

// ImportOptions tune an Importer.
type ImportOptions struct {
	// Tolerance is how far apart in time an imported event and a stored one
	// with the same channel, kind, nick and text may be and still be taken
	// as the same event (clock skew between the logs). Times on whole
	// minutes, which logs that write only HH:MM give, are matched to their
	// minute whatever it says. Default: one second.
	Tolerance time.Duration
}

// ImportStats counts what an Importer did.
type ImportStats struct {
	Added      int64 // new events stored
	Duplicates int64 // events already in the archive, skipped
}

// RedactQuery selects the events to remove. Channel is required; every
// other field narrows the selection.
type RedactQuery struct {
	Network  string // "" matches the only network that has Channel
	Channel  string
	Nick     string    // case-insensitive; "" for anyone
	From, To time.Time // [From, To); zero for no bound
	Match    string    // case-insensitive substring of the text; "" for any
}

// RedactResult says what was (or, in a dry run, would be) removed.
type RedactResult struct {
	Events int       // events removed
	Days   []DayInfo // the channel-days touched, with their counts after
}

// AuditEntry is one record of the audit log.
type AuditEntry struct {
	Time   time.Time
	Actor  string
	Action string
	Detail string
	Count  int
}

// Check refuses a query that selects a whole log or nothing at all.
func (q RedactQuery) Check() error {
	if q.Channel == "" {
		return errors.New("redact: name the channel")
	}
	if q.Nick == "" && q.From.IsZero() && q.To.IsZero() && q.Match == "" {
		return errors.New("redact: name a nick, a time range or a text to match; removing a whole channel's log is not what redact is for")
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return fmt.Errorf("redact: the range ends (%s) before it starts (%s): it selects nothing", q.To.UTC().Format(time.RFC3339), q.From.UTC().Format(time.RFC3339))
	}
	return nil
}
