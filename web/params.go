package web

import (
	"context"
	"net/url"
	"proceedings/event"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"proceedings/archive"
)

// searchForm is a search as the query string gave it, checked but not yet
// resolved against the archive. Its fields refill the search form.
type searchForm struct {
	Q       string
	Channel string
	Network string
	Nick    string
	From    string // YYYY-MM-DD, inclusive
	To      string // YYYY-MM-DD, inclusive
	Order   string // "newest" or "relevance"
	Page    int    // from 1
	Limit   int    // hits per page

	from, to event.Date
	order    archive.Order
}

// hasNext says whether a page after this one, which shows res, holds
// hits: while matches are left and within MaxPage, and by relevance within
// the newest archive.RelevanceWindow matches, which are all that are
// ranked.
func (f searchForm) hasNext(res archive.SearchResult) bool {
	offset, hits := (f.Page-1)*f.Limit, len(res.Hits)
	more := res.TotalMore || offset+hits < res.Total
	if f.order == archive.Relevance && offset+f.Limit >= archive.RelevanceWindow {
		more = false
	}
	return more && hits == f.Limit && f.Page < MaxPage
}

// param returns the first value of a parameter, made valid UTF-8 and
// trimmed.
func param(v url.Values, key string) string {
	s := v.Get(key)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.TrimSpace(s)
}

// parseSearchForm reads /search and /api/search parameters: q, channel,
// network, nick, from, to, order, page and limit. Every problem is a
// *badRequest that says what to change; the form is returned all the same
// (to refill the search box).
func parseSearchForm(v url.Values) (searchForm, error) {
	f := searchForm{
		Q:       param(v, "q"),
		Channel: param(v, "channel"),
		Network: param(v, "network"),
		Nick:    param(v, "nick"),
		From:    param(v, "from"),
		To:      param(v, "to"),
		Order:   strings.ToLower(param(v, "order")),
		Page:    1,
		Limit:   DefaultPageSize,
	}
	if len(f.Q) > archive.MaxQueryLen {
		q := f.Q
		f.Q = truncateUTF8(f.Q, archive.MaxQueryLen)
		return f, badRequestf("The search is %d bytes long; at most %d please.", len(q), archive.MaxQueryLen)
	}
	for _, p := range []struct{ name, val string }{{"channel", f.Channel}, {"network", f.Network}, {"nick", f.Nick}} {
		if len(p.val) > MaxParamLen {
			return f, badRequestf("The %s is too long (at most %d bytes).", p.name, MaxParamLen)
		}
		if strings.ContainsFunc(p.val, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
			return f, badRequestf("A %s has no spaces or control characters in it.", p.name)
		}
	}
	var err error
	if f.From != "" {
		if f.from, err = event.ParseDate(f.From); err != nil {
			return f, badRequestf("The first day (from) should look like 2026-02-02.")
		}
	}
	if f.To != "" {
		if f.to, err = event.ParseDate(f.To); err != nil {
			return f, badRequestf("The last day (to) should look like 2026-02-02.")
		}
	}
	if !f.from.IsZero() && !f.to.IsZero() && f.to.Before(f.from) {
		return f, badRequestf("The last day (%s) is before the first (%s).", f.To, f.From)
	}
	switch f.Order {
	case "", "newest":
		f.Order, f.order = "newest", archive.Newest
	case "relevance":
		f.order = archive.Relevance
	default:
		f.Order = "newest"
		return f, badRequestf("Order is newest or relevance.")
	}
	if s := param(v, "page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return f, badRequestf("The page is a number from 1.")
		}
		if n > MaxPage {
			return f, badRequestf("Only the first %d pages of hits are shown: add a channel, a nick or dates to narrow the search.", MaxPage)
		}
		f.Page = n
	}
	if s := param(v, "limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPageSize {
			return f, badRequestf("The limit is a number of hits per page from 1 to %d.", MaxPageSize)
		}
		f.Limit = n
	}
	return f, nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// query resolves the form against the archive: the channel to public
// channel ids, the days to instants in the site's timezone. Whatever the
// form says, only public channels are searched.
func (s *Server) query(ctx context.Context, f searchForm) (archive.SearchQuery, error) {
	q := archive.SearchQuery{
		Text:       f.Q,
		PublicOnly: true,
		Nick:       f.Nick,
		Limit:      f.Limit,
		Offset:     (f.Page - 1) * f.Limit,
		Order:      f.order,
	}
	if !f.from.IsZero() {
		q.From = f.from.Time(s.loc)
	}
	if !f.to.IsZero() {
		q.To = f.to.AddDays(1).Time(s.loc)
	}
	// The channels are always named, even for "all": the archive's public
	// flag alone may be older than the configuration.
	var chans []archive.Channel
	if f.Channel != "" {
		var err error
		if chans, err = s.findChannels(ctx, f.Network, f.Channel); err != nil {
			return q, err
		}
	} else {
		pub, err := s.publicChannels(ctx)
		if err != nil {
			return q, err
		}
		for _, c := range pub {
			if f.Network == "" || c.Network == f.Network {
				chans = append(chans, c)
			}
		}
		if len(chans) == 0 && f.Network != "" {
			return q, badRequestf("There is no public channel on %s in this archive.", f.Network)
		}
	}
	for _, c := range chans {
		q.ChannelIDs = append(q.ChannelIDs, c.ID)
	}
	return q, nil
}

// dayOf is the site day of an instant.
func (s *Server) dayOf(t time.Time) event.Date { return event.DateOf(t, s.loc) }
