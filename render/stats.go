package render

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"math"
	"proceedings/event"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"proceedings/archive"
)

// ChannelStats are the numbers behind a channel's stats page over a range
// of days. The stats page and ComputeStats get them from one aggregation.
type ChannelStats struct {
	Network, Channel string
	First, Last      event.Date  // first and last day with events in the range (zero: none)
	Events           int         // every event
	Lines            int         // messages, actions and notices
	ActiveDays       int         // days with at least one line
	Speakers         int         // distinct people (folded nicks) with at least one line
	TopTalkers       []Talker    // most lines first, at most top
	Hours            [24]int     // lines per hour of the day, site timezone
	Weekdays         [7]int      // lines per weekday, indexed by time.Weekday (Sunday = 0)
	Links            int         // links shared
	Hosts            []HostCount // most shared link hosts, most first, at most top
}

// Talker is one person's share of a channel: their nick as they last
// spelled it (formatting removed), lines and words.
type Talker struct {
	Nick         string
	Lines, Words int
}

// HostCount is how many shared links went to one host (lower case,
// without "www.").
type HostCount struct {
	Host  string
	Links int
}

// MarshalJSON writes the stats with lower-case keys, as the web API does,
// and the days as "2006-01-02" (left out when there is none).
func (s ChannelStats) MarshalJSON() ([]byte, error) {
	type talker struct {
		Nick  string `json:"nick"`
		Lines int    `json:"lines"`
		Words int    `json:"words"`
	}
	type host struct {
		Host  string `json:"host"`
		Links int    `json:"links"`
	}
	out := struct {
		Network    string   `json:"network"`
		Channel    string   `json:"channel"`
		First      string   `json:"first,omitempty"`
		Last       string   `json:"last,omitempty"`
		Events     int      `json:"events"`
		Lines      int      `json:"lines"`
		ActiveDays int      `json:"active_days"`
		Speakers   int      `json:"speakers"`
		TopTalkers []talker `json:"top_talkers"`
		Hours      [24]int  `json:"hours"`
		Weekdays   [7]int   `json:"weekdays"`
		Links      int      `json:"links"`
		Hosts      []host   `json:"hosts"`
	}{Network: s.Network, Channel: s.Channel, Events: s.Events, Lines: s.Lines, ActiveDays: s.ActiveDays,
		Speakers: s.Speakers, Hours: s.Hours, Weekdays: s.Weekdays, Links: s.Links,
		TopTalkers: make([]talker, 0, len(s.TopTalkers)), Hosts: make([]host, 0, len(s.Hosts))}
	if !s.First.IsZero() {
		out.First, out.Last = s.First.String(), s.Last.String()
	}
	for _, t := range s.TopTalkers {
		out.TopTalkers = append(out.TopTalkers, talker(t))
	}
	for _, h := range s.Hosts {
		out.Hosts = append(out.Hosts, host(h))
	}
	return json.Marshal(out)
}

// ComputeStats streams a channel's days in [from, to] (zero dates:
// unbounded) from the archive through the stats page's aggregation: the
// same per-day counting as a rendered day and the same folding of days as
// the stats page. Memory stays flat with the range. Days are counted in the
// archive's timezone, which is the site's. ComputeStats does not ask
// whether the channel is public: callers that publish must.
func ComputeStats(ctx context.Context, db archive.Store, channelID int64, from, to event.Date, top int) (ChannelStats, error) {
	chans, err := db.Channels(ctx)
	if err != nil {
		return ChannelStats{}, err
	}
	var ch *archive.Channel
	for i := range chans {
		if chans[i].ID == channelID {
			ch = &chans[i]
		}
	}
	if ch == nil {
		return ChannelStats{}, fmt.Errorf("stats: %w: id %d", archive.ErrNoChannel, channelID)
	}
	acc := newStatsAcc()
	if ch.Days > 0 {
		if from.IsZero() || from.Before(ch.First) {
			from = ch.First
		}
		if to.IsZero() || ch.Last.Before(to) {
			to = ch.Last
		}
	}
	if ch.Days > 0 && !to.Before(from) {
		err := aggregateDays(ctx, db, ch.ID, from, to, acc.add)
		if err != nil {
			return ChannelStats{}, fmt.Errorf("stats of %s: %w", ch.Name, err)
		}
	}
	return acc.stats(ch.Network, ch.Name, top), nil
}

// statsChunkDays is how many days one worker of aggregateDays reads at a
// time.
const statsChunkDays = 32

