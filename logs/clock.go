package logs

import "time"

// clock turns the times written in a log into instants. It remembers the
// current local day, notices midnight in formats that write only a time of
// day, and caches the start of the day so that the common case (a day with
// one UTC offset throughout) costs an addition.
type clock struct {
	loc      *time.Location
	haveDate bool
	y        int
	m        time.Month
	d        int
	prevTod  int       // seconds since local midnight of the previous line, -1 for none
	prevUTC  time.Time // instant of the previous line
	dayStart time.Time // local midnight of y-m-d, in UTC
	fixed    bool      // the offset is the same all day: t = dayStart + time of day
}

func newClock(loc *time.Location) clock {
	if loc == nil {
		loc = time.UTC
	}
	return clock{loc: loc, prevTod: -1}
}

func (c *clock) setLocation(loc *time.Location) {
	c.loc = loc
	if c.haveDate {
		c.recache()
	}
}

// setDate makes y-m-d the current day; the next time of day starts afresh.
func (c *clock) setDate(y int, m time.Month, d int) {
	n := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	c.y, c.m, c.d = n.Year(), n.Month(), n.Day()
	c.haveDate = true
	c.prevTod = -1
	c.recache()
}

func (c *clock) recache() {
	start := time.Date(c.y, c.m, c.d, 0, 0, 0, 0, c.loc)
	end := time.Date(c.y, c.m, c.d+1, 0, 0, 0, 0, c.loc)
	_, o1 := start.Zone()
	_, o2 := end.Zone()
	c.fixed = o1 == o2 && end.Sub(start) == 24*time.Hour &&
		start.Hour() == 0 && start.Minute() == 0
	c.dayStart = start.UTC()
}

// tod returns the instant of a time of day on the current day, moving to the
// next day when the time goes back by more than twelve hours.
func (c *clock) tod(h, mi, s int) (time.Time, bool) {
	if !c.haveDate {
		return time.Time{}, false
	}
	t := h*3600 + mi*60 + s
	if c.prevTod >= 0 && t < c.prevTod-12*3600 {
		c.setDate(c.y, c.m, c.d+1)
	}
	c.prevTod = t
	return c.instant(h, mi, s), true
}

// full returns the instant of a complete local date and time.
func (c *clock) full(y int, m time.Month, d, h, mi, s int) time.Time {
	if !c.haveDate || y != c.y || m != c.m || d != c.d {
		c.setDate(y, m, d)
	}
	c.prevTod = h*3600 + mi*60 + s
	return c.instant(h, mi, s)
}

func (c *clock) instant(h, mi, s int) time.Time {
	var t time.Time
	if c.fixed {
		t = c.dayStart.Add(time.Duration(h*3600+mi*60+s) * time.Second)
	} else {
		t = time.Date(c.y, c.m, c.d, h, mi, s, 0, c.loc).UTC()
		if l := t.In(c.loc); l.Day() != c.d || l.Hour() != h || l.Minute() != mi || l.Second() != s {
			// no such wall-clock time: the clocks went forward over it
			t = c.inGap(h, mi, s)
			c.prevUTC = t
			return t
		}
		// When summer time ends a wall-clock hour happens twice. Of the
		// instants that read as this wall-clock time, take the earliest that
		// does not go back before the previous line (else the latest).
		if !c.prevUTC.IsZero() {
			best := t
			for _, d := range [...]time.Duration{-time.Hour, -30 * time.Minute, 0, 30 * time.Minute, time.Hour} {
				alt := t.Add(d)
				if ah, am, as := alt.In(c.loc).Clock(); ah != h || am != mi || as != s {
					continue
				}
				if alt.Before(c.prevUTC) {
					if best.Before(c.prevUTC) && alt.After(best) {
						best = alt
					}
				} else if best.Before(c.prevUTC) || alt.Before(best) {
					best = alt
				}
			}
			t = best
		}
	}
	c.prevUTC = t
	return t
}

// inGap returns the instant of a wall-clock time the clocks skipped when
// they went forward (01:30 in London on the last Sunday of March). time.Date
// moves it by the size of the jump, later in some zones, which puts it after
// the lines that follow it in the file. Read with the offset of after the
// jump it falls before the jump, so before every line written after it; and
// it is never put before the previous line, so the file's order is kept.
func (c *clock) inGap(h, mi, s int) time.Time {
	wall := time.Date(c.y, c.m, c.d, h, mi, s, 0, time.UTC)
	_, before := wall.Add(-24 * time.Hour).In(c.loc).Zone()
	_, after := wall.Add(24 * time.Hour).In(c.loc).Zone()
	t := wall.Add(-time.Duration(max(before, after)) * time.Second)
	if t.Before(c.prevUTC) {
		t = c.prevUTC
	}
	return t
}
