package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"proceedings/event"
	"strconv"
	"strings"
	"time"
	"unicode"

	"proceedings/archive"
	"proceedings/render"
	"proceedings/sitepath"
)

//go:embed templates/*.html
var templateFS embed.FS

var pageTemplate = template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))

// pageData is what templates/page.html shows.
type pageData struct {
	SiteTitle   string
	Title       string
	Chrome      render.Chrome // the site's header and footer
	Root        string        // the site root relative to the page ("" for /search, "/" elsewhere)
	Form        searchForm
	Channels    []channelOption
	MaxQueryLen int
	MaxParamLen int
	Error       string

	Nothing  bool // "/" before anything was rendered
	NotFound bool

	Searched    bool
	Total       int
	TotalMore   bool
	First, Last int
	Hits        []hitView
	Prev, Next  string
}

type channelOption struct {
	Name, Label string
	Selected    bool
}

type hitView struct {
	Href, When, ISO, Channel, Nick, Kind string
	Snippet                              []archive.Span
}

// searchPage answers /search: the form, and the hits when there is a query.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), SearchTimeout)
	defer cancel()
	// /search is at the top of the site: the site root is "./" from it.
	d := s.newPage(ctx, "./")
	d.Title = "Search · " + d.SiteTitle
	status := http.StatusOK
	fail := func(st int, msg string) {
		status, d.Error, d.Searched = st, msg, false
	}
	f, err := parseSearchForm(r.URL.Query())
	d.Form = f
	s.markChannel(&d, f.Channel)
	switch {
	case err != nil:
		fail(s.statusOf(r, err))
	case f.Q == "":
		// Just the form.
	case !s.allowSearch(w, r, fail):
	default:
		d.Title = f.Q + " · Search · " + d.SiteTitle
		res, err := s.run(ctx, f)
		if err != nil {
			fail(s.statusOf(r, err))
			break
		}
		s.fillResults(&d, f, res)
	}
	s.writePage(w, r, status, d)
}

// run resolves and runs a search.
func (s *Server) run(ctx context.Context, f searchForm) (archive.SearchResult, error) {
	// The words first: a query that cannot run is explained even when
	// there is nothing to search.
	if _, err := archive.ParseQuery(f.Q); err != nil {
		return archive.SearchResult{}, err
	}
	q, err := s.query(ctx, f)
	if err != nil {
		return archive.SearchResult{}, err
	}
	if len(q.ChannelIDs) == 0 {
		return archive.SearchResult{}, nil // nothing is published
	}
	return s.db.Search(ctx, q)
}

func (s *Server) fillResults(d *pageData, f searchForm, res archive.SearchResult) {
	d.Searched = true
	d.Total, d.TotalMore = res.Total, res.TotalMore
	offset := (f.Page - 1) * f.Limit
	d.First, d.Last = offset+1, offset+len(res.Hits)
	for _, h := range res.Hits {
		t := h.Time.In(s.loc)
		d.Hits = append(d.Hits, hitView{
			Href:    sitepath.Permalink(h.Event, s.loc),
			When:    t.Format(time.DateTime),
			ISO:     h.Time.UTC().Format(time.RFC3339),
			Channel: h.Channel,
			Nick:    h.Nick,
			Kind:    h.Kind.String(),
			Snippet: visibleSpans(h.Snippet),
		})
	}
	if f.Page > 1 {
		d.Prev = pageURL(f, f.Page-1)
	}
	if f.hasNext(res) {
		d.Next = pageURL(f, f.Page+1)
	}
}

// visibleSpans drops the control characters of a snippet (formatting
// codes of the log text): they have no glyph and show as boxes.
func visibleSpans(spans []archive.Span) []archive.Span {
	out := make([]archive.Span, 0, len(spans))
	for _, sp := range spans {
		sp.Text = strings.Map(func(r rune) rune {
			if r == '\t' {
				return ' '
			}
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, sp.Text)
		if sp.Text != "" {
			out = append(out, sp)
		}
	}
	return out
}

// pageURL is the search page of the same query at another page.
func pageURL(f searchForm, page int) string {
	v := url.Values{}
	for _, p := range [][2]string{{"q", f.Q}, {"channel", f.Channel}, {"network", f.Network}, {"nick", f.Nick}, {"from", f.From}, {"to", f.To}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	if f.Order != "newest" && f.Order != "" {
		v.Set("order", f.Order)
	}
	if f.Limit != DefaultPageSize {
		v.Set("limit", strconv.Itoa(f.Limit))
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "search?" + v.Encode()
}

// newPage starts the data of a page with the site's header and footer
// and the channel list of the form.
func (s *Server) newPage(ctx context.Context, root string) pageData {
	si := s.siteInfo()
	d := pageData{
		SiteTitle:   si.Title,
		Title:       si.Title,
		Root:        root,
		MaxQueryLen: archive.MaxQueryLen,
		MaxParamLen: MaxParamLen,
		Form:        searchForm{Order: "newest", Page: 1, Limit: DefaultPageSize},
	}
	pub, err := s.publicChannels(ctx)
	if err != nil {
		s.log.Warn("list channels for the search form", "err", err)
	}
	nets := map[string]bool{}
	for _, c := range pub {
		nets[c.Network] = true
	}
	for _, c := range pub {
		label := c.Name
		if len(nets) > 1 {
			label += " (" + c.Network + ")"
		}
		d.Channels = append(d.Channels, channelOption{Name: c.Name, Label: label})
	}
	return d
}

// markChannel selects the form's channel in the list.
func (s *Server) markChannel(d *pageData, name string) {
	if name == "" {
		return
	}
	for _, try := range channelSpellings(name) {
		found := false
		for i := range d.Channels {
			if event.FoldChannel(d.Channels[i].Name) == event.FoldChannel(try) {
				d.Channels[i].Selected, found = true, true
			}
		}
		if found {
			return
		}
	}
}

// writePage renders a page in full before sending it, so that a template
// error is a clean 500 rather than half a page.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, status int, d pageData) {
	var buf bytes.Buffer
	var err error
	if d.Chrome, err = s.chrome(d.Root); err == nil {
		err = pageTemplate.ExecuteTemplate(&buf, "page", d)
	}
	if err != nil {
		s.log.Error("render a page", "path", r.URL.Path, "err", err)
		s.plainError(w, http.StatusInternalServerError, "the page could not be made")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, r, status, "text/html; charset=utf-8", buf.Bytes())
}

// writeBody sends a made response, gzipped when it is worth it and the
// client takes it.
func writeBody(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	if len(body) >= minGzipSize {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(body)
			zw.Close()
			body = buf.Bytes()
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// nothingRendered answers "/" while the site directory has no index.html.
func (s *Server) nothingRendered(w http.ResponseWriter, r *http.Request) {
	d := s.newPage(r.Context(), "./")
	d.Nothing = true
	s.writePage(w, r, http.StatusOK, d)
}

// notFound answers 404 with the site's own 404.html when it has one.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if root := s.site.open(); root != nil {
		if ent, f, err := s.site.load(root, "404.html"); err == nil {
			if f != nil {
				defer f.Close()
			}
			s.sendFile(w, r, ent, f, http.StatusNotFound)
			return
		}
	}
	// At an unknown depth: links go from the host's root.
	d := s.newPage(r.Context(), "/")
	d.NotFound = true
	d.Title = "Not found · " + d.SiteTitle
	s.writePage(w, r, http.StatusNotFound, d)
}
