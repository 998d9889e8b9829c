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
	"strconv"
	"strings"
	"sync"
	"time"

	"proceedings/archive"
	"proceedings/internal/links"
	"proceedings/sitepath"
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
	db    archive.Store
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
	dir   string            // sitepath.ChannelPath
	cal   []archive.DayInfo // oldest first
	cache *chanCache        // its stats cache, once read or written by this render
}

// Render writes the site for the archive into opt.Out. It is incremental:
// it keeps what it rendered in Out/.proceedings-state.json and, on the next
// call, renders only the days that changed since (and the days next to new
// or removed ones, whose previous/next links change), the calendars, stats
// pages and daily indexes that list them, the front page and the feed.
// When the archive did not change it returns after a few small reads.
// Everything is rendered again when there is no state, when the options
// or the page templates changed, or when opt.Full is set. Renders of one
// output directory take turns (a lock file in Out), and so do renders of
// an archive that several processes share (its archive.RenderLocker).
//
// Output is deterministic: the same archive and options give the same
// bytes. Each file is replaced atomically.
func Render(ctx context.Context, db archive.Store, opt Options) (Stats, error) {
	started := time.Now()
	if err := opt.normalize(db); err != nil {
		return Stats{}, err
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if l, ok := db.(archive.RenderLocker); ok {
		unlockArchive, err := l.LockRender(ctx)
		if err != nil {
			return Stats{}, err
		}
		defer unlockArchive()
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

// run renders what changed since the last render: it gathers what the
// plan looks at, plans (plan.go) and applies the plan.
func (r *renderer) run(ctx context.Context) (Stats, error) {
	in, series, err := r.readState(ctx)
	if err != nil {
		return Stats{}, err
	}
	if upToDate(in) {
		return Stats{Revision: in.now.Rev}, nil
	}
	if err := r.readCalendars(ctx, &in); err != nil {
		return Stats{}, err
	}
	return r.apply(ctx, in, plan(in, r.loadCaches), series)
}

// readState reads the last render's state, the fingerprint of this one
// and, unless Options.Channels decides them and the archive did not
// change, the published channels: enough to tell whether anything
// changed, in a few small reads.
func (r *renderer) readState(ctx context.Context) (planInput, []seriesData, error) {
	in := planInput{old: r.loadState(), forced: r.opt.Full, configured: r.opt.Channels != nil}
	var err error
	if in.now.DayKey, in.now.SiteKey, err = r.opt.keys(); err != nil {
		return in, nil, err
	}
	if in.now.Rev, err = r.db.Revision(ctx); err != nil {
		return in, nil, err
	}
	series, seriesKey, err := r.loadSeries(ctx)
	if err != nil {
		return in, nil, err
	}
	in.now.SeriesKey = seriesKey
	in.now.Today = event.DateOf(r.opt.Now(), r.loc).String()
	if !in.configured || in.rendersAll() || in.old.Rev != in.now.Rev {
		in.chans, err = r.publicChannels(ctx)
	}
	return in, series, err
}

// readCalendars completes the plan's input: the published channels with
// their calendars, and the channels with days changed since the last
// render.
func (r *renderer) readCalendars(ctx context.Context, in *planInput) error {
	var err error
	if in.chans == nil {
		if in.chans, err = r.publicChannels(ctx); err != nil {
			return err
		}
	}
	in.changed = map[int64]bool{}
	if !in.rendersAll() {
		days, _, err := r.db.ChangedDays(ctx, in.old.Rev)
		if err != nil {
			return err
		}
		for _, d := range days {
			in.changed[d.Channel] = true
		}
	}
	all, err := r.db.AllDays(ctx)
	if err != nil {
		return err
	}
	byID := make(map[int64]*chanInfo, len(in.chans))
	for _, c := range in.chans {
		byID[c.ID] = c
	}
	for _, d := range all {
		if c := byID[d.Channel]; c != nil {
			c.cal = append(c.cal, d)
		}
	}
	return nil
}

// loadCaches reads the stats caches of the given channels; one that is
// missing or unreadable is left out.
func (r *renderer) loadCaches(ids []int64) map[int64]*chanCache {
	caches := make(map[int64]*chanCache, len(ids))
	for _, id := range ids {
		if c := r.loadCache(id); c != nil {
			caches[id] = c
		}
	}
	return caches
}

// apply writes and removes what the plan says, then saves the state.
func (r *renderer) apply(ctx context.Context, in planInput, p *sitePlan, series []seriesData) (Stats, error) {
	st := Stats{Full: p.full, Revision: in.now.Rev}
	if err := r.removeGone(p); err != nil {
		return st, err
	}
	results, err := r.renderDays(ctx, p.jobs)
	if err != nil {
		return st, err
	}
	st.Days = len(p.jobs)
	rendered := map[int64]map[string]*dayAgg{}
	for i, j := range p.jobs {
		st.Events += results[i].events
		m := rendered[j.ch.ID]
		if m == nil {
			m = map[string]*dayAgg{}
			rendered[j.ch.ID] = m
		}
		m[j.info.Day.String()] = &results[i].agg
	}
	for _, u := range p.update {
		if err := r.updateChannel(u, rendered[u.ch.ID]); err != nil {
			return st, err
		}
	}
	if err := r.renderDailyIndexes(ctx, p); err != nil {
		return st, err
	}
	if err := r.renderFront(in.chans, series); err != nil {
		return st, err
	}
	old := in.last()
	feed := r.feedEntries(old.Feed, in.chans, rendered, in.now.Today, p.feedRebuild)
	if err := r.renderFeed(feed); err != nil {
		return st, err
	}
	seriesPaths := old.Series
	if p.series {
		if seriesPaths, err = r.renderSeries(series, old.Series); err != nil {
			return st, err
		}
	}
	if p.siteChanged {
		if err := r.renderStatic(in.chans); err != nil {
			return st, err
		}
		if err := r.renderPages(old.Pages); err != nil {
			return st, err
		}
	}
	ns := &state{Version: stateVersion, fingerprint: in.now, Series: seriesPaths, Pages: r.opt.pageNames(), Feed: feed}
	for _, c := range in.chans {
		ns.Channels = append(ns.Channels, stateChannel{ID: c.ID, Network: c.Network, Name: c.Name, Dir: c.dir, Days: len(c.cal)})
	}
	return st, r.saveState(ns)
}

// removeGone removes the directories and caches of channels no longer
// published and the files of days that went away.
func (r *renderer) removeGone(p *sitePlan) error {
	for _, dir := range p.removeDirs {
		if err := r.removeDir(dir); err != nil {
			return err
		}
	}
	for _, id := range p.removeCaches {
		if err := r.removeCache(id); err != nil {
			return err
		}
	}
	for _, rel := range p.gone {
		if err := r.removeFile(rel); err != nil {
			return err
		}
	}
	return nil
}

// updateChannel writes a channel's stats cache, calendar and stats page,
// its days taken from those rendered now and, for the others, from its
// last cache.
func (r *renderer) updateChannel(u *channelUpdate, rendered map[string]*dayAgg) error {
	c := u.ch
	cached := make(map[string]*dayAgg, len(u.last.Days))
	for i := range u.last.Days {
		cached[u.last.Days[i].Day] = &u.last.Days[i]
	}
	fresh := &chanCache{Days: make([]dayAgg, 0, len(c.cal))}
	for _, d := range c.cal {
		ds := d.Day.String()
		if a := rendered[ds]; a != nil {
			fresh.Days = append(fresh.Days, *a)
		} else if a := cached[ds]; a != nil {
			fresh.Days = append(fresh.Days, *a)
		} else {
			return fmt.Errorf("render: internal error: day %s of %s was neither rendered nor cached", ds, c.Name)
		}
	}
	c.cache = fresh
	if err := r.saveCache(c.ID, fresh); err != nil {
		return err
	}
	if err := r.renderCalendar(c); err != nil {
		return err
	}
	return r.renderStats(c)
}

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
		out = append(out, &chanInfo{Channel: c, opts: co, dir: sitepath.ChannelPath(c.Network, c.Name)})
	}
	return out, nil
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
