package render

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"math/bits"
	"proceedings/event"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"proceedings/archive"
	"proceedings/internal/ascii"
	"proceedings/internal/irctext"
	"proceedings/internal/links"
	"proceedings/logs"
	"proceedings/sitepath"
)

// feedLinks is how many links a day's feed entry names.
const feedLinks = 3

// quietGap is the silence after which a day page shows a visible gap.
const quietGap = time.Hour

// dayJob is one channel-day to render.
type dayJob struct {
	ch         *chanInfo
	info       archive.DayInfo
	prev, next event.Date // neighbouring days with events; zero when none
}

// worker holds the buffers one rendering goroutine reuses from day to day.
type worker struct {
	agg  *dayAggregator
	log  []byte
	page bytes.Buffer
	foot bytes.Buffer
	txt  bytes.Buffer
	gmi  []byte
	// people holds the speakers list and nick filter notices of the day
	// page (appendPeople).
	people []byte
}

// dayResult is what rendering a day gives back.
type dayResult struct {
	agg    dayAgg
	events int
}

type speaker struct {
	ID, Nick, Colour string
	Lines            int
}

type navLink struct{ Href, Title string }

type dayData struct {
	Heading       string
	Channel       string
	Network       string
	Zone          string
	Lines, Events int
	Prev, Next    *navLink
	Calendar      string
	DailyIndex    string
	Txt, Gmi      string
	LinksPage     string
	LinkCount     int
	// People lists the speakers (their <li> items) and Filters holds the
	// notice of each one's nick filter; both from the line writer
	// (appendPeople), "" on a day without speakers.
	People, Filters template.HTML
}

// linkRow is one link of a day's links page; appendLinkRow writes it.
type linkRow struct {
	id    int64
	at    time.Time // for attaching the bot's title line
	local time.Time // at in the site's zone
	nick  string    // as written; "" for a topic without a setter
	href  string    // accepted by links.Scan: http, https, gemini or irc
	text  string    // the link as written in the line
	title string    // the linked page's title when known, as written
	host  string    // with the port, as the bot's title line names it
	self  bool
}

// titleWindow is how long after a link the bot's title line may follow.
const titleWindow = time.Minute

// parseTitleLine reads the bot's title announcement, "[ Title ] - host"
// (see titles.PageTitle.Line).
func parseTitleLine(s string) (title, host string, ok bool) {
	if !strings.HasPrefix(s, "[ ") {
		return "", "", false
	}
	i := strings.LastIndex(s, " ] - ")
	if i < 2 {
		return "", "", false
	}
	title, host = s[2:i], s[i+len(" ] - "):]
	if title == "" || host == "" || strings.ContainsAny(host, " /") {
		return "", "", false
	}
	return title, host, true
}

// attachTitle gives the bot's title line to the link it titles: the latest
// untitled link from someone else within titleWindow, on the same host when
// one matches (the bot names the host after redirects).
func (a *dayAggregator) attachTitle(t time.Time, title, host string) {
	fallback := -1
	for i := len(a.rows) - 1; i >= 0 && i >= len(a.rows)-20; i-- {
		row := &a.rows[i]
		if t.Sub(row.at) > titleWindow {
			break
		}
		if row.self || row.title != "" {
			continue
		}
		if strings.EqualFold(row.host, host) {
			row.title = title
			return
		}
		if fallback < 0 {
			fallback = i
		}
	}
	if fallback >= 0 {
		a.rows[fallback].title = title
	}
}

type linksData struct {
	Heading  string
	Channel  string
	Network  string
	DayPage  string
	Calendar string
	Count    int
	Rows     template.HTML // from the line writer (appendLinkRow)
}

// dayAggregator counts a day's numbers (dayAgg) as its events go by: for a
// rendered day and, through ComputeStats, for the stats of a range. With
// titles set it also collects the rows of the day's links page.
type dayAggregator struct {
	agg   dayAgg
	nicks map[string]*nickAgg // by nick as written
	hosts map[string]int
	links map[string]int
	order []string // links in order of first appearance

	titles func(href string) string // a known post's title; nil: no rows
	base   string                   // the day's date, for the rows' links
	rows   []linkRow
}

