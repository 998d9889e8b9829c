package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/archive/engine"
	"proceedings/archive/storetest"
	"proceedings/internal/pgserver"
)

// BenchmarkArchiveCopy copies the benchmark corpus (storetest.Corpus,
// storetest.CorpusSize events: 200,000 unless PROCEEDINGS_BENCH_EVENTS
// says) from SQLite to PostgreSQL and back, and reports each way's rate
// (sqlite-to-pg-events/s, pg-to-sqlite-events/s) and the verification's
// (verify-events/s, both archives read). The checksums must be equal.
func BenchmarkArchiveCopy(b *testing.B) {
	ctx := context.Background()
	n := storetest.CorpusSize()
	dir := b.TempDir()
	src := filepath.Join(dir, "src.db")
	db, err := engine.Open(ctx, src, archive.Options{})
	if err != nil {
		b.Fatal(err)
	}
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for ev := range storetest.Corpus(n) {
		if err := im.Add(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	db.Close()

	copyOnce := func(from, to string) (time.Duration, archive.CopyStats) {
		b.Helper()
		f, err := engine.Open(ctx, from, archive.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		t, err := engine.Open(ctx, to, archive.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer t.Close()
		start := time.Now()
		st, err := archive.Copy(ctx, f, t, archive.CopyOptions{Source: from})
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		start = time.Now()
		diffs, sum, err := archive.Verify(ctx, f, t)
		if err != nil || len(diffs) > 0 || sum.Events != int64(n) {
			b.Fatalf("verify %s → %s: %v %q (%d events)", from, to, err, diffs, sum.Events)
		}
		b.ReportMetric(float64(2*n)/time.Since(start).Seconds(), "verify-events/s")
		b.Logf("%s → %s: %d events copied in %v, both archives' SHA-256 %s", filepath.Base(from), filepath.Base(to), st.Copied, took.Round(time.Millisecond), sum.Checksum)
		return took, st
	}
	for i := 0; i < b.N; i++ {
		pg := pgserver.NewDatabase(b)
		back := filepath.Join(dir, fmt.Sprintf("back%d.db", i))
		toPG, st := copyOnce(src, pg)
		if st.Copied != int64(n) {
			b.Fatalf("copied %d of %d events", st.Copied, n)
		}
		toSQLite, _ := copyOnce(pg, back)
		b.ReportMetric(float64(n)/toPG.Seconds(), "sqlite-to-pg-events/s")
		b.ReportMetric(float64(n)/toSQLite.Seconds(), "pg-to-sqlite-events/s")
	}
}
