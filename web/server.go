// Package web serves the rendered site, live search and a read-only JSON
// API over HTTP; it knows no IRC. It only reads the archive (open it with
// archive.Options{ReadOnly: true} beside the running bot) and sees only
// published channels. docs/api.md describes the routes, the headers and
// the limits.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"proceedings/event"
	"strconv"
	"strings"
	"sync"
	"time"

	"proceedings/archive"
)

// Archive is the archive as the server reads it. archive.Store implements it.
type Archive interface {
	Location() *time.Location
	Channels(ctx context.Context) ([]archive.Channel, error)
	Calendar(ctx context.Context, channelID int64) ([]archive.DayInfo, error)
	Day(ctx context.Context, channelID int64, day event.Date) ([]event.Event, error)
	Search(ctx context.Context, q archive.SearchQuery) (archive.SearchResult, error)
	Series(ctx context.Context) ([]archive.SeriesInfo, error)
	SeriesParts(ctx context.Context, name string) ([]archive.Post, error)
}

var _ Archive = (archive.Store)(nil)

// Defaults of Options.
const (
	DefaultTitle       = "IRC Proceedings"
	DefaultSearchRate  = 1.0 // searches per second per client, sustained
	DefaultSearchBurst = 10  // searches a client may make at once
	DefaultCacheBytes  = 64 << 20
	// DefaultPageSize is how many hits a search page shows; a limit=
	// parameter may ask for up to MaxPageSize.
	DefaultPageSize = 20
	MaxPageSize     = 100
	// MaxPage is the deepest page of hits served: past it, narrow the
	// query (a channel, a nick, dates) instead.
	MaxPage = 50
	// MaxParamLen caps the channel, network and nick parameters, in bytes.
	MaxParamLen = 100
	// SearchTimeout bounds one search.
	SearchTimeout = 10 * time.Second
)

// Options configure a Server.
type Options struct {
	// Archive is read for search and the API; required.
	Archive Archive
	// SiteDir is the rendered site (site.out). It may not exist yet: until
	// the renderer writes index.html, "/" says so.
	SiteDir string
	// Title names the site on the search page (default DefaultTitle) until
	// the renderer has written the site, whose own title (and header and
	// footer, see render.PageChrome) the search page then wears.
	Title string
	// BaseURL is the site's public address, ending in "/". When set, the
	// API's "url" fields are absolute links to the pages; "path" fields
	// (relative to the site root) are always there.
	BaseURL string
	// SearchRate is the sustained number of searches (page or API) per
	// second one client may make, SearchBurst how many at once (defaults
	// DefaultSearchRate and DefaultSearchBurst). A negative SearchRate turns
	// the limit off.
	SearchRate  float64
	SearchBurst int
	// Published, when not nil, is the configuration's say on which
	// channels are published: a channel is served only when the archive
	// marks it public and Published agrees. Nil leaves it to the archive.
	Published func(network, channel string) bool
	// TrustProxy takes the client's address from the last entry of
	// X-Forwarded-For (set it only behind a reverse proxy that sets that
	// header); otherwise it is the connection's address.
	TrustProxy bool
	// CacheBytes bounds the in-memory cache of site files and their gzipped
	// forms (default DefaultCacheBytes; negative: no cache).
	CacheBytes int64
	// Logger receives one line per failed request (default slog.Default()).
	Logger *slog.Logger
}

// Server is the site, search and API as one http.Handler. It is safe for
// concurrent use and holds no goroutines: dropping it is enough.
type Server struct {
	db      Archive
	loc     *time.Location
	title   string
	baseURL string
	log     *slog.Logger
	site    *siteFS
	limit   *limiter // nil: no limit
	trust   bool
	publish func(network, channel string) bool

	chromes chromeCache

	chMu    sync.Mutex
	chAt    time.Time
	chCache []archive.Channel // public channels, refreshed every few seconds
	chTTL   time.Duration
}

// New checks the options and returns a Server.
func New(opts Options) (*Server, error) {
	if opts.Archive == nil {
		return nil, errors.New("web: no archive to serve")
	}
	if opts.SiteDir == "" {
		return nil, errors.New("web: no site directory (site.out) to serve")
	}
	if opts.BaseURL != "" && !strings.HasSuffix(opts.BaseURL, "/") {
		opts.BaseURL += "/"
	}
	if opts.Title == "" {
		opts.Title = DefaultTitle
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.SearchRate == 0 {
		opts.SearchRate = DefaultSearchRate
	}
	if opts.SearchBurst <= 0 {
		opts.SearchBurst = DefaultSearchBurst
	}
	if opts.CacheBytes == 0 {
		opts.CacheBytes = DefaultCacheBytes
	}
	loc := opts.Archive.Location()
	if loc == nil {
		loc = time.UTC
	}
	s := &Server{
		db:      opts.Archive,
		loc:     loc,
		title:   opts.Title,
		baseURL: opts.BaseURL,
		log:     opts.Logger.With("component", "web"),
		site:    newSiteFS(opts.SiteDir, max(opts.CacheBytes, 0)),
		trust:   opts.TrustProxy,
		publish: opts.Published,
		chTTL:   5 * time.Second,
	}
	if opts.SearchRate > 0 {
		s.limit = newLimiter(opts.SearchRate, opts.SearchBurst)
	}
	return s, nil
}

// The Content-Security-Policy of every response: nothing inline, nothing
// from elsewhere.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// ServeHTTP routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		s.plainError(w, http.StatusMethodNotAllowed, "only GET and HEAD are served here")
		return
	}
	if len(r.URL.RawQuery) > maxRawQuery {
		s.plainError(w, http.StatusRequestURITooLong, "the query string is too long")
		return
	}
	switch p := r.URL.Path; {
	case p == "/search":
		s.searchPage(w, r)
	case strings.HasPrefix(p, "/api/"):
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cache-Control", "no-cache")
		switch p {
		case "/api/channels":
			s.apiChannels(w, r)
		case "/api/days":
			s.apiDays(w, r)
		case "/api/day":
			s.apiDay(w, r)
		case "/api/search":
			s.apiSearch(w, r)
		case "/api/series":
			s.apiSeries(w, r)
		default:
			s.jsonError(w, http.StatusNotFound, "no such API: see /api/channels, /api/days, /api/day, /api/search and /api/series")
		}
	default:
		s.serveSite(w, r)
	}
}