// aggregateDays reads the events of a channel's days from..to and hands
// each day's aggregate to fn, oldest day first. Chunks of days are read on
// every core at once (most of the cost is reading rows from SQLite), and at
// most two chunks per core wait to be handed on, so memory stays flat
// whatever the range.
func aggregateDays(ctx context.Context, db archive.Store, channelID int64, from, to event.Date, fn func(event.Date, *dayAgg)) error {
	type result struct {
		days []event.Date
		aggs []dayAgg
		err  error
	}
	type chunk struct {
		from, to event.Date
		done     chan result
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan chunk)
	pending := make(chan chunk, 2*workers) // in order
	go func() {
		defer close(jobs)
		defer close(pending)
		for d := from; !to.Before(d); d = d.AddDays(statsChunkDays) {
			c := chunk{from: d, to: d.AddDays(statsChunkDays - 1), done: make(chan result, 1)}
			if to.Before(c.to) {
				c.to = to
			}
			select {
			case pending <- c:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	loc := db.Location()
	for range workers {
		go func() {
			a := newDayAggregator()
			for c := range jobs {
				var r result
				start, _ := c.from.Bounds(loc)
				_, end := c.to.Bounds(loc)
				var cur event.Date
				flush := func() {
					a.finish()
					r.days, r.aggs = append(r.days, cur), append(r.aggs, a.agg)
				}
				r.err = db.Range(ctx, channelID, start, end, archive.CountFields, func(ev event.Event) error {
					local := ev.Time.In(loc)
					y, m, d := local.Date()
					if day := (event.Date{Year: y, Month: m, Day: d}); day != cur {
						if !cur.IsZero() {
							flush()
						}
						cur = day
						a.reset(day.String(), 0)
					}
					a.add(&ev, local)
					return nil
				})
				if r.err == nil && !cur.IsZero() {
					flush()
				}
				c.done <- r
			}
		}()
	}
	for c := range pending {
		var r result
		select {
		case r = <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.err != nil {
			return r.err
		}
		for i := range r.aggs {
			fn(r.days[i], &r.aggs[i])
		}
	}
	return ctx.Err()
}

// statsAcc folds days' aggregates (dayAgg, oldest day first) into a
// channel's numbers: the one aggregation behind the stats page and
// ComputeStats. It holds one entry per person and per host, nothing per day.
type statsAcc struct {
	st      ChannelStats // the sums; TopTalkers and Hosts are filled by stats
	talkers map[string]*talkerAcc
	hosts   map[string]int
}

type talkerAcc struct {
	key, nick          string // folded, and as last spelled
	lines, words, days int
}

func newStatsAcc() *statsAcc {
	return &statsAcc{talkers: map[string]*talkerAcc{}, hosts: map[string]int{}}
}

// add counts one day; days come oldest first.
func (s *statsAcc) add(day event.Date, a *dayAgg) {
	if s.st.First.IsZero() {
		s.st.First = day
	}
	s.st.Last = day
	s.st.Events += a.Events
	s.st.Lines += a.Lines
	if a.Lines > 0 {
		s.st.ActiveDays++
	}
	for h, n := range a.Hours {
		s.st.Hours[h] += int(n)
	}
	s.st.Weekdays[day.Weekday()] += a.Lines
	s.st.Links += a.LinkCount
	for _, n := range a.Nicks {
		t := s.talkers[n.Key]
		if t == nil {
			t = &talkerAcc{key: n.Key}
			s.talkers[n.Key] = t
		}
		t.nick = n.Nick // days are oldest first: the latest spelling wins
		t.lines += n.Lines
		t.words += n.Words
		t.days++
	}
	for _, h := range a.Hosts {
		s.hosts[h.Host] += h.N
	}
}

// topTalkers returns at most n people, most lines first (ties by folded
// nick).
func (s *statsAcc) topTalkers(n int) []*talkerAcc {
	all := make([]*talkerAcc, 0, len(s.talkers))
	for _, t := range s.talkers {
		all = append(all, t)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].lines != all[j].lines {
			return all[i].lines > all[j].lines
		}
		return all[i].key < all[j].key
	})
	return all[:min(len(all), max(n, 0))]
}

// topHosts returns at most n hosts, most links first (ties by name).
func (s *statsAcc) topHosts(n int) []HostCount {
	if len(s.hosts) == 0 || n <= 0 {
		return nil
	}
	all := make([]HostCount, 0, len(s.hosts))
	for h, c := range s.hosts {
		all = append(all, HostCount{h, c})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Links != all[j].Links {
			return all[i].Links > all[j].Links
		}
		return all[i].Host < all[j].Host
	})
	all = all[:min(len(all), max(n, 0))]
	for i := range all {
		all[i].Host = sanitizeText(all[i].Host)
	}
	return all
}

// stats returns the numbers with the top people and hosts.
func (s *statsAcc) stats(network, channel string, top int) ChannelStats {
	st := s.st
	st.Network, st.Channel = network, channel
	st.Speakers = len(s.talkers)
	for _, t := range s.topTalkers(top) {
		st.TopTalkers = append(st.TopTalkers, Talker{Nick: stripNick(t.nick), Lines: t.lines, Words: t.words})
	}
	st.Hosts = s.topHosts(top)
	return st
}

type talkerRow struct {
	Rank             int
	Nick, Colour     string
	Lines, Days, Max int
	Percent          string
	WordsPerLine     string
}

type hostRow struct {
	Host   string
	N, Max int
}

// numRow is one number of a chart, for its table.
type numRow struct {
	Label string
	N     int
}

type busiestRow struct {
	Title, Href string
	Lines       int
}

type statsData struct {
	Channel, Network  string
	Zone              string
	Lines, Days       int
	Speakers          int
	LinkCount         int
	First, Last       string
	Bucket            string
	OverTime          template.HTML
	ByHour, ByWeekday template.HTML
	Hours, Weekdays   []numRow // the charts' numbers, as tables
	Talkers           []talkerRow
	Hosts             []hostRow
	Busiest           []busiestRow
}

const (
	topTalkers = 25
	topHosts   = 20
	topDays    = 10
)

// renderStats writes a channel's stats page from its cached day
// aggregates: no event is read again.
func (r *renderer) renderStats(c *chanInfo) error {
	acc := newStatsAcc()
	days := make([]busiestRow, 0, len(c.cache.Days))
	dates := make([]event.Date, 0, len(c.cache.Days))
	perDay := make([]int, 0, len(c.cache.Days))
	for i := range c.cache.Days {
		a := &c.cache.Days[i]
		day, err := event.ParseDate(a.Day)
		if err != nil {
			return err
		}
		acc.add(day, a)
		days = append(days, busiestRow{dayTitle(day), a.Day + ".html", a.Lines})
		dates = append(dates, day)
		perDay = append(perDay, a.Lines)
	}
	st := acc.stats(c.Network, c.Name, topHosts)
	data := statsData{Channel: c.Name, Network: c.Network, Zone: r.loc.String(), Lines: st.Lines, Days: st.ActiveDays,
		Speakers: st.Speakers, LinkCount: st.Links}
	if !st.First.IsZero() {
		data.First, data.Last = st.First.String(), st.Last.String()
	}
	talkers := acc.topTalkers(topTalkers)
	for i, t := range talkers {
		row := talkerRow{Rank: i + 1, Nick: stripNick(t.nick), Colour: colourClass(nickHash(t.key)), Lines: t.lines, Days: t.days,
			Max: talkers[0].lines, WordsPerLine: "0"}
		if st.Lines > 0 {
			row.Percent = strconv.FormatFloat(100*float64(t.lines)/float64(st.Lines), 'f', 1, 64) + "%"
		}
		if t.lines > 0 {
			row.WordsPerLine = strconv.FormatFloat(float64(t.words)/float64(t.lines), 'f', 1, 64)
		}
		data.Talkers = append(data.Talkers, row)
	}
	for _, h := range st.Hosts {
		data.Hosts = append(data.Hosts, hostRow{h.Host, h.Links, st.Hosts[0].Links})
	}
	sort.SliceStable(days, func(i, j int) bool { return days[i].Lines > days[j].Lines })
	data.Busiest = days[:min(len(days), topDays)]

	hourLabels := make([]string, 24)
	for h := range hourLabels {
		hourLabels[h] = fmt.Sprintf("%02d", h)
	}
	data.ByHour = barChart("hours", "Lines by hour of the day", hourLabels, st.Hours[:], 3)
	var weekdays [7]int // Monday first
	short := make([]string, 7)
	for i := range weekdays {
		d := time.Weekday((i + 1) % 7)
		weekdays[i] = st.Weekdays[d]
		short[i] = d.String()[:3]
		data.Weekdays = append(data.Weekdays, numRow{d.String(), weekdays[i]})
	}
	for h, n := range st.Hours {
		data.Hours = append(data.Hours, numRow{hourLabels[h] + ":00–" + hourLabels[h] + ":59", n})
	}
	data.ByWeekday = barChart("weekdays", "Lines by day of the week", short, weekdays[:], 1)
	labels, values, bucket := overTime(dates, perDay)
	data.Bucket = bucket
	every := max(1, len(labels)/8)
	data.OverTime = barChart("time", "Lines per "+bucket, labels, values, every)

	buf := getBuffer()
	defer putBuffer(buf)
	if err := r.execute(buf, "stats", r.page("Statistics of "+c.Name+" on "+c.Network+" — "+r.opt.Title, 2, c.dir+"stats.html", c.opts.NoIndex, &data).withSearch(c.Name, c.Network)); err != nil {
		return err
	}
	return r.writeFile(c.dir+"stats.html", true, buf.Bytes())
}

// overTime buckets lines per day into days, weeks or months, depending on
// how long the log is, with the empty buckets in between.
func overTime(dates []event.Date, lines []int) (labels []string, values []int, bucket string) {
	if len(dates) == 0 {
		return nil, nil, "day"
	}
	first, last := dates[0], dates[len(dates)-1]
	span := int(last.Time(time.UTC).Sub(first.Time(time.UTC)).Hours()/24) + 1
	key := func(d event.Date) event.Date { return d }
	step := func(d event.Date) event.Date { return d.AddDays(1) }
	label := func(d event.Date) string { return d.String() }
	bucket = "day"
	switch {
	case span > 3*366:
		bucket = "month"
		key = func(d event.Date) event.Date { return event.Date{Year: d.Year, Month: d.Month, Day: 1} }
		step = func(d event.Date) event.Date {
			t := time.Date(d.Year, d.Month+1, 1, 12, 0, 0, 0, time.UTC)
			return event.DateOf(t, time.UTC)
		}
		label = func(d event.Date) string { return d.String()[:7] }
	case span > 92:
		bucket = "week"
		key = func(d event.Date) event.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }
		step = func(d event.Date) event.Date { return d.AddDays(7) }
	}
	sums := map[event.Date]int{}
	for i, d := range dates {
		sums[key(d)] += lines[i]
	}
	for d := key(first); !key(last).Before(d); d = step(d) {
		labels = append(labels, label(d))
		values = append(values, sums[d])
	}
	return labels, values, bucket
}

