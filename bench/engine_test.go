package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// runAreas runs areas in order as the bench's main loop does (each area's
// rows kept for those after it) and returns every row by metric, per area.
func runAreas(t *testing.T, e *env, areas ...area) map[string]map[string]result {
	t.Helper()
	out := map[string]map[string]result{}
	for _, a := range areas {
		rows, err := a.run(context.Background(), e)
		if err != nil {
			t.Fatalf("%s: %v", a.key, err)
		}
		out[a.key] = map[string]result{}
		for i := range rows {
			rows[i].finish()
			out[a.key][rows[i].Metric] = rows[i]
		}
		e.keepRows(a.key, rows)
		t.Logf("%s: %d rows, notes %q", a.key, len(rows), e.takeNotes())
	}
	return out
}

// row finds the row of an area whose metric starts with prefix.
func row(t *testing.T, rows map[string]result, prefix string) result {
	t.Helper()
	for m, r := range rows {
		if strings.HasPrefix(m, prefix) {
			return r
		}
	}
	t.Fatalf("no row starting %q", prefix)
	return result{}
}

// TestArchiveAreasOnPostgres runs the archive and search areas on both
// engines on a tiny corpus, PostgreSQL on a server the run starts: the
// PostgreSQL rows carry SQLite's figure of the same row as their reference
// and the targets, and both engines count the same matches as grep.
func TestArchiveAreasOnPostgres(t *testing.T) {
	e := tinyEnv(t, sizeConfig{Name: "tiny", ArchiveLines: 3000, RefLines: 2000, SeqAppends: 5, DaySamples: 10, CalSamples: 3,
		QueryRepeats: 2, GrepRepeats: 1, ToolBudget: time.Minute})
	t.Cleanup(e.close)
	got := runAreas(t, e, archiveArea, searchArea, archivePostgresArea, searchPostgresArea)

	sq, pg := got["archive"], got["archive-postgres"]
	for _, prefix := range []string{"Append throughput, 3,000 events", "Import throughput", "One day's events (Day), p95", "Archive bytes per event"} {
		s, p := row(t, sq, prefix), row(t, pg, prefix)
		if p.Ours == nil || *p.Ours <= 0 || p.Reference == nil || *p.Reference != *s.Ours || p.RefTool != "SQLite, same run" {
			t.Errorf("%s: PostgreSQL %+v is not beside SQLite's %+v", prefix, p, s)
		}
	}
	if r := row(t, pg, "Append throughput, 3,000 events"); r.Target == nil || r.Target.Value != 50000 || !strings.Contains(r.Note, "CPU-µs per event") {
		t.Errorf("PostgreSQL's append row: %+v", r)
	}
	if r := row(t, pg, "Import throughput"); r.Target == nil || r.Target.Value != 100000 {
		t.Errorf("PostgreSQL's import row: %+v", r)
	}
	if r := row(t, pg, "Archive bytes per event"); r.Target != nil {
		t.Errorf("PostgreSQL's size has SQLite's target: %+v", r)
	}
	for _, prefix := range []string{"common word", "rare word", "phrase"} {
		for _, order := range []string{"newest first", "by relevance"} {
			var s, p result
			for m, r := range got["search"] {
				if strings.HasPrefix(m, prefix) && strings.Contains(m, order) {
					s = r
				}
			}
			for m, r := range got["search-postgres"] {
				if strings.HasPrefix(m, prefix) && strings.Contains(m, order) {
					p = r
				}
			}
			if p.Ours == nil || s.Ours == nil || *p.Reference != *s.Ours || p.MinRatio != nil {
				t.Errorf("%s %s: PostgreSQL %+v beside SQLite %+v", prefix, order, p, s)
			}
			// The note says "p50 … ms; N matching events (grep: M lines)":
			// both engines find what grep finds.
			count := func(note string) string { return note[strings.Index(note, "; ")+2:] }
			if count(p.Note) != count(s.Note) {
				t.Errorf("%s %s: PostgreSQL says %q, SQLite %q", prefix, order, p.Note, s.Note)
			}
		}
	}
}

// TestSiteAreaOnPostgres runs the site area on both engines: the binary
// imports, renders and exports from a postgres:// archive, and each site
// it renders is the same, file for file, as SQLite's.
func TestSiteAreaOnPostgres(t *testing.T) {
	e := tinyEnv(t, sizeConfig{Name: "tiny", ArchiveLines: 3000, RefLines: 1500, ToolBudget: time.Minute})
	t.Cleanup(e.close)
	got := runAreas(t, e, siteArea, sitePostgresArea)
	pg := got["site-postgres"]
	for _, lines := range []string{"1,500", "3,000"} {
		r := row(t, pg, "Site rendered from this engine, "+lines+" lines")
		if r.Ours == nil || *r.Ours != 0 || r.Pass == nil || !*r.Pass || !strings.Contains(r.Note, "files compared") {
			t.Errorf("the %s-line sites differ: %+v", lines, r)
		}
	}
	for _, prefix := range []string{"Render the whole site, 3,000 lines: wall time", "Render the whole site, 1,500 lines: wall time"} {
		r := row(t, pg, prefix)
		if r.Reference == nil || r.MinRatio == nil || r.Pass == nil {
			t.Errorf("%s: not measured against SQLite's render: %+v", prefix, r)
		}
	}
	if r := row(t, pg, "Import, 1,500 lines"); r.Reference == nil || r.RefTool != "SQLite, same run" {
		t.Errorf("the import is not beside SQLite's: %+v", r)
	}
	if r := row(t, pg, "Statistics of the channel"); r.Ours == nil || *r.Ours <= 0 {
		t.Errorf("stats from PostgreSQL: %+v", r)
	}
}
