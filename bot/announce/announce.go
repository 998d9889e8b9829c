// Package announce follows the configured feeds and announces new posts in
// their channels: fetching (feed.go), importing a feed into the archive
// (feed_import.go), reading series and part numbers out of titles
// (series.go, roman.go), and the announcement line.
//
// It stores posts through PostStore and speaks through a Sayer. It knows
// nothing of the commands (which use its series parsing) nor of the
// connection beyond bot's exported types, and nothing of HTML.
package announce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"proceedings/internal/backoff"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/config"
)

// PostStore is what the announcer needs of the archive: posts and series,
// and a little state per feed (validators, whether the first poll is done).
type PostStore interface {
	SavePost(ctx context.Context, p archive.Post) (archive.Post, bool, error)
	MarkAnnounced(ctx context.Context, postID int64, at time.Time) error
	PostByGUID(ctx context.Context, guid string) (archive.Post, bool, error)
	SeriesParts(ctx context.Context, name string) ([]archive.Post, error)
	Meta(ctx context.Context, key string) (string, bool, error)
	SetMeta(ctx context.Context, key, value string) error
}

var _ PostStore = (archive.Store)(nil)

// Sayer sends a line to a channel or nick on a network; *bot.Bot is one.
type Sayer interface {
	Say(network, target, text string) error
}

var _ Sayer = (*bot.Bot)(nil)

// Options configure an Announcer.
type Options struct {
	Feeds  []config.Feed
	Series []config.Series // declared by hand; saved by Run (and SaveSeries)
	Store  PostStore
	Sayer  Sayer // nil: posts are recorded, never announced
	// OnAnnounce, when set, is called after a post was announced in a
	// channel (e.g. so that the command router knows which series "!part"
	// means there).
	OnAnnounce func(network, channel string, p archive.Post)
	// OnPoll, when set, is called after every poll Run makes (for status
	// pages and tests).
	OnPoll func(feedURL string, res PollResult, err error)
	// Client fetches http(s) feeds; nil: a client with Timeout and the
	// environment's proxy settings.
	Client    *http.Client
	UserAgent string        // default DefaultUserAgent
	MaxBytes  int64         // largest feed document; default DefaultFeedMaxBytes
	Timeout   time.Duration // per fetch; default DefaultFeedTimeout
	// MaxBackoff bounds the wait after failed polls; default 1h (or the
	// feed's interval when that is longer).
	MaxBackoff time.Duration
	Logger     *slog.Logger
	Now        func() time.Time
}

// Announcer polls the site's feeds, records their posts (and the series
// parts among them) in the archive and announces new posts in the feeds'
// channels. It never announces a post twice: what it has seen is in the
// archive, keyed by GUID (else link), so a restart, a reordered feed, a
// re-published old item or a changed title announces nothing.
//
// The first successful poll of a feed announces nothing but its newest
// announce_backlog posts. A poll with more than max_burst new posts
// announces the first max_burst (oldest first) and then "… and N more:
// <site>". A feed that is down, answers with an HTML page, is truncated or
// too large is retried later with exponential backoff, and announces
// nothing from that poll.
type Announcer struct {
	opt     Options
	log     *slog.Logger
	fetcher *feedFetcher
	feeds   []*feedRunner
}

// feedRunner is the state of one feed.
type feedRunner struct {
	url string // cfg.URL, which never changes; readable without mu
	log *slog.Logger

	mu  sync.Mutex // one poll at a time; guards everything below
	cfg config.Feed

	loaded     bool // validators and seeded read from the archive
	validators feedValidators
	seeded     time.Time // when the first poll was done; zero before it
	digest     [32]byte  // of the last document processed
	known      map[string]string
	failures   int
}

// PollResult says what one poll did.
type PollResult struct {
	NotModified bool // 304, unchanged file or unchanged body
	Items       int  // items in the document
	Saved       int  // items new or changed in the archive
	New         int  // posts the archive did not know
	Announced   int  // posts announced one by one
	Collapsed   int  // new posts summed up in "… and N more"
	FirstRun    bool // the feed's first successful poll
}

