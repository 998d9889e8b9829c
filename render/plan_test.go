package render

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"proceedings/archive"
	"proceedings/event"
	"proceedings/sitepath"
)

// planNow is the fingerprint of the last render in the plan tests.
var planNow = fingerprint{DayKey: "day", SiteKey: "site", SeriesKey: "series", Rev: 1, Today: "2026-02-10"}

// planScenario is a site as the last render left it (in.old and caches)
// and the archive as it is now (in.chans, in.changed, in.now), which the
// cases change.
type planScenario struct {
	in     planInput
	caches map[int64]*chanCache
}

func planChannel(id int64, name string, days ...string) *chanInfo {
	c := &chanInfo{Channel: archive.Channel{ID: id, Network: "net", Name: name}, dir: sitepath.ChannelPath("net", name)}
	for _, d := range days {
		day, err := event.ParseDate(d)
		if err != nil {
			panic(err)
		}
		c.cal = append(c.cal, archive.DayInfo{Channel: id, Day: day, Events: 3, Lines: 2, Rev: 1})
	}
	return c
}

// newPlanScenario: #a has days on the 1st, 2nd and 4th of February, #b on
// the 2nd and 5th, and the last render showed all of them.
func newPlanScenario() *planScenario {
	chans := []*chanInfo{
		planChannel(1, "#a", "2026-02-01", "2026-02-02", "2026-02-04"),
		planChannel(2, "#b", "2026-02-02", "2026-02-05"),
	}
	old := &state{Version: stateVersion, fingerprint: planNow}
	caches := map[int64]*chanCache{}
	for _, c := range chans {
		old.Channels = append(old.Channels, stateChannel{ID: c.ID, Network: c.Network, Name: c.Name, Dir: c.dir, Days: len(c.cal)})
		cache := &chanCache{Version: stateVersion}
		for _, d := range c.cal {
			cache.Days = append(cache.Days, dayAgg{Day: d.Day.String(), Rev: d.Rev, Events: d.Events, Lines: d.Lines})
			old.Feed = append(old.Feed, feedEntry{Day: d.Day.String(), Channel: c.ID, Network: c.Network, Name: c.Name})
		}
		caches[c.ID] = cache
	}
	return &planScenario{in: planInput{old: old, now: planNow, chans: chans, changed: map[int64]bool{}}, caches: caches}
}

func (s *planScenario) channel(name string) *chanInfo {
	for _, c := range s.in.chans {
		if c.Name == name {
			return c
		}
	}
	panic("no channel " + name)
}

// write records a change to a channel's day in the archive: the day gets
// the new revision, and is added when it had no events before.
func (s *planScenario) write(name, date string) {
	c := s.channel(name)
	s.in.now.Rev++
	s.in.changed[c.ID] = true
	day, _ := event.ParseDate(date)
	i := sort.Search(len(c.cal), func(i int) bool { return !c.cal[i].Day.Before(day) })
	if i == len(c.cal) || c.cal[i].Day != day {
		c.cal = slices.Insert(c.cal, i, archive.DayInfo{Channel: c.ID, Day: day})
	}
	c.cal[i].Events++
	c.cal[i].Lines++
	c.cal[i].Rev = s.in.now.Rev
}

// drop removes a channel's day from the archive, as a redaction of its
// every line does: the day is gone from the calendar and from the days
// that changed.
func (s *planScenario) drop(name, date string) {
	c := s.channel(name)
	s.in.now.Rev++
	c.cal = slices.DeleteFunc(c.cal, func(d archive.DayInfo) bool { return d.Day.String() == date })
}

func (s *planScenario) unpublish(name string) {
	s.in.chans = slices.DeleteFunc(s.in.chans, func(c *chanInfo) bool { return c.Name == name })
}

// planSummary is a plan in words: what is written, removed and read.
type planSummary struct {
	UpToDate                                    bool
	Full, Site, Series, AllIndexes, FeedRebuild bool
	CachesRead                                  []int64  // channels whose stats cache was asked for
	Update                                      []string // channels whose calendar, stats page and cache are written
	Jobs                                        []string // days rendered: "#a 2026-02-02 <2026-02-01 >2026-02-04"
	Indexes                                     []string // daily indexes written
	Removed                                     []string // "dir D", "cache ID" and files, sorted
}

