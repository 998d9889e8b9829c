package commands

import (
	"context"
	"errors"
	"fmt"
	"proceedings/event"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/bot/announce"
	"proceedings/config"
	"proceedings/sitepath"
)

// commandSpec is one entry of the command table: what a command does and
// how it is called.
type commandSpec struct {
	run     func(ctx context.Context, r *Router, j *invocation)
	usage   string // the arguments, for usage lines: "N [series words]"
	help    string // one sentence for !help
	minArgs int
	admin   bool // only for the configured admins; silent for anyone else
}

// usageLine is how the command named name is called: "!part N [series words]".
func (c commandSpec) usageLine(prefix, name string) string {
	if c.usage == "" {
		return prefix + name
	}
	return prefix + name + " " + c.usage
}

// commands is the command table, by lower-case name.
var commands map[string]commandSpec

// commandOrder is the order !help lists commands in.
var commandOrder = []string{"part", "series", "latest", "logs", "search", "seen", "optout", "optin", "help",
	"announce", "join", "part-channel", "say", "reload"}

func init() {
	commands = map[string]commandSpec{
		"part": {run: cmdPart, minArgs: 1, usage: "N [series words]",
			help: "the title and link of part N (10 or X) of a series; without words, of the series the bot announced last here"},
		"series": {run: cmdSeries, usage: "[series words]",
			help: "the known series with their part counts; with words, the parts of that series"},
		"latest": {run: cmdLatest, usage: "[n]",
			help: "the n newest posts (default 3, at most 5)"},
		"logs": {run: cmdLogs, usage: "[#channel] [today|yesterday|YYYY-MM-DD|weekday]",
			help: "the link to a day's log page of this channel (default today)"},
		"search": {run: cmdSearch, minArgs: 1, usage: "words or \"a phrase\"",
			help: "the number of public log lines with every word, and the best matches with links"},
		"seen": {run: cmdSeen, minArgs: 1, usage: "nick",
			help: "when and where nick last spoke in a public channel, and what they said"},
		"optout": {run: cmdOptOut(true),
			help: "stop recording your lines (by account when you are logged in, else by nick from this user@host)"},
		"optin": {run: cmdOptOut(false),
			help: "record your lines again; only the account, or the nick from the same user@host, that opted out can (an admin may add anyone's NAME)"},
		"help": {run: cmdHelp, usage: "[command]",
			help: "the list of commands, or what one command does"},
		"announce": {run: cmdAnnounce, minArgs: 1, admin: true, usage: "on|off [#channel]",
			help: "turn feed announcements on or off here (or in #channel; everywhere from a private message)"},
		"join": {run: cmdJoin, minArgs: 1, admin: true, usage: "#channel",
			help: "join a channel (lines are recorded only in configured channels)"},
		"part-channel": {run: cmdPartChannel, admin: true, usage: "[#channel]",
			help: "leave a channel (default: this one)"},
		"say": {run: cmdSay, minArgs: 2, admin: true, usage: "#channel|nick text",
			help: "say text in a channel or to a nick"},
		"reload": {run: cmdReload, admin: true,
			help: "read bot.yaml again and apply it"},
	}
}

// The lengths pieces of replies are cut to, so that several fit in the
// three lines a reply may have.
const (
	titleBytes   = 110
	snippetBytes = 110
	echoBytes    = 40 // user input quoted back
)

// ---------------------------------------------------------------------------
// Series: !part and !series
// ---------------------------------------------------------------------------

func cmdPart(ctx context.Context, r *Router, j *invocation) {
	n, words, err := partArgs(j.parsed.Args)
	if err != nil {
		j.usage(upperFirst(err.Error()))
		return
	}
	var name string
	var parts []archive.Post
	if len(words) == 0 {
		if name, err = r.channelSeries(ctx, j); err != nil {
			r.failed(j, err)
			return
		}
		if name != "" {
			if parts, err = r.seriesParts(ctx, j.cfg, name); err != nil {
				r.failed(j, err)
				return
			}
		}
		if len(parts) == 0 {
			list, err := r.seriesList(ctx, j)
			if err != nil {
				r.failed(j, err)
				return
			}
			if name = defaultSeries(list); name == "" {
				j.say("I know no series yet.")
				return
			}
			if parts, err = r.seriesParts(ctx, j.cfg, name); err != nil {
				r.failed(j, err)
				return
			}
		}
	} else {
		var ok bool
		if name, ok = r.resolveSeries(ctx, j, words); !ok {
			return
		}
		if parts, err = r.seriesParts(ctx, j.cfg, name); err != nil {
			r.failed(j, err)
			return
		}
	}
	if len(parts) == 0 {
		j.say("I know no parts of %s yet.", name)
		return
	}
	name = parts[0].Series
	for _, p := range parts {
		if p.Part == n {
			j.say("%s", partLine(name, p))
			return
		}
	}
	nums := partNumbers(parts)
	if n > nums[len(nums)-1] {
		j.say("%s has %s; part %d is not out yet.", name, describeParts(nums), n)
	} else {
		j.say("%s has %s; part %d is not in the archive.", name, describeParts(nums), n)
	}
}