func newDayAggregator() *dayAggregator {
	return &dayAggregator{nicks: map[string]*nickAgg{}, hosts: map[string]int{}, links: map[string]int{}}
}

// reset starts a day, keeping the maps' storage.
func (a *dayAggregator) reset(day string, rev int64) {
	a.agg = dayAgg{Day: day, Rev: rev}
	clear(a.nicks)
	clear(a.hosts)
	clear(a.links)
	a.order = a.order[:0]
	a.base = day
	a.rows = a.rows[:0]
}

// renderDay writes a channel-day's files: the page, its nick filters, its
// links page and its .txt and .gmi twins.
func (r *renderer) renderDay(ctx context.Context, job dayJob, w *worker) (dayResult, error) {
	if w.agg == nil {
		w.agg = newDayAggregator()
	}
	a := w.agg
	a.reset(job.info.Day.String(), job.info.Rev)
	a.titles = r.postTitle
	if err := r.readDay(ctx, job, w); err != nil {
		return dayResult{}, err
	}
	speakers := a.finish()
	dir, base := job.ch.dir, job.info.Day.String()
	if err := r.writeDayPage(job, w, speakers); err != nil {
		return dayResult{}, err
	}
	if err := r.writeFile(dir+base+".css", true, nickFilters(base, speakers)); err != nil {
		return dayResult{}, err
	}
	if err := r.writeLinksPage(job, w); err != nil {
		return dayResult{}, err
	}
	if err := r.writeFile(dir+base+".txt", true, w.txt.Bytes()); err != nil {
		return dayResult{}, err
	}
	if err := r.writeFile(dir+base+".gmi", true, w.gmi); err != nil {
		return dayResult{}, err
	}
	return dayResult{agg: a.agg, events: a.agg.Events}, nil
}

