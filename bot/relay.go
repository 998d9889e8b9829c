package bot

import (
	"proceedings/event"
	"strings"
	"time"

	"proceedings/config"
	"proceedings/internal/irctext"
)

// dedupeKey identifies a line across the networks of a bridge: its real
// author (folded, without decorations) and its text without formatting.
func dedupeKey(ev event.Event) string {
	return config.FoldName(config.CleanRelayNick(ev.Nick)) + "\x00" + ev.Kind.String() + "\x00" + strings.TrimSpace(irctext.Strip(ev.Text))
}

// dedupe remembers the lines of one bridge for its window. A line seen on
// one network matches an earlier line with the same key seen on another
// network of the bridge; each stored line can absorb one copy per other
// network, so a person who says the same thing twice is recorded twice.
type dedupe struct {
	byKey map[string][]*seenLine
	order []*seenLine // oldest first
}

type seenLine struct {
	key      string
	network  string
	at       time.Time
	absorbed []string // networks whose copy was matched to this line
}

func newDedupe() *dedupe { return &dedupe{byKey: map[string][]*seenLine{}} }

// duplicate reports whether a line with key, seen on network at now, is a
// copy of one already stored; if not, it remembers it.
func (d *dedupe) duplicate(key, network string, now time.Time, window time.Duration) bool {
	d.prune(now.Add(-window))
	for _, s := range d.byKey[key] {
		if strings.EqualFold(s.network, network) {
			continue
		}
		taken := false
		for _, a := range s.absorbed {
			if strings.EqualFold(a, network) {
				taken = true
				break
			}
		}
		if !taken {
			s.absorbed = append(s.absorbed, network)
			return true
		}
	}
	s := &seenLine{key: key, network: network, at: now}
	d.byKey[key] = append(d.byKey[key], s)
	d.order = append(d.order, s)
	return false
}

// prune forgets lines seen before cutoff.
func (d *dedupe) prune(cutoff time.Time) {
	i := 0
	for ; i < len(d.order) && d.order[i].at.Before(cutoff); i++ {
		s := d.order[i]
		list := d.byKey[s.key]
		if len(list) > 0 && list[0] == s {
			list = list[1:]
		}
		if len(list) == 0 {
			delete(d.byKey, s.key)
		} else {
			d.byKey[s.key] = list
		}
		d.order[i] = nil
	}
	if i > 0 {
		d.order = d.order[i:]
		if cap(d.order) > 1024 && len(d.order) < cap(d.order)/4 {
			d.order = append([]*seenLine(nil), d.order...)
		}
	}
}
