// Command bench measures proceedings beside the reference tools on a
// seeded synthetic IRC corpus and writes docs/BENCHMARKS.md and
// docs/BENCHMARKS.json (`make bench`). Every figure is measured in the run
// that prints it; the report's "How to reproduce" says how.
//
// Usage:
//
//	go run ./bench -size small|full [-out docs/BENCHMARKS.md] [-areas archive,search] [-seed 1] [-keep]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		sizeName = flag.String("size", "small", "corpus size: small (100k lines, under 3 minutes) or full (5M-event archive, 1M lines for the reference tools)")
		out      = flag.String("out", "docs/BENCHMARKS.md", "the Markdown report to write; the JSON report goes next to it with the extension .json")
		seed     = flag.Uint64("seed", 1, "corpus seed: runs with the same seed measure the same data")
		only     = flag.String("areas", "", "comma-separated areas to run (default all): "+areaKeys())
		keep     = flag.Bool("keep", false, "keep this run's scratch directory (the archive) under bench/out")
		reuse    = flag.String("archive", "", "use this archive, kept by an earlier run with -keep, instead of loading one (its load is then not measured); it gains the single appends of the archive area")
	)
	flag.Parse()
	size, ok := sizes[*sizeName]
	if !ok {
		return fmt.Errorf("unknown -size %q: use small or full", *sizeName)
	}
	selected, err := selectAreas(*only)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	outDir := filepath.Join(root, "bench", "out")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", outDir, err)
	}
	work, err := os.MkdirTemp(outDir, "run-"+size.Name+"-*")
	if err != nil {
		return fmt.Errorf("create a scratch directory: %w", err)
	}
	if *keep {
		log.Info("keeping the scratch directory", "dir", work)
	} else {
		defer os.RemoveAll(work)
	}
	e := &env{size: size, seed: *seed, root: root, outDir: outDir, workDir: work, log: log, reuse: *reuse}
	defer e.close()

	start := time.Now()
	if size.Limit > 0 {
		e.deadline = start.Add(size.Limit)
	}
	spec := e.spec(0)
	rep := &report{
		Size: size.Name, Seed: *seed, Machine: describeMachine(ctx, root),
		Corpus: corpusInfo{Network: spec.Network, Channel: spec.Channel, Nicks: len(nickNames),
			ArchiveSize: size.ArchiveLines, RefSize: size.RefLines},
	}
	for _, a := range selected {
		log.Info("area: start", "area", a.key)
		t0 := time.Now()
		rows, err := a.run(ctx, e)
		sec := areaSection{Key: a.key, Title: a.title, Method: a.method, Rows: rows, Took: time.Since(t0).Seconds()}
		for i := range sec.Rows {
			sec.Rows[i].finish()
		}
		sec.Notes = e.takeNotes()
		e.keepRows(a.key, sec.Rows)
		if err != nil {
			sec.Error = err.Error()
			log.Error("area: failed", "area", a.key, "err", err)
		} else {
			log.Info("area: done", "area", a.key, "rows", len(rows), "took", time.Since(t0).Round(time.Millisecond))
		}
		rep.Areas = append(rep.Areas, sec)
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted during %s: no report written", a.key)
		}
	}
	rep.Duration = time.Since(start).Round(time.Second).Seconds()
	rep.Machine.LoadEnd = loadAvg()

	if err := writeReports(rep, *out); err != nil {
		return err
	}
	if f := rep.failures(); len(f) > 0 {
		log.Warn("some targets were missed or areas failed", "count", len(f), "list", strings.Join(f, "; "))
	}
	for _, s := range rep.Areas {
		if s.Error != "" {
			return errors.New("an area failed: see the report")
		}
	}
	return nil
}

func areaKeys() string {
	keys := make([]string, len(areas))
	for i, a := range areas {
		keys[i] = a.key
	}
	return strings.Join(keys, ", ")
}

func selectAreas(list string) ([]area, error) {
	if strings.TrimSpace(list) == "" {
		return areas, nil
	}
	var out []area
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		i := slices.IndexFunc(areas, func(a area) bool { return a.key == k })
		if i < 0 {
			return nil, fmt.Errorf("unknown area %q: choose from %s", k, areaKeys())
		}
		out = append(out, areas[i])
	}
	return out, nil
}

// moduleRoot finds the directory holding go.mod, from the working
// directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s: run bench from inside the proceedings module", dir)
		}
	}
}

// writeReports writes the Markdown report to mdPath and the JSON one next
// to it, each through a temporary file so a failed run leaves the old ones.
func writeReports(rep *report, mdPath string) error {
	jsonPath := strings.TrimSuffix(mdPath, filepath.Ext(mdPath)) + ".json"
	if err := os.MkdirAll(filepath.Dir(mdPath), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(mdPath), err)
	}
	for _, f := range []struct {
		path  string
		write func(*os.File) error
	}{
		{mdPath, func(w *os.File) error { return rep.writeMarkdown(w) }},
		{jsonPath, func(w *os.File) error { return rep.writeJSON(w) }},
	} {
		tmp := f.path + ".tmp"
		w, err := os.Create(tmp)
		if err != nil {
			return fmt.Errorf("write %s: %w", f.path, err)
		}
		if err := f.write(w); err != nil {
			w.Close()
			return fmt.Errorf("write %s: %w", f.path, err)
		}
		if err := w.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.path, err)
		}
		if err := os.Rename(tmp, f.path); err != nil {
			return fmt.Errorf("write %s: %w", f.path, err)
		}
	}
	return nil
}