// readDay makes one pass over the day's events: it writes the log through
// the line writer (w.log), counts the day (w.agg), and writes the
// plain-text twin, our export format (w.txt), and the Gemini twin made of
// its lines (w.gmi).
func (r *renderer) readDay(ctx context.Context, job dayJob, w *worker) error {
	ch, day, a := job.ch, job.info.Day, w.agg
	w.log = w.log[:0]
	w.txt.Reset()
	lw := logs.NewWriter(&w.txt, r.loc)
	if err := lw.Header(ch.Network, ch.Name, day.Time(r.loc)); err != nil {
		return err
	}
	w.gmi = r.appendGeminiHead(w.gmi[:0], job)
	var prev time.Time
	start, end := day.Bounds(r.loc)
	err := r.db.Range(ctx, ch.ID, start, end, archive.PageFields, func(ev event.Event) error {
		local := ev.Time.In(r.loc)
		if a.agg.Events > 0 && ev.Time.Sub(prev) > quietGap {
			w.log = appendQuiet(w.log, ev.Time.Sub(prev))
		}
		prev = ev.Time
		if !r.opt.ShowHosts {
			ev.UserHost = ""
		}
		w.log = appendLine(w.log, &ev, local)
		a.add(&ev, local)
		mark := w.txt.Len()
		if err := lw.Write(ev); err != nil {
			return err
		}
		w.gmi = appendGeminiLine(w.gmi, w.txt.Bytes()[mark:], &ev)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", day, err)
	}
	if a.agg.Events > 0 {
		a.agg.Last = prev.UnixMilli()
	}
	return nil
}

// writeDayPage writes the day's page: its head (html/template), the lines
// from the line writer, which are the only HTML not made by a template,
// and its foot. Both templates start and end in HTML text, so they escape
// as one would.
func (r *renderer) writeDayPage(job dayJob, w *worker, speakers []speaker) error {
	ch, day, a := job.ch, job.info.Day, w.agg
	base := day.String()
	prevLink, nextLink := r.dayNav(job, ".html")
	data := dayData{
		Heading:    PageTitle(day),
		Channel:    ch.Name,
		Network:    ch.Network,
		Zone:       r.loc.String(),
		Lines:      a.agg.Lines,
		Events:     a.agg.Events,
		Prev:       prevLink,
		Next:       nextLink,
		Calendar:   "index.html",
		DailyIndex: "../../" + sitepath.DailyIndexPath(day),
		Txt:        base + ".txt",
		Gmi:        base + ".gmi",
		LinksPage:  base + "-links.html",
		LinkCount:  len(a.rows),
	}
	data.People, data.Filters = appendPeople(w, speakers)
	dayPath := ch.dir + base + ".html"
	pg := r.page(PageTitle(day), 2, dayPath, ch.opts.NoIndex, &data).withSearch(ch.Name, ch.Network)
	pg.Styles = []string{base + ".css"}
	pg.Script = true
	pg.Prev, pg.Next = prevLink, nextLink
	pg.Alternates = []alternate{{"text/plain", data.Txt}, {"text/gemini", data.Gmi}}
	if err := r.execute(&w.page, "dayhead", pg); err != nil {
		return err
	}
	if err := r.execute(&w.foot, "dayfoot", pg); err != nil {
		return err
	}
	return r.writeFile(dayPath, true, w.page.Bytes(), w.log, w.foot.Bytes())
}

// nickFilters is the day's stylesheet of nick filters: one rule per
// speaker, built from hashes only.
func nickFilters(base string, speakers []speaker) []byte {
	css := make([]byte, 0, 64*len(speakers))
	ids := make([]string, 0, len(speakers))
	for _, s := range speakers {
		ids = append(ids, s.ID)
	}
	sort.Strings(ids)
	css = append(css, "/* Nick filters of "...)
	css = append(css, base...)
	css = append(css, ": #n-HASH in the address shows one person's lines. */\n"...)
	for _, id := range ids {
		css = append(css, '#')
		css = append(css, id...)
		css = append(css, ":target~.log li:not(."...)
		css = append(css, id...)
		css = append(css, "){display:none}\n"...)
	}
	return css
}

// writeLinksPage writes the page of the links shared that day.
func (r *renderer) writeLinksPage(job dayJob, w *worker) error {
	ch, day, a := job.ch, job.info.Day, w.agg
	base := day.String()
	w.log = w.log[:0]
	for i := range a.rows {
		w.log = appendLinkRow(w.log, &a.rows[i], base)
	}
	ld := linksData{
		Heading:  "Links for the day: " + dayTitle(day),
		Channel:  ch.Name,
		Network:  ch.Network,
		DayPage:  base + ".html",
		Calendar: "index.html",
		Count:    len(a.rows),
		Rows:     template.HTML(w.log), // the line writer's: escaped text, fixed markup
	}
	rel := ch.dir + base + "-links.html"
	lp := r.page("Links for the day: "+dayTitle(day)+" — "+ch.Name, 2, rel, ch.opts.NoIndex, &ld).withSearch(ch.Name, ch.Network)
	lp.Prev, lp.Next = r.dayNav(job, "-links.html")
	if err := r.execute(&w.page, "links", lp); err != nil {
		return err
	}
	return r.writeFile(rel, true, w.page.Bytes())
}

// PageTitle is the title of a day's pages and of its announcement:
// "IRC Proceedings: Monday, February 02, 2026".
func PageTitle(day event.Date) string {
	return "IRC Proceedings: " + dayTitle(day)
}

func dayTitle(day event.Date) string { return logs.DayTitle(day.Time(time.UTC)) }

// dayNav links a day's neighbours; ext picks the twin (".html", ".gmi", …).
func (r *renderer) dayNav(job dayJob, ext string) (prev, next *navLink) {
	if !job.prev.IsZero() {
		prev = &navLink{job.prev.String() + ext, dayTitle(job.prev)}
	}
	if !job.next.IsZero() {
		next = &navLink{job.next.String() + ext, dayTitle(job.next)}
	}
	return prev, next
}

// appendQuiet writes the visible gap for a quiet stretch of d; only fixed
// text and numbers.
func appendQuiet(b []byte, d time.Duration) []byte {
	h := int(d / time.Hour)
	m := int((d % time.Hour) / time.Minute)
	b = append(b, `<li class="quiet"><span>`...)
	b = strconv.AppendInt(b, int64(h), 10)
	if h == 1 {
		b = append(b, " hour"...)
	} else {
		b = append(b, " hours"...)
	}
	if m > 0 {
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(m), 10)
		if m == 1 {
			b = append(b, " minute"...)
		} else {
			b = append(b, " minutes"...)
		}
	}
	return append(b, " without a line</span></li>\n"...)
}

