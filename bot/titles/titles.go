// Package titles answers a URL said in a channel with the title of the
// page, "[ Title ] - host": at most one per line, per URL and channel per
// Window, a few a minute per channel. Fetches are SSRF-safe by construction
// (ssrf.go): loopback, private and other special addresses are refused
// however a name resolves or a redirect points.
//
// It knows the bot only as a bot.Listener and a Sayer; it knows nothing of
// the archive, the commands or the feeds.
package titles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/time/rate"

	"proceedings/bot"
	"proceedings/config"
	"proceedings/internal/links"
)

// Sayer sends a line to a channel or nick on a network; *bot.Bot is one.
type Sayer interface {
	Say(network, target, text string) error
}

var _ Sayer = (*bot.Bot)(nil)

// maxTitleBytes bounds the raw <title> text read from a page.
const maxTitleBytes = 16 << 10

// ExtractTitle returns the cleaned text of the first <title> element of an
// HTML document (not one inside <svg> or <math>), or "" when it has none.
// r must already be decoded to UTF-8.
func ExtractTitle(r io.Reader) (string, error) {
	z := nethtml.NewTokenizer(r)
	foreign := 0 // depth inside <svg> and <math>, whose <title> is no page title
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return "", nil
			}
			return "", z.Err()
		case nethtml.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "svg", "math":
				foreign++
			case "title":
				if foreign > 0 {
					continue
				}
				var b strings.Builder
				for z.Next() == nethtml.TextToken {
					if b.Len() < maxTitleBytes {
						b.Write(z.Text())
					}
				}
				s := b.String()
				if len(s) > maxTitleBytes {
					s = s[:maxTitleBytes]
				}
				return bot.CleanText(s), nil
			}
		case nethtml.EndTagToken:
			if name, _ := z.TagName(); foreign > 0 && (string(name) == "svg" || string(name) == "math") {
				foreign--
			}
		}
	}
}

// Window is how long a URL's title is not repeated in a channel.
const Window = 10 * time.Minute

// Options configure a TitleFetcher.
type Options struct {
	// Titles holds the timeout, size cap and host lists (config titles:).
	Titles config.Titles
	// Enabled reports whether a channel prints titles (titles: true); see
	// Enabled. Nil: every channel.
	Enabled func(network, channel string) bool
	// Sayer sends the title lines.
	Sayer Sayer
	// UserAgent names the bot in requests; default DefaultUserAgent.
	UserAgent string
	// Resolver resolves host names; nil is the system resolver. Tests point
	// it at a fake DNS server.
	Resolver *net.Resolver
	// Logger; default slog.Default().
	Logger *slog.Logger
	// Now is the clock of the per-URL window; default time.Now.
	Now func() time.Time
}

// Enabled returns the Enabled function for the channels of a
// configuration that have titles: true.
func Enabled(cfg *config.Config) func(network, channel string) bool {
	return func(network, channel string) bool {
		ch, ok := cfg.Channel(network, channel)
		return ok && ch.Titles
	}
}

// TitleFetcher is a Listener that answers an http(s) URL said in a channel
// with the page's title, "[ Title ] - host": at most one title per message,
// one per URL per Window per channel, and a few per minute per
// channel. Fetches are SSRF-safe by construction (see RefusedAddr), capped
// in time, size and redirects, and read only HTML.
type TitleFetcher struct {
	opt    Options
	log    *slog.Logger
	guard  *addrGuard
	client *http.Client

	mu     sync.Mutex
	recent map[string]time.Time     // network, channel, URL → when it was last titled
	limits map[string]*rate.Limiter // network, channel → titles allowed
}

var _ bot.Listener = (*TitleFetcher)(nil)

// Per-channel pace of titles: a burst of three, then one every 20 s.
const (
	titleBurst = 3
	titleEvery = 20 * time.Second
)

