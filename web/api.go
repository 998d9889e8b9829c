package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"proceedings/event"
	"strconv"
	"time"

	"proceedings/archive"
	"proceedings/sitepath"
)

// The JSON shapes of the API, documented in docs/api.md. Times are RFC 3339
// in UTC; dates are days in the site's timezone. "path" is relative to the
// site root; "url" is absolute and only there when the server knows the
// site's base URL.

// APIChannel is one public channel.
type APIChannel struct {
	Network string `json:"network"`
	Channel string `json:"channel"`
	Lines   int64  `json:"lines"`
	Days    int    `json:"days"`
	First   string `json:"first,omitempty"`
	Last    string `json:"last,omitempty"`
	Path    string `json:"path"`
	URL     string `json:"url,omitempty"`
}

// APIDay is one day of a calendar.
type APIDay struct {
	Date   string `json:"date"`
	Events int    `json:"events"`
	Lines  int    `json:"lines"`
	Path   string `json:"path"`
	URL    string `json:"url,omitempty"`
}

// APIDays is /api/days.
type APIDays struct {
	Network  string   `json:"network"`
	Channel  string   `json:"channel"`
	Timezone string   `json:"timezone"`
	Days     []APIDay `json:"days"`
}

// APIEvent is one event of a day. People's hosts and accounts are not
// published.
type APIEvent struct {
	ID     int64     `json:"id"`
	Time   time.Time `json:"time"`
	Kind   string    `json:"kind"`
	Nick   string    `json:"nick,omitempty"`
	Text   string    `json:"text,omitempty"`
	Target string    `json:"target,omitempty"`
	Via    string    `json:"via,omitempty"`
	Bot    bool      `json:"bot,omitempty"` // the bot's own line
	Path   string    `json:"path"`
	URL    string    `json:"url,omitempty"`
}

// APIDayEvents is /api/day.
type APIDayEvents struct {
	Network  string     `json:"network"`
	Channel  string     `json:"channel"`
	Date     string     `json:"date"`
	Timezone string     `json:"timezone"`
	Path     string     `json:"path"`
	URL      string     `json:"url,omitempty"`
	Events   []APIEvent `json:"events"`
}

// APIHit is one search hit.
type APIHit struct {
	APIEvent
	Network string    `json:"network"`
	Channel string    `json:"channel"`
	Snippet []APISpan `json:"snippet"`
}

// APISpan is a piece of a hit's snippet; Match marks the words that
// matched the query.
type APISpan struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// APISearch is /api/search.
type APISearch struct {
	Query     string   `json:"query"`
	Order     string   `json:"order"`
	Page      int      `json:"page"`
	Limit     int      `json:"limit"`
	Total     int      `json:"total"`
	TotalMore bool     `json:"total_more"` // there are more than total matches
	NextPage  int      `json:"next_page,omitempty"`
	Hits      []APIHit `json:"hits"`
}

// APIPost is a post of a series.
type APIPost struct {
	Part      int        `json:"part"`
	Numeral   string     `json:"numeral,omitempty"`
	PartOf    int        `json:"part_of,omitempty"`
	Title     string     `json:"title"`
	Subtitle  string     `json:"subtitle,omitempty"`
	Link      string     `json:"link"`
	Published *time.Time `json:"published,omitempty"`
}

// APISeries is one series in /api/series.
type APISeries struct {
	Name   string  `json:"name"`
	Parts  int     `json:"parts"`
	Newest APIPost `json:"newest"`
}

// APISeriesParts is /api/series?name=.
type APISeriesParts struct {
	Name  string    `json:"name"`
	Parts []APIPost `json:"parts"`
}

func (s *Server) url(path string) string {
	if s.baseURL == "" {
		return ""
	}
	return s.baseURL + path
}

