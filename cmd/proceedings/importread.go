package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"proceedings/archive"
	"proceedings/event"
)

// eventSink takes the events read: an archive.Importer, or nothing on a
// dry run.
type eventSink interface {
	StartFile()
	Add(context.Context, event.Event) error
}

var _ eventSink = (archive.Importer)(nil)

// dryRunSink takes events and writes nothing.
type dryRunSink struct{}

func (dryRunSink) StartFile()                             {}
func (dryRunSink) Add(context.Context, event.Event) error { return nil }

// storeError is an error of the sink, not of the file.
type storeError struct{ error }

func (e storeError) Unwrap() error { return e.error }

// run imports the planned files. The counts are exact whatever happens:
// after an error or an interrupt the importer is stopped (the batch being
// written is committed or rolled back) before they are read.
func (r *importRun) run(ctx context.Context, db archive.Store, bar *progressbar.ProgressBar) (err error) {
	r.start = time.Now()
	// One importer for all files: it writes in large transactions
	// whatever the size of the files, and matches each file against the
	// archive on its own.
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			im.Stop() // the batch being written is committed or not; what waits is dropped
		}
		st := im.Stats()
		r.sum.added, r.sum.dups = st.Added, st.Duplicates
	}()
	if err := r.readAll(ctx, im, bar); err != nil {
		return err
	}
	return im.Flush(ctx)
}

// readAll reads the planned files into sink. A file that fails part way
// (an I/O error) is listed as skipped and the others are read, unless
// --strict; an error of the sink, a line --strict refuses or an interrupt
// ends it.
func (r *importRun) readAll(ctx context.Context, sink eventSink, bar *progressbar.ProgressBar) error {
	for _, p := range r.toRead() {
		err := r.read(ctx, p, sink, bar)
		if err == nil {
			continue
		}
		var se storeError
		if ctx.Err() != nil || r.opt.Strict || errors.As(err, &se) {
			return err
		}
		p.skip, p.readPart = reason(p, err), true
	}
	return nil
}

// read reads one planned file and hands each event, as it is to be
// stored, to sink.
func (r *importRun) read(ctx context.Context, p *planFile, sink eventSink, bar *progressbar.ProgressBar) error {
	rd, closeFile, err := r.open(p, bar)
	if err != nil {
		return err
	}
	defer closeFile()
	p.format = rd.Format()
	defer r.account(p, rd) // also what was read before an error or an interrupt
	sink.StartFile()
	r.sum.files++
	r.sum.formats = appendUnique(r.sum.formats, p.format)
	p.stored = map[event.ChannelRef]bool{}
	var last [2]string
	var lr logRef
	for {
		if ctx.Err() != nil {
			p.stopped = true
			return ctx.Err()
		}
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			p.stopped = ctx.Err() != nil
			return err
		}
		if ev.Network == "" {
			// Our own header without a network.
			if ev.Network = r.nets.def; ev.Network == "" {
				return fmt.Errorf("no network: neither the header nor the path names one, and %s", strings.TrimPrefix(r.nets.defErr.Error(), "--network is required: "))
			}
		}
		if k := [2]string{ev.Network, ev.Channel}; k != last {
			lr, last = r.logRef(ev.Network, ev.Channel), k
			p.stored[lr.ref] = true
		}
		asLive(&ev, lr)
		if err := sink.Add(ctx, ev); err != nil {
			p.unstored = true
			return storeError{err}
		}
		p.events++
		r.sum.events++
		r.sum.kinds[ev.Kind]++
		d := event.DateOf(ev.Time, r.opt.Location)
		if p.first.IsZero() || d.Before(p.first) {
			p.first = d
		}
		if p.last.IsZero() || p.last.Before(d) {
			p.last = d
		}
	}
	return nil
}

// account adds what the lines of a file were to the file's plan and to the
// summary, with the first examples of each reason.
func (r *importRun) account(p *planFile, rd *logReader) {
	c := rd.Counts()
	if p.unstored {
		// Its event was not stored: the line was not imported, and the
		// import stopped there.
		c.Lines--
		c.Events--
		p.stopped = true
	}
	if p.stopped {
		if n, err := r.countLines(p); err == nil && n > c.Lines {
			r.sum.notReached, r.sum.stoppedIn = n-c.Lines, p.path
		}
	}
	p.counts = c
	r.sum.add(c)
	for _, m := range []map[string]int64{c.NotKept, c.NotUnderstood, c.Repaired} {
		for reason := range m {
			for _, w := range rd.Examples(reason) {
				if len(r.sum.examples[reason]) < maxExamples {
					r.sum.examples[reason] = append(r.sum.examples[reason], lineExample{p.path, w})
				}
			}
		}
	}
	if n := c.Lines - c.Blank - c.Events - c.Markers; n > 0 {
		slog.Debug("lines not imported", "file", p.path, "lines", n)
	}
}