// partArgs reads "N [words]" or "[words] N".
func partArgs(args []string) (int, []string, error) {
	n, err := announce.ParsePartNumber(args[0])
	if err == nil {
		return n, args[1:], nil
	}
	if len(args) > 1 {
		if m, err2 := announce.ParsePartNumber(args[len(args)-1]); err2 == nil {
			return m, args[:len(args)-1], nil
		}
	}
	return 0, nil, err
}

// partLine is the answer to !part: "Title — link", the title naming the
// series.
func partLine(series string, p archive.Post) string {
	title := strings.TrimSpace(p.Title)
	switch {
	case title == "":
		title = series + " — Part " + announce.Roman(p.Part)
	case !strings.Contains(seriesKey(title), seriesKey(series)):
		title = series + " — " + title
	}
	if p.Link == "" {
		return title
	}
	return title + " — " + p.Link
}

func partNumbers(parts []archive.Post) []int {
	nums := make([]int, len(parts))
	for i, p := range parts {
		nums[i] = p.Part
	}
	return nums
}

// describeParts says which parts exist: "parts I–X (1–10)", "part I (1)",
// "parts I–III, V (1–3, 5)".
func describeParts(nums []int) string {
	type run struct{ from, to int }
	var runs []run
	for _, n := range nums {
		if len(runs) > 0 && runs[len(runs)-1].to+1 == n {
			runs[len(runs)-1].to = n
			continue
		}
		runs = append(runs, run{n, n})
	}
	const maxRuns = 6
	more := len(runs) > maxRuns
	if more {
		runs = runs[:maxRuns]
	}
	var roman, arabic []string
	for _, r := range runs {
		if r.from == r.to {
			roman = append(roman, announce.Roman(r.from))
			arabic = append(arabic, strconv.Itoa(r.from))
		} else {
			roman = append(roman, announce.Roman(r.from)+"–"+announce.Roman(r.to))
			arabic = append(arabic, strconv.Itoa(r.from)+"–"+strconv.Itoa(r.to))
		}
	}
	if more {
		roman, arabic = append(roman, "…"), append(arabic, "…")
	}
	word := "parts"
	if len(nums) == 1 {
		word = "part"
	}
	return fmt.Sprintf("%s %s (%s)", word, strings.Join(roman, ", "), strings.Join(arabic, ", "))
}

func cmdSeries(ctx context.Context, r *Router, j *invocation) {
	if len(j.parsed.Args) == 0 {
		list, err := r.seriesList(ctx, j)
		if err != nil {
			r.failed(j, err)
			return
		}
		if len(list) == 0 {
			j.say("I know no series yet.")
			return
		}
		items := make([]string, len(list))
		for i, s := range list {
			count := fmt.Sprintf("%d parts", s.Parts)
			if s.Parts == 1 {
				count = "1 part"
			}
			items[i] = fmt.Sprintf("%s (%s, newest: Part %s)", clip(s.Name, titleBytes), count, partNumeral(s.Newest))
		}
		j.say("%d series: %s. Say %sseries NAME for the parts of one.", len(list), strings.Join(items, " · "), j.cfg.Commands.Prefix)
		return
	}
	name, ok := r.resolveSeries(ctx, j, j.parsed.Args)
	if !ok {
		return
	}
	parts, err := r.seriesParts(ctx, j.cfg, name)
	if err != nil {
		r.failed(j, err)
		return
	}
	if len(parts) == 0 {
		j.say("I know no parts of %s yet.", name)
		return
	}
	name = parts[0].Series
	items := make([]string, len(parts))
	for i, p := range parts {
		items[i] = partNumeral(p) + " " + partSubtitle(p)
	}
	full := bot.CleanText(fmt.Sprintf("%s, %s: %s", name, describeParts(partNumbers(parts)), strings.Join(items, " · ")))
	if len(full) <= bot.MaxTextBytes {
		j.say("%s", full)
		return
	}
	newest := parts[len(parts)-1]
	j.say("%s has %s; the newest: %s. Say %spart N for the link to any part.", name, describeParts(partNumbers(parts)),
		partLine(name, newest), j.cfg.Commands.Prefix)
}

// partNumeral is how a part's number is written: as its title wrote it, else
// in roman numerals.
func partNumeral(p archive.Post) string {
	if p.Numeral != "" {
		return p.Numeral
	}
	return announce.Roman(p.Part)
}

// partSubtitle is a part's own title without the series name.
func partSubtitle(p archive.Post) string {
	if p.Subtitle != "" {
		return p.Subtitle
	}
	if sp, ok := announce.ParseSeriesTitle(p.Title); ok && sp.Subtitle != "" {
		return sp.Subtitle
	}
	if p.Title != "" {
		return clip(p.Title, titleBytes)
	}
	return "(untitled)"
}

// seriesList lists the series of the archive, most recently published
// first, then those only declared in the configuration; counts and newest
// parts include the declared parts. The list is kept for seriesCacheTTL
// (a post the announcer stores comes with PostsChanged, which forgets it),
// so that !part answers with one query.
func (r *Router) seriesList(ctx context.Context, j *invocation) ([]archive.SeriesInfo, error) {
	r.series.mu.Lock()
	defer r.series.mu.Unlock()
	c := &r.series
	if c.list != nil && c.cfg == j.cfg && !j.now.Before(c.fetched) && j.now.Sub(c.fetched) < seriesCacheTTL {
		return c.list, nil
	}
	list, err := r.loadSeries(ctx, j.cfg)
	if err != nil {
		return nil, err
	}
	c.list, c.cfg, c.fetched = list, j.cfg, j.now
	return list, nil
}