func (s *Server) apiChannels(w http.ResponseWriter, r *http.Request) {
	pub, err := s.publicChannels(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := struct {
		Channels []APIChannel `json:"channels"`
	}{Channels: []APIChannel{}}
	for _, c := range pub {
		p := sitepath.ChannelPath(c.Network, c.Name)
		ch := APIChannel{Network: c.Network, Channel: c.Name, Lines: c.Lines, Days: c.Days, Path: p, URL: s.url(p)}
		if !c.First.IsZero() {
			ch.First, ch.Last = c.First.String(), c.Last.String()
		}
		out.Channels = append(out.Channels, ch)
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiDays(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	c, err := s.channelParam(r.Context(), param(v, "network"), param(v, "channel"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	days, err := s.db.Calendar(r.Context(), c.ID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := APIDays{Network: c.Network, Channel: c.Name, Timezone: s.loc.String(), Days: make([]APIDay, 0, len(days))}
	for _, d := range days {
		p := sitepath.DayPath(c.Network, c.Name, d.Day)
		out.Days = append(out.Days, APIDay{Date: d.Day.String(), Events: d.Events, Lines: d.Lines, Path: p, URL: s.url(p)})
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiDay(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	c, err := s.channelParam(r.Context(), param(v, "network"), param(v, "channel"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	ds := param(v, "date")
	if ds == "" {
		s.apiFail(w, r, badRequestf("Say which day: date=2026-02-02."))
		return
	}
	day, err := event.ParseDate(ds)
	if err != nil {
		s.apiFail(w, r, badRequestf("The date should look like 2026-02-02."))
		return
	}
	evs, err := s.db.Day(r.Context(), c.ID, day)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if len(evs) == 0 {
		s.jsonError(w, http.StatusNotFound, "Nothing was recorded in "+c.Name+" on "+day.String()+".")
		return
	}
	p := sitepath.DayPath(c.Network, c.Name, day)
	out := APIDayEvents{Network: c.Network, Channel: c.Name, Date: day.String(), Timezone: s.loc.String(), Path: p, URL: s.url(p),
		Events: make([]APIEvent, 0, len(evs))}
	for _, ev := range evs {
		out.Events = append(out.Events, s.apiEvent(ev))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiEvent(ev event.Event) APIEvent { return NewAPIEvent(ev, s.loc, s.baseURL) }

// NewAPIEvent is an event as the API shows it: its permalink is on the
// page of its day in loc, url is set when baseURL (ending in "/") is.
func NewAPIEvent(ev event.Event, loc *time.Location, baseURL string) APIEvent {
	p := sitepath.Permalink(ev, loc)
	e := APIEvent{
		ID: ev.ID, Time: ev.Time.UTC(), Kind: ev.Kind.String(), Nick: ev.Nick, Text: ev.Text, Target: ev.Target,
		Via: ev.Via, Bot: ev.Flags&event.FlagSelf != 0, Path: p,
	}
	if baseURL != "" {
		e.URL = baseURL + p
	}
	return e
}

// NewAPIHit is a search hit as /api/search shows it; `proceedings search
// --json` prints the same.
func NewAPIHit(h archive.Hit, loc *time.Location, baseURL string) APIHit {
	sn := make([]APISpan, len(h.Snippet))
	for i, sp := range h.Snippet {
		sn[i] = APISpan{sp.Text, sp.Match}
	}
	return APIHit{APIEvent: NewAPIEvent(h.Event, loc, baseURL), Network: h.Network, Channel: h.Channel, Snippet: sn}
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), SearchTimeout)
	defer cancel()
	f, err := parseSearchForm(r.URL.Query())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !s.allowSearch(w, r, func(st int, msg string) { s.jsonError(w, st, msg) }) {
		return
	}
	res, err := s.run(ctx, f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := APISearch{Query: f.Q, Order: f.Order, Page: f.Page, Limit: f.Limit, Total: res.Total, TotalMore: res.TotalMore,
		Hits: make([]APIHit, 0, len(res.Hits))}
	if f.hasNext(res) {
		out.NextPage = f.Page + 1
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, NewAPIHit(h, s.loc, s.baseURL))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiSeries(w http.ResponseWriter, r *http.Request) {
	name := param(r.URL.Query(), "name")
	if len(name) > MaxParamLen*2 {
		s.apiFail(w, r, badRequestf("The series name is too long."))
		return
	}
	if name == "" {
		all, err := s.db.Series(r.Context())
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		out := struct {
			Series []APISeries `json:"series"`
		}{Series: make([]APISeries, 0, len(all))}
		for _, si := range all {
			out.Series = append(out.Series, APISeries{Name: si.Name, Parts: si.Parts, Newest: apiPost(si.Newest)})
		}
		s.writeJSON(w, r, http.StatusOK, out)
		return
	}
	parts, err := s.db.SeriesParts(r.Context(), name)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if len(parts) == 0 {
		s.jsonError(w, http.StatusNotFound, "There is no series called "+strconv.Quote(name)+": /api/series lists them.")
		return
	}
	out := APISeriesParts{Name: parts[0].Series, Parts: make([]APIPost, 0, len(parts))}
	for _, p := range parts {
		out.Parts = append(out.Parts, apiPost(p))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func apiPost(p archive.Post) APIPost {
	ap := APIPost{Part: p.Part, Numeral: p.Numeral, PartOf: p.PartOf, Title: p.Title, Subtitle: p.Subtitle, Link: p.Link}
	if !p.Published.IsZero() {
		t := p.Published.UTC()
		ap.Published = &t
	}
	return ap
}

// channelParam checks and resolves the channel of /api/days and /api/day.
func (s *Server) channelParam(ctx context.Context, network, name string) (archive.Channel, error) {
	if len(name) > MaxParamLen || len(network) > MaxParamLen {
		return archive.Channel{}, badRequestf("The channel or network is too long (at most %d bytes).", MaxParamLen)
	}
	return s.findChannel(ctx, network, name)
}

func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := s.statusOf(r, err)
	s.jsonError(w, status, msg)
}

// APIError is the body of every API error.
type APIError struct {
	Error string `json:"error"`
}

func (s *Server) jsonError(w http.ResponseWriter, status int, msg string) {
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(APIError{msg})
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeBody(w, r, status, "application/json; charset=utf-8", buf.Bytes())
}