// add counts one event of the day; local is its time in the site's zone.
func (a *dayAggregator) add(ev *event.Event, local time.Time) {
	a.agg.Events++
	speech := ev.Kind.IsSpeech()
	if speech {
		a.agg.Lines++
		a.agg.Hours[local.Hour()]++
		n := a.nicks[ev.Nick]
		if n == nil {
			n = &nickAgg{Nick: ev.Nick}
			a.nicks[ev.Nick] = n
		}
		n.Lines++
		n.Words += countWords(ev.Text)
	}
	if !speech && ev.Kind != event.KindTopic {
		return
	}
	if ev.Flags&event.FlagSelf != 0 && ev.Kind == event.KindMessage {
		if title, host, ok := parseTitleLine(ev.Text); ok {
			if a.titles != nil {
				a.attachTitle(ev.Time, title, host)
			}
			return
		}
	}
	if !links.MayContain(ev.Text) {
		return
	}
	links.Scan(ev.Text, func(start, end int, href string) {
		if a.links[href] == 0 {
			a.order = append(a.order, href)
		}
		a.links[href]++
		a.agg.LinkCount++
		host := links.Host(href)
		if h := linkHost(host); h != "" {
			a.hosts[h]++
		}
		if a.titles != nil {
			a.rows = append(a.rows, linkRow{id: ev.ID, at: ev.Time, local: local, nick: ev.Nick, href: href,
				text: ev.Text[start:end], title: a.titles(href), host: host, self: ev.Flags&event.FlagSelf != 0})
		}
	})
}

// finish folds the per-nick counts, fills the day's aggregate and returns
// the speakers for the nick filter, most lines first.
func (a *dayAggregator) finish() []speaker {
	byKey := map[string]*nickAgg{}
	// Deterministic: visit nicks in a fixed order, so the spelling kept for
	// a folded key does not depend on map order.
	raw := make([]string, 0, len(a.nicks))
	for n := range a.nicks {
		raw = append(raw, n)
	}
	sort.Strings(raw)
	for _, n := range raw {
		c := a.nicks[n]
		key := event.FoldChannel(n)
		if m := byKey[key]; m != nil {
			m.Lines += c.Lines
			m.Words += c.Words
			if c.Lines > m.Lines-c.Lines {
				m.Nick = c.Nick
			}
			continue
		}
		byKey[key] = &nickAgg{Key: key, Nick: c.Nick, Lines: c.Lines, Words: c.Words}
	}
	speakers := make([]speaker, 0, len(byKey))
	for _, n := range byKey {
		a.agg.Nicks = append(a.agg.Nicks, *n)
		h := nickHash(n.Key)
		speakers = append(speakers, speaker{ID: nickClass(h), Nick: stripNick(n.Nick), Colour: colourClass(h), Lines: n.Lines})
	}
	sort.Slice(a.agg.Nicks, func(i, j int) bool { return a.agg.Nicks[i].Key < a.agg.Nicks[j].Key })
	sort.Slice(speakers, func(i, j int) bool {
		if speakers[i].Lines != speakers[j].Lines {
			return speakers[i].Lines > speakers[j].Lines
		}
		return speakers[i].ID < speakers[j].ID
	})
	for h, n := range a.hosts {
		a.agg.Hosts = append(a.agg.Hosts, hostAgg{h, n})
	}
	sort.Slice(a.agg.Hosts, func(i, j int) bool { return a.agg.Hosts[i].Host < a.agg.Hosts[j].Host })
	top := append([]string(nil), a.order...)
	sort.SliceStable(top, func(i, j int) bool { return a.links[top[i]] > a.links[top[j]] })
	if len(top) > feedLinks {
		top = top[:feedLinks]
	}
	a.agg.Links = top
	return speakers
}

func stripNick(n string) string { return sanitizeText(n) }

