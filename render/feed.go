package render

import (
	"encoding/xml"
	"fmt"
	"proceedings/event"
	"sort"
	"strings"
	"time"

	"proceedings/sitepath"
)

// feedSize is how many days the Atom feed lists.
const feedSize = 50

// feedEntries returns the days the feed lists: the newest feedSize days
// that have ended (before today), newest first. Unless rebuild is set it
// updates the last feed (last) with the days rendered now; a rebuild takes
// every channel's cache.
func (r *renderer) feedEntries(last []feedEntry, chans []*chanInfo, rendered map[int64]map[string]*dayAgg, today string, rebuild bool) []feedEntry {
	byID := map[int64]*chanInfo{}
	for _, c := range chans {
		byID[c.ID] = c
	}
	entry := func(c *chanInfo, a *dayAgg) feedEntry {
		d, _ := event.ParseDate(a.Day)
		return feedEntry{Day: a.Day, Channel: c.ID, Network: c.Network, Name: c.Name, Path: sitepath.DayPath(c.Network, c.Name, d),
			Lines: a.Lines, Speakers: len(a.Nicks), Links: a.Links, Last: a.Last}
	}
	var out []feedEntry
	if rebuild {
		for _, c := range chans {
			for _, a := range r.feedDays(c, today) {
				out = append(out, entry(c, a))
			}
		}
	} else {
		for _, e := range last {
			if rendered[e.Channel][e.Day] == nil {
				out = append(out, e)
			}
		}
		for id, days := range rendered {
			for _, a := range days {
				if a.Day < today {
					out = append(out, entry(byID[id], a))
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day > out[j].Day
		}
		if out[i].Network != out[j].Network {
			return out[i].Network < out[j].Network
		}
		return event.FoldChannel(out[i].Name) < event.FoldChannel(out[j].Name)
	})
	if len(out) > feedSize {
		out = out[:feedSize]
	}
	return out
}

// feedDays are a channel's days before today, from its stats cache.
func (r *renderer) feedDays(c *chanInfo, today string) []*dayAgg {
	if c.cache == nil {
		if c.cache = r.loadCache(c.ID); c.cache == nil {
			r.opt.Logger.Warn("the feed misses a channel whose stats cache is gone; render with --full", "component", "render", "channel", c.Name)
			return nil
		}
	}
	var days []*dayAgg
	for i := range c.cache.Days {
		if a := &c.cache.Days[i]; a.Day < today {
			days = append(days, a)
		}
	}
	return days
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary atomText `xml:"summary"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Author  string      `xml:"author>name"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

// renderFeed writes feed.atom. Everything in it is a function of the
// entries: "updated" is the time of a day's last line, never the clock.
func (r *renderer) renderFeed(entries []feedEntry) error {
	abs := func(p string) string { return r.opt.BaseURL + p }
	id := func(p string) string {
		if r.opt.BaseURL != "" {
			return r.opt.BaseURL + p
		}
		return "urn:x-proceedings:" + p
	}
	f := atomFeed{Title: r.opt.Title + ": new days", ID: id("feed.atom"), Author: r.opt.Title,
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: abs("feed.atom")}, {Rel: "alternate", Type: "text/html", Href: abs("index.html")}}}
	var newest int64
	for _, e := range entries {
		newest = max(newest, e.Last)
		d, _ := event.ParseDate(e.Day)
		var s strings.Builder
		fmt.Fprintf(&s, "%s by %s in %s on %s.", plural(e.Lines, "line"), plural(e.Speakers, "person"), sanitizeText(e.Name), sanitizeText(e.Network))
		if len(e.Links) > 0 {
			s.WriteString(" Most shared: ")
			s.WriteString(strings.Join(e.Links, " "))
		}
		f.Entries = append(f.Entries, atomEntry{
			Title:   PageTitle(d) + " — " + sanitizeText(e.Name),
			ID:      id(e.Path),
			Updated: time.UnixMilli(e.Last).UTC().Format(time.RFC3339),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: abs(e.Path)},
			Summary: atomText{Type: "text", Body: s.String()},
		})
	}
	if newest == 0 {
		f.Updated = "1970-01-01T00:00:00Z"
	} else {
		f.Updated = time.UnixMilli(newest).UTC().Format(time.RFC3339)
	}
	data, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return fmt.Errorf("render the feed: %w", err)
	}
	data = append([]byte(xml.Header), data...)
	data = append(data, '\n')
	return r.writeFile("feed.atom", true, data)
}