// NewAnnouncer checks the options and returns an announcer.
func NewAnnouncer(opt Options) (*Announcer, error) {
	if opt.Store == nil {
		return nil, errors.New("announcer: no archive to record posts in")
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.UserAgent == "" {
		opt.UserAgent = bot.DefaultUserAgent
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultFeedMaxBytes
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultFeedTimeout
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = time.Hour
	}
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: opt.Timeout}
	}
	a := &Announcer{
		opt: opt,
		log: opt.Logger.With("component", "announcer"),
		fetcher: &feedFetcher{
			client:    opt.Client,
			userAgent: opt.UserAgent,
			maxBytes:  opt.MaxBytes,
			timeout:   opt.Timeout,
		},
	}
	for i, f := range opt.Feeds {
		f, err := prepareFeed(i, f)
		if err != nil {
			return nil, err
		}
		a.feeds = append(a.feeds, &feedRunner{url: f.URL, cfg: f, log: a.log.With("feed", f.URL), known: map[string]string{}})
	}
	return a, nil
}

// prepareFeed fills in what a feed built by hand (not by config.Parse) may
// lack.
func prepareFeed(i int, f config.Feed) (config.Feed, error) {
	if f.URL == "" {
		return f, fmt.Errorf("announcer: feeds[%d] has no URL", i)
	}
	f.FillDefaults()
	if f.Format == nil {
		t, err := template.New("format").Option("missingkey=error").Parse(f.FormatText)
		if err != nil {
			return f, fmt.Errorf("announcer: feeds[%d].format: %w", i, err)
		}
		f.Format = t
	}
	f.Targets = slices.Clone(f.Targets)
	return f, nil
}

// Reload applies a new configuration's feeds (SIGHUP): the channels, format,
// interval, backlog and burst of every feed with the same URL take effect
// from its next poll. Feeds added to or removed from the file need a
// restart; Reload logs them. Channels turned on or off with SetAnnounce are
// reset to the file's.
func (a *Announcer) Reload(feeds []config.Feed) error {
	byURL := map[string]config.Feed{}
	for i, f := range feeds {
		f, err := prepareFeed(i, f)
		if err != nil {
			return err
		}
		byURL[f.URL] = f
	}
	for _, r := range a.feeds {
		f, ok := byURL[r.url]
		if !ok {
			a.log.Warn("a feed was removed from the configuration; it is polled until a restart", "feed", r.url)
			continue
		}
		delete(byURL, f.URL)
		r.mu.Lock()
		r.cfg = f
		r.mu.Unlock()
	}
	for u := range byURL {
		a.log.Warn("a feed was added to the configuration; restart to poll it", "feed", u)
	}
	return nil
}

// SetAnnounce turns announcements of every feed on or off in one channel,
// or (off only) in every channel of a network when channel is "". It lasts
// until a Reload or a restart.
func (a *Announcer) SetAnnounce(network, channel string, on bool) error {
	if on && channel == "" {
		return errors.New("name the channel to announce in")
	}
	for _, r := range a.feeds {
		r.mu.Lock()
		i := slices.IndexFunc(r.cfg.Targets, func(t config.ChannelRef) bool {
			return strings.EqualFold(t.Network, network) && config.FoldName(t.Channel) == config.FoldName(channel)
		})
		switch {
		case on && i < 0:
			r.cfg.Targets = append(r.cfg.Targets, config.ChannelRef{Network: network, Channel: channel})
			r.cfg.Channels = append(r.cfg.Channels, channel)
		case !on:
			r.cfg.Targets = slices.DeleteFunc(r.cfg.Targets, func(t config.ChannelRef) bool {
				return strings.EqualFold(t.Network, network) && (channel == "" || config.FoldName(t.Channel) == config.FoldName(channel))
			})
		}
		r.mu.Unlock()
	}
	return nil
}

