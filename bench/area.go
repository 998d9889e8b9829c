package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"
)

// An area is one table of the report: a named group of measurements. To add
// one, write a func(ctx, *env) ([]result, error) that measures something
// for real in this run and append it to areas. An area that needs a part
// of the project that does not exist yet is simply not registered yet.
type area struct {
	key    string // what -areas selects, e.g. "archive"
	title  string // the table's heading
	method string // one paragraph: what is measured and how
	run    func(ctx context.Context, e *env) ([]result, error)
	// runOn, for the areas that measure the archive, runs the area on an
	// engine; run is runOn on SQLite.
	runOn func(ctx context.Context, e *env, eng *storeEngine) ([]result, error)
}

// engineArea is an area that measures the archive, run on SQLite unless
// onPostgres makes its PostgreSQL twin.
func engineArea(key, title, method string, runOn func(context.Context, *env, *storeEngine) ([]result, error)) area {
	return area{key: key, title: title, method: method, runOn: runOn,
		run: func(ctx context.Context, e *env) ([]result, error) { return runOn(ctx, e, sqliteEngine) }}
}

// areas run in this order; a later area may reuse what an earlier one built
// (the archive), but each also works alone.
var areas = []area{
	archiveArea,
	searchArea,
	referenceArea,
	siteArea,
	archivePostgresArea,
	searchPostgresArea,
	sitePostgresArea,
	serveArea,
	ircArea,
	goBenchArea,
}

// better says which way a metric improves.
type better string

const (
	lower  better = "lower"
	higher better = "higher"
)

// goal is a target from an issue: Op is one of <, <=, >, >=.
type goal struct {
	Op    string  `json:"op"`
	Value float64 `json:"value"`
}

func (g goal) met(v float64) bool {
	switch g.Op {
	case "<":
		return v < g.Value
	case "<=":
		return v <= g.Value
	case ">":
		return v > g.Value
	case ">=":
		return v >= g.Value
	}
	return false
}

func (g goal) String() string {
	op := map[string]string{"<": "<", "<=": "≤", ">": ">", ">=": "≥"}[g.Op]
	return op + " " + num(g.Value)
}

// result is one row: our figure and, where there is one, the reference
// tool's figure on the same data in the same run.
type result struct {
	Metric    string   `json:"metric"`
	Ours      *float64 `json:"ours,omitempty"`
	Reference *float64 `json:"reference,omitempty"`
	RefTool   string   `json:"ref_tool,omitempty"`
	Unit      string   `json:"unit"`
	Better    better   `json:"better,omitempty"`
	// Ratio is how many times better ours is than the reference (above 1:
	// ours is better), whichever way the metric improves.
	Ratio    *float64 `json:"ratio,omitempty"`
	Target   *goal    `json:"target,omitempty"`    // on Ours
	MinRatio *float64 `json:"min_ratio,omitempty"` // on Ratio: "at least N× better"
	Pass     *bool    `json:"pass,omitempty"`      // nil when the row has no target
	Note     string   `json:"note,omitempty"`
}

// finish fills Ratio and Pass from the figures and targets.
func (r *result) finish() {
	r.Ratio, r.Pass = nil, nil
	if r.Ours != nil && r.Reference != nil && *r.Ours > 0 && *r.Reference > 0 {
		var q float64
		if r.Better == higher {
			q = *r.Ours / *r.Reference
		} else {
			q = *r.Reference / *r.Ours
		}
		r.Ratio = &q
	}
	if r.Target == nil && r.MinRatio == nil {
		return
	}
	ok := true
	if r.Target != nil {
		ok = ok && r.Ours != nil && !math.IsNaN(*r.Ours) && r.Target.met(*r.Ours)
	}
	if r.MinRatio != nil {
		ok = ok && r.Ratio != nil && *r.Ratio >= *r.MinRatio
	}
	r.Pass = &ok
}

// ptr returns a pointer to v, for the optional figures of a result.
func ptr[T any](v T) *T { return &v }

// sizeConfig is what -size selects.
type sizeConfig struct {
	Name          string
	ArchiveLines  int           // events in the archive the archive and search areas query
	RefLines      int           // lines the reference tools read
	SeqAppends    int           // single Append calls timed one at a time
	DaySamples    int           // random days read with db.Day
	CalSamples    int           // Calendar calls
	QueryRepeats  int           // runs of each search query
	GrepRepeats   int           // runs of each grep (after one warm-up run)
	BenchTime     string        // go test -benchtime
	GoBenchBudget time.Duration // the whole go test -bench run
	ToolBudget    time.Duration // one run of one reference tool
	Limit         time.Duration // the whole run, when the size promises one
}

var sizes = map[string]sizeConfig{
	"small": {Name: "small", ArchiveLines: 100_000, RefLines: 100_000, SeqAppends: 200, DaySamples: 200, CalSamples: 50,
		QueryRepeats: 20, GrepRepeats: 3, BenchTime: "1x", GoBenchBudget: 3 * time.Minute, ToolBudget: 2 * time.Minute,
		Limit: 170 * time.Second},
	"full": {Name: "full", ArchiveLines: 5_000_000, RefLines: 1_000_000, SeqAppends: 1000, DaySamples: 200, CalSamples: 200,
		QueryRepeats: 50, GrepRepeats: 5, BenchTime: "1s", GoBenchBudget: 15 * time.Minute, ToolBudget: 30 * time.Minute},
}

// env is what every area gets: the size, the places to write, and the
// corpus and archive built once per run and shared.
type env struct {
	size    sizeConfig
	seed    uint64
	root    string // the module root (where go.mod is)
	outDir  string // bench/out: caches
	workDir string // this run's scratch space, removed at the end
	log     *slog.Logger
	reuse   string // an archive kept by an earlier run, used instead of building one
	// deadline, when set, is when the whole run should be done (the small
	// size's promise); the Go benchmarks area shortens itself to keep it.
	deadline time.Time

	mu    sync.Mutex // guards notes and rows
	notes []string

	textMu sync.Mutex
	texts  map[int]*textCorpus

	archMu sync.Mutex // held while an archive is built, which may take notes
	arch   map[*storeEngine]*builtArchive
	rows   map[string][]result // guarded by mu: what each area measured, by key

	pg pg // the PostgreSQL server of the run, started on first use
}

// keepRows remembers what the area with this key measured, for the areas
// that set their figures beside it.
func (e *env) keepRows(key string, rows []result) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.rows == nil {
		e.rows = map[string][]result{}
	}
	e.rows[key] = rows
}

func (e *env) rowsOf(key string) []result {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rows[key]
}

// notef adds a sentence under the current area's table.
func (e *env) notef(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notes = append(e.notes, fmt.Sprintf(format, args...))
}

func (e *env) takeNotes() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := e.notes
	e.notes = nil
	return n
}

func (e *env) spec(lines int) corpusSpec { return defaultSpec(e.seed, lines) }

// text returns the corpus of the given size as irssi text logs (cached).
func (e *env) text(lines int) (*textCorpus, error) {
	e.textMu.Lock()
	defer e.textMu.Unlock()
	if tc, ok := e.texts[lines]; ok {
		return tc, nil
	}
	tc, err := ensureTextCorpus(e.outDir, e.spec(lines), e.log)
	if err != nil {
		return nil, fmt.Errorf("write the %d-line corpus: %w", lines, err)
	}
	if e.texts == nil {
		e.texts = map[int]*textCorpus{}
	}
	e.texts[lines] = tc
	return tc, nil
}
