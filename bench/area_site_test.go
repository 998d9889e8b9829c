package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSiteArea runs the site area for real on a tiny corpus: it builds the
// binary, imports, exports, renders three times and takes statistics.
func TestSiteArea(t *testing.T) {
	e := tinyEnv(t, sizeConfig{Name: "tiny", RefLines: 1500, ToolBudget: time.Minute})
	rows, err := siteArea.run(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]func(r result) bool{
		"Import, 1,500 lines":                      func(r result) bool { return *r.Ours > 0 && r.Pass != nil },
		"Export of the whole channel":              func(r result) bool { return *r.Ours > 0 },
		"Render the whole site: lines per second":  func(r result) bool { return *r.Ours > 0 && *r.Reference > 0 && r.Ratio != nil },
		"Render again, nothing changed":            func(r result) bool { return *r.Ours > 0 && r.Pass != nil },
		"Render after appending one line":          func(r result) bool { return strings.Contains(r.Note, "1 channel-days") },
		"Statistics of the channel, 1,500 lines":   func(r result) bool { return *r.Ours > 0 && *r.Reference > 0 && r.Ratio != nil },
		"Render the whole site, 1,500 lines: wall": func(r result) bool { return strings.Contains(r.Note, "1500 lines") },
	}
	for prefix, ok := range want {
		found := false
		for _, r := range rows {
			if strings.HasPrefix(r.Metric, prefix) {
				r.finish()
				found = true
				if r.Ours == nil || !ok(r) {
					t.Errorf("row %q is not sound: %+v", r.Metric, r)
				}
			}
		}
		if !found {
			t.Errorf("no row starting %q", prefix)
		}
	}
	for _, p := range []string{"site/site/index.html", "site/archive.db"} {
		if _, err := os.Stat(filepath.Join(e.workDir, p)); err != nil {
			t.Errorf("the run left no %s: %v", p, err)
		}
	}
	if ents, err := os.ReadDir(filepath.Join(e.workDir, "site", "export")); err != nil || len(ents) == 0 {
		t.Errorf("export wrote no files (%d): %v", len(ents), err)
	}
}