// maxRawQuery bounds the whole query string, whatever its parameters.
const maxRawQuery = 4096

// allowSearch applies the per-client rate limit; when it refuses it has
// already answered 429 through reject.
func (s *Server) allowSearch(w http.ResponseWriter, r *http.Request, reject func(status int, msg string)) bool {
	if s.limit == nil {
		return true
	}
	ok, wait := s.limit.allow(clientKey(r, s.trust), time.Now())
	if ok {
		return true
	}
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	reject(http.StatusTooManyRequests, fmt.Sprintf("Too many searches from your address: please wait %d second(s) and try again.", max(secs, 1)))
	return false
}

// clientKey is who a request counts against for the rate limit: its IP
// address, an IPv6 address by its /64 (one household or host gets a whole
// /64).
func clientKey(r *http.Request, trustProxy bool) string {
	addr := r.RemoteAddr
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip := net.ParseIP(strings.TrimSpace(last)); ip != nil {
				addr = ip.String()
			}
		}
	}
	ip := net.ParseIP(addr)
	if ip == nil {
		return addr
	}
	if ip4 := ip.To4(); ip4 != nil {
		return ip4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// publicChannels returns the channels published on the site, from a cache
// a few seconds old at most.
func (s *Server) publicChannels(ctx context.Context) ([]archive.Channel, error) {
	s.chMu.Lock()
	defer s.chMu.Unlock()
	if s.chCache != nil && time.Since(s.chAt) < s.chTTL {
		return s.chCache, nil
	}
	all, err := s.db.Channels(ctx)
	if err != nil {
		return nil, err
	}
	pub := make([]archive.Channel, 0, len(all))
	for _, c := range all {
		if c.Public && (s.publish == nil || s.publish(c.Network, c.Name)) {
			pub = append(pub, c)
		}
	}
	s.chCache, s.chAt = pub, time.Now()
	return pub, nil
}

// errBadChannel is a channel parameter that names no public channel. The
// message is the same for a private channel and for no channel at all.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error { return &badRequest{fmt.Sprintf(format, args...)} }

// findChannels resolves a channel parameter (with or without its '#') and
// an optional network to the public channels it names.
func (s *Server) findChannels(ctx context.Context, network, name string) ([]archive.Channel, error) {
	pub, err := s.publicChannels(ctx)
	if err != nil {
		return nil, err
	}
	var found []archive.Channel
	for _, try := range channelSpellings(name) {
		folded := event.FoldChannel(try)
		for _, c := range pub {
			if event.FoldChannel(c.Name) == folded && (network == "" || c.Network == network) {
				found = append(found, c)
			}
		}
		if len(found) > 0 {
			return found, nil
		}
	}
	if network != "" {
		return nil, badRequestf("There is no public channel %s on %s in this archive.", name, network)
	}
	return nil, badRequestf("There is no public channel %s in this archive.", name)
}

// findChannel is findChannels for routes that need exactly one channel.
func (s *Server) findChannel(ctx context.Context, network, name string) (archive.Channel, error) {
	if name == "" {
		return archive.Channel{}, badRequestf("Say which channel: channel=%%23name.")
	}
	found, err := s.findChannels(ctx, network, name)
	if err != nil {
		return archive.Channel{}, err
	}
	if len(found) > 1 {
		nets := make([]string, len(found))
		for i, c := range found {
			nets[i] = c.Network
		}
		return archive.Channel{}, badRequestf("%s is logged on several networks (%s): add network=.", name, strings.Join(nets, ", "))
	}
	return found[0], nil
}

// channelSpellings is what a channel parameter may mean: itself, and
// without a channel prefix, the #channel.
func channelSpellings(name string) []string {
	if name == "" || strings.ContainsAny(name[:1], "#&+!") {
		return []string{name}
	}
	return []string{name, "#" + name}
}

// statusOf maps an error of a handler to a status and a message that can
// be shown: bad requests say why, everything else is logged and hidden.
func (s *Server) statusOf(r *http.Request, err error) (int, string) {
	var br *badRequest
	switch {
	case errors.As(err, &br):
		return http.StatusBadRequest, br.msg
	case errors.Is(err, archive.ErrBadQuery):
		return http.StatusBadRequest, friendlyQueryError(err)
	case errors.Is(err, context.DeadlineExceeded):
		s.log.Warn("request took too long", "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
		return http.StatusServiceUnavailable, "The search took too long. Try rarer words, a channel, a nick or a date range."
	case errors.Is(err, context.Canceled):
		return 499, "The request was cancelled."
	}
	s.log.Error("request failed", "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
	return http.StatusServiceUnavailable, "The archive cannot answer right now; please try again in a moment."
}

// friendlyQueryError turns archive.ErrBadQuery's "bad search: why" into a
// sentence.
func friendlyQueryError(err error) string {
	msg := strings.TrimPrefix(err.Error(), archive.ErrBadQuery.Error()+": ")
	if msg == "" {
		return "The search could not be run."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

func (s *Server) plainError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}
