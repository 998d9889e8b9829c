package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter keeps one token bucket per client. Buckets of clients that have
// not searched for a while are dropped as others arrive, so memory stays
// bounded by the number of recent clients (and by maxClients in any case).
type limiter struct {
	every rate.Limit
	burst int

	mu        sync.Mutex
	clients   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

const (
	sweepEvery = time.Minute
	maxClients = 100_000
)

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{every: rate.Limit(perSecond), burst: burst, clients: map[string]*bucket{}}
}

// allow takes a token from key's bucket; when there is none it says how
// long until there will be.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > sweepEvery || len(l.clients) >= maxClients {
		l.sweep(now)
	}
	b := l.clients[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.clients[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Minute
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops the buckets that have refilled (their clients are idle);
// if that is not enough, it forgets everyone.
func (l *limiter) sweep(now time.Time) {
	l.lastSweep = now
	full := float64(l.burst)
	for k, b := range l.clients {
		if b.lim.TokensAt(now) >= full {
			delete(l.clients, k)
		}
	}
	if len(l.clients) >= maxClients {
		clear(l.clients)
	}
}
