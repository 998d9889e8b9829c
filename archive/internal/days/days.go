// Package days counts events per channel and local day, the counts each
// archive engine adds to its table of days when it commits events. It
// knows the site's timezone and nothing of SQL.
package days

import (
	"slices"
	"strings"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

// Key is one channel's local day, as the days table names it.
type Key struct {
	Channel int64
	Day     string // event.Date.String
}

// Count is what a commit adds to one channel-day.
type Count struct {
	Events, Lines   int64 // every event; messages, actions and notices
	FirstID, LastID int64
}

// Counter accumulates per-(channel, local day) counts for one commit.
type Counter struct {
	loc *time.Location
	// Days holds the counts so far; the engine writes them and clears it.
	Days map[Key]*Count
	// cache of the last local-day computation: consecutive events are
	// nearly always on the same day.
	lastStart, lastEnd int64
	lastDay            string
}

// NewCounter counts days in loc.
func NewCounter(loc *time.Location) *Counter {
	return &Counter{loc: loc, Days: map[Key]*Count{}, lastStart: 1, lastEnd: 0}
}

// DayOf is the local day of t, as a Key's Day.
func (a *Counter) DayOf(t time.Time) string {
	v := t.UnixMilli()
	if v >= a.lastStart && v < a.lastEnd {
		return a.lastDay
	}
	d := event.DateOf(t, a.loc)
	start, end := d.Bounds(a.loc)
	a.lastStart, a.lastEnd, a.lastDay = start.UnixMilli(), end.UnixMilli(), d.String()
	return a.lastDay
}

// Add counts the event id of kind at t in channel.
func (a *Counter) Add(channel int64, t time.Time, kind event.Kind, id int64) {
	k := Key{channel, a.DayOf(t)}
	c := a.Days[k]
	if c == nil {
		c = &Count{FirstID: id, LastID: id}
		a.Days[k] = c
	}
	c.Events++
	if kind.IsSpeech() {
		c.Lines++
	}
	c.FirstID = min(c.FirstID, id)
	c.LastID = max(c.LastID, id)
}

// Tally counts events per local day, keeping the order in which the days
// first come.
type Tally struct {
	c     *Counter
	n     map[string]int
	order []string
}

// NewTally tallies days in loc.
func NewTally(loc *time.Location) *Tally {
	return &Tally{c: NewCounter(loc), n: map[string]int{}}
}

// Add counts an event at t.
func (t *Tally) Add(at time.Time) {
	day := t.c.DayOf(at)
	if t.n[day] == 0 {
		t.order = append(t.order, day)
	}
	t.n[day]++
}

// Day is one day of a Tally.
type Day struct {
	Key    string // as a Key's Day
	Date   event.Date
	Events int
}

// Days lists the days counted, in the order they first came.
func (t *Tally) Days() ([]Day, error) {
	out := make([]Day, 0, len(t.order))
	for _, key := range t.order {
		d, err := event.ParseDate(key)
		if err != nil {
			return nil, err
		}
		out = append(out, Day{key, d, t.n[key]})
	}
	return out, nil
}

// Sorted lists the days counted, oldest first.
func (t *Tally) Sorted() ([]Day, error) {
	out, err := t.Days()
	slices.SortFunc(out, func(a, b Day) int { return strings.Compare(a.Key, b.Key) })
	return out, err
}

// Infos lists the days counted as days of channel, in the order they
// first came, each with its count as Events; nil when none.
func (t *Tally) Infos(channel int64) ([]archive.DayInfo, error) {
	ds, err := t.Days()
	if err != nil {
		return nil, err
	}
	var out []archive.DayInfo
	for _, d := range ds {
		out = append(out, archive.DayInfo{Channel: channel, Day: d.Date, Events: d.Events})
	}
	return out, nil
}
