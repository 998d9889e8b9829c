package commands

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"proceedings/config"
)

// rateLimits holds one token bucket per user and one per channel. A command
// is answered only when both buckets have a token; the check never waits,
// so a single command gets its reply at once and a flood gets none.
type rateLimits struct {
	mu                  sync.Mutex
	perUser, perChannel config.Rate
	users, channels     map[string]*rate.Limiter
	// served is when each user last had a command taken (for
	// backpressure: see recent); entries older than recentFor go at the
	// sweep.
	served    map[string]time.Time
	nextSweep time.Time
}

// recentFor is how long after a command its asker counts as one who keeps
// the bot busy (about the time an answer stays worth sending).
const recentFor = time.Minute

// sweepEvery is how often idle buckets are forgotten.
const sweepEvery = time.Minute

func newRateLimits(perUser, perChannel config.Rate) *rateLimits {
	l := &rateLimits{}
	l.configure(perUser, perChannel)
	return l
}

// configure sets the rates; changed rates start every bucket afresh.
func (l *rateLimits) configure(perUser, perChannel config.Rate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.users != nil && perUser == l.perUser && perChannel == l.perChannel {
		return
	}
	l.perUser, l.perChannel = perUser, perChannel
	l.users, l.channels = map[string]*rate.Limiter{}, map[string]*rate.Limiter{}
	if l.served == nil {
		l.served = map[string]time.Time{}
	}
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
		l.sweep(now)
	}
	u := rateBucket(l.users, user, l.perUser)
	var c *rate.Limiter
	if channel != "" {
		c = rateBucket(l.channels, channel, l.perChannel)
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

// rateBucket finds or makes the bucket of key; nil when the rate is unlimited
// (N or Per not positive).
func rateBucket(m map[string]*rate.Limiter, key string, r config.Rate) *rate.Limiter {
	if r.N <= 0 || r.Per <= 0 {
		return nil
	}
	b, ok := m[key]
	if !ok {
		b = rate.NewLimiter(rate.Limit(float64(r.N)/r.Per.Seconds()), r.N)
		m[key] = b
	}
	return b
}

// sweep forgets the buckets that are full again: a new bucket would be
// the same, so memory stays bounded by the people active within a period.
func (l *rateLimits) sweep(now time.Time) {
	for _, m := range []map[string]*rate.Limiter{l.users, l.channels} {
		for k, b := range m {
			if b.TokensAt(now) >= float64(b.Burst()) {
				delete(m, k)
			}
		}
	}
	for k, t := range l.served {
		if now.Sub(t) >= recentFor {
			delete(l.served, k)
		}
	}
	l.nextSweep = now.Add(sweepEvery)
}

// size is the number of buckets kept (for tests).
func (l *rateLimits) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.users) + len(l.channels)
}
