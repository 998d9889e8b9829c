package render

import (
	"sort"

	"proceedings/archive"
)

// The plan decides which pages a render writes and which files it removes.
// It reads nothing: everything it looks at is in its planInput, gathered
// by renderer.run, and the stats caches of the channels it updates, which
// it asks for through a reader so that a render that touches one channel
// reads one cache. renderer.apply carries the plan out. docs/rendering.md
// lists its rules.

// fingerprint is what the pages show besides the archive's days, kept in
// the state: a render whose fingerprint and published channels match the
// last one's has nothing to do.
type fingerprint struct {
	DayKey    string // options and templates that every page shows (Options.keys)
	SiteKey   string // what only the listing pages show
	SeriesKey string // the series and their parts
	Rev       int64  // the archive revision
	Today     string // the date in the site's zone: the feed lists the days before it
}

// planInput is what the plan looks at.
type planInput struct {
	old        *state         // what the last render left; nil when there is none
	now        fingerprint    // what this render shows
	forced     bool           // Options.Full
	configured bool           // Options.Channels decides what is published (and is in the day key)
	chans      []*chanInfo    // the published channels with their calendars, sorted by network and name
	changed    map[int64]bool // channels with a day changed since old.Rev; unused in a full render
}

// last is the state of the last render, empty when there is none.
func (in *planInput) last() *state {
	if in.old == nil {
		return &state{}
	}
	return in.old
}

// rendersAll says whether every page is written again: there is no state,
// the options or templates that every page shows changed (the day key), or
// Options.Full asks for it.
func (in *planInput) rendersAll() bool {
	return in.forced || in.old == nil || in.old.DayKey != in.now.DayKey
}

// upToDate says whether the site already shows the archive as it is: same
// fingerprint, same published channels in the same directories. chans may
// be nil when Options.Channels decides them, as the day key then covers
// them.
func upToDate(in planInput) bool {
	if in.rendersAll() || in.old.fingerprint != in.now {
		return false
	}
	return in.configured || sameChannels(in.old.Channels, in.chans)
}

func sameChannels(old []stateChannel, now []*chanInfo) bool {
	if len(old) != len(now) {
		return false
	}
	for i := range old {
		if old[i].ID != now[i].ID || old[i].Dir != now[i].dir {
			return false
		}
	}
	return true
}

// sitePlan is what a render writes and removes.
type sitePlan struct {
	full        bool // every page is written again
	siteChanged bool // the site's own pages (static files, Markdown pages) and every channel's calendar and stats
	series      bool // the series pages
	allIndexes  bool // every daily index, and stale ones removed: a full render or another set of channels
	feedRebuild bool // the feed is made again from every channel's cache instead of from the last one

	removeDirs   []string // directories of channels that are no longer published there
	removeCaches []int64  // stats caches of channels that are no longer published

	update   []*channelUpdate             // channels whose calendar, stats page and cache are written
	jobs     []dayJob                     // the channel-days rendered, by channel then day
	gone     []string                     // files of days that went away
	touched  map[string]bool              // dates whose daily index lists something else now
	moved    map[string]bool              // dates that appeared or went away in some channel: their neighbours' links change
	byDate   map[string][]dayIndexChannel // every date's daily index entries
	dates    []string                     // every date with a page, sorted
	indexes  []string                     // dates whose daily index is written
	unlisted []string                     // dates whose daily index is removed: no channel has the date any more
}

// channelUpdate is a channel whose calendar, stats page and stats cache
// are written.
type channelUpdate struct {
	ch       *chanInfo
	reusable bool       // its last stats cache still applies: the channel was published in the same directory
	last     *chanCache // that cache, from planDays; empty when none applies
}

// plan decides what a render writes. readCaches reads the last stats
// caches of the given channels; a missing or unreadable cache is left out
// (every day of that channel is then rendered).
func plan(in planInput, readCaches func(ids []int64) map[int64]*chanCache) *sitePlan {
	p := planChannels(in)
	var ids []int64
	for _, u := range p.update {
		if u.reusable {
			ids = append(ids, u.ch.ID)
		}
	}
	var caches map[int64]*chanCache
	if len(ids) > 0 {
		caches = readCaches(ids)
	}
	p.planDays(caches)
	p.planIndexes(in.chans)
	p.feedRebuild = p.feedRebuild || p.feedLosesDay(in)
	return p
}

// planChannels decides which channels are updated and which directories
// go.
func planChannels(in planInput) *sitePlan {
	old := in.last()
	p := &sitePlan{full: in.rendersAll()}
	p.siteChanged = p.full || old.SiteKey != in.now.SiteKey
	p.series = p.siteChanged || old.SeriesKey != in.now.SeriesKey

	oldChans := map[int64]stateChannel{}
	for _, c := range old.Channels {
		oldChans[c.ID] = c
	}
	byID := map[int64]*chanInfo{}
	setChanged := len(oldChans) != len(in.chans)
	for _, c := range in.chans {
		byID[c.ID] = c
		oc, known := oldChans[c.ID]
		sameDir := known && oc.Dir == c.dir
		if !sameDir {
			setChanged = true // a new channel, or one in a new directory
		}
		if p.siteChanged || !sameDir || in.changed[c.ID] || oc.Days != len(c.cal) {
			p.update = append(p.update, &channelUpdate{ch: c, reusable: sameDir})
		}
	}
	// A channel no longer published loses every page and its cache; one in
	// a new directory loses the old directory.
	for _, oc := range old.Channels {
		c := byID[oc.ID]
		if c == nil || c.dir != oc.Dir {
			p.removeDirs = append(p.removeDirs, oc.Dir)
		}
		if c == nil {
			p.removeCaches = append(p.removeCaches, oc.ID)
		}
	}
	p.allIndexes = p.full || setChanged
	p.feedRebuild = p.allIndexes || old.Today != in.now.Today
	return p
}

