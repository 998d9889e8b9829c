package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"testing"

	"proceedings/archive"
)

// TestImportFeedCommand imports the fixture feed from a file and a plain
// list over HTTP, and imports the file again (nothing new).
func TestImportFeedCommand(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	feed, err := os.ReadFile(filepath.Join("..", "..", "bot", "announce", "testdata", "techrights-feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "feed.xml"), feed, 0o644); err != nil {
		t.Fatal(err)
	}
	list := "2025-06-01 https://techrights.org/n/2025/06/01/Mobbing_Part_I.shtml Mobbing at the European Patent Office (EPO) - Part I - Where It Began\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(list))
	}))
	defer srv.Close()

	importFrom := func(sources ...string) (string, string, int) {
		return call(t, importFeeds, importFeedOptions{global: configIn(dir), sources: sources})
	}
	file := filepath.Join(dir, "feed.xml")
	out, errOut, code := importFrom(file, srv.URL+"/old-posts.txt")
	if code != 0 {
		t.Fatalf("import-feed exited %d: %s", code, errOut)
	}
	want := file + ": 22 new posts\n" + srv.URL + "/old-posts.txt: 1 new post\n"
	if out != want {
		t.Errorf("import-feed said %q, want %q", out, want)
	}
	if out, errOut, code = importFrom(file); code != 0 || out != file+": 0 new posts\n" {
		t.Errorf("importing again: %q, %q, exit %d", out, errOut, code)
	}
	if _, errOut, code = importFrom(filepath.Join(dir, "missing.xml")); code == 0 || !strings.Contains(errOut, "missing.xml") {
		t.Errorf("a missing file: exit %d, %q", code, errOut)
	}

	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "data", "archive.db"), archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, n := range map[string]int{"From Belarus With Love": 10, "Mobbing at the European Patent Office (EPO)": 2} {
		if parts, err := db.SeriesParts(context.Background(), name); err != nil || len(parts) != n {
			t.Errorf("series %q has %d parts (err %v), want %d", name, len(parts), err, n)
		}
	}
}
