package render

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"proceedings/event"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"proceedings/archive"
	"proceedings/internal/links"
)

//go:embed templates/*.html static/*
var assets embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"plural":    plural,
	"leadingH1": leadingH1,
}).ParseFS(assets, "templates/*.html"))

// plural writes "1 line", "2 lines", "3 people".
func plural(n int, word string) string {
	s := strconv.Itoa(n)
	if n >= 10000 {
		s = groupThousands(s)
	}
	if n == 1 {
		return s + " " + word
	}
	switch word {
	case "person":
		return s + " people"
	}
	return s + " " + word + "s"
}

func groupThousands(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// renderer is one Render call.
type renderer struct {
	db    *archive.DB
	opt   Options
	loc   *time.Location
	tmpl  *template.Template
	files files
	nav   []navLink // Options.Pages, for every page's navigation

	titlesOnce sync.Once
	titles     map[string]string // post link → title, for the links pages

	chromeMu sync.Mutex
	chromes  map[chromeKey]*chrome // see chrome.go
}

// chanInfo is a published channel.
type chanInfo struct {
	archive.Channel
	opts  ChannelOptions
	dir   string            // ChannelPath
	cal   []archive.DayInfo // oldest first
	cache *chanCache        // loaded when the channel is rendered
	dirty bool              // its calendar and stats pages need rendering
}

// Render writes the site for the archive into opt.Out. It is incremental:
// it keeps what it rendered in Out/.proceedings-state.json and, on the next
// call, renders only the days that changed since (and the days next to new
// or removed ones, whose previous/next links change), the calendars, stats
// pages and daily indexes that list them, the front page and the feed.
// When the archive did not change it returns after a few small reads.
// Everything is rendered again when there is no state, when the options
// or the page templates changed, or when opt.Full is set. Renders of one
// output directory take turns (a lock file in Out).
//
// Output is deterministic: the same archive and options give the same
// bytes. Each file is replaced atomically.
func Render(ctx context.Context, db *archive.DB, opt Options) (Stats, error) {
	started := time.Now()
	if err := opt.normalize(db); err != nil {
		return Stats{}, err
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	unlock, err := lockOut(ctx, opt.Out)
	if err != nil {
		return Stats{}, err
	}
	defer unlock()
	r := &renderer{db: db, opt: opt, loc: opt.Location, tmpl: templates, files: files{out: opt.Out, dirs: map[string]bool{}}}
	for _, name := range opt.pageNames() {
		r.nav = append(r.nav, navLink{name + ".html", pageLabel(name)})
	}
	st, err := r.run(ctx)
	st.Written, st.Removed = r.files.lists()
	st.Duration = time.Since(started)
	if err != nil {
		return st, err
	}
	if st.Days > 0 || len(st.Written) > 0 {
		r.opt.Logger.Info("rendered the site", "component", "render", "out", opt.Out, "full", st.Full,
			"days", st.Days, "events", st.Events, "files", len(st.Written), "removed", len(st.Removed), "took", st.Duration.Round(time.Millisecond))
	}
	return st, nil
}

func (r *renderer) run(ctx context.Context) (Stats, error) {
	dayKey, siteKey, err := r.opt.keys()
	if err != nil {
		return Stats{}, err
	}
	rev, err := r.db.Revision(ctx)
	if err != nil {
		return Stats{}, err
	}
	series, seriesKey, err := r.loadSeries(ctx)
	if err != nil {
		return Stats{}, err
	}
	today := event.DateOf(r.opt.Now(), r.loc).String()
	old := r.loadState()
	full := r.opt.Full || old == nil || old.DayKey != dayKey

	var chans []*chanInfo
	if r.opt.Channels == nil || !(old != nil && !full && old.Rev == rev) {
		if chans, err = r.publicChannels(ctx); err != nil {
			return Stats{}, err
		}
	}
	if !full && old.Rev == rev && old.SiteKey == siteKey && old.SeriesKey == seriesKey && old.Today == today &&
		(r.opt.Channels != nil || sameChannels(old.Channels, chans)) {
		return Stats{Revision: rev}, nil // nothing changed
	}
	if chans == nil {
		if chans, err = r.publicChannels(ctx); err != nil {
			return Stats{}, err
		}
	}
	if old == nil {
		old = &state{}
	}
	st := Stats{Full: full, Revision: rev}
	siteChanged := full || old.SiteKey != siteKey

	// Which channels changed, and which went away.
	oldChans := map[int64]stateChannel{}
	for _, c := range old.Channels {
		oldChans[c.ID] = c
	}
	changed := map[int64]bool{}
	if !full {
		days, _, err := r.db.ChangedDays(ctx, old.Rev)
		if err != nil {
			return st, err
		}
		for _, d := range days {
			changed[d.Channel] = true
		}
	}
	all, err := r.db.AllDays(ctx)
	if err != nil {
		return st, err
	}
	byID := map[int64]*chanInfo{}
	for _, c := range chans {
		byID[c.ID] = c
	}
	for _, d := range all {
		if c := byID[d.Channel]; c != nil {
			c.cal = append(c.cal, d)
		}
	}
	channelSetChanged := len(oldChans) != len(chans)
	for _, c := range chans {
		oc, known := oldChans[c.ID]
		if !known || oc.Dir != c.dir {
			channelSetChanged = true
		}
		c.dirty = full || siteChanged || !known || changed[c.ID] || oc.Days != len(c.cal) || oc.Dir != c.dir
	}
	// Channels no longer published: remove every page of theirs.
	for _, oc := range old.Channels {
		if c := byID[oc.ID]; c == nil || c.dir != oc.Dir {
			if err := r.removeDir(oc.Dir); err != nil {
				return st, err
			}
			if c == nil {
				if err := r.removeCache(oc.ID); err != nil {
					return st, err
				}
			}
		}
	}

	// The days to render.
	var jobs []dayJob
	touched := map[string]bool{} // dates whose daily index changes
	moved := map[string]bool{}   // dates that appeared or went away in some channel
	for _, c := range chans {
		if !c.dirty {
			continue
		}
		if oc, ok := oldChans[c.ID]; ok && oc.Dir == c.dir {
			c.cache = r.loadCache(c.ID)
		}
		if c.cache == nil {
			c.cache = &chanCache{}
		}
		dirty := make([]bool, len(c.cal))
		cached := map[string]*dayAgg{}
		for i := range c.cache.Days {
			cached[c.cache.Days[i].Day] = &c.cache.Days[i]
		}
		present := map[string]bool{}
		for i, d := range c.cal {
			ds := d.Day.String()
			present[ds] = true
			prevAgg, ok := cached[ds]
			switch {
			case !ok:
				// A new day: its neighbours' previous/next links change.
				dirty[i] = true
				moved[ds] = true
				if i > 0 {
					dirty[i-1] = true
				}
				if i+1 < len(c.cal) {
					dirty[i+1] = true
				}
			case full || prevAgg.Rev != d.Rev:
				dirty[i] = true
			}
		}
		for _, a := range c.cache.Days {
			if present[a.Day] {
				continue
			}
			// A day that is gone (redacted away): remove its pages and
			// mend its neighbours' links.
			moved[a.Day] = true
			touched[a.Day] = true
			for _, ext := range dayFiles {
				if err := r.removeFile(c.dir + a.Day + ext); err != nil {
					return st, err
				}
			}
			i := sort.Search(len(c.cal), func(i int) bool { return c.cal[i].Day.String() > a.Day })
			if i < len(c.cal) {
				dirty[i] = true
			}
			if i > 0 {
				dirty[i-1] = true
			}
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
			jobs = append(jobs, j)
			touched[d.Day.String()] = true
		}
	}

	results, err := r.renderDays(ctx, jobs)
	if err != nil {
		return st, err
	}
	st.Days = len(jobs)
	rendered := map[int64]map[string]*dayAgg{}
	for i, j := range jobs {
		st.Events += results[i].events
		m := rendered[j.ch.ID]
		if m == nil {
			m = map[string]*dayAgg{}
			rendered[j.ch.ID] = m
		}
		m[j.info.Day.String()] = &results[i].agg
	}

	// Calendars, stats pages and caches of the channels that changed.
	for _, c := range chans {
		if !c.dirty {
			continue
		}
		cached := map[string]*dayAgg{}
		for i := range c.cache.Days {
			cached[c.cache.Days[i].Day] = &c.cache.Days[i]
		}
		fresh := &chanCache{Days: make([]dayAgg, 0, len(c.cal))}
		for _, d := range c.cal {
			ds := d.Day.String()
			if a := rendered[c.ID][ds]; a != nil {
				fresh.Days = append(fresh.Days, *a)
			} else if a := cached[ds]; a != nil {
				fresh.Days = append(fresh.Days, *a)
			} else {
				return st, fmt.Errorf("render: internal error: day %s of %s was neither rendered nor cached", ds, c.Name)
			}
		}
		c.cache = fresh
		if err := r.saveCache(c.ID, fresh); err != nil {
			return st, err
		}
		if err := r.renderCalendar(c); err != nil {
			return st, err
		}
		if err := r.renderStats(c); err != nil {
			return st, err
		}
	}

	// Daily indexes.
	if err := r.renderDailyIndexes(ctx, chans, touched, moved, full || channelSetChanged); err != nil {
		return st, err
	}

	// Front page, feed, series, static files.
	if err := r.renderFront(chans, series); err != nil {
		return st, err
	}
	feed, err := r.feedEntries(old, chans, rendered, today, full || channelSetChanged || old.Today != today)
	if err != nil {
		return st, err
	}
	if err := r.renderFeed(feed); err != nil {
		return st, err
	}
	seriesPaths := old.Series
	if full || old.SeriesKey != seriesKey || siteChanged {
		if seriesPaths, err = r.renderSeries(series, old.Series); err != nil {
			return st, err
		}
	}
	if full || siteChanged {
		if err := r.renderStatic(chans); err != nil {
			return st, err
		}
		if err := r.renderPages(old.Pages); err != nil {
			return st, err
		}
	}

	ns := &state{Version: stateVersion, DayKey: dayKey, SiteKey: siteKey, SeriesKey: seriesKey, Rev: rev, Today: today,
		Series: seriesPaths, Pages: r.opt.pageNames(), Feed: feed}
	for _, c := range chans {
		ns.Channels = append(ns.Channels, stateChannel{ID: c.ID, Network: c.Network, Name: c.Name, Dir: c.dir, Days: len(c.cal)})
	}
	return st, r.saveState(ns)
}

// dayFiles are the files of one channel-day, by suffix after the date.
var dayFiles = []string{".html", ".txt", ".gmi", ".css", "-links.html"}

// publicChannels lists the channels to publish, sorted by network and name.
func (r *renderer) publicChannels(ctx context.Context) ([]*chanInfo, error) {
	all, err := r.db.Channels(ctx)
	if err != nil {
		return nil, err
	}
	var out []*chanInfo
	for _, c := range all {
		co, listed := r.opt.chanOpts(c.Network, c.Name)
		public := c.Public
		if r.opt.Channels != nil {
			public = listed && co.Public
		}
		if !public {
			continue
		}
		if !listed {
			co = ChannelOptions{Network: c.Network, Name: c.Name, Public: true}
		}
		out = append(out, &chanInfo{Channel: c, opts: co, dir: ChannelPath(c.Network, c.Name)})
	}
	return out, nil
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

// renderDays renders the jobs on opt.Workers goroutines; results are in
// job order.
func (r *renderer) renderDays(ctx context.Context, jobs []dayJob) ([]dayResult, error) {
	results := make([]dayResult, len(jobs))
	ws := make([]worker, r.opt.Workers)
	var mu sync.Mutex
	done := 0
	err := r.parallel(ctx, len(jobs), func(w, i int) error {
		res, err := r.renderDay(ctx, jobs[i], &ws[w])
		if err != nil {
			return fmt.Errorf("render %s %s: %w", jobs[i].ch.Name, jobs[i].info.Day, err)
		}
		results[i] = res
		if r.opt.Progress != nil {
			mu.Lock()
			done++
			r.opt.Progress(done, len(jobs))
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// parallel calls fn(w, i) for i in [0, n) on up to opt.Workers goroutines;
// w numbers the goroutine, from 0, for state of its own. It stops handing
// out work at the first error, which it returns, or when ctx is done.
func (r *renderer) parallel(ctx context.Context, n int, fn func(w, i int) error) error {
	if n == 0 {
		return ctx.Err()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for w := range min(r.opt.Workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(w, i); err != nil {
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// postTitle is the title of a known post at href, for the links pages.
func (r *renderer) postTitle(href string) string {
	r.titlesOnce.Do(func() {
		r.titles = map[string]string{}
		posts, err := r.db.LatestPosts(context.Background(), 1<<20)
		if err != nil {
			r.opt.Logger.Warn("links pages without post titles", "component", "render", "err", err)
			return
		}
		for _, p := range posts {
			if u, ok := links.Href(p.Link); ok && p.Title != "" {
				r.titles[u] = sanitizeText(p.Title)
			}
		}
	})
	return r.titles[href]
}

// alternate is a <link rel="alternate">.
type alternate struct{ Type, Href string }

// page is what the layout template needs, around a page's own Data.
type page struct {
	Title      string
	Site       string
	Zone       string
	Root       string // relative path to the site root: "", "../", "../../"
	Canonical  string
	NoIndex    bool
	Styles     []string
	Script     bool
	Alternates []alternate
	Prev, Next *navLink
	Nav        []navLink  // Options.Pages
	Search     *searchBox // the header's search form; every channel when not set
	Chrome     *chrome    // filled in by renderer.execute
	Data       any
}

// searchBox is the header's search form: a GET to Root+"search", for one
// channel when Channel is set. Every page has one.
type searchBox struct {
	Root, Channel, Network string
	MaxLen                 int
}

// withSearch puts the search form into the page's header; channel and
// network ("" for every channel) go into hidden fields.
func (p *page) withSearch(channel, network string) *page {
	p.Search = &searchBox{Root: p.Root, Channel: channel, Network: network, MaxLen: archive.MaxQueryLen}
	return p
}

func (r *renderer) page(title string, depth int, path string, noIndex bool, data any) *page {
	p := &page{Title: title, Site: r.opt.Title, Zone: r.loc.String(), Root: strings.Repeat("../", depth), NoIndex: noIndex, Nav: r.nav, Data: data}
	if r.opt.BaseURL != "" {
		p.Canonical = r.opt.BaseURL + strings.TrimSuffix(path, "index.html")
	}
	return p
}

// renderStatic writes the stylesheet, the script, robots.txt, the site
// info of proceedings serve's pages (chrome.go) and the about page.
func (r *renderer) renderStatic(chans []*chanInfo) error {
	for _, name := range []string{"style.css", "range.js", "favicon.svg"} {
		data, err := assets.ReadFile("static/" + name)
		if err != nil {
			return err
		}
		if err := r.writeFile(name, true, data); err != nil {
			return err
		}
	}
	var b strings.Builder
	b.WriteString("# Written by proceedings render.\nUser-agent: *\n")
	prefix := "/"
	if r.opt.BaseURL != "" {
		if i := strings.Index(r.opt.BaseURL, "://"); i >= 0 {
			if j := strings.IndexByte(r.opt.BaseURL[i+3:], '/'); j >= 0 {
				prefix = r.opt.BaseURL[i+3+j:]
			}
		}
	}
	n := 0
	for _, c := range chans {
		if c.opts.NoIndex {
			b.WriteString("Disallow: " + prefix + c.dir + "\n")
			n++
		}
	}
	if n == 0 {
		b.WriteString("Disallow:\n")
	}
	if err := r.writeFile("robots.txt", true, []byte(b.String())); err != nil {
		return err
	}
	if err := r.writeSiteInfo(); err != nil {
		return err
	}
	body, err := r.markdownFile("about.md")
	if err != nil {
		return err
	}
	return r.writeMarkdownPage("about.html", "About "+r.opt.Title, "About "+r.opt.Title, body)
}

// writeMarkdownPage writes a page of Markdown content (about.html and
// Options.Pages) through the about template. heading is its <h1> when the
// Markdown does not open with one.
func (r *renderer) writeMarkdownPage(rel, title, heading string, body template.HTML) error {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := r.execute(buf, "about", r.page(title, 0, rel, false, &struct {
		Title, Heading string
		Body           template.HTML
	}{r.opt.Title, heading, body})); err != nil {
		return err
	}
	return r.writeFile(rel, true, buf.Bytes())
}

// renderPages writes Options.Pages and removes the pages of names that are
// gone (old: the names the last render wrote).
func (r *renderer) renderPages(old []string) error {
	for _, name := range r.opt.pageNames() {
		body, err := markdownHTML(r.opt.Pages[name])
		if err != nil {
			return fmt.Errorf("page %s: %w", name, err)
		}
		if err := r.writeMarkdownPage(name+".html", pageLabel(name)+" — "+r.opt.Title, pageLabel(name), body); err != nil {
			return err
		}
	}
	for _, name := range old {
		if _, ok := r.opt.Pages[name]; !ok && validPageName(name) {
			if err := r.removeFile(name + ".html"); err != nil {
				return err
			}
		}
	}
	return nil
}

// pageLabel names a page in the navigation: "commands" → "Commands",
// "code-of-conduct" → "Code of conduct".
func pageLabel(name string) string {
	label := strings.ReplaceAll(name, "-", " ")
	return strings.ToUpper(label[:1]) + label[1:]
}

// cleanDir removes files in dir (relative to Out) that keep does not name.
func (r *renderer) cleanDir(dir string, keep map[string]bool) error {
	entries, err := os.ReadDir(filepath.Join(r.opt.Out, filepath.FromSlash(dir)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	for _, e := range entries {
		rel := dir + "/" + e.Name()
		if e.Type().IsRegular() && !keep[rel] {
			if err := r.removeFile(rel); err != nil {
				return err
			}
		}
	}
	return nil
}
