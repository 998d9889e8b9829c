package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

var goBenchArea = area{
	key:   "gobench",
	title: "Go micro-benchmarks (every package's Benchmark functions)",
	method: "`go test -run '^$' -bench . -benchmem -count 1` over every package of the module, whoever wrote the " +
		"benchmarks; the table is parsed from its output. Packages that fail to build or whose benchmarks fail are " +
		"listed below the table.",
	run: runGoBench,
}

// goBench is one line of go test -bench output.
type goBench struct {
	Pkg     string
	Name    string // without the -GOMAXPROCS suffix
	Procs   int
	N       int64
	Metrics []benchMetric // ns/op first when present, in the order printed
}

type benchMetric struct {
	Value float64
	Unit  string
}

func (b goBench) metric(unit string) (float64, bool) {
	for _, m := range b.Metrics {
		if m.Unit == unit {
			return m.Value, true
		}
	}
	return 0, false
}

// parseGoBench reads the text output of go test -bench: benchmark result
// lines (attributed to the last "pkg:" line), what failed, and the packages
// go test finished with (ok, FAIL or no test files).
func parseGoBench(out []byte) (benches []goBench, failures, finished []string) {
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimSpace(strings.TrimPrefix(line, "pkg: "))
		case strings.HasPrefix(line, "FAIL\t") || strings.HasPrefix(line, "FAIL "):
			f := strings.Fields(line)[1:]
			failures = append(failures, strings.Join(f, " "))
			finished = append(finished, f[0])
		case strings.HasPrefix(line, "ok  \t") || strings.HasPrefix(line, "?   \t"):
			if f := strings.Fields(line); len(f) > 1 {
				finished = append(finished, f[1])
			}
		case strings.HasPrefix(line, "--- FAIL: Benchmark"):
			failures = append(failures, pkg+": "+strings.TrimSpace(strings.TrimPrefix(line, "--- FAIL: ")))
		case strings.HasPrefix(line, "Benchmark"):
			if b, ok := parseBenchLine(line); ok {
				b.Pkg = pkg
				benches = append(benches, b)
			}
		}
	}
	return benches, failures, finished
}

// parseBenchLine reads "BenchmarkX-2   1000   1234 ns/op   56 B/op ...".
func parseBenchLine(line string) (goBench, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return goBench{}, false
	}
	b := goBench{Name: f[0], Procs: 1}
	if i := strings.LastIndexByte(f[0], '-'); i > 0 {
		if p, err := strconv.Atoi(f[0][i+1:]); err == nil && p > 0 {
			b.Name, b.Procs = f[0][:i], p
		}
	}
	n, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || n <= 0 {
		return goBench{}, false
	}
	b.N = n
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return goBench{}, false
		}
		b.Metrics = append(b.Metrics, benchMetric{v, f[i+1]})
	}
	return b, true
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

func runGoBench(ctx context.Context, e *env) ([]result, error) {
	budget := e.size.GoBenchBudget
	if !e.deadline.IsZero() {
		// The quick size promises a total time: take what is left of it.
		budget = min(budget, time.Until(e.deadline))
		if budget < 20*time.Second {
			e.notef("Not run: the %s size's time limit leaves too little time (%s).", e.size.Name, budget.Round(time.Second))
			return nil, nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	list := exec.CommandContext(ctx, goTool(), "list", "-e", "./...")
	list.Dir = e.root
	pkgs, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("go list ./...: %w", err)
	}
	e.log.Info("gobench: go test -bench over every package", "benchtime", e.size.BenchTime, "budget", budget.Round(time.Second))
	r, err := runTool(ctx, e.root, nil, false, goTool(), "test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "1",
		"-vet=off", "-benchtime", e.size.BenchTime, "-timeout", budget.String(), "./...")
	benches, failures, finished := parseGoBench(r.Stdout)
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		var left []string
		for _, p := range strings.Fields(string(pkgs)) {
			if !slices.Contains(finished, p) {
				left = append(left, p)
			}
		}
		e.notef("The run was stopped after its budget of %s; the benchmarks that finished are listed. Not finished: %s.",
			budget.Round(time.Second), strings.Join(left, ", "))
	case errors.As(err, &exitErr):
		// go test exits 1 when a package fails to build or a benchmark fails: listed below.
	case err != nil:
		return nil, err
	}
	if e.size.BenchTime == "1x" {
		e.notef("The %s size runs each benchmark once (`-benchtime 1x`) to stay quick: a smoke run whose figures are rough; the full size runs each for %s.",
			e.size.Name, sizes["full"].BenchTime)
	}
	for _, f := range failures {
		e.notef("Failed: %s", f)
	}
	if len(benches) == 0 {
		e.notef("No package has a Benchmark function yet.")
	}
	var rows []result
	for _, b := range benches {
		nsop, ok := b.metric("ns/op")
		if !ok {
			continue
		}
		var extra []string
		for _, m := range b.Metrics {
			if m.Unit != "ns/op" {
				extra = append(extra, num(m.Value)+" "+m.Unit)
			}
		}
		rows = append(rows, result{
			Metric: fmt.Sprintf("%s %s", strings.TrimPrefix(b.Pkg, "proceedings/"), b.Name),
			Ours:   ptr(nsop), Unit: "ns/op", Better: lower,
			Note: strings.Join(append([]string{num(float64(b.N)) + " iterations"}, extra...), ", "),
		})
	}
	return rows, nil
}