// countWords counts the runs of bytes other than space and tab in s,
// eight bytes at a time.
func countWords(s string) int {
	const low7 = 0x7f7f7f7f7f7f7f7f
	// exact sets the top bit of each byte of x equal to c, and no other
	// (ascii.HasByte may mark the bytes after a match too).
	exact := func(x uint64, c byte) uint64 {
		y := x ^ uint64(c)*ascii.Ones
		return ^((y&low7 + low7) | y | low7)
	}
	n := 0
	prevSpace := uint64(1) << 63 // the byte before s counts as a space
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := ascii.Word(s, i)
		space := exact(x, ' ') | exact(x, '\t')
		// A word starts at a byte that is not a space after one that is.
		starts := ^space & ascii.High & (space<<8 | prevSpace>>56)
		n += bits.OnesCount64(starts)
		prevSpace = space & (1 << 63)
	}
	in := prevSpace == 0
	for ; i < len(s); i++ {
		sp := s[i] == ' ' || s[i] == '\t'
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

// sanitizeText is text for html/template and plain-text outputs: mIRC
// formatting removed, control characters and invalid UTF-8 replaced.
func sanitizeText(s string) string {
	s = irctext.StripShown(s)
	clean := utf8.ValidString(s)
	for i := 0; clean && i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			clean = false
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r == utf8.RuneError && size == 1, r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			b.WriteRune('\uFFFD') // one per invalid byte, as the line writer does
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// appendGeminiHead starts a day's Gemini twin: its title, where it is
// from, and links to the neighbouring days and the other twins. The lines
// follow, from appendGeminiLine.
func (r *renderer) appendGeminiHead(b []byte, job dayJob) []byte {
	ch, day := job.ch, job.info.Day
	base := day.String()
	b = append(b, "# "...)
	b = append(b, PageTitle(day)...)
	b = append(b, "\n\nChannel "...)
	b = append(b, sanitizeText(ch.Name)...)
	b = append(b, " on "...)
	b = append(b, sanitizeText(ch.Network)...)
	b = append(b, "; times are "...)
	b = append(b, r.loc.String()...)
	b = append(b, ".\n\n"...)
	if !job.prev.IsZero() {
		b = append(b, "=> "+job.prev.String()+".gmi Previous day: "+dayTitle(job.prev)+"\n"...)
	}
	if !job.next.IsZero() {
		b = append(b, "=> "+job.next.String()+".gmi Next day: "+dayTitle(job.next)+"\n"...)
	}
	return append(b, "=> "+base+".txt Plain text\n=> "+base+".html Web page\n\n"...)
}

// appendGeminiLine writes one event to the Gemini twin: its line of the
// .txt twin (txt) without mIRC formatting, then its links, one per line as
// text/gemini wants them.
func appendGeminiLine(b, txt []byte, ev *event.Event) []byte {
	txt = bytes.TrimSuffix(txt, []byte("\n"))
	b = appendSanitized(b, txt)
	b = append(b, '\n')
	if (ev.Kind.IsSpeech() || ev.Kind == event.KindTopic) && links.MayContain(ev.Text) {
		links.Scan(ev.Text, func(_, _ int, href string) {
			b = append(b, "=> "...)
			b = append(b, href...)
			b = append(b, '\n')
		})
	}
	return b
}

// appendSanitized appends a line as sanitizeText would return it, without
// allocating in the common case of plain, valid text.
func appendSanitized(b, line []byte) []byte {
	onlyASCII := true
	for i := ascii.PlainPrefix(line); i < len(line); i++ {
		switch c := line[i]; {
		case c < 0x20 || c == 0x7f:
			return append(b, sanitizeText(string(line))...)
		case c == 0xc2 && i+1 < len(line) && line[i+1] >= 0x80 && line[i+1] < 0xa0: // a C1 control
			return append(b, sanitizeText(string(line))...)
		case c >= 0x80:
			onlyASCII = false
		}
	}
	if !onlyASCII && !utf8.Valid(line) {
		return append(b, sanitizeText(string(line))...)
	}
	return append(b, line...)
}

// execute runs the page template name into buf; a *page gets its chrome
// first.
func (r *renderer) execute(buf *bytes.Buffer, name string, data any) error {
	buf.Reset()
	if p, ok := data.(*page); ok && p.Chrome == nil {
		c, err := r.chrome(p)
		if err != nil {
			return err
		}
		p.Chrome = c
	}
	if err := r.tmpl.ExecuteTemplate(buf, name, data); err != nil {
		return fmt.Errorf("render %s page: %w", name, err)
	}
	return nil
}