// seriesCacheTTL is how long the list of series is kept.
const seriesCacheTTL = 30 * time.Second

// seriesCache holds the last list of series.
type seriesCache struct {
	mu      sync.Mutex
	list    []archive.SeriesInfo
	cfg     *config.Config
	fetched time.Time
}

func (c *seriesCache) invalidate() {
	c.mu.Lock()
	c.list = nil
	c.mu.Unlock()
}

func (r *Router) loadSeries(ctx context.Context, cfg *config.Config) ([]archive.SeriesInfo, error) {
	list, err := r.db.Series(ctx)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []archive.SeriesInfo{}
	}
	for _, cs := range cfg.Series {
		i := slices.IndexFunc(list, func(s archive.SeriesInfo) bool { return seriesKey(s.Name) == seriesKey(cs.Name) })
		if i < 0 {
			parts := configParts(cs)
			if len(parts) > 0 {
				list = append(list, archive.SeriesInfo{Name: cs.Name, Parts: len(parts), Newest: parts[len(parts)-1]})
			}
			continue
		}
		parts, err := r.seriesParts(ctx, cfg, list[i].Name)
		if err != nil {
			return nil, err
		}
		if len(parts) > 0 {
			list[i].Parts, list[i].Newest = len(parts), parts[len(parts)-1]
		}
	}
	return list, nil
}

// seriesParts returns the parts of a series in order: the archive's, and
// the configuration's where the archive has none of that number (a part
// seen in both is one part; the configuration only fills a missing link).
func (r *Router) seriesParts(ctx context.Context, cfg *config.Config, name string) ([]archive.Post, error) {
	parts, err := r.db.SeriesParts(ctx, name)
	if err != nil {
		return nil, err
	}
	for _, cs := range cfg.Series {
		if seriesKey(cs.Name) != seriesKey(name) {
			continue
		}
		for _, cp := range configParts(cs) {
			i := slices.IndexFunc(parts, func(p archive.Post) bool { return p.Part == cp.Part })
			switch {
			case i < 0:
				if len(parts) > 0 {
					cp.Series = parts[0].Series
				}
				parts = append(parts, cp)
			case parts[i].Link == "":
				parts[i].Link = cp.Link
			}
		}
	}
	slices.SortStableFunc(parts, func(a, b archive.Post) int { return a.Part - b.Part })
	return parts, nil
}

// configParts turns a declared series into posts, one per part number
// (the first declaration of a number wins), in order.
func configParts(cs config.Series) []archive.Post {
	var out []archive.Post
	for _, p := range cs.Parts {
		if p.N < 1 || slices.ContainsFunc(out, func(o archive.Post) bool { return o.Part == p.N }) {
			continue
		}
		post := archive.Post{Series: cs.Name, Part: p.N, Title: p.Title, Link: p.URL}
		if sp, ok := announce.ParseSeriesTitle(p.Title); ok && sp.Part == p.N {
			post.Subtitle, post.Numeral = sp.Subtitle, sp.Numeral
		}
		out = append(out, post)
	}
	slices.SortStableFunc(out, func(a, b archive.Post) int { return a.Part - b.Part })
	return out
}

// defaultSeries is the series "!part N" means without series words when
// the channel has no announcement of its own: the one announced most
// recently anywhere, else the most recently published.
func defaultSeries(list []archive.SeriesInfo) string {
	best := ""
	var at time.Time
	for _, s := range list {
		if s.Newest.Announced.After(at) {
			best, at = s.Name, s.Newest.Announced
		}
	}
	if best == "" && len(list) > 0 {
		best = list[0].Name
	}
	return best
}

// resolveSeries finds the one series words name, or answers why not.
func (r *Router) resolveSeries(ctx context.Context, j *invocation, words []string) (string, bool) {
	list, err := r.seriesList(ctx, j)
	if err != nil {
		r.failed(j, err)
		return "", false
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Name
	}
	matches := matchSeries(names, words)
	asked := clip(strings.Join(words, " "), echoBytes)
	switch {
	case len(matches) == 1:
		return matches[0], true
	case len(matches) > 1:
		j.say("Several series match “%s”: %s. Add a word to pick one.", asked, strings.Join(matches, " · "))
	case len(names) == 0:
		j.say("I know no series yet.")
	default:
		j.say("No series matches “%s”. Known: %s.", asked, strings.Join(names, " · "))
	}
	return "", false
}

// matchSeries returns the names that words select, case-insensitively: a
// name equal to the words beats a name that starts with them, which beats
// a name with a word starting with each of the words ("belarus" → "From
// Belarus With Love").
func matchSeries(names, words []string) []string {
	q := nameWords(strings.Join(words, " "))
	if len(q) == 0 {
		return nil
	}
	best, level := []string(nil), 0
	for _, name := range names {
		nw := nameWords(name)
		l := 0
		switch {
		case slices.Equal(nw, q):
			l = 3
		case startsWithWords(nw, q):
			l = 2
		case everyWordPrefixes(nw, q):
			l = 1
		}
		switch {
		case l > level:
			best, level = []string{name}, l
		case l == level && l > 0:
			best = append(best, name)
		}
	}
	return best
}

