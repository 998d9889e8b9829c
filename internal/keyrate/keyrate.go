// Package keyrate keeps one token bucket per key — a person, a channel, a
// web client — for the bot's command limits and the web search limit. A
// bucket that is full again is forgotten (a new one would be the same), so
// memory stays bounded by the keys active within a minute, and by a hard
// cap whatever happens.
package keyrate

import (
	"time"

	"golang.org/x/time/rate"
)

// sweepEvery is how often full buckets are forgotten.
const sweepEvery = time.Minute

// Buckets is a token bucket per key. It is not safe for concurrent use:
// its user holds its own lock.
type Buckets struct {
	limit     rate.Limit
	burst     int
	max       int // keys kept at most: past it, everyone is forgotten
	m         map[string]*rate.Limiter
	nextSweep time.Time
}

// New returns buckets that refill perSecond tokens a second up to burst,
// for at most max keys (0: no cap but the sweep).
func New(perSecond float64, burst, max int) *Buckets {
	return &Buckets{limit: rate.Limit(perSecond), burst: burst, max: max, m: map[string]*rate.Limiter{}}
}

// Get returns the bucket of key at now, a full one when key has none. At
// most once a minute, or when the cap is reached, it first forgets the
// buckets that are full again.
func (b *Buckets) Get(key string, now time.Time) *rate.Limiter {
	if now.After(b.nextSweep) || b.max > 0 && len(b.m) >= b.max {
		b.sweep(now)
	}
	l, ok := b.m[key]
	if !ok {
		l = rate.NewLimiter(b.limit, b.burst)
		b.m[key] = l
	}
	return l
}

// Len is the number of buckets kept.
func (b *Buckets) Len() int { return len(b.m) }

func (b *Buckets) sweep(now time.Time) {
	b.nextSweep = now.Add(sweepEvery)
	full := float64(b.burst)
	for k, l := range b.m {
		if l.TokensAt(now) >= full {
			delete(b.m, k)
		}
	}
	if b.max > 0 && len(b.m) >= b.max {
		clear(b.m)
	}
}
