package groupcommit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

// fakeCommitter gives events ids in order, and can be held up.
type fakeCommitter struct {
	q       *Queue
	hold    chan struct{} // nil: commit at once
	started chan struct{} // with hold: told when a commit waits for it
	mu      sync.Mutex
	next    int64
	batches int
	drained bool
}

func (c *fakeCommitter) Commit(batch []*Pending, closing bool) {
	if c.hold != nil {
		c.started <- struct{}{}
		<-c.hold
	}
	c.mu.Lock()
	c.batches++
	c.mu.Unlock()
	n := 0
	for _, p := range batch {
		if p.IsFlush() {
			continue
		}
		c.next++
		n++
		if p.Done != nil {
			p.Done(c.next, nil)
		}
	}
	c.q.Count(n)
}

func (c *fakeCommitter) Drained() { c.drained = true }

func msg(text string) event.Event {
	return event.Event{Kind: event.KindMessage, Channel: "#c", Nick: "n", Text: text, Time: time.Unix(1, 0)}
}

func TestQueue(t *testing.T) {
	q := New(16)
	c := &fakeCommitter{q: q}
	go q.Run(c)
	ids := make(chan int64, 3)
	for _, text := range []string{"a", "b", "c"} {
		if err := q.Enqueue(msg(text), func(id int64, err error) {
			if err != nil {
				t.Error(err)
			}
			ids <- id
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if q.Committed() != 3 || len(ids) != 3 {
		t.Fatalf("after Flush: %d committed, %d told; want 3, 3", q.Committed(), len(ids))
	}
	for want := int64(1); want <= 3; want++ {
		if got := <-ids; got != want {
			t.Errorf("id %d; want %d (queue order)", got, want)
		}
	}
	if err := q.Enqueue(event.Event{}, nil); err == nil {
		t.Error("Enqueue of an invalid event succeeded")
	}
	q.Close()
	if !c.drained {
		t.Error("Close did not drain")
	}
	if err := q.Enqueue(msg("late"), nil); !errors.Is(err, archive.ErrClosed) {
		t.Errorf("Enqueue after Close: %v; want ErrClosed", err)
	}
	if err := q.Flush(context.Background()); err != nil {
		t.Errorf("Flush after Close: %v", err)
	}
}

func TestQueueFull(t *testing.T) {
	q := New(1)
	c := &fakeCommitter{q: q, hold: make(chan struct{}), started: make(chan struct{}, 2)}
	go q.Run(c)
	committed := make(chan struct{}, 2)
	done := func(int64, error) { committed <- struct{}{} }
	// The first event is taken into a batch (held), the second waits, the
	// third finds the queue full.
	if err := q.Enqueue(msg("1"), done); err != nil {
		t.Fatal(err)
	}
	<-c.started
	if err := q.Enqueue(msg("2"), done); err != nil {
		t.Fatal(err)
	}
	if err := q.Enqueue(msg("3"), done); !errors.Is(err, archive.ErrQueueFull) {
		t.Errorf("Enqueue to a full queue: %v; want ErrQueueFull", err)
	}
	close(c.hold)
	<-committed
	<-committed
	if q.Depth() != 0 {
		t.Errorf("Depth() = %d after every event was committed", q.Depth())
	}
	q.Close()
}