// Run saves the series declared by hand, then polls every feed on its
// interval (backing off after failures) until ctx is done.
func (a *Announcer) Run(ctx context.Context) error {
	if err := a.SaveSeries(ctx); err != nil {
		a.log.Warn("could not save the configured series", "err", err)
	}
	var wg sync.WaitGroup
	for i := range a.feeds {
		wg.Go(func() { a.loop(ctx, i) })
	}
	wg.Wait()
	return nil
}

func (a *Announcer) loop(ctx context.Context, i int) {
	r := a.feeds[i]
	for {
		res, err := a.Poll(ctx, i)
		if ctx.Err() != nil {
			return
		}
		if a.opt.OnPoll != nil {
			a.opt.OnPoll(r.url, res, err)
		}
		r.mu.Lock()
		interval, n := r.cfg.Interval, r.failures
		r.mu.Unlock()
		wait := interval
		if err != nil {
			wait = feedBackoff(interval, n, a.opt.MaxBackoff, rand.Float64())
			var hs *httpStatusError
			if errors.As(err, &hs) && hs.RetryAfter > wait {
				wait = min(hs.RetryAfter, max(a.opt.MaxBackoff, interval))
			}
			r.log.Warn("feed poll failed; will retry", "err", err, "failures", n, "retry_in", wait.Round(time.Second))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// feedBackoff is the wait after the failures-th failed poll in a row:
// twice the interval, then four times, … up to maxWait (or the interval,
// if that is longer), less up to 10% of jitter (jitter in [0, 1)) so that
// feeds do not retry in lockstep.
func feedBackoff(interval time.Duration, failures int, maxWait time.Duration, jitter float64) time.Duration {
	return backoff.Delay(interval, max(maxWait, interval), failures, 0.1, jitter)
}

// SaveSeries records the series declared in the configuration. A part that
// the feed has too stays one part (the archive matches it by link, or by
// series and part number).
func (a *Announcer) SaveSeries(ctx context.Context) error {
	var errs []error
	for _, s := range a.opt.Series {
		for _, p := range s.Parts {
			post := archive.Post{
				GUID:   p.URL,
				Link:   p.URL,
				Title:  bot.CleanTitle(p.Title, 0),
				Series: s.Name,
				Part:   p.N,
			}
			if post.GUID == "" {
				post.GUID = "series:" + strings.ToLower(s.Name) + "#" + strconv.Itoa(p.N)
			}
			if sp, ok := ParseSeriesTitle(post.Title); ok && sp.Part == p.N {
				post.Numeral, post.Subtitle, post.PartOf = sp.Numeral, sp.Subtitle, sp.Of
			}
			if _, _, err := a.opt.Store.SavePost(ctx, post); err != nil {
				errs = append(errs, fmt.Errorf("series %q part %d: %w", s.Name, p.N, err))
			}
		}
	}
	return errors.Join(errs...)
}

// Poll fetches feed i (in the order of Options.Feeds) once,
// records its posts and announces the new ones.
func (a *Announcer) Poll(ctx context.Context, i int) (PollResult, error) {
	if i < 0 || i >= len(a.feeds) {
		return PollResult{}, fmt.Errorf("announcer: no feed %d (%d configured)", i, len(a.feeds))
	}
	r := a.feeds[i]
	r.mu.Lock()
	defer r.mu.Unlock()
	res, err := a.poll(ctx, r)
	if err != nil {
		r.failures++
	} else {
		r.failures = 0
	}
	return res, err
}

// Feeds returns the number of feeds.
func (a *Announcer) Feeds() int { return len(a.feeds) }

func metaKey(feedURL, what string) string { return "feed." + what + "." + feedURL }

func (a *Announcer) load(ctx context.Context, r *feedRunner) error {
	if r.loaded {
		return nil
	}
	st := a.opt.Store
	var err error
	var v string
	var ok bool
	if r.validators.ETag, _, err = st.Meta(ctx, metaKey(r.url, "etag")); err != nil {
		return err
	}
	if r.validators.LastModified, _, err = st.Meta(ctx, metaKey(r.url, "last_modified")); err != nil {
		return err
	}
	if v, ok, err = st.Meta(ctx, metaKey(r.url, "seeded")); err != nil {
		return err
	}
	if ok {
		if r.seeded, err = time.Parse(time.RFC3339Nano, v); err != nil {
			r.seeded = time.Unix(0, 0) // a damaged value: the first poll was done
		}
	}
	r.loaded = true
	return nil
}

func (a *Announcer) poll(ctx context.Context, r *feedRunner) (PollResult, error) {
	var res PollResult
	if err := a.load(ctx, r); err != nil {
		return res, fmt.Errorf("feed %s: %w", r.url, err)
	}
	doc, err := a.fetcher.fetch(ctx, r.url, r.validators)
	if err != nil {
		return res, err
	}
	if doc.NotModified {
		res.NotModified = true
		return res, nil
	}
	digest := bodyDigest(doc.Body)
	if digest == r.digest && !r.seeded.IsZero() {
		res.NotModified = true
		return res, a.saveValidators(ctx, r, doc.Validators)
	}
	feed, err := parseFeed(doc.Body, doc.ContentType)
	if err != nil {
		return res, fmt.Errorf("feed %s: %w", r.url, err)
	}
	items := feedItems(feed, r.url)
	res.Items = len(items)
	res.FirstRun = r.seeded.IsZero()

	// Record every item, oldest first; collect those to announce.
	var fresh []archive.Post
	known := make(map[string]string, len(items))
	var saveErr error
	for _, it := range items {
		if fp, ok := r.known[it.post.GUID]; ok && fp == it.fingerprint {
			known[it.post.GUID] = fp
			continue
		}
		stored, announce, saved, err := a.record(ctx, r, it.post)
		if err != nil {
			saveErr = fmt.Errorf("feed %s: %w", r.url, err)
			break
		}
		known[it.post.GUID] = it.fingerprint
		if saved {
			res.Saved++
		}
		if announce {
			res.New++
			fresh = append(fresh, stored)
		}
	}
	if saveErr == nil {
		r.known = known
	} else {
		for g, fp := range known {
			r.known[g] = fp
		}
	}
	if res.FirstRun {
		if saveErr != nil {
			fresh = nil // the newest are not known yet; the next poll is a first run again
		}
		fresh = fresh[max(0, len(fresh)-r.cfg.AnnounceBacklog):]
	}
	res.Announced, res.Collapsed = a.announce(ctx, r, fresh, siteURL(feed, r.url))
	if saveErr != nil {
		return res, saveErr
	}
	// Only now that every item is recorded may a later poll skip this
	// document.
	r.digest = digest
	if res.FirstRun {
		r.seeded = a.opt.Now().UTC()
		if err := a.opt.Store.SetMeta(ctx, metaKey(r.url, "seeded"), r.seeded.Format(time.RFC3339Nano)); err != nil {
			return res, fmt.Errorf("feed %s: %w", r.url, err)
		}
	}
	return res, a.saveValidators(ctx, r, doc.Validators)
}

func (a *Announcer) saveValidators(ctx context.Context, r *feedRunner, v feedValidators) error {
	if v == r.validators {
		return nil
	}
	if err := a.opt.Store.SetMeta(ctx, metaKey(r.url, "etag"), v.ETag); err != nil {
		return fmt.Errorf("feed %s: %w", r.url, err)
	}
	if err := a.opt.Store.SetMeta(ctx, metaKey(r.url, "last_modified"), v.LastModified); err != nil {
		return fmt.Errorf("feed %s: %w", r.url, err)
	}
	r.validators = v
	return nil
}

// record stores one feed item and decides whether to announce it: when the
// archive did not know it, or knew it only from the configuration (declared
// by hand, never announced) and the feed published it after its first poll.
// saved reports whether the archive was written.
func (a *Announcer) record(ctx context.Context, r *feedRunner, p archive.Post) (stored archive.Post, announce, saved bool, err error) {
	st := a.opt.Store
	prev, found, err := st.PostByGUID(ctx, p.GUID)
	if err == nil && !found && p.Link != "" && p.Link != p.GUID {
		prev, found, err = st.PostByGUID(ctx, p.Link)
	}
	if err == nil && !found && p.Series != "" {
		var parts []archive.Post
		parts, err = st.SeriesParts(ctx, p.Series)
		for _, q := range parts {
			if q.Part == p.Part {
				prev, found = q, true
				break
			}
		}
	}
	if err != nil {
		return archive.Post{}, false, false, err
	}
	if found && prev.Feed == p.Feed && prev.Title == p.Title && prev.Link == p.Link &&
		prev.Published.Equal(p.Published) && prev.Series == p.Series && prev.Part == p.Part {
		return prev, false, false, nil // known and unchanged
	}
	stored, isNew, err := st.SavePost(ctx, p)
	if err != nil {
		return archive.Post{}, false, false, err
	}
	if isNew {
		return stored, true, true, nil
	}
	declared := found && prev.Feed == "" && prev.Announced.IsZero() &&
		(p.Published.IsZero() || r.seeded.IsZero() || !p.Published.Before(r.seeded))
	if declared {
		r.log.Debug("a post declared by hand appeared in the feed", "title", p.Title)
	}
	return stored, declared, true, nil
}

// Announcement is what a feed's format template is executed with.
type Announcement struct {
	// Title is the post's title, except for a series part, where it says
	// the part's place: "New: From Belarus With Love — Part X (10 of 10):
	// From “High-Tech Hub” to “No-Go Zone”".
	Title     string
	PostTitle string // the post's own (cleaned) title
	Link      string
	Published time.Time // zero when the feed did not say
	Series    string    // "" when the post is no series part
	Part      int
	Of        int    // the series' length as far as known
	Numeral   string // the part number as the title writes it ("X")
	Subtitle  string
	Site      string // the site's address
}

// announce says the posts (oldest first) in the feed's channels: the first
// max_burst one by one, the rest summed up in one line.
func (a *Announcer) announce(ctx context.Context, r *feedRunner, posts []archive.Post, site string) (announced, collapsed int) {
	if len(posts) == 0 || a.opt.Sayer == nil || len(r.cfg.Targets) == 0 {
		return 0, 0
	}
	one := posts
	if len(posts) > r.cfg.MaxBurst {
		one, collapsed = posts[:r.cfg.MaxBurst], len(posts)-r.cfg.MaxBurst
	}
	for _, p := range one {
		line, err := a.Line(ctx, r.cfg, p, site)
		if err != nil {
			r.log.Warn("could not format an announcement; using the default format", "err", err)
			line, _ = a.Line(ctx, config.Feed{}, p, site)
		}
		if a.sayAll(r, line, p, true) {
			announced++
			// The line is out: record it even when ctx was cancelled meanwhile.
			if err := a.opt.Store.MarkAnnounced(context.WithoutCancel(ctx), p.ID, a.opt.Now()); err != nil {
				r.log.Warn("could not record an announcement", "title", p.Title, "err", err)
			}
		}
	}
	if collapsed > 0 {
		line := fmt.Sprintf("… and %d more", collapsed)
		if site != "" {
			line += ": " + site
		}
		a.sayAll(r, line, archive.Post{}, false)
	}
	return announced, collapsed
}

// sayAll says a line in every target channel and reports whether it went
// out anywhere.
func (a *Announcer) sayAll(r *feedRunner, line string, p archive.Post, hook bool) bool {
	ok := false
	for _, t := range r.cfg.Targets {
		if err := a.opt.Sayer.Say(t.Network, t.Channel, line); err != nil {
			r.log.Warn("could not announce", "channel", t.String(), "err", err)
			continue
		}
		ok = true
		if hook && a.opt.OnAnnounce != nil {
			a.opt.OnAnnounce(t.Network, t.Channel, p)
		}
	}
	return ok
}

// Line formats the announcement of a post with the feed's format (the
// default format when the feed has none), cut to one IRC line of at most
// MaxTextBytes: the title is shortened at a word boundary, the link kept.
func (a *Announcer) Line(ctx context.Context, f config.Feed, p archive.Post, site string) (string, error) {
	ann := Announcement{
		Title:     p.Title,
		PostTitle: p.Title,
		Link:      archive.PostLink(cleanLink(p.Link)), // the one rule for a post's link
		Published: p.Published,
		Series:    p.Series,
		Part:      p.Part,
		Numeral:   p.Numeral,
		Subtitle:  p.Subtitle,
		Site:      site,
	}
	if p.Series != "" && p.Part > 0 {
		ann.Of = p.PartOf
		if ann.Of == 0 {
			parts, err := a.opt.Store.SeriesParts(ctx, p.Series)
			if err != nil {
				return "", err
			}
			for _, q := range parts {
				ann.Of = max(ann.Of, q.Part)
			}
		}
		ann.Of = max(ann.Of, p.Part)
		ann.Title = SeriesHeadline(p.Series, p.Numeral, p.Part, ann.Of, p.Subtitle)
	}
	tmpl := f.Format
	if tmpl == nil {
		tmpl = defaultFormat
	}
	return fitLine(ann, tmpl, bot.MaxTextBytes)
}

// SeriesHeadline is how a series part is announced: "New: From Belarus
// With Love — Part X (10 of 10): From “High-Tech Hub” to “No-Go Zone”".
// numeral is the part number as the title wrote it ("" writes part).
func SeriesHeadline(series, numeral string, part, of int, subtitle string) string {
	if numeral == "" {
		numeral = strconv.Itoa(part)
	}
	s := fmt.Sprintf("New: %s — Part %s (%d of %d)", series, numeral, part, max(of, part))
	if subtitle != "" {
		s += ": " + subtitle
	}
	return s
}

// oneLine keeps a formatted announcement on one line: line breaks become
// spaces, NUL is dropped. IRC formatting codes the format asks for stay.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\x00") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\r', '\n':
			return ' '
		case 0:
			return -1
		}
		return r
	}, s)
}