func startsWithWords(name, q []string) bool {
	if len(q) > len(name) {
		return false
	}
	last := len(q) - 1
	return slices.Equal(name[:last], q[:last]) && strings.HasPrefix(name[last], q[last])
}

func everyWordPrefixes(name, q []string) bool {
	for _, w := range q {
		if !slices.ContainsFunc(name, func(n string) bool { return strings.HasPrefix(n, w) }) {
			return false
		}
	}
	return true
}

// nameWords splits a name into lower-case words of letters and digits.
func nameWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// seriesKey folds a series name the way the archive does: case and runs of
// white space do not matter.
func seriesKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// ---------------------------------------------------------------------------
// !latest
// ---------------------------------------------------------------------------

const (
	latestDefault = 3
	latestMax     = 5
)

func cmdLatest(ctx context.Context, r *Router, j *invocation) {
	n := latestDefault
	if len(j.parsed.Args) > 0 {
		v, ok := parseCount(j.parsed.Args[0])
		if !ok || len(j.parsed.Args) > 1 {
			j.usage(fmt.Sprintf("n is a number from 1 to %d", latestMax))
			return
		}
		n = min(v, latestMax)
	}
	posts, err := r.db.LatestPosts(ctx, n)
	if err != nil {
		r.failed(j, err)
		return
	}
	if len(posts) == 0 {
		j.say("No posts yet.")
		return
	}
	items := make([]string, len(posts))
	for i, p := range posts {
		items[i] = clip(bot.CleanText(p.Title), titleBytes)
		if p.Link != "" {
			items[i] += " — " + p.Link
		}
	}
	j.say("%s", strings.Join(items, " · "))
}

// parseCount reads a count of 1 or more; a number too large to matter
// (any number of digits) reads as 999, so that "!latest 99999999999999999999"
// is taken as the most there is, as the help says.
func parseCount(s string) (int, bool) {
	if len(s) == 0 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 3 {
		return 999, true
	}
	n := 0
	for _, c := range []byte(s) {
		n = n*10 + int(c-'0')
	}
	return n, n > 0
}

// ---------------------------------------------------------------------------
// !logs
// ---------------------------------------------------------------------------

func cmdLogs(ctx context.Context, r *Router, j *invocation) {
	var chanArg, dayArg string
	for _, a := range j.parsed.Args {
		switch {
		case looksLikeChannel(a) && chanArg == "":
			chanArg = a
		case dayArg == "" && !looksLikeChannel(a):
			dayArg = a
		default:
			j.usage("")
			return
		}
	}
	loc := r.db.Location()
	today := event.DateOf(j.now, loc)
	day := today
	if dayArg != "" {
		var ok bool
		if day, ok = parseLogDay(dayArg, today); !ok {
			j.usage(fmt.Sprintf("I do not know the day %s", quoteInput(dayArg)))
			return
		}
	}
	ch, ok := r.logChannel(ctx, j, chanArg)
	if !ok {
		return
	}
	dayName := day.Time(loc).Format("Monday, January 02, 2006")
	if today.Before(day) {
		j.say("%s has not come yet.", dayName)
		return
	}
	cal, err := r.db.Calendar(ctx, ch.ID)
	if err != nil {
		r.failed(j, err)
		return
	}
	if !slices.ContainsFunc(cal, func(d archive.DayInfo) bool { return d.Day == day && d.Events > 0 }) {
		j.say("Nothing was said in %s that day (%s).", ch.Name, dayName)
		return
	}
	j.say("%s, %s: %s", ch.Name, dayName, pageURL(j.cfg, sitepath.DayPath(ch.Network, ch.Name, day)))
}

// logChannel finds the published log !logs speaks of: that of the named
// channel, else of the channel the command was said in, else (in a private
// message) of the one public channel of the network. A bridged channel's
// log is the bridge's (see bot.LogRef).
func (r *Router) logChannel(ctx context.Context, j *invocation, name string) (archive.Channel, bool) {
	if name == "" {
		name = j.in.Channel
	}
	var ref event.ChannelRef
	if name != "" {
		ref, _ = bot.LogRef(j.cfg, j.in.Network, name)
	} else {
		var refs []event.ChannelRef
		for _, n := range j.cfg.Networks {
			if !strings.EqualFold(n.Name, j.in.Network) {
				continue
			}
			for _, ch := range n.Channels {
				if r, _ := bot.LogRef(j.cfg, n.Name, ch.Name); ch.Public && !slices.Contains(refs, r) {
					refs = append(refs, r)
				}
			}
		}
		if len(refs) != 1 {
			j.usage("Which channel?")
			return archive.Channel{}, false
		}
		ref = refs[0]
	}
	list, err := r.cache.channels(ctx, r.db, j.now, false)
	if err != nil {
		r.failed(j, err)
		return archive.Channel{}, false
	}
	find := func(list []archive.Channel) (archive.Channel, bool) {
		for _, c := range list {
			if c.Network == ref.Network && event.FoldChannel(c.Name) == event.FoldChannel(ref.Name) {
				return c, true
			}
		}
		return archive.Channel{}, false
	}
	c, ok := find(list)
	if !ok { // a channel recorded since the cache was filled
		if list, err = r.cache.channels(ctx, r.db, j.now, true); err != nil {
			r.failed(j, err)
			return archive.Channel{}, false
		}
		c, ok = find(list)
	}
	if !ok || !c.Public {
		// A private channel reads exactly like one never recorded, so
		// that !logs cannot tell which private channels exist.
		j.say("I have no logs of %s.", quoteInput(name))
		return archive.Channel{}, false
	}
	return c, true
}

