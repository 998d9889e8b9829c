package commands

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"proceedings/config"
	"proceedings/internal/keyrate"
)

// rateLimits holds one token bucket per user and one per channel
// (internal/keyrate). A command is answered only when both buckets have a
// token; the check never waits, so a single command gets its reply at once
// and a flood gets none.
type rateLimits struct {
	mu                  sync.Mutex
	perUser, perChannel config.Rate
	users, channels     *keyrate.Buckets // nil: that rate is unlimited
	configured          bool
	// served is when each user last had a command taken (for
	// backpressure: see recent); entries older than recentFor go at the
	// sweep.
	served    map[string]time.Time
	nextSweep time.Time
}

// recentFor is how long after a command its asker counts as one who keeps
// the bot busy (about the time an answer stays worth sending).
const recentFor = time.Minute

func newRateLimits(perUser, perChannel config.Rate) *rateLimits {
	l := &rateLimits{}
	l.configure(perUser, perChannel)
	return l
}

// configure sets the rates; changed rates start every bucket afresh.
func (l *rateLimits) configure(perUser, perChannel config.Rate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.configured && perUser == l.perUser && perChannel == l.perChannel {
		return
	}
	l.configured = true
	l.perUser, l.perChannel = perUser, perChannel
	l.users, l.channels = buckets(perUser), buckets(perChannel)
	if l.served == nil {
		l.served = map[string]time.Time{}
	}
}

// buckets makes the buckets of a rate; nil when it is unlimited (N or Per
// not positive).
func buckets(r config.Rate) *keyrate.Buckets {
	if r.N <= 0 || r.Per <= 0 {
		return nil
	}
	return keyrate.New(float64(r.N)/r.Per.Seconds(), r.N, 0)
}

// recent reports whether user had a command taken within recentFor of now.
func (l *rateLimits) recent(user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.served[user]
	return ok && now.Sub(t) < recentFor
}

// allow reports whether user may have a command answered in channel ("" for
// a private message) at now, and if so takes a token from both buckets.
func (l *rateLimits) allow(user, channel string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.After(l.nextSweep) {
		for k, t := range l.served {
			if now.Sub(t) >= recentFor {
				delete(l.served, k)
			}
		}
		l.nextSweep = now.Add(recentFor)
	}
	var u, c *rate.Limiter
	if l.users != nil {
		u = l.users.Get(user, now)
	}
	if l.channels != nil && channel != "" {
		c = l.channels.Get(channel, now)
	}
	if u != nil && u.TokensAt(now) < 1 || c != nil && c.TokensAt(now) < 1 {
		return false
	}
	if u != nil {
		u.AllowN(now, 1)
	}
	if c != nil {
		c.AllowN(now, 1)
	}
	l.served[user] = now
	return true
}

// size is the number of buckets kept (for tests).
func (l *rateLimits) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, b := range []*keyrate.Buckets{l.users, l.channels} {
		if b != nil {
			n += b.Len()
		}
	}
	return n
}
