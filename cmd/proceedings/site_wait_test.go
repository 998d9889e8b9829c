package main

import (
	"context"
	"testing"
	"time"

	"proceedings/config"
)

// After a render, the site loop waits for render_interval; on an archive
// that tells of changes it also waits for a revision newer than the one it
// rendered (a render that failed is tried again after the interval).
func TestWaitToRender(t *testing.T) {
	const interval = 200 * time.Millisecond
	cfg := &config.Config{Site: config.Site{RenderInterval: interval, Location: time.UTC}}
	for _, c := range []struct {
		name     string
		notifier bool
		rendered int64
		newer    bool // a newer revision is committed after 3 intervals
		want     time.Duration
	}{
		{"no notifier", false, 7, false, interval},
		{"nothing new", true, 7, false, -1},
		{"a newer revision", true, 7, true, 3 * interval},
		{"the render failed", true, -1, false, interval},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 6*interval)
			defer cancel()
			var changes chan int64
			if c.notifier {
				changes = make(chan int64, 1)
				changes <- 7 // the current revision, delivered first
				if c.newer {
					time.AfterFunc(3*interval, func() { changes <- 8 })
				}
			}
			start := time.Now()
			again := waitToRender(ctx, cfg, c.rendered, changes)
			took := time.Since(start)
			switch {
			case c.want < 0 && again:
				t.Errorf("rendered again after %v with nothing new", took)
			case c.want >= 0 && !again:
				t.Errorf("never rendered again, want after %v", c.want)
			case c.want >= 0 && (took < c.want || took > c.want+2*interval):
				t.Errorf("rendered again after %v, want after %v", took, c.want)
			}
		})
	}
}
