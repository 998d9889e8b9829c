package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"proceedings/event"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"proceedings/archive"
	"proceedings/internal/links"
	"proceedings/sitepath"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer  { b := bufPool.Get().(*bytes.Buffer); b.Reset(); return b }
func putBuffer(b *bytes.Buffer) { bufPool.Put(b) }

// markdown is the one Markdown converter: CommonMark with goldmark's
// defaults, under which raw HTML is dropped and javascript: links are not
// rendered, and one <h1> at most (oneH1).
var markdown = goldmark.New(goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(oneH1{}, 100))))

// oneH1 keeps a page to one <h1>: a level-1 heading that opens the
// Markdown stays one, and becomes the page's title (the templates leave
// theirs out, see leadingH1); every other level-1 heading becomes a
// level-2 one.
type oneH1 struct{}

func (oneH1) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	first := doc.FirstChild()
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Level == 1 && n != first {
			h.Level = 2
		}
		return ast.WalkContinue, nil
	})
}

// leadingH1 reports whether Markdown made by markdownHTML opens with its
// own <h1>, which is then the page's.
func leadingH1(h template.HTML) bool { return strings.HasPrefix(string(h), "<h1") }

// markdownFile renders ContentDir/name; a missing file is no content.
func (r *renderer) markdownFile(name string) (template.HTML, error) {
	if r.opt.ContentDir == "" {
		return "", nil
	}
	data, err := os.ReadFile(filepath.Join(r.opt.ContentDir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read content %s: %w", name, err)
	}
	return markdownHTML(data)
}

func markdownHTML(src []byte) (template.HTML, error) {
	var buf bytes.Buffer
	if err := markdown.Convert(src, &buf); err != nil {
		return "", fmt.Errorf("render Markdown: %w", err)
	}
	return template.HTML(buf.String()), nil // goldmark without html.WithUnsafe: no raw HTML
}

// description is a channel's description: content/channels/SLUG.md when
// there is one, else the configured line.
func (r *renderer) description(c *chanInfo) (template.HTML, error) {
	h, err := r.markdownFile("channels/" + sitepath.Slug(c.Name) + ".md")
	if err != nil || h != "" {
		return h, err
	}
	if c.opts.Description == "" {
		return "", nil
	}
	return markdownHTML([]byte(c.opts.Description))
}

type calCell struct {
	Day, Level, Lines int
	Href              string
}

type calMonth struct {
	Title string
	Weeks [][7]calCell
}

type calData struct {
	Channel, Network string
	Description      template.HTML
	Lines, Days      int
	First, Last      string
	Latest           *navLink
	Months           []calMonth
}

// activityLevels returns the line counts at the first, second and third
// quartile of the days that have lines.
func activityLevels(cal []archive.DayInfo) [3]int {
	var v []int
	for _, d := range cal {
		if d.Lines > 0 {
			v = append(v, d.Lines)
		}
	}
	if len(v) == 0 {
		return [3]int{}
	}
	sort.Ints(v)
	return [3]int{v[len(v)/4], v[len(v)/2], v[len(v)*3/4]}
}

func level(lines int, q [3]int) int {
	switch {
	case lines == 0:
		return 0
	case lines <= q[0]:
		return 1
	case lines <= q[1]:
		return 2
	case lines <= q[2]:
		return 3
	}
	return 4
}

func (r *renderer) renderCalendar(c *chanInfo) error {
	desc, err := r.description(c)
	if err != nil {
		return err
	}
	data := calData{Channel: c.Name, Network: c.Network, Description: desc, Days: len(c.cal)}
	byDay := map[event.Date]archive.DayInfo{}
	for _, d := range c.cal {
		data.Lines += d.Lines
		byDay[d.Day] = d
	}
	if n := len(c.cal); n > 0 {
		first, last := c.cal[0].Day, c.cal[n-1].Day
		data.First, data.Last = dayTitle(first), dayTitle(last)
		data.Latest = &navLink{last.String() + ".html", dayTitle(last)}
		q := activityLevels(c.cal)
		for y, m := last.Year, last.Month; y > first.Year || y == first.Year && m >= first.Month; {
			month := calMonth{Title: m.String() + " " + fmt.Sprint(y)}
			d := event.Date{Year: y, Month: m, Day: 1}
			var week [7]calCell
			col := (int(d.Weekday()) + 6) % 7
			for d.Month == m {
				cell := calCell{Day: d.Day}
				if info, ok := byDay[d]; ok {
					cell.Href = d.String() + ".html"
					cell.Lines = info.Lines
					cell.Level = level(info.Lines, q)
				}
				week[col] = cell
				col++
				if col == 7 {
					month.Weeks = append(month.Weeks, week)
					week, col = [7]calCell{}, 0
				}
				d = d.AddDays(1)
			}
			if col > 0 {
				month.Weeks = append(month.Weeks, week)
			}
			data.Months = append(data.Months, month)
			if m == time.January {
				y, m = y-1, time.December
			} else {
				m--
			}
		}
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if err := r.execute(buf, "calendar", r.page(c.Name+" on "+c.Network+" — "+r.opt.Title, 2, c.dir+"index.html", c.opts.NoIndex, &data).withSearch(c.Name, c.Network)); err != nil {
		return err
	}
	return r.writeFile(c.dir+"index.html", true, buf.Bytes())
}

type dayIndexChannel struct {
	Name, Network, Href string
	Lines               int
}

type dayIndexData struct {
	Heading    string
	Channels   []dayIndexChannel
	Prev, Next *navLink
}

// renderDailyIndexes writes the daily indexes the plan names, removes
// those of dates no channel has any more and, when the plan renders every
// index, any other file in their directory.
func (r *renderer) renderDailyIndexes(ctx context.Context, p *sitePlan) error {
	for _, ds := range p.unlisted {
		day, err := event.ParseDate(ds)
		if err != nil {
			return err
		}
		if err := r.removeFile(sitepath.DailyIndexPath(day)); err != nil {
			return err
		}
	}
	err := r.parallel(ctx, len(p.indexes), func(_, i int) error {
		return r.renderDailyIndex(p, p.indexes[i])
	})
	if err != nil || !p.allIndexes {
		return err
	}
	keep := map[string]bool{}
	for _, d := range p.dates {
		day, _ := event.ParseDate(d)
		keep[sitepath.DailyIndexPath(day)] = true
	}
	return r.cleanDir(sitepath.DailyIndexDir, keep)
}

// renderDailyIndex writes the daily index of one date.
func (r *renderer) renderDailyIndex(p *sitePlan, ds string) error {
	day, err := event.ParseDate(ds)
	if err != nil {
		return err
	}
	rel := sitepath.DailyIndexPath(day)
	data := dayIndexData{Heading: PageTitle(day), Channels: p.byDate[ds]}
	j := sort.SearchStrings(p.dates, ds)
	if j > 0 {
		prev, _ := event.ParseDate(p.dates[j-1])
		data.Prev = &navLink{p.dates[j-1] + ".html", dayTitle(prev)}
	}
	if j+1 < len(p.dates) {
		next, _ := event.ParseDate(p.dates[j+1])
		data.Next = &navLink{p.dates[j+1] + ".html", dayTitle(next)}
	}
	pg := r.page(PageTitle(day), 1, rel, false, &data)
	pg.Prev, pg.Next = data.Prev, data.Next
	buf := getBuffer()
	defer putBuffer(buf)
	if err := r.execute(buf, "dayindex", pg); err != nil {
		return err
	}
	return r.writeFile(rel, true, buf.Bytes())
}

type frontChannel struct {
	Name, Network, Href, Stats, Description string
	Lines, Days                             int
	Last                                    *navLink
}

type frontDate struct {
	Title, Href string
	Channels    []dayIndexChannel
}

type frontSeries struct {
	Name, Href string
	Parts      int
}

type frontData struct {
	Title    string
	Intro    template.HTML
	Channels []frontChannel
	Dates    []frontDate
	Series   []frontSeries
}

// frontDates is how many of the latest dates the front page lists.
const frontDates = 14

func (r *renderer) renderFront(chans []*chanInfo, series []seriesData) error {
	intro, err := r.markdownFile("index.md")
	if err != nil {
		return err
	}
	data := frontData{Title: r.opt.Title, Intro: intro}
	byDate := map[string][]dayIndexChannel{}
	for _, c := range chans {
		fc := frontChannel{Name: c.Name, Network: c.Network, Href: c.dir + "index.html", Stats: c.dir + "stats.html",
			Description: c.opts.Description, Days: len(c.cal)}
		for _, d := range c.cal {
			fc.Lines += d.Lines
		}
		if n := len(c.cal); n > 0 {
			last := c.cal[n-1].Day
			fc.Last = &navLink{sitepath.DayPath(c.Network, c.Name, last), dayTitle(last)}
			for _, d := range c.cal[max(0, n-frontDates):] {
				ds := d.Day.String()
				byDate[ds] = append(byDate[ds], dayIndexChannel{c.Name, c.Network, c.dir + ds + ".html", d.Lines})
			}
		}
		data.Channels = append(data.Channels, fc)
	}
	dates := make([]string, 0, len(byDate))
	for d := range byDate {
		dates = append(dates, d)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dates)))
	if len(dates) > frontDates {
		dates = dates[:frontDates]
	}
	for _, ds := range dates {
		day, _ := event.ParseDate(ds)
		data.Dates = append(data.Dates, frontDate{Title: dayTitle(day), Href: sitepath.DailyIndexPath(day), Channels: byDate[ds]})
	}
	for _, s := range series {
		data.Series = append(data.Series, frontSeries{s.Name, s.Path, len(s.Parts)})
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if err := r.execute(buf, "front", r.page(r.opt.Title, 0, "index.html", false, &data).withSearch("", "")); err != nil {
		return err
	}
	return r.writeFile("index.html", true, buf.Bytes())
}

// seriesData is a series and its parts, as the series pages show them.
type seriesData struct {
	ID     int64
	Name   string
	Path   string // sitepath.SeriesPath
	PartOf int
	Parts  []seriesPart
	Newest *seriesPart
}

type seriesPart struct {
	Part      int
	Numeral   string
	Title     string // the post's whole title
	Heading   string // "Part X: its subtitle", as the series pages show it
	Link      string
	Published string
}

// partHeading is how a series page names a part, without the series name
// the page is about: "Part X: From “High-Tech Hub” to “No-Go Zone”", or
// "Part X" alone. subtitle is the archive's (the feed importer's); when
// there is none it is what is left of title after the series name and
// the part number.
func partHeading(series, numeral, title, subtitle string) string {
	if subtitle == "" {
		subtitle = trimLead(title, series)
		part := "Part " + numeral
		if rest := trimLead(subtitle, part); rest != subtitle && (len(subtitle) == len(part) || !isWordByte(subtitle[len(part)])) {
			subtitle = rest // not "Part IV" for "Part I"
		}
	}
	if subtitle == "" {
		return "Part " + numeral
	}
	return "Part " + numeral + ": " + subtitle
}

// trimLead removes prefix (any case) from s, and the separators after it.
func trimLead(s, prefix string) string {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s
	}
	return strings.TrimLeft(s[len(prefix):], " \t-–—:|,.")
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// loadSeries reads every series with its parts and fingerprints them.
func (r *renderer) loadSeries(ctx context.Context) ([]seriesData, string, error) {
	infos, err := r.db.Series(ctx)
	if err != nil {
		return nil, "", err
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].ID < infos[j].ID })
	h := sha256.New()
	out := make([]seriesData, 0, len(infos))
	used := map[string]bool{}
	for _, s := range infos {
		parts, err := r.db.SeriesParts(ctx, s.Name)
		if err != nil {
			return nil, "", err
		}
		slug := sitepath.SeriesSlug(s.Name)
		for n := 2; used[slug]; n++ {
			slug = sitepath.SeriesSlug(s.Name) + "-" + fmt.Sprint(n)
		}
		used[slug] = true
		sd := seriesData{ID: s.ID, Name: sanitizeText(s.Name), Path: sitepath.SeriesPath(slug)}
		fmt.Fprintf(h, "%d\x00%s\x00", s.ID, s.Name)
		for _, p := range parts {
			fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%d\x00%d\x00", p.Part, p.Numeral, p.Title, p.Link, p.Published.UnixMilli(), p.PartOf)
			sp := seriesPart{Part: p.Part, Numeral: sanitizeText(p.Numeral), Title: sanitizeText(p.Title)}
			if sp.Numeral == "" {
				sp.Numeral = fmt.Sprint(p.Part)
			}
			sp.Heading = partHeading(sd.Name, sp.Numeral, sp.Title, sanitizeText(p.Subtitle))
			if u, ok := links.Href(p.Link); ok { // p.Link follows archive.PostLink already
				sp.Link = u
			}
			if !p.Published.IsZero() {
				sp.Published = p.Published.In(r.loc).Format("2006-01-02")
			}
			if p.PartOf > sd.PartOf {
				sd.PartOf = p.PartOf
			}
			sd.Parts = append(sd.Parts, sp)
		}
		if n := len(sd.Parts); n > 0 {
			sd.Newest = &sd.Parts[n-1]
		}
		out = append(out, sd)
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, hex.EncodeToString(h.Sum(nil)), nil
}

