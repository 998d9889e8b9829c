package keyrate

import (
	"fmt"
	"testing"
	"time"
)

func TestBucketsForgetFullOnes(t *testing.T) {
	now := time.Date(2026, 2, 4, 12, 0, 0, 0, time.UTC)
	b := New(0.3, 3, 0)
	for i := range 1000 {
		if !b.Get(fmt.Sprint("user", i), now).AllowN(now, 1) {
			t.Fatal("a new key's bucket was empty")
		}
	}
	if b.Len() != 1000 {
		t.Fatalf("%d buckets, want 1000", b.Len())
	}
	l := b.Get("user1", now)
	l.AllowN(now, 2)
	if l.AllowN(now, 1) {
		t.Fatal("a bucket of 3 gave a fourth token at once")
	}
	// Two minutes later every bucket has refilled: the next Get sweeps.
	b.Get("late", now.Add(2*sweepEvery))
	if b.Len() != 1 {
		t.Errorf("after the sweep %d buckets, want 1", b.Len())
	}
}

func TestBucketsCap(t *testing.T) {
	now := time.Date(2026, 2, 4, 12, 0, 0, 0, time.UTC)
	b := New(0.001, 1, 100)
	for i := range 1000 {
		b.Get(fmt.Sprint("client", i), now).AllowN(now, 1) // empty and slow to refill: never swept as full
		if b.Len() > 100 {
			t.Fatalf("%d buckets kept, cap 100", b.Len())
		}
	}
}
