package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/event"
)

// channelPrefixes start a channel name on IRC.
const channelPrefixes = "#&+!"

// findChannel is archive.FindChannel that also takes a name without its
// channel prefix ("techrights" for #techrights), as the web API does. Such
// a name must fit one channel; when several do (#x and ##x), the message
// lists them. When among is not nil, only the channels it keeps are
// candidates — a channel the caller may not use cannot make a name
// ambiguous — unless it keeps none: then the archive's channel is
// returned, for the caller to refuse in its own words.
func findChannel(ctx context.Context, db archive.Store, network, name string, among func(archive.Channel) bool) (archive.Channel, error) {
	if name == "" {
		return db.FindChannel(ctx, network, name) // says what is missing
	}
	chans, err := db.Channels(ctx)
	if err != nil {
		return archive.Channel{}, err
	}
	fits := func(c archive.Channel) bool { return event.FoldChannel(c.Name) == event.FoldChannel(name) }
	if !strings.ContainsRune(channelPrefixes, rune(name[0])) {
		fits = func(c archive.Channel) bool {
			return event.FoldChannel(strings.TrimLeft(c.Name, channelPrefixes)) == event.FoldChannel(name)
		}
	}
	var found []archive.Channel
	for _, c := range chans {
		if (network == "" || c.Network == network) && fits(c) {
			found = append(found, c)
		}
	}
	if among != nil {
		if kept := slices.DeleteFunc(slices.Clone(found), func(c archive.Channel) bool { return !among(c) }); len(kept) > 0 {
			found = kept
		}
	}
	switch len(found) {
	case 0:
		return db.FindChannel(ctx, network, name) // says there is no such channel
	case 1:
		return found[0], nil
	}
	var names, nets []string
	for _, c := range found {
		if !slices.ContainsFunc(names, func(n string) bool { return event.FoldChannel(n) == event.FoldChannel(c.Name) }) {
			names = append(names, c.Name)
		}
		nets = append(nets, c.Network)
	}
	if len(names) > 1 {
		return archive.Channel{}, fmt.Errorf("--channel %s fits several channels (%s): give the name with its prefix, e.g. '%s'", name, strings.Join(names, ", "), names[0])
	}
	return archive.Channel{}, fmt.Errorf("channel %s is in the archive for several networks (%s): name one with --network", names[0], strings.Join(nets, ", "))
}

// channelDays picks one channel and a span of its days, as export and
// stats do.
type channelDays struct {
	channel, network string
	date, from, to   string // YYYY-MM-DD; see dayRange
}

// addFlags declares --channel, --network, --from and --to, and --date
// when oneDay.
func (c *channelDays) addFlags(f *pflag.FlagSet, oneDay bool) {
	f.StringVar(&c.channel, "channel", "", "the channel, e.g. '#techrights' (required)")
	f.StringVar(&c.network, "network", "", "the network, when the channel is logged on several")
	if oneDay {
		f.StringVar(&c.date, "date", "", "one day, YYYY-MM-DD")
	}
	f.StringVar(&c.from, "from", "", "first day, YYYY-MM-DD (inclusive)")
	f.StringVar(&c.to, "to", "", "last day, YYYY-MM-DD (inclusive)")
}

// channelSession is a read-only session on one channel of the archive.
type channelSession struct {
	*session
	ch          archive.Channel
	first, last event.Date // the days asked for; zero: unbounded
}

// open opens the archive read-only and finds the channel. check, when not
// nil, checks the command's other options first.
func (c channelDays) open(ctx context.Context, g globalOptions, stderr io.Writer, check func() error) (*channelSession, error) {
	var first, last event.Date
	s, err := openSession(ctx, g, stderr, useFunc(func(*config.Config) (archiveAccess, error) {
		var err error
		if check != nil {
			err = check()
		}
		if err == nil {
			first, last, err = dayRange(c.date, c.from, c.to)
		}
		return readOnly, err
	}))
	if err != nil {
		return nil, err
	}
	ch, err := findChannel(ctx, s.db, c.network, c.channel, nil)
	if err != nil {
		s.close()
		return nil, err
	}
	return &channelSession{session: s, ch: ch, first: first, last: last}, nil
}

// dayRange reads --date or --from/--to; zero dates mean unbounded.
func dayRange(date, from, to string) (first, last event.Date, err error) {
	if date != "" {
		if from != "" || to != "" {
			return first, last, errors.New("give either --date or --from/--to, not both")
		}
		if first, err = event.ParseDate(date); err != nil {
			return first, last, fmt.Errorf("--date: %w", err)
		}
		return first, first, nil
	}
	if from != "" {
		if first, err = event.ParseDate(from); err != nil {
			return first, last, fmt.Errorf("--from: %w", err)
		}
	}
	if to != "" {
		if last, err = event.ParseDate(to); err != nil {
			return first, last, fmt.Errorf("--to: %w", err)
		}
	}
	if !first.IsZero() && !last.IsZero() && last.Before(first) {
		return first, last, fmt.Errorf("--to %s is before --from %s", last, first)
	}
	return first, last, nil
}