var defaultFormat = template.Must(template.New("format").Option("missingkey=error").Parse(config.DefaultFeedFormat))

// fitLine executes the template and, while the line is longer than max
// bytes, shortens the title at a word boundary. Line breaks the template
// may produce become spaces.
func fitLine(ann Announcement, tmpl *template.Template, maxBytes int) (string, error) {
	render := func(title string) (string, error) {
		a := ann
		a.Title = title
		var b strings.Builder
		if err := tmpl.Execute(&b, a); err != nil {
			return "", fmt.Errorf("announcement format: %w", err)
		}
		return oneLine(b.String()), nil
	}
	line, err := render(ann.Title)
	if err != nil {
		return "", err
	}
	title := ann.Title
	for range 4 {
		over := len(line) - maxBytes
		if over <= 0 || title == "" {
			break
		}
		n := strings.Count(line, title)
		if n == 0 {
			break // the template does not show the title
		}
		title = bot.CutTitle(title, max(len(title)-(over+n-1)/n, 1))
		if line, err = render(title); err != nil {
			return "", err
		}
	}
	return line, nil
}

// CheckFeedFormat executes a feed's format template on a sample post (a
// series part), so that `proceedings check` can report a template that
// parses but names a field Announcement does not have ("{{.Nope}}").
func CheckFeedFormat(t *template.Template) error {
	sample := Announcement{
		Title:     SeriesHeadline("From Belarus With Love", "X", 10, 10, "From “High-Tech Hub” to “No-Go Zone”"),
		PostTitle: "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”",
		Link:      "https://example.org/part-x",
		Published: time.Date(2026, 2, 1, 23, 24, 0, 0, time.UTC),
		Series:    "From Belarus With Love", Part: 10, Of: 10, Numeral: "X",
		Subtitle: "From “High-Tech Hub” to “No-Go Zone”",
		Site:     "https://example.org/",
	}
	if err := t.Execute(io.Discard, sample); err != nil {
		return fmt.Errorf("the format cannot be used: %w", err)
	}
	return nil
}
