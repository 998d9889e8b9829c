package config

import (
	"bufio"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"proceedings/internal/ircname"
)

// scalars are the types written in the file as one string, and how each is
// read: a parse function reports its own problem at p and returns false.
// A *url.URL is the site's base URL and a *regexp.Regexp a relay's pattern;
// another key of these types would need a parse function of its own.
var scalars = map[reflect.Type]func(d *decoder, s string, p *pos, f *field) (any, bool){
	durationType:                      parseDuration,
	reflect.TypeFor[Rate]():           parseRate,
	reflect.TypeFor[slog.Level]():     parseLevel,
	reflect.TypeFor[*time.Location](): parseTimezone,
	reflect.TypeFor[*url.URL]():       parseBaseURL,
	reflect.TypeFor[*regexp.Regexp](): parseRegexp,
	reflect.TypeFor[ChannelRef]():     parseChannelRef,
}

var durationType = reflect.TypeFor[time.Duration]()

// parseDuration reads "10s", "5m", "1h30m": at least the field's min, and
// not negative.
func parseDuration(d *decoder, s string, p *pos, f *field) (any, bool) {
	want := or(f.want, "a duration")
	dur, err := time.ParseDuration(s)
	if err != nil {
		if digitsRE.MatchString(s) {
			d.probs.at(p, "want %s, got %s: add a unit (s, m or h), e.g. %ss", want, s, s)
		} else {
			d.probs.at(p, "want %s (units ms, s, m, h), got %q", want, s)
		}
		return nil, false
	}
	least, _ := parseDurationBound(f.min)
	switch {
	case dur >= least:
		return dur, true
	case least == 0:
		d.probs.at(p, "must not be negative, got %s", s)
	default:
		d.probs.at(p, "must be at least %s, got %s", least, s)
	}
	return nil, false
}

// parseDurationBound reads a min tag of a duration; "" is 0.
func parseDurationBound(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

// parseRate reads "N/DURATION" ("3/10s"; "5/m" means 5 a minute).
func parseRate(d *decoder, s string, p *pos, _ *field) (any, bool) {
	ns, ds, ok := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	ds = strings.TrimSpace(ds)
	if ds != "" && !strings.ContainsAny(ds[:1], "0123456789.") {
		ds = "1" + ds
	}
	per, derr := time.ParseDuration(ds)
	if !ok || err != nil || derr != nil || n < 1 || per <= 0 {
		d.probs.at(p, "want a rate like 3/10s (at most 3 commands every 10 seconds), got %q", s)
		return nil, false
	}
	return Rate{N: n, Per: per}, true
}

// parseLevel reads a log level: debug, info, warn or error.
func parseLevel(d *decoder, s string, p *pos, f *field) (any, bool) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(s)); err != nil {
		d.probs.at(p, "want %s, got %q", or(f.want, "a log level"), s)
		return nil, false
	}
	return lv, true
}

// parseTimezone reads an IANA time zone name; "" is none.
func parseTimezone(d *decoder, s string, p *pos, _ *field) (any, bool) {
	if s == "" {
		return (*time.Location)(nil), true
	}
	loc, err := time.LoadLocation(s)
	switch {
	case s == "Local":
		d.probs.at(p, "name the zone (e.g. Europe/London) rather than Local, so that days do not move with the machine")
	case err != nil:
		hint := ""
		if z := closest(s, zoneNames()); z != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", z)
		}
		d.probs.at(p, "unknown time zone %q%s; use an IANA name such as Europe/London or UTC", s, hint)
	default:
		return loc, true
	}
	return nil, false
}

// zoneNames lists the IANA zone names known to the system, for suggestions.
var zoneNames = sync.OnceValue(func() []string {
	names := []string{"UTC"}
	f, err := os.Open("/usr/share/zoneinfo/tzdata.zi")
	if err != nil {
		return names
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		switch {
		case len(fs) >= 2 && fs[0] == "Z":
			names = append(names, fs[1])
		case len(fs) >= 3 && fs[0] == "L":
			names = append(names, fs[2])
		}
	}
	return names
})

// parseBaseURL reads the absolute http(s) URL a site is published at and
// ends its path in "/"; "" is none.
func parseBaseURL(d *decoder, s string, p *pos, _ *field) (any, bool) {
	if s == "" {
		return (*url.URL)(nil), true
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		d.probs.at(p, "want an absolute http:// or https:// URL without query or fragment, e.g. https://irc.example.org/, got %q", s)
		return nil, false
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, true
}

// parseRegexp compiles a regular expression (Go syntax); "" is none.
func parseRegexp(d *decoder, s string, p *pos, _ *field) (any, bool) {
	if s == "" {
		return (*regexp.Regexp)(nil), true
	}
	re, err := regexp.Compile(s)
	if err != nil {
		d.probs.at(p, "not a valid regular expression: %v", err)
		return nil, false
	}
	return re, true
}

// parseChannelRef reads "network/#channel", or "#channel" alone, whose
// network validation resolves.
func parseChannelRef(d *decoder, s string, p *pos, _ *field) (any, bool) {
	if s != "" && strings.IndexByte(ircname.ChannelPrefixes, s[0]) >= 0 {
		return ChannelRef{Channel: s}, true
	}
	network, channel, ok := strings.Cut(s, "/")
	if !ok || network == "" || !ircname.ValidChannel(channel) {
		d.probs.at(p, "want \"network/#channel\", got %q", s)
		return nil, false
	}
	return ChannelRef{Network: network, Channel: channel}, true
}
