package commands

import (
	"fmt"
	"testing"
	"time"

	"proceedings/config"
)

// TestRateLimitsForgetIdleBuckets: memory stays bounded by the people
// active within a sweep period, whoever has used the bot before.
func TestRateLimitsForgetIdleBuckets(t *testing.T) {
	l := newRateLimits(config.Rate{N: 3, Per: 10 * time.Second}, config.Rate{N: 10, Per: 10 * time.Second})
	now := time.Date(2026, 2, 4, 12, 0, 0, 0, time.UTC)
	for i := range 1000 {
		l.allow(fmt.Sprintf("user%d", i), fmt.Sprintf("#chan%d", i%7), now)
	}
	if got := l.size(); got != 1007 {
		t.Fatalf("%d buckets, want 1007", got)
	}
	// A minute later every bucket is full again: one more call sweeps them.
	l.allow("late", "#late", now.Add(2*time.Minute))
	if got := l.size(); got != 2 {
		t.Errorf("after the sweep %d buckets, want 2", got)
	}
}

func TestRateLimitsConfigure(t *testing.T) {
	now := time.Date(2026, 2, 4, 12, 0, 0, 0, time.UTC)
	l := newRateLimits(config.Rate{N: 1, Per: time.Hour}, config.Rate{})
	if !l.allow("u", "#c", now) || l.allow("u", "#c", now) {
		t.Fatal("1/h: want the first allowed and the second refused")
	}
	l.configure(config.Rate{N: 1, Per: time.Hour}, config.Rate{})
	if l.allow("u", "#c", now) {
		t.Error("configuring the same rates again reset the buckets")
	}
	l.configure(config.Rate{N: 2, Per: time.Hour}, config.Rate{})
	if !l.allow("u", "#c", now) {
		t.Error("new rates did not start afresh")
	}
	// Unlimited (N 0) never refuses.
	l.configure(config.Rate{}, config.Rate{})
	for range 100 {
		if !l.allow("u", "#c", now) {
			t.Fatal("an unlimited rate refused")
		}
	}
}

func BenchmarkRateLimitAllow(b *testing.B) {
	l := newRateLimits(config.DefaultPerUser, config.DefaultPerChannel)
	now := time.Now()
	for i := 0; b.Loop(); i++ {
		l.allow(fmt.Sprint("u", i%100), "#c", now)
	}
}
