// Package backoff is the one rule for waiting longer after each failure in
// a row: the IRC connection's reconnects and rejoins, and the feed polls.
package backoff

import "time"

// Delay is the wait after n failures in a row (n from 0): base·2ⁿ, capped
// at max, then taken down by up to spread of itself (spread in [0, 1]) as
// jitter (in [0, 1)) says, so that clients restarted together do not retry
// in step.
func Delay(base, max time.Duration, n int, spread, jitter float64) time.Duration {
	d := base
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d - time.Duration(float64(d)*spread*jitter)
}