// parseLogDay reads today, yesterday, 2026-02-02 or a weekday (the last one
// before today: "monday" on a Monday is a week ago).
func parseLogDay(s string, today event.Date) (event.Date, bool) {
	switch w := strings.ToLower(s); w {
	case "today":
		return today, true
	case "yesterday":
		return today.AddDays(-1), true
	default:
		if d, err := event.ParseDate(s); err == nil {
			return d, true
		}
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			name := strings.ToLower(wd.String())
			if w == name || w == name[:3] {
				back := (int(today.Weekday()) - int(wd) + 7) % 7
				if back == 0 {
					back = 7
				}
				return today.AddDays(-back), true
			}
		}
	}
	return event.Date{}, false
}

// looksLikeChannel reports a channel name: #chan or &chan without spaces,
// commas or control characters, at most 64 bytes.
func looksLikeChannel(s string) bool {
	return len(s) > 1 && len(s) <= 64 && (s[0] == '#' || s[0] == '&') &&
		!strings.ContainsFunc(s, func(r rune) bool { return r == ',' || r == ':' || unicode.IsSpace(r) || unicode.IsControl(r) })
}

// pageURL is the absolute address of a page of the site.
func pageURL(cfg *config.Config, path string) string {
	path = strings.TrimPrefix(path, "/")
	if cfg.Site.BaseURL == nil {
		return path
	}
	base := cfg.Site.BaseURL.String()
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + path
}

// linePermalink is the address of one line on its day page.
func linePermalink(cfg *config.Config, loc *time.Location, ev event.Event) string {
	return pageURL(cfg, sitepath.Permalink(ev, loc))
}

// ---------------------------------------------------------------------------
// !search and !seen
// ---------------------------------------------------------------------------

// searchOrder is the order of !search hits: the most relevant (bm25)
// among the newest searchWindow matches, so that a common word answers as
// fast as a rare one on a 20-year archive.
const searchOrder = archive.Relevance

// searchWindow is how many of the newest matches !search ranks, and
// searchCount how far it counts matches ("more than 500 lines match").
const (
	searchWindow = 1000
	searchCount  = 500
)

// searchScanMax bounds how many of the newest hits !search looks through
// for lines that are neither the bot's nor commands.
const searchScanMax = 300

func cmdSearch(ctx context.Context, r *Router, j *invocation) {
	q := j.parsed.Rest
	limit := j.cfg.Commands.SearchResults
	// The archive leaves out the bot's own lines (FlagSelf) and lines
	// flagged as commands (FlagCommand); commands stored without the flag
	// are recognised here. So ask for more hits than are shown, and for
	// more pages while too few are left.
	botNick := r.botNick(j.cfg, j.in.Network)
	shown := func(h archive.Hit) bool { return !IsCommand(h.Text, j.cfg.Commands.Prefix, botNick) }
	var res archive.SearchResult
	var hits []archive.Hit
	page := limit + 4 // each hit costs a snippet: ask for few first
	for offset := 0; len(hits) < limit && offset < searchScanMax; offset += page {
		sq := archive.SearchQuery{Text: q, PublicOnly: true, Limit: page, Offset: offset, Order: searchOrder,
			RelevanceWindow: searchWindow, CountLimit: searchCount, ExcludeFlags: event.FlagSelf | event.FlagCommand}
		if offset > 0 {
			page = 100
			sq.Limit = page
		}
		var err error
		res, err = r.db.Search(ctx, sq)
		if errors.Is(err, archive.ErrBadQuery) {
			j.say("I cannot search for that: %s.", strings.TrimSuffix(strings.TrimPrefix(err.Error(), archive.ErrBadQuery.Error()+": "), "."))
			return
		}
		if err != nil {
			r.failed(j, err)
			return
		}
		for _, h := range res.Hits {
			if len(hits) < limit && shown(h) {
				hits = append(hits, h)
			}
		}
		if len(res.Hits) < sq.Limit {
			break // the last page
		}
	}
	asked := quoteQuery(q)
	if res.Total == 0 {
		j.say("No public log lines match %s.", asked)
		return
	}
	if len(hits) == 0 {
		j.say("No public log lines match %s, besides commands and my own lines.", asked)
		return
	}
	loc := r.db.Location()
	items := make([]string, len(hits))
	for i, h := range hits {
		var snip strings.Builder
		for _, sp := range h.Snippet {
			snip.WriteString(sp.Text)
		}
		who := "<" + h.Nick + ">"
		if h.Kind == event.KindAction {
			who = "* " + h.Nick
		}
		items[i] = fmt.Sprintf("%s %s %s %s %s", event.DateOf(h.Time, loc), h.Channel, who,
			clip(bot.CleanText(snip.String()), snippetBytes), linePermalink(j.cfg, loc, h.Event))
	}
	count := fmt.Sprintf("%d lines match", res.Total)
	switch {
	case res.TotalMore:
		count = fmt.Sprintf("More than %d lines match", res.Total)
	case res.Total == 1:
		count = "1 line matches"
	}
	// Every match shown: "3 lines match “x”: …"; some: "…; the best 3: …".
	best := ""
	if res.TotalMore || len(hits) < res.Total {
		best = "; the best"
		if len(hits) > 1 {
			best += " " + strconv.Itoa(len(hits))
		}
	}
	j.say("%s %s%s: %s", count, asked, best, strings.Join(items, " · "))
}

