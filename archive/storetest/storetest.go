// Package storetest is the archive's conformance suite: the behaviour every
// archive engine must have, written once against the methods the engines
// share, and run by each engine's tests (archive/sqlite and
// archive/postgres) so that both pass the
// same tests.
//
// It knows no engine: an engine's test hands Run a function that makes a
// fresh, empty archive and says how to open it. Engine-specific behaviour
// (migrations from an engine's old schemas, what a crash leaves) is tested by the engine's own tests.
package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

// Opener opens one archive, again and again if asked, with the options
// given (Location, ReadOnly, …).
type Opener func(t testing.TB, opt archive.Options) (archive.Store, error)

// Run runs the suite. newArchive makes a fresh, empty archive for one test
// and returns how to open it. The tests run in parallel.
func Run(t *testing.T, newArchive func(t testing.TB) Opener) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, &env{t: t, open: newArchive(t)})
		})
	}
}

type testCase struct {
	name string
	fn   func(t *testing.T, e *env)
}

// tests is the suite; each file adds its own.
var tests []testCase

func add(name string, fn func(t *testing.T, e *env)) {
	tests = append(tests, testCase{name, fn})
}

// env is one test's archive.
type env struct {
	t    *testing.T
	open Opener
}

// db opens the test's archive; the handle is closed when the test ends.
func (e *env) db(opt archive.Options) archive.Store {
	e.t.Helper()
	s, err := e.open(e.t, opt)
	if err != nil {
		e.t.Fatal(err)
	}
	c := &closer{Store: s}
	e.t.Cleanup(func() { c.Close() })
	return c
}

// closer closes a store once, however often it is asked.
type closer struct {
	archive.Store
	once sync.Once
	err  error
}

func (c *closer) Close() error {
	c.once.Do(func() { c.err = c.Store.Close() })
	return c.err
}

var t0 = time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)

var feb2 = event.Date{Year: 2026, Month: 2, Day: 2}

func msg(ch, nick, text string, at time.Time) event.Event {
	return event.Event{Network: "net", Channel: ch, Time: at, Kind: event.KindMessage, Nick: nick, Text: text}
}

func mustAppend(t *testing.T, db archive.Store, evs ...event.Event) []int64 {
	t.Helper()
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		id, err := db.Append(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

func channelID(t *testing.T, db archive.Store, name string) int64 {
	t.Helper()
	c, err := db.FindChannel(context.Background(), "", name)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func importAll(t *testing.T, db archive.Store, opt archive.ImportOptions, evs []event.Event) archive.ImportStats {
	t.Helper()
	ctx := context.Background()
	im, err := db.NewImporter(opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if err := im.Add(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return im.Stats()
}

// rangeAll reads a range into a slice.
func rangeAll(t *testing.T, db archive.Store, ch int64, from, to time.Time, fields archive.Fields) []event.Event {
	t.Helper()
	var out []event.Event
	if err := db.Range(context.Background(), ch, from, to, fields, func(ev event.Event) error {
		out = append(out, ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// matched lists the highlighted pieces of a snippet.
func matched(sn []archive.Span) []string {
	var out []string
	for _, s := range sn {
		if s.Match {
			out = append(out, s.Text)
		}
	}
	return out
}

// nicks lists the nicks of search hits, in order.
func nicks(res archive.SearchResult) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Nick)
	}
	return out
}