// NewTitleFetcher checks the host lists and returns a fetcher.
func NewTitleFetcher(opt Options) (*TitleFetcher, error) {
	opt.Titles.FillDefaults()
	if opt.UserAgent == "" {
		opt.UserAgent = bot.DefaultUserAgent
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	g, err := newAddrGuard(opt.Titles.AllowHosts, opt.Titles.BlockedHosts)
	if err != nil {
		return nil, err
	}
	return &TitleFetcher{
		opt:    opt,
		log:    opt.Logger.With("component", "titles"),
		guard:  g,
		client: newGuardedClient(g, opt.Resolver, opt.Titles.Timeout),
		recent: map[string]time.Time{},
		limits: map[string]*rate.Limiter{},
	}, nil
}

// Incoming looks for URLs in a channel line and says the first one's title.
// It ignores the bot's own lines, notices (never answered automatically),
// private messages, and lines that are not recorded (no-log prefix, opt-out:
// the bot's answer would be recorded and tell what they linked to). It blocks for the fetch (at most the configured
// timeout); the bot runs each listener on its own goroutine.
func (t *TitleFetcher) Incoming(ctx context.Context, in bot.Incoming) {
	if in.Self || in.Notice || in.NoLog || in.Channel == "" || t.opt.Sayer == nil {
		return
	}
	if t.opt.Enabled != nil && !t.opt.Enabled(in.Network, in.Channel) {
		return
	}
	for _, raw := range FindURLs(in.Text, 3) {
		u, err := url.Parse(raw)
		if err != nil || t.guard.block.hasName(u.Hostname()) {
			continue
		}
		if !t.claim(in.Network, in.Channel, canonicalURL(u)) {
			continue
		}
		pt, err := t.Fetch(ctx, raw)
		if err != nil {
			if isRefused(err) {
				t.log.Info("refused to fetch a title", "url", raw, "channel", in.Channel, "err", err)
			} else {
				t.log.Debug("no title", "url", raw, "err", err)
			}
			return
		}
		if line := pt.Line(); line != "" {
			if err := t.opt.Sayer.Say(in.Network, in.Channel, line); err != nil {
				t.log.Warn("could not say a title", "channel", in.Channel, "err", err)
			}
		}
		return // one title per message
	}
}

// claim reports whether a URL may be titled in a channel now, and if so
// records it.
func (t *TitleFetcher) claim(network, channel, u string) bool {
	now := t.opt.Now()
	ch := network + "\x00" + config.FoldName(channel)
	key := ch + "\x00" + u
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.recent[key]; ok && now.Sub(last) < Window {
		return false
	}
	lim := t.limits[ch]
	if lim == nil {
		lim = rate.NewLimiter(rate.Every(titleEvery), titleBurst)
		t.limits[ch] = lim
	}
	if !lim.AllowN(now, 1) {
		return false
	}
	if len(t.recent) > 4096 {
		for k, v := range t.recent {
			if now.Sub(v) >= Window {
				delete(t.recent, k)
			}
		}
	}
	t.recent[key] = now
	return true
}

// canonicalURL is a URL without its fragment, for the per-URL window.
func canonicalURL(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	c.Scheme = strings.ToLower(c.Scheme)
	c.Host = strings.ToLower(c.Host)
	return c.String()
}

// PageTitle is the title of a fetched page.
type PageTitle struct {
	Title string // cleaned; "" when the page has none
	Host  string // the host of the final URL (after redirects), with a non-default port
}

// Line is the IRC line for a title, "[ Title ] - host", cut to one line; ""
// when there is nothing worth saying (no title, or the title is just the
// host).
func (p PageTitle) Line() string {
	if p.Title == "" || titleIsHost(p.Title, p.Host) {
		return ""
	}
	const open, mid = "[ ", " ] - "
	return open + bot.CutTitle(p.Title, bot.MaxTextBytes-len(open)-len(mid)-len(p.Host)) + mid + p.Host
}

// titleIsHost reports a title that says nothing but the host name
// ("example.org", "www.example.org/", "https://example.org").
func titleIsHost(title, host string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
		s = strings.TrimPrefix(s, "www.")
		return strings.TrimSuffix(s, "/")
	}
	h := host
	if hn, _, err := net.SplitHostPort(host); err == nil {
		h = hn
	}
	t := norm(title)
	return t == norm(h) || t == norm(host)
}

// errNotHTML is returned for pages that are not HTML.
var errNotHTML = errors.New("not an HTML page")

// Fetch gets the title of the page at rawURL. Only http and https URLs are
// fetched, every connection passes the address guard, at most 5 redirects
// are followed, at most titles.max_bytes are read within titles.timeout,
// and only text/html and application/xhtml+xml are read, decoded from their
// declared charset.
func (t *TitleFetcher) Fetch(ctx context.Context, rawURL string) (PageTitle, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return PageTitle{}, fmt.Errorf("title of %q: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return PageTitle{}, fmt.Errorf("title of %q: only http(s) URLs are fetched", rawURL)
	}
	if t.guard.block.hasName(u.Hostname()) {
		return PageTitle{}, fmt.Errorf("title of %s: %w", rawURL, &RefusedError{Why: u.Hostname() + " is blocked by titles.blocked_hosts"})
	}
	ctx, cancel := context.WithTimeout(ctx, t.opt.Titles.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return PageTitle{}, fmt.Errorf("title of %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", t.opt.UserAgent)
	req.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9")
	resp, err := t.client.Do(req)
	if err != nil {
		return PageTitle{}, fmt.Errorf("title of %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return PageTitle{}, fmt.Errorf("title of %s: the server answered %s", rawURL, resp.Status)
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "text/html" && mt != "application/xhtml+xml") {
		return PageTitle{}, fmt.Errorf("title of %s: %w (Content-Type %q)", rawURL, errNotHTML, ct)
	}
	body, err := charset.NewReader(io.LimitReader(resp.Body, int64(t.opt.Titles.MaxBytes)), ct)
	if err != nil {
		return PageTitle{}, fmt.Errorf("title of %s: decode the page: %w", rawURL, err)
	}
	title, err := ExtractTitle(body)
	if err != nil {
		return PageTitle{}, fmt.Errorf("title of %s: %w", rawURL, err)
	}
	return PageTitle{Title: title, Host: displayHost(resp.Request.URL)}, nil
}

// displayHost is a URL's host as shown after a title: lower case, without
// the scheme's default port.
func displayHost(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(u.Scheme == "http" && p == "80") && !(u.Scheme == "https" && p == "443") {
		return net.JoinHostPort(h, p)
	}
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

// FindURLs returns the hrefs of up to max http(s) links in a line of IRC
// text, in order: the links the day page makes of the line (package
// links), so a title is always the title of a page the log links.
func FindURLs(text string, max int) []string {
	var out []string
	links.Scan(text, func(_, _ int, href string) {
		if len(out) < max && (strings.HasPrefix(href, "https://") || strings.HasPrefix(href, "http://")) {
			out = append(out, href)
		}
	})
	return out
}