func cmdSeen(ctx context.Context, r *Router, j *invocation) {
	nick := j.parsed.Args[0]
	if len(j.parsed.Args) > 1 || len(nick) > 64 || looksLikeChannel(nick) {
		j.usage("")
		return
	}
	// Someone who opted out reads exactly like someone never seen, so
	// that !seen cannot tell who opted out.
	notSeen := func() { j.say("I have not seen %s say anything in a public channel.", nick) }
	if r.optedOut(ctx, j.cfg, nick) {
		notSeen()
		return
	}
	list, err := r.cache.channels(ctx, r.db, j.now, false)
	if err != nil {
		r.failed(j, err)
		return
	}
	var public []int64
	for _, c := range list {
		if c.Public {
			public = append(public, c.ID)
		}
	}
	var ev event.Event
	found := false
	if len(public) > 0 { // no ids would mean every channel
		if ev, found, err = r.db.Seen(ctx, nick, public); err != nil {
			r.failed(j, err)
			return
		}
	}
	// The line found may be an opted-out account's from before its opt-out,
	// or carry the nick in another spelling that is opted out.
	if !found || r.optedOut(ctx, j.cfg, ev.Nick, ev.Account) {
		notSeen()
		return
	}
	loc := r.db.Location()
	what := "saying: " + clip(bot.CleanText(ev.Text), snippetBytes+40)
	if ev.Kind == event.KindAction {
		what = "doing: * " + ev.Nick + " " + clip(bot.CleanText(ev.Text), snippetBytes+40)
	}
	j.say("%s was last seen in %s %s (%s), %s — %s", ev.Nick, ev.Channel, agoText(j.now.Sub(ev.Time)),
		ev.Time.In(loc).Format("2006-01-02 15:04 MST"), what, linePermalink(j.cfg, loc, ev))
}

// optedOut reports whether one of names (nicks or accounts; "" is none)
// is on the configuration's or the archive's opt-out list.
func (r *Router) optedOut(ctx context.Context, cfg *config.Config, names ...string) bool {
	// Any opt-out naming one of names counts, of any kind and network: to
	// say nothing of someone is the safe side.
	on := func(list []string) bool {
		return slices.ContainsFunc(list, func(o string) bool {
			o = bot.OptOutName(o)
			return slices.ContainsFunc(names, func(n string) bool { return n != "" && config.FoldName(o) == config.FoldName(n) })
		})
	}
	if on(cfg.OptOut) {
		return true
	}
	keys, err := r.db.OptOuts(ctx)
	if err != nil {
		r.log.Warn("could not read the opt-out list", "err", err)
		return true // when in doubt, say nothing about them
	}
	return on(keys)
}

// agoText says how long ago d was, roughly.
func agoText(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return strconv.Itoa(n) + " " + unit + "s ago"
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	case d < 365*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	}
	return plural(int(d/(365*24*time.Hour)), "year")
}

// ---------------------------------------------------------------------------
// !optout, !optin, !help
// ---------------------------------------------------------------------------

// optInRefused is all !optin says to someone who may not lift an opt-out:
// nothing about whose it is, where it came from, or when.
const optInRefused = "I can't lift that opt-out for you; only the person who opted out (same account, or same nick and host), or an admin, can."