// summarize plans s as renderer.run does, and says what the plan does.
func summarize(s *planScenario) planSummary {
	if upToDate(s.in) {
		return planSummary{UpToDate: true}
	}
	var sum planSummary
	p := plan(s.in, func(ids []int64) map[int64]*chanCache {
		sum.CachesRead = append(sum.CachesRead, ids...)
		out := map[int64]*chanCache{}
		for _, id := range ids {
			if c := s.caches[id]; c != nil {
				out[id] = c
			}
		}
		return out
	})
	sum.Full, sum.Site, sum.Series, sum.AllIndexes, sum.FeedRebuild = p.full, p.siteChanged, p.series, p.allIndexes, p.feedRebuild
	for _, u := range p.update {
		sum.Update = append(sum.Update, u.ch.Name)
	}
	for _, j := range p.jobs {
		job := j.ch.Name + " " + j.info.Day.String()
		if !j.prev.IsZero() {
			job += " <" + j.prev.String()
		}
		if !j.next.IsZero() {
			job += " >" + j.next.String()
		}
		sum.Jobs = append(sum.Jobs, job)
	}
	sum.Indexes = p.indexes
	for _, d := range p.removeDirs {
		sum.Removed = append(sum.Removed, "dir "+d)
	}
	for _, id := range p.removeCaches {
		sum.Removed = append(sum.Removed, fmt.Sprintf("cache %d", id))
	}
	sum.Removed = append(sum.Removed, p.gone...)
	for _, d := range p.unlisted {
		sum.Removed = append(sum.Removed, sitepath.DailyIndexDir+"/"+d+".html")
	}
	sort.Strings(sum.Removed)
	return sum
}

// dayFilesOf are the files of a channel-day, as the plan removes them.
func dayFilesOf(dir, date string) []string {
	var out []string
	for _, ext := range dayFiles {
		out = append(out, dir+date+ext)
	}
	sort.Strings(out)
	return out
}

