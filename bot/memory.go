package bot

import (
	"context"
	"runtime/debug"
	"time"
)

// trimLoop gives the memory of a burst back to the system. The Go runtime
// keeps the heap a burst made it grow (a flood in a channel, the archive's
// backlog after a netsplit or a slow disk) until its next collection and
// returns free pages slowly; a bot that is quiet afterwards may not collect
// for minutes. So once at least opts.trimAfter events were recorded since
// the last trim, and then nothing was recorded or queued for
// opts.trimQuiet, it collects and returns the free memory at once
// (debug.FreeOSMemory: one collection).
func (b *Bot) trimLoop(ctx context.Context) {
	last := b.rec.recorded.Load() // recorded at the last tick
	since := last                 // recorded at the last trim
	everyTick(ctx, b.opts.trimQuiet, func() {
		now := b.rec.recorded.Load()
		quiet := now == last && b.db.QueueDepth() == 0 && b.rec.spooled() == 0
		last = now
		if quiet && now-since >= b.opts.trimAfter {
			start := time.Now()
			debug.FreeOSMemory()
			b.log.Debug("returned the memory of a burst to the system", "events", now-since, "took", time.Since(start))
			since = now
		}
	})
}
