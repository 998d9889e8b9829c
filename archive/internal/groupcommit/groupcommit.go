// Package groupcommit is the engine-neutral queue of an archive's live
// appends: events and Flush markers wait in order, a loop takes whatever
// is waiting as one batch and hands it to the engine to commit, and the
// callers hear back through their callbacks. Under load batches grow by
// themselves; an idle archive commits a single event at once, so there is
// no artificial delay. An engine supplies only the commit of a batch.
package groupcommit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

// MaxBatch is the most events and markers one batch holds.
const MaxBatch = 4096

// Pending is one event waiting for the writer, with whom to tell, or a
// Flush marker, which carries no event.
type Pending struct {
	Event event.Event
	Done  func(id int64, err error) // nil: nobody to tell
	flush chan struct{}
}

// IsFlush reports a Flush marker.
func (p *Pending) IsFlush() bool { return p.flush != nil }

// Committer is what an engine does with the batches of a Queue.
type Committer interface {
	// Commit makes the events of batch durable, in order, and calls each
	// one's Done with its id, or with the error once it gives up (only
	// when closing or Stopping). Flush markers are the Queue's. closing
	// says that Close is draining the queue.
	Commit(batch []*Pending, closing bool)
	// Drained runs once, at Close, after the last batch.
	Drained()
}

// Settler is a Committer whose commits leave work to do apart, which the
// loop gives it the time for (SQLite fills its search index after the
// commit).
type Settler interface {
	// Settle runs after each batch is committed, before the batch's Flush
	// markers are released; flush says the batch held one.
	Settle(flush bool)
	// IdleAfter is how long the loop waits for an event before calling
	// Idle; 0 waits without limit.
	IdleAfter() time.Duration
	Idle()
}

// Queue is the group-commit queue.
type Queue struct {
	queue  chan *Pending // pointers: a full-size queue of events would hold megabytes while idle
	stop   chan struct{}
	done   chan struct{}
	closed atomic.Bool
	mu     sync.RWMutex // held for reading while enqueuing, for writing by Close

	committed atomic.Int64 // events committed (Count)
}

// New makes a queue that holds at most size waiting events; Run it.
func New(size int) *Queue {
	return &Queue{queue: make(chan *Pending, size), stop: make(chan struct{}), done: make(chan struct{})}
}

// Enqueue queues ev behind every event queued before it and returns at
// once; done, if not nil, is called by the Committer. It returns
// archive.ErrQueueFull when the queue is full and archive.ErrClosed after
// Close.
func (q *Queue) Enqueue(ev event.Event, done func(id int64, err error)) error {
	if err := ev.Validate(); err != nil {
		return fmt.Errorf("append to the archive: %w", err)
	}
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed.Load() {
		return archive.ErrClosed
	}
	select {
	case q.queue <- &Pending{Event: ev, Done: done}:
		return nil
	default:
		return archive.ErrQueueFull
	}
}

// Flush waits until every event queued before it is committed and the
// Committer has settled (Settler).
func (q *Queue) Flush(ctx context.Context) error {
	marker := make(chan struct{})
	q.mu.RLock()
	if q.closed.Load() {
		q.mu.RUnlock()
		return nil
	}
	select {
	case q.queue <- &Pending{flush: marker}:
	case <-ctx.Done():
		q.mu.RUnlock()
		return ctx.Err()
	}
	q.mu.RUnlock()
	select {
	case <-marker:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("flush the archive: %w", ctx.Err())
	}
}

// Depth is how many events and markers wait.
func (q *Queue) Depth() int { return len(q.queue) }

// Count adds n to the events committed; the Committer calls it.
func (q *Queue) Count(n int) { q.committed.Add(int64(n)) }

// Committed is how many events were committed (Count).
func (q *Queue) Committed() int64 { return q.committed.Load() }

// Stopping reports whether Close was called.
func (q *Queue) Stopping() bool {
	select {
	case <-q.stop:
		return true
	default:
		return false
	}
}

// Close refuses new events, waits until what was queued before is
// committed (or given up) and Run has returned.
func (q *Queue) Close() {
	q.mu.Lock()
	if q.closed.Swap(true) {
		q.mu.Unlock()
		<-q.done
		return
	}
	close(q.stop)
	q.mu.Unlock()
	<-q.done
}

// Run is the loop: it hands c each batch until Close.
func (q *Queue) Run(c Committer) {
	defer close(q.done)
	s, _ := c.(Settler)
	batch := make([]*Pending, 0, MaxBatch)
	for {
		clear(batch) // let the committed events go
		batch = batch[:0]
		var idle <-chan time.Time
		if s != nil {
			if d := s.IdleAfter(); d > 0 {
				idle = time.After(d)
			}
		}
		select {
		case p := <-q.queue:
			batch = append(batch, p)
		case <-idle:
			s.Idle()
			continue
		case <-q.stop:
			// Drain what was queued before Close.
			for {
				select {
				case p := <-q.queue:
					batch = append(batch, p)
					if len(batch) == MaxBatch {
						c.Commit(batch, true)
						batch = batch[:0]
					}
				default:
					c.Commit(batch, true)
					c.Drained()
					return
				}
			}
		}
	fill:
		for len(batch) < MaxBatch {
			select {
			case p := <-q.queue:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		flush := false
		for _, p := range batch {
			flush = flush || p.IsFlush()
		}
		c.Commit(batch, false)
		if s != nil {
			s.Settle(flush)
		}
		for _, p := range batch {
			if p.IsFlush() {
				close(p.flush)
			}
		}
	}
}
