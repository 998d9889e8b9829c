package render

import (
	"fmt"
	"html"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"

	"proceedings/archive"
)

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
	data := statsData{Channel: c.Name, Network: c.Network, Zone: r.loc.String(), Days: len(c.cache.Days)}
	var hours [24]int
	var weekdays [7]int // Monday first
	type talker struct {
		nick               string
		lines, words, days int
	}
	talkers := map[string]*talker{}
	hosts := map[string]int{}
	days := make([]busiestRow, 0, len(c.cache.Days))
	var dates []archive.Date
	var perDay []int
	for i := range c.cache.Days {
		a := &c.cache.Days[i]
		day, err := archive.ParseDate(a.Day)
		if err != nil {
			return err
		}
		data.Lines += a.Lines
		data.LinkCount += a.LinkCount
		for h, n := range a.Hours {
			hours[h] += int(n)
		}
		weekdays[(int(day.Weekday())+6)%7] += a.Lines
		for _, n := range a.Nicks {
			t := talkers[n.Key]
			if t == nil {
				t = &talker{}
				talkers[n.Key] = t
			}
			t.nick = n.Nick // days are oldest first: the latest spelling wins
			t.lines += n.Lines
			t.words += n.Words
			t.days++
		}
		for _, h := range a.Hosts {
			hosts[h.Host] += h.N
		}
		days = append(days, busiestRow{dayTitle(day), a.Day + ".html", a.Lines})
		dates = append(dates, day)
		perDay = append(perDay, a.Lines)
	}
	data.Speakers = len(talkers)
	if len(dates) > 0 {
		data.First, data.Last = dates[0].String(), dates[len(dates)-1].String()
	}

	keys := make([]string, 0, len(talkers))
	for k := range talkers {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := talkers[keys[i]], talkers[keys[j]]
		if a.lines != b.lines {
			return a.lines > b.lines
		}
		return keys[i] < keys[j]
	})
	for i, k := range keys[:min(len(keys), topTalkers)] {
		t := talkers[k]
		row := talkerRow{Rank: i + 1, Nick: stripNick(t.nick), Colour: colourClass(nickHash(k)), Lines: t.lines, Days: t.days,
			Max: talkers[keys[0]].lines, WordsPerLine: "0"}
		if data.Lines > 0 {
			row.Percent = strconv.FormatFloat(100*float64(t.lines)/float64(data.Lines), 'f', 1, 64) + "%"
		}
		if t.lines > 0 {
			row.WordsPerLine = strconv.FormatFloat(float64(t.words)/float64(t.lines), 'f', 1, 64)
		}
		data.Talkers = append(data.Talkers, row)
	}
	hostKeys := make([]string, 0, len(hosts))
	for h := range hosts {
		hostKeys = append(hostKeys, h)
	}
	sort.Slice(hostKeys, func(i, j int) bool {
		if hosts[hostKeys[i]] != hosts[hostKeys[j]] {
			return hosts[hostKeys[i]] > hosts[hostKeys[j]]
		}
		return hostKeys[i] < hostKeys[j]
	})
	for _, h := range hostKeys[:min(len(hostKeys), topHosts)] {
		data.Hosts = append(data.Hosts, hostRow{sanitizeText(h), hosts[h], hosts[hostKeys[0]]})
	}
	sort.SliceStable(days, func(i, j int) bool { return days[i].Lines > days[j].Lines })
	data.Busiest = days[:min(len(days), topDays)]

	hourLabels := make([]string, 24)
	for h := range hourLabels {
		hourLabels[h] = fmt.Sprintf("%02d", h)
	}
	data.ByHour = barChart("hours", "Lines by hour of the day", hourLabels, hours[:], 3)
	dayNames := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	short := make([]string, 7)
	for i, d := range dayNames {
		short[i] = d[:3]
		data.Weekdays = append(data.Weekdays, numRow{d, weekdays[i]})
	}
	for h, n := range hours {
		data.Hours = append(data.Hours, numRow{hourLabels[h] + ":00–" + hourLabels[h] + ":59", n})
	}
	data.ByWeekday = barChart("weekdays", "Lines by day of the week", short, weekdays[:], 1)
	labels, values, bucket := overTime(dates, perDay)
	data.Bucket = bucket
	every := max(1, len(labels)/8)
	data.OverTime = barChart("time", "Lines per "+bucket, labels, values, every)

	buf := getBuffer()
	defer putBuffer(buf)
	if err := r.execute(buf, "stats", r.page("Statistics of "+c.Name+" on "+c.Network+" — "+r.opt.Title, 2, c.dir+"stats.html", c.opts.NoIndex, &data)); err != nil {
		return err
	}
	return r.writeFile(c.dir+"stats.html", buf.Bytes(), true)
}

// overTime buckets lines per day into days, weeks or months, depending on
// how long the log is, with the empty buckets in between.
func overTime(dates []archive.Date, lines []int) (labels []string, values []int, bucket string) {
	if len(dates) == 0 {
		return nil, nil, "day"
	}
	first, last := dates[0], dates[len(dates)-1]
	span := int(last.Time(time.UTC).Sub(first.Time(time.UTC)).Hours()/24) + 1
	key := func(d archive.Date) archive.Date { return d }
	step := func(d archive.Date) archive.Date { return d.AddDays(1) }
	label := func(d archive.Date) string { return d.String() }
	bucket = "day"
	switch {
	case span > 3*366:
		bucket = "month"
		key = func(d archive.Date) archive.Date { return archive.Date{Year: d.Year, Month: d.Month, Day: 1} }
		step = func(d archive.Date) archive.Date {
			t := time.Date(d.Year, d.Month+1, 1, 12, 0, 0, 0, time.UTC)
			return archive.DateOf(t, time.UTC)
		}
		label = func(d archive.Date) string { return d.String()[:7] }
	case span > 92:
		bucket = "week"
		key = func(d archive.Date) archive.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }
		step = func(d archive.Date) archive.Date { return d.AddDays(7) }
	}
	sums := map[archive.Date]int{}
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
// look comes from style.css.
func barChart(id, title string, labels []string, values []int, labelEvery int) template.HTML {
	const (
		w, h         = 640.0, 220.0
		left, bottom = 44.0, 24.0
		top          = 8.0
	)
	maxV := 0
	for _, v := range values {
		maxV = max(maxV, v)
	}
	n := max(1, len(values))
	bw := (w - left) / float64(n)
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