// TestPlan holds the rules of what a render writes again, one case each.
func TestPlan(t *testing.T) {
	allJobs := []string{
		"#a 2026-02-01 >2026-02-02", "#a 2026-02-02 <2026-02-01 >2026-02-04", "#a 2026-02-04 <2026-02-02",
		"#b 2026-02-02 >2026-02-05", "#b 2026-02-05 <2026-02-02",
	}
	allDates := []string{"2026-02-01", "2026-02-02", "2026-02-04", "2026-02-05"}
	everything := planSummary{Full: true, Site: true, Series: true, AllIndexes: true, FeedRebuild: true,
		CachesRead: []int64{1, 2}, Update: []string{"#a", "#b"}, Jobs: allJobs, Indexes: allDates}
	tests := []struct {
		name   string
		change func(s *planScenario)
		want   planSummary
	}{
		{
			name:   "nothing changed: nothing is written",
			change: func(s *planScenario) {},
			want:   planSummary{UpToDate: true},
		},
		{
			name: "nothing changed, the channels from the options: they are not read",
			change: func(s *planScenario) {
				s.in.configured, s.in.chans = true, nil
			},
			want: planSummary{UpToDate: true},
		},
		{
			name:   "a new line in a day: that day, its channel's pages and its daily index",
			change: func(s *planScenario) { s.write("#a", "2026-02-02") },
			want: planSummary{CachesRead: []int64{1}, Update: []string{"#a"},
				Jobs: []string{"#a 2026-02-02 <2026-02-01 >2026-02-04"}, Indexes: []string{"2026-02-02"}},
		},
		{
			name: "a redaction in a day that keeps other lines: that day alone",
			change: func(s *planScenario) {
				s.write("#b", "2026-02-05")
				s.channel("#b").cal[1].Lines -= 2
			},
			want: planSummary{CachesRead: []int64{2}, Update: []string{"#b"},
				Jobs: []string{"#b 2026-02-05 <2026-02-02"}, Indexes: []string{"2026-02-05"}},
		},
		{
			name:   "a new last day: the day before it links to it, and the daily index before it too",
			change: func(s *planScenario) { s.write("#a", "2026-02-06") },
			want: planSummary{CachesRead: []int64{1}, Update: []string{"#a"},
				Jobs:    []string{"#a 2026-02-04 <2026-02-02 >2026-02-06", "#a 2026-02-06 <2026-02-04"},
				Indexes: []string{"2026-02-04", "2026-02-05", "2026-02-06"}},
		},
		{
			name:   "a new day between two: both neighbours",
			change: func(s *planScenario) { s.write("#a", "2026-02-03") },
			want: planSummary{CachesRead: []int64{1}, Update: []string{"#a"},
				Jobs: []string{"#a 2026-02-02 <2026-02-01 >2026-02-03", "#a 2026-02-03 <2026-02-02 >2026-02-04",
					"#a 2026-02-04 <2026-02-03"},
				Indexes: []string{"2026-02-02", "2026-02-03", "2026-02-04"}},
		},
		{
			name:   "a day gone that another channel still has: its files go, its neighbours are mended, the feed is made again",
			change: func(s *planScenario) { s.drop("#a", "2026-02-02") },
			want: planSummary{FeedRebuild: true, CachesRead: []int64{1}, Update: []string{"#a"},
				Jobs:    []string{"#a 2026-02-01 >2026-02-04", "#a 2026-02-04 <2026-02-01"},
				Indexes: []string{"2026-02-01", "2026-02-02", "2026-02-04"},
				Removed: dayFilesOf("net/a/", "2026-02-02")},
		},
		{
			name:   "a day gone from every channel: its daily index goes too",
			change: func(s *planScenario) { s.drop("#b", "2026-02-05") },
			want: planSummary{FeedRebuild: true, CachesRead: []int64{2}, Update: []string{"#b"},
				Jobs:    []string{"#b 2026-02-02"},
				Indexes: []string{"2026-02-02", "2026-02-04"},
				Removed: append([]string{"days/2026-02-05.html"}, dayFilesOf("net/b/", "2026-02-05")...)},
		},
		{
			name:   "a change in one channel: the other's cache is not read",
			change: func(s *planScenario) { s.write("#b", "2026-02-02") },
			want: planSummary{CachesRead: []int64{2}, Update: []string{"#b"},
				Jobs: []string{"#b 2026-02-02 >2026-02-05"}, Indexes: []string{"2026-02-02"}},
		},
		{
			name:   "a channel made private in the archive: its pages and cache go, every daily index and the feed are made again",
			change: func(s *planScenario) { s.unpublish("#b") },
			want: planSummary{AllIndexes: true, FeedRebuild: true,
				Indexes: []string{"2026-02-01", "2026-02-02", "2026-02-04"},
				Removed: []string{"cache 2", "dir net/b/"}},
		},
		{
			name: "a channel made private in the options: they are in the day key, so everything",
			change: func(s *planScenario) {
				s.in.configured, s.in.now.DayKey = true, "other day key"
				s.unpublish("#b")
			},
			want: planSummary{Full: true, Site: true, Series: true, AllIndexes: true, FeedRebuild: true,
				CachesRead: []int64{1}, Update: []string{"#a"}, Jobs: allJobs[:3],
				Indexes: []string{"2026-02-01", "2026-02-02", "2026-02-04"},
				Removed: []string{"cache 2", "dir net/b/"}},
		},
		{
			name: "a channel made public: all its days, every daily index and the feed",
			change: func(s *planScenario) {
				s.in.chans = append(s.in.chans, planChannel(3, "#c", "2026-02-03"))
			},
			want: planSummary{AllIndexes: true, FeedRebuild: true, Update: []string{"#c"},
				Jobs:    []string{"#c 2026-02-03"},
				Indexes: []string{"2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05"}},
		},
		{
			name:   "a channel in another directory: the old one goes, all its days are written in the new one",
			change: func(s *planScenario) { s.in.old.Channels[1].Dir = "net/old-b/" },
			want: planSummary{AllIndexes: true, FeedRebuild: true, Update: []string{"#b"},
				Jobs: allJobs[3:], Indexes: allDates, Removed: []string{"dir net/old-b/"}},
		},
		{
			name:   "templates, version or options changed (the day key): everything",
			change: func(s *planScenario) { s.in.now.DayKey = "other day key" },
			want:   everything,
		},
		{
			name:   "Options.Full: everything",
			change: func(s *planScenario) { s.in.forced = true },
			want:   everything,
		},
		{
			name: "no state: everything, without a cache",
			change: func(s *planScenario) {
				s.in.old = nil
			},
			want: planSummary{Full: true, Site: true, Series: true, AllIndexes: true, FeedRebuild: true,
				Update: []string{"#a", "#b"}, Jobs: allJobs, Indexes: allDates},
		},
		{
			name: "a full render still removes the files of a day gone",
			change: func(s *planScenario) {
				s.in.forced = true
				s.drop("#b", "2026-02-05")
			},
			want: planSummary{Full: true, Site: true, Series: true, AllIndexes: true, FeedRebuild: true,
				CachesRead: []int64{1, 2}, Update: []string{"#a", "#b"}, Jobs: append(allJobs[:3:3], "#b 2026-02-02"),
				Indexes: allDates[:3], Removed: append([]string{"days/2026-02-05.html"}, dayFilesOf("net/b/", "2026-02-05")...)},
		},
		{
			name:   "Markdown content or descriptions changed (the site key): the site's own pages, calendars and stats, no day",
			change: func(s *planScenario) { s.in.now.SiteKey = "other site key" },
			want:   planSummary{Site: true, Series: true, CachesRead: []int64{1, 2}, Update: []string{"#a", "#b"}},
		},
		{
			name:   "a new series part: the series pages",
			change: func(s *planScenario) { s.in.now.SeriesKey = "other series key" },
			want:   planSummary{Series: true},
		},
		{
			name:   "the day ends: the feed",
			change: func(s *planScenario) { s.in.now.Today = "2026-02-11" },
			want:   planSummary{FeedRebuild: true},
		},
		{
			name: "an unreadable stats cache: every day of that channel, as new days",
			change: func(s *planScenario) {
				s.write("#a", "2026-02-02")
				delete(s.caches, 1)
			},
			want: planSummary{CachesRead: []int64{1}, Update: []string{"#a"}, Jobs: allJobs[:3],
				Indexes: []string{"2026-02-01", "2026-02-02", "2026-02-04", "2026-02-05"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newPlanScenario()
			tt.change(s)
			if got := summarize(s); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("plan:\n got %s\nwant %s", formatSummary(got), formatSummary(tt.want))
			}
		})
	}
}

// formatSummary writes a summary a field a line.
func formatSummary(s planSummary) string {
	var b strings.Builder
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		if f := v.Field(i); !f.IsZero() {
			fmt.Fprintf(&b, "\n\t%s: %v", v.Type().Field(i).Name, f.Interface())
		}
	}
	return b.String()
}