// planDays decides which days of the updated channels are rendered, and
// which days' files go. caches holds the last stats caches of the
// channels whose cache still applies.
func (p *sitePlan) planDays(caches map[int64]*chanCache) {
	p.touched, p.moved = map[string]bool{}, map[string]bool{}
	for _, u := range p.update {
		u.last = caches[u.ch.ID]
		if u.last == nil || !u.reusable {
			u.last = &chanCache{}
		}
		p.planChannelDays(u.ch, u.last)
	}
}

// planChannelDays compares a channel's calendar with its last stats cache:
// a day that is new, changed (another revision) or next to a day that
// appeared or went away is rendered; a day that went away loses its files.
func (p *sitePlan) planChannelDays(c *chanInfo, cache *chanCache) {
	dirty := make([]bool, len(c.cal))
	cached := make(map[string]*dayAgg, len(cache.Days))
	for i := range cache.Days {
		cached[cache.Days[i].Day] = &cache.Days[i]
	}
	present := make(map[string]bool, len(c.cal))
	for i, d := range c.cal {
		ds := d.Day.String()
		present[ds] = true
		last, ok := cached[ds]
		switch {
		case !ok:
			// A new day: its neighbours' previous/next links change.
			p.moved[ds] = true
			markAround(dirty, i, i+1)
		case p.full || last.Rev != d.Rev:
			dirty[i] = true
		}
	}
	for _, a := range cache.Days {
		if present[a.Day] {
			continue
		}
		// A day that is gone (redacted away): its pages go, and its
		// neighbours' links are mended.
		p.moved[a.Day] = true
		p.touched[a.Day] = true
		for _, ext := range dayFiles {
			p.gone = append(p.gone, c.dir+a.Day+ext)
		}
		next := sort.Search(len(c.cal), func(i int) bool { return c.cal[i].Day.String() > a.Day })
		markAround(dirty, next, next)
	}
	for i, d := range c.cal {
		if !dirty[i] {
			continue
		}
		j := dayJob{ch: c, info: d}
		if i > 0 {
			j.prev = c.cal[i-1].Day
		}
		if i+1 < len(c.cal) {
			j.next = c.cal[i+1].Day
		}
		p.jobs = append(p.jobs, j)
		p.touched[d.Day.String()] = true
	}
}

// markAround marks the span dirty[from:to] and the day on each side of it
// (those that exist).
func markAround(dirty []bool, from, to int) {
	for i := max(from-1, 0); i <= to && i < len(dirty); i++ {
		dirty[i] = true
	}
}

// dayFiles are the files of one channel-day, by suffix after the date.
var dayFiles = []string{".html", ".txt", ".gmi", ".css", "-links.html"}

// planIndexes decides which daily indexes are written or removed: those
// of every date when allIndexes is set, of the dates touched, and of the
// dates next to the dates that appeared or went away.
func (p *sitePlan) planIndexes(chans []*chanInfo) {
	p.byDate = map[string][]dayIndexChannel{}
	for _, c := range chans {
		for _, d := range c.cal {
			ds := d.Day.String()
			p.byDate[ds] = append(p.byDate[ds], dayIndexChannel{c.Name, c.Network, "../" + c.dir + ds + ".html", d.Lines})
		}
	}
	p.dates = make([]string, 0, len(p.byDate))
	for d := range p.byDate {
		p.dates = append(p.dates, d)
	}
	sort.Strings(p.dates)
	todo := map[string]bool{}
	if p.allIndexes {
		for _, d := range p.dates {
			todo[d] = true
		}
	}
	for d := range p.touched {
		todo[d] = true
	}
	for d := range p.moved {
		i := sort.SearchStrings(p.dates, d)
		if i > 0 {
			todo[p.dates[i-1]] = true
		}
		if i < len(p.dates) && p.dates[i] == d {
			i++
		}
		if i < len(p.dates) {
			todo[p.dates[i]] = true
		}
	}
	for d := range todo {
		if len(p.byDate[d]) > 0 {
			p.indexes = append(p.indexes, d)
		} else {
			p.unlisted = append(p.unlisted, d)
		}
	}
	sort.Strings(p.indexes)
	sort.Strings(p.unlisted)
}

// feedLosesDay says whether the last feed lists a day that is gone: of a
// channel no longer published, or a day an updated channel no longer has.
// An older day may then come back into the feed, which only a rebuild
// finds.
func (p *sitePlan) feedLosesDay(in planInput) bool {
	published := make(map[int64]bool, len(in.chans))
	for _, c := range in.chans {
		published[c.ID] = true
	}
	updated := make(map[int64]*chanInfo, len(p.update))
	for _, u := range p.update {
		updated[u.ch.ID] = u.ch
	}
	for _, e := range in.last().Feed {
		if !published[e.Channel] {
			return true
		}
		if c := updated[e.Channel]; c != nil && !hasDay(c.cal, e.Day) {
			return true
		}
	}
	return false
}

func hasDay(cal []archive.DayInfo, day string) bool {
	i := sort.Search(len(cal), func(i int) bool { return cal[i].Day.String() >= day })
	return i < len(cal) && cal[i].Day.String() == day
}