// barChart draws an inline SVG bar chart. Only numbers and the given
// labels (fixed strings of ours, escaped all the same) go into it; its
// look comes from style.css. Bars share the width of the chart, up to
// maxSlot each: a chart of few bars (a channel of three days) keeps them
// slim, from the left. Labels are spaced so that they do not overlap;
// labelEvery asks for wider spacing still.
func barChart(id, title string, labels []string, values []int, labelEvery int) template.HTML {
	const (
		w, h         = 640.0, 220.0
		left, bottom = 44.0, 24.0
		top          = 8.0
		maxSlot      = 40.0 // a bar and its gap, at most
		charWidth    = 6.0  // of a label, about, at 11px
	)
	maxV := 0
	for _, v := range values {
		maxV = max(maxV, v)
	}
	n := max(1, len(values))
	bw := min((w-left)/float64(n), maxSlot)
	longest := 0
	for _, l := range labels {
		longest = max(longest, len(l))
	}
	labelEvery = max(labelEvery, int(math.Ceil((charWidth*float64(longest)+6)/bw)))
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-t"><title id="%s-t">%s</title>`,
		f(w), f(h), id, id, html.EscapeString(title))
	fmt.Fprintf(&b, `<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(left), f(h-bottom), f(w), f(h-bottom))
	fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">%d</text>`, f(left-4), f(top+10), maxV)
	fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">0</text>`, f(left-4), f(h-bottom))
	b.WriteString(`<g class="bars">`)
	for i, v := range values {
		bh := 0.0
		if maxV > 0 {
			bh = float64(v) / float64(maxV) * (h - bottom - top)
		}
		gap := min(2.0, bw*0.2)
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s"><title>%s: %d</title></rect>`,
			f(left+float64(i)*bw+gap/2), f(h-bottom-bh), f(bw-gap), f(bh), html.EscapeString(labels[i]), v)
	}
	b.WriteString(`</g>`)
	for i, l := range labels {
		x := left + (float64(i)+0.5)*bw
		if i%labelEvery != 0 || x+6*float64(len(l))/2 > w {
			continue // not every bar is labelled, and no label is cut at the edge
		}
		fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="middle">%s</text>`, f(x), f(h-6), html.EscapeString(l))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers and escaped fixed labels only
}
