package web

import (
	"sync"
	"time"

	"proceedings/internal/keyrate"
)

// limiter keeps one token bucket per client (internal/keyrate): buckets of
// clients that have not searched for a while are dropped as others arrive,
// so memory stays bounded by the number of recent clients (and by
// maxClients in any case).
type limiter struct {
	mu      sync.Mutex
	clients *keyrate.Buckets
}

const maxClients = 100_000

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{clients: keyrate.New(perSecond, burst, maxClients)}
}

// allow takes a token from key's bucket; when there is none it says how
// long until there will be.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	res := l.clients.Get(key, now).ReserveN(now, 1)
	if !res.OK() {
		return false, time.Minute
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}
