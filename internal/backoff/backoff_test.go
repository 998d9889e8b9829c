package backoff

import (
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	for _, c := range []struct {
		base, max      time.Duration
		n              int
		spread, jitter float64
		want           time.Duration
	}{
		{time.Second, time.Minute, 0, 0.5, 0, time.Second},
		{time.Second, time.Minute, 3, 0.5, 0, 8 * time.Second},
		{time.Second, time.Minute, 3, 0.5, 0.5, 6 * time.Second},
		{time.Second, time.Minute, 1000, 0.5, 0, time.Minute},
		{5 * time.Minute, time.Hour, 1, 0.1, 0.5, 9*time.Minute + 30*time.Second},
		{2 * time.Hour, 2 * time.Hour, 3, 0.1, 0, 2 * time.Hour},
		{0, time.Minute, 5, 0.5, 0.9, 0},
	} {
		if got := Delay(c.base, c.max, c.n, c.spread, c.jitter); got != c.want {
			t.Errorf("Delay(%v, %v, %d, %v, %v) = %v, want %v", c.base, c.max, c.n, c.spread, c.jitter, got, c.want)
		}
	}
	// never below base·2ⁿ·(1-spread), never above the cap
	for n := range 40 {
		for _, j := range []float64{0, 0.3, 0.999} {
			d := Delay(time.Second, 5*time.Minute, n, 0.5, j)
			if d > 5*time.Minute || d < time.Second/2 {
				t.Fatalf("Delay(n=%d, jitter %v) = %v", n, j, d)
			}
		}
	}
}