// !optout: always accepted, by account when the server told it, else by
// nick and the user@host it came from (bot.OptOutKey).
// !optin [NAME]: lifts the sender's own opt-out when they are the one who
// made it (see mayOptIn); an admin may name anyone's.
func cmdOptOut(out bool) func(ctx context.Context, r *Router, j *invocation) {
	return func(ctx context.Context, r *Router, j *invocation) {
		relayed := j.in.Relay != ""
		key := bot.OptOutKey(j.in.Network, j.in.Nick, j.in.UserHost, j.in.Account, relayed)
		who, userHost := "the nick "+j.in.Nick, j.in.UserHost
		switch {
		case relayed:
			who, userHost = "the relayed nick "+j.in.Nick, ""
		case j.in.Account != "":
			who, userHost = "the account "+j.in.Account, ""
		case userHost != "":
			who += " from " + userHost
		}
		// The keys !optin lifts: the sender's own, the nick's without a
		// user@host (as opt-outs were stored before user@hosts were part
		// of the key), and the bare key (the nick or account without a
		// kind) an opt-out may be stored under; an admin's !optin NAME
		// lifts every kind of NAME on this network.
		keys := []string{key, strings.ToLower(j.in.Nick)}
		switch {
		case j.in.Account != "":
			keys[1] = strings.ToLower(j.in.Account)
		case !relayed && userHost != "":
			keys = append(keys, bot.OptOutKey(j.in.Network, j.in.Nick, "", "", false))
		}
		switch {
		case !out && len(j.parsed.Args) > 0:
			if !j.admin || len(j.parsed.Args) > 1 {
				j.sayPrivately("%s", optInRefused)
				return
			}
			name := j.parsed.Args[0]
			who = name
			var err error
			if keys, err = r.keysOf(ctx, j.in.Network, name); err != nil {
				r.failed(j, err)
				return
			}
		case !out && j.admin && !relayed:
			// An admin's own !optin lifts their nick's opt-outs from any
			// user@host too.
			more, err := r.keysOf(ctx, j.in.Network, j.in.Nick)
			if err != nil {
				r.failed(j, err)
				return
			}
			keys = append(keys, more...)
		}
		var err error
		if out {
			err = r.db.OptOutFrom(ctx, key, userHost)
		} else {
			var may bool
			if may, err = r.mayOptIn(ctx, j, keys); err == nil && !may {
				j.sayPrivately("%s", optInRefused)
				return
			}
			for _, k := range keys {
				if err == nil {
					err = r.db.OptOut(ctx, k, false)
				}
			}
		}
		if err != nil {
			r.log.Error("could not change the opt-out list", "key", key, "out", out, "err", err)
			j.sayPrivately("Sorry, I could not change the opt-out list just now; please try again later.")
			return
		}
		if r.opts.OnOptOut != nil {
			r.opts.OnOptOut(key, out)
		}
		p := j.cfg.Commands.Prefix
		if out {
			undo := fmt.Sprintf("Say %soptin as this account to undo.", p)
			switch {
			case relayed:
				undo = "Only an admin can undo it: a relay cannot tell its people apart."
			case userHost != "":
				undo = fmt.Sprintf("From another user@host this nick is recorded: say %soptout there too, or log in to an account (then only an opt-out of the account counts). Say %soptin from this nick and user@host to undo.", p, p)
			}
			j.sayPrivately("Done: I no longer record what %s says. Lines recorded before stay in the archive (an admin can remove them). %s", who, undo)
			return
		}
		msg := fmt.Sprintf("Done: I record what %s says again.", who)
		switch {
		case len(j.parsed.Args) > 0:
			if slices.ContainsFunc(j.cfg.OptOut, func(o string) bool { return config.FoldName(o) == config.FoldName(j.parsed.Args[0]) }) {
				msg += " But bot.yaml's optout list names them too: remove them there."
			}
		case slices.ContainsFunc(j.cfg.OptOut, func(o string) bool {
			return config.FoldName(o) == config.FoldName(j.in.Nick) || strings.EqualFold(o, j.in.Account)
		}):
			msg += " But bot.yaml's optout list names you too: ask an admin to remove you there."
		}
		j.sayPrivately("%s", msg)
	}
}

