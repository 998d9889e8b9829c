package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAreasEndToEnd runs the archive, search and reference areas for real
// on a tiny corpus: the same code make bench runs, with small numbers.
func TestAreasEndToEnd(t *testing.T) {
	e := tinyEnv(t, sizeConfig{Name: "tiny", ArchiveLines: 3000, RefLines: 2000, SeqAppends: 5, DaySamples: 10, CalSamples: 3,
		QueryRepeats: 2, GrepRepeats: 1, BenchTime: "1x", GoBenchBudget: time.Minute, ToolBudget: time.Minute})
	ctx := context.Background()
	byMetric := map[string]result{}
	for _, a := range []area{archiveArea, searchArea, referenceArea} {
		rows, err := a.run(ctx, e)
		if err != nil {
			t.Fatalf("%s: %v", a.key, err)
		}
		if len(rows) == 0 {
			t.Fatalf("%s: no rows", a.key)
		}
		for _, r := range rows {
			r.finish()
			if r.Ours == nil && r.Reference == nil {
				t.Errorf("%s: row %q has no figure at all", a.key, r.Metric)
			}
			if r.Unit == "" {
				t.Errorf("%s: row %q has no unit", a.key, r.Metric)
			}
			byMetric[r.Metric] = r
		}
		t.Logf("%s: %d rows, notes %q", a.key, len(rows), e.takeNotes())
	}
	var sawThroughput, sawBytes, sawDay, sawSearch, sawPisg bool
	for m, r := range byMetric {
		switch {
		case strings.HasPrefix(m, "Append throughput, 3,000 events"):
			sawThroughput = *r.Ours > 0 && *r.Reference > 0 && r.Ratio != nil
		case strings.HasPrefix(m, "Archive bytes per event"):
			// Our archive carries indexes and FTS: it must be bigger than the bare table.
			sawBytes = *r.Ours > *r.Reference
		case strings.HasPrefix(m, "One day's events (Day), p95"):
			sawDay = *r.Ours > 0 && r.Pass != nil
		case strings.HasPrefix(m, "common word"):
			sawSearch = strings.Contains(r.Note, "matching events") && *r.Reference > 0
			// FTS and grep -w count the same lines of this corpus.
			var fts, grep string
			if i := strings.Index(r.Note, "; "); i > 0 {
				rest := r.Note[i+2:]
				fts = rest[:strings.Index(rest, " matching")]
				grep = rest[strings.Index(rest, "grep: ")+6 : strings.Index(rest, " lines")]
			}
			if fts != grep || fts == "" {
				t.Errorf("FTS found %q events, grep %q lines: %s", fts, grep, r.Note)
			}
		case strings.HasPrefix(m, "pisg, statistics of the channel, 2,000 lines"):
			sawPisg = *r.Reference > 0 && r.Ours == nil
		}
	}
	for name, ok := range map[string]bool{"throughput": sawThroughput, "bytes per event": sawBytes, "day": sawDay, "search": sawSearch, "pisg": sawPisg} {
		if !ok {
			t.Errorf("no sound %s row among %d rows", name, len(byMetric))
		}
	}
	// A later run may reuse the archive: no load figures then, the rest as usual.
	work2 := filepath.Join(e.outDir, "run2")
	if err := os.MkdirAll(work2, 0o755); err != nil {
		t.Fatal(err)
	}
	e2 := &env{size: e.size, seed: 1, root: e.root, outDir: e.outDir, workDir: work2, log: e.log, reuse: filepath.Join(e.workDir, "archive.db")}
	rows, err := archiveArea.run(ctx, e2)
	if err != nil {
		t.Fatal(err)
	}
	var metrics []string
	for _, r := range rows {
		metrics = append(metrics, r.Metric)
	}
	all := strings.Join(metrics, "\n")
	if strings.Contains(all, "Append throughput") || !strings.Contains(all, "Archive bytes per event") || !strings.Contains(all, "One day's events") {
		t.Errorf("rows of a run on a reused archive:\n%s", all)
	}
	if notes := strings.Join(e2.takeNotes(), " "); !strings.Contains(notes, "reused") {
		t.Errorf("the notes do not say the archive was reused: %s", notes)
	}

	if _, err := os.Stat(filepath.Join(e.workDir, "reference", "pisg.html")); err != nil {
		t.Errorf("pisg wrote no page: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.workDir, "reference", "logs2html", "index.html")); err != nil {
		t.Errorf("logs2html wrote no index: %v", err)
	}
}

// tinyEnv is the env of a test run of areas: size, seed 1, and a scratch
// directory of the test's own.
func tinyEnv(t *testing.T, size sizeConfig) *env {
	t.Helper()
	dir := t.TempDir()
	work := filepath.Join(dir, "run")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return &env{size: size, seed: 1, root: root, outDir: dir, workDir: work, log: slog.New(slog.DiscardHandler)}
}