type seriesIndexRow struct {
	Name, Href string
	Parts      int
	Newest     *seriesPart
}

// renderSeries writes series/index.html and one page per series, and
// removes the pages of series that are gone. It returns the pages written.
func (r *renderer) renderSeries(series []seriesData, old []string) ([]string, error) {
	buf := getBuffer()
	defer putBuffer(buf)
	var rows []seriesIndexRow
	var paths []string
	for i := range series {
		s := &series[i]
		rows = append(rows, seriesIndexRow{s.Name, strings.TrimPrefix(s.Path, sitepath.SeriesDir+"/"), len(s.Parts), s.Newest})
		if err := r.execute(buf, "series", r.page(s.Name+" — "+r.opt.Title, 1, s.Path, false, s)); err != nil {
			return nil, err
		}
		if err := r.writeFile(s.Path, true, buf.Bytes()); err != nil {
			return nil, err
		}
		paths = append(paths, s.Path)
	}
	if err := r.execute(buf, "seriesindex", r.page("Series — "+r.opt.Title, 1, sitepath.SeriesIndexPath, false, rows)); err != nil {
		return nil, err
	}
	if err := r.writeFile(sitepath.SeriesIndexPath, true, buf.Bytes()); err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, p := range paths {
		keep[p] = true
	}
	for _, p := range old {
		if !keep[p] && strings.HasPrefix(p, sitepath.SeriesDir+"/") {
			if err := r.removeFile(p); err != nil {
				return nil, err
			}
		}
	}
	sort.Strings(paths)
	return paths, nil
}