// keysOf lists every opt-out key of name on network an admin's !optin NAME
// lifts: the bare key, the nick's (from any user@host and from each one on
// the list), the account's and the relayed nick's.
func (r *Router) keysOf(ctx context.Context, network, name string) ([]string, error) {
	nick := bot.OptOutKey(network, name, "", "", false)
	keys := []string{strings.ToLower(name), nick, bot.OptOutKey(network, "", "", name, false), bot.OptOutKey(network, name, "", "", true)}
	all, err := r.db.OptOuts(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range all {
		if strings.HasPrefix(k, nick+"!") {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// mayOptIn reports whether the sender of !optin may lift the opt-outs under
// keys: an admin may; an opt-out that is not on the list may be "lifted" by
// anyone (nothing changes). Otherwise only the identity that opted out may:
// an account's (or a bare key stored without a user@host) only that
// account on this network; a nick's only the same nick from the same
// user@host without an account (the user@host is in the key, or was
// stored beside a key without it); a relayed nick's nobody but an admin,
// since a relay cannot tell its people apart.
func (r *Router) mayOptIn(ctx context.Context, j *invocation, keys []string) (bool, error) {
	if j.admin {
		return true, nil
	}
	local := j.in.Relay == "" && j.in.Account == ""
	own := bot.OptOutKey(j.in.Network, j.in.Nick, j.in.UserHost, j.in.Account, j.in.Relay != "")
	ownAnyHost := bot.OptOutKey(j.in.Network, j.in.Nick, "", "", false)
	for _, key := range keys {
		userHost, found, err := r.db.OptOutEntry(ctx, key)
		if err != nil {
			return false, err
		}
		if !found {
			continue
		}
		var ok bool
		switch bot.OptOutKind(key) {
		case "account":
			ok = key == own
		case "nick":
			ok = local && j.in.UserHost != "" && (key == own || key == ownAnyHost && j.in.UserHost == userHost)
		case "relayed":
			ok = false
		default: // a bare key, without a kind
			if userHost == "" {
				ok = j.in.Account != "" && strings.ToLower(j.in.Account) == key
			} else {
				ok = j.in.Relay == "" && j.in.UserHost == userHost && strings.ToLower(j.in.Nick) == key
			}
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

func cmdHelp(ctx context.Context, r *Router, j *invocation) {
	p := j.cfg.Commands.Prefix
	more := ""
	if j.cfg.Site.BaseURL != nil {
		more = " All commands: " + pageURL(j.cfg, "commands.html")
	}
	if len(j.parsed.Args) > 0 {
		name := strings.ToLower(strings.TrimPrefix(j.parsed.Args[0], p))
		if c, ok := commands[name]; ok && (!c.admin || j.admin) {
			j.say("%s — %s.%s", c.usageLine(p, name), c.help, more)
			return
		}
	}
	var user, admin []string
	for _, name := range commandOrder {
		c := commands[name]
		s := c.usageLine(p, name)
		if c.admin {
			admin = append(admin, s)
		} else {
			user = append(user, s)
		}
	}
	msg := "Commands: " + strings.Join(user, " · ") + "."
	if j.admin {
		msg += " Admin: " + strings.Join(admin, " · ") + "."
	}
	j.say("%s%s", msg, more)
}

// ---------------------------------------------------------------------------
// Admin commands
// ---------------------------------------------------------------------------

// adminOnline answers that admin commands need the bot, when there is none.
func (r *Router) adminOnline(j *invocation) bool {
	if r.opts.Admin == nil {
		j.sayPrivately("Admin commands work only in the running bot (proceedings run).")
		return false
	}
	return true
}

func cmdAnnounce(ctx context.Context, r *Router, j *invocation) {
	var on bool
	switch strings.ToLower(j.parsed.Args[0]) {
	case "on":
		on = true
	case "off":
	default:
		j.usage("")
		return
	}
	channel := j.in.Channel
	if len(j.parsed.Args) > 1 {
		if channel = j.parsed.Args[1]; !looksLikeChannel(channel) || len(j.parsed.Args) > 2 {
			j.usage("")
			return
		}
	}
	if !r.adminOnline(j) {
		return
	}
	where := "in " + channel
	if channel == "" {
		where = "everywhere on " + j.in.Network
	}
	if err := r.opts.Admin.SetAnnounce(j.in.Network, channel, on); err != nil {
		j.sayPrivately("Could not change announcements %s: %v", where, err)
		return
	}
	j.sayPrivately("Announcements are %s %s.", j.parsed.Args[0], where)
}

// !join #channel
func cmdJoin(ctx context.Context, r *Router, j *invocation) {
	r.channelAdmin(j, "", Admin.Join, "join", "Joining")
}

// !part-channel [#channel]
func cmdPartChannel(ctx context.Context, r *Router, j *invocation) {
	r.channelAdmin(j, j.in.Channel, Admin.Part, "leave", "Leaving")
}

// channelAdmin carries out !join and !part-channel: do on the channel
// named by the one argument (else the channel given), answering privately
// with doing ("Joining #chan.") or why it could not verb it.
func (r *Router) channelAdmin(j *invocation, channel string, do func(Admin, string, string) error, verb, doing string) {
	if len(j.parsed.Args) > 0 {
		channel = j.parsed.Args[0]
	}
	if !looksLikeChannel(channel) || len(j.parsed.Args) > 1 {
		j.usage("")
		return
	}
	if !r.adminOnline(j) {
		return
	}
	if err := do(r.opts.Admin, j.in.Network, channel); err != nil {
		j.sayPrivately("Could not %s %s: %v", verb, channel, err)
		return
	}
	j.sayPrivately("%s %s.", doing, channel)
}

func cmdSay(ctx context.Context, r *Router, j *invocation) {
	target := j.parsed.Args[0]
	text := bot.CleanText(strings.TrimSpace(strings.TrimPrefix(j.parsed.Rest, target)))
	if strings.ContainsAny(target, ",:!@") || text == "" {
		j.usage("")
		return
	}
	if !r.adminOnline(j) {
		return
	}
	if err := r.opts.Admin.Say(j.in.Network, target, clip(text, bot.MaxTextBytes)); err != nil {
		j.sayPrivately("Could not say that in %s: %v", target, err)
	}
}

func cmdReload(ctx context.Context, r *Router, j *invocation) {
	if !r.adminOnline(j) {
		return
	}
	if err := r.opts.Admin.Reload(ctx); err != nil {
		j.sayPrivately("The configuration was not reloaded: %v", err)
		return
	}
	j.sayPrivately("Reloaded the configuration.")
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

// failed logs an archive error and says sorry without its details.
func (r *Router) failed(j *invocation, err error) {
	r.log.Error("command failed", "command", j.parsed.Name, "network", j.in.Network, "channel", j.in.Channel, "nick", j.in.Nick, "err", err)
	j.say("Sorry, the archive could not answer just now.")
}

// quoteInput quotes user input for a reply, cut short.
func quoteInput(s string) string {
	return "“" + clip(s, echoBytes) + "”"
}

// quoteQuery quotes a search query for a reply, cut short: one that has
// quotes of its own ("a phrase") is shown as typed, not inside ours.
func quoteQuery(q string) string {
	if strings.Contains(q, `"`) {
		return clip(q, echoBytes)
	}
	return quoteInput(q)
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
