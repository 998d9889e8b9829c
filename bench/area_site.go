package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

var siteArea = area{
	key:   "site",
	title: "Site and import (issues 7 and 9)",
	method: "The `proceedings` binary, built for this run, on the same irssi per-day logs the reference tools read: " +
		"`proceedings import --channel … --timezone UTC` of the per-day directory into a fresh archive (parse, store, full-text index; " +
		"at full size also of the 5,000,000 lines the search area greps, to show how the cost grows), " +
		"`proceedings export --out` of the whole channel, a first `proceedings render` of the static site, the same render again " +
		"with nothing changed, and again after importing one more line into the last day; then `proceedings stats` of the channel. " +
		"Each is one run of the process, timed around it (so process start and opening the archive are included); peak RSS through GNU time. " +
		"The reference figures are logs2html's and pisg's from the reference table above (same corpus, same run); when that area " +
		"did not run, they are measured here the same way.",
	run: runSite,
}

// refRuns keeps the reference area's tool runs by label, so that the site
// area can set our figures beside them without running the tools again.
var refRuns sync.Map // label (string) -> refRun

// refRun is one reference tool's run on a corpus of lines lines.
type refRun struct {
	lines int
	run   toolRun
}

func keepRefRun(label string, lines int, r toolRun) {
	refRuns.Store(label, refRun{lines: lines, run: r})
}

// reference returns the reference area's run of the tool with this label on
// tc, or runs the tool now when that area did not (or ran on other data).
func (e *env) reference(ctx context.Context, tc *textCorpus, dir, label, name string, args ...string) (toolRun, error) {
	if v, ok := refRuns.Load(label); ok && v.(refRun).lines == tc.Lines {
		return v.(refRun).run, nil
	}
	e.log.Info("site: running the reference", "tool", label, "lines", tc.Lines)
	tctx, cancel := context.WithTimeout(ctx, e.size.ToolBudget)
	defer cancel()
	r, err := runTool(tctx, dir, nil, true, name, args...)
	if err != nil {
		return toolRun{}, fmt.Errorf("the reference %s: %w", label, err)
	}
	keepRefRun(label, tc.Lines, r)
	return r, nil
}

const siteConfig = `nick: proceedings
server: {host: 127.0.0.1, port: 6667, tls: false}
network: %s
channels:
  - name: %q
    public: true
archive: archive.db
site:
  base_url: "https://irc.example.org/"
  timezone: UTC
  out: site
`

func mib(b int64) *float64 {
	if b <= 0 {
		return nil
	}
	return ptr(float64(b) / (1 << 20))
}

func runSite(ctx context.Context, e *env) ([]result, error) {
	tc, err := e.text(e.size.RefLines)
	if err != nil {
		return nil, err
	}
	spec := defaultSpec(0, 0)
	dir := filepath.Join(e.workDir, "site")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "bot.yaml"), fmt.Appendf(nil, siteConfig, spec.Network, spec.Channel), 0o644); err != nil {
		return nil, fmt.Errorf("write the bot.yaml: %w", err)
	}
	bin := filepath.Join(dir, "proceedings")
	e.log.Info("site: building the binary")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/proceedings")
	build.Dir = e.root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build ./cmd/proceedings: %w: %s", err, strings.TrimSpace(string(out)))
	}
	lines := float64(tc.Lines)
	ours := func(what string, args ...string) (toolRun, error) {
		e.log.Info("site: running", "step", what, "lines", tc.Lines)
		tctx, cancel := context.WithTimeout(ctx, e.size.ToolBudget)
		defer cancel()
		r, err := runTool(tctx, dir, nil, true, bin, args...)
		if err != nil {
			return r, fmt.Errorf("%s: %w", what, err)
		}
		return r, nil
	}
	said := func(r toolRun) string { // what the command printed, with the scratch path shortened
		return strings.ReplaceAll(strings.TrimSpace(string(r.Stdout)), dir+string(filepath.Separator), "")
	}
	cpu := func(r toolRun) string {
		return fmt.Sprintf("CPU %s s user + %s s sys", num(r.User.Seconds()), num(r.Sys.Seconds()))
	}
	var rows []result

	// 1. Import.
	imp, err := ours("import", "import", "--channel", spec.Channel, "--timezone", "UTC", tc.DaysDir)
	if err != nil {
		return nil, err
	}
	// The reference: the same events (the generator the text was written
	// from) INSERTed into a bare table, without parsing, index or FTS.
	e.log.Info("site: reference bare SQLite inserts", "rows", tc.Lines)
	barePath := filepath.Join(dir, "bare.db")
	bareTook, bareRows, err := loadBare(ctx, barePath, e.spec(tc.Lines).events())
	if err != nil {
		return nil, err
	}
	os.Remove(barePath)
	bareRate := float64(bareRows) / bareTook.Seconds()
	rows = append(rows,
		result{Metric: fmt.Sprintf("Import, %s lines of irssi logs in %s per-day files: lines per second", num(lines), num(float64(tc.Days))),
			Ours: ptr(lines / imp.Wall.Seconds()), Reference: ptr(bareRate), RefTool: "bare SQLite inserts", Unit: "lines/s", Better: higher,
			Target: &goal{">=", 100_000},
			Note:   fmt.Sprintf("%s s wall; %s; the reference inserted the same events, generated, in %s s", num(imp.Wall.Seconds()), cpu(imp), num(bareTook.Seconds()))},
		result{Metric: "Import: peak RSS", Ours: mib(imp.MaxRSS), Unit: "MiB", Better: lower, Target: &goal{"<", 200}})

	// The same on the archive-size corpus, to show how the cost grows.
	if e.size.ArchiveLines > tc.Lines {
		big, err := e.text(e.size.ArchiveLines)
		if err != nil {
			return nil, err
		}
		bigDir := filepath.Join(e.workDir, "site-big")
		if err := os.MkdirAll(bigDir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(bigDir, "bot.yaml"), fmt.Appendf(nil, siteConfig, spec.Network, spec.Channel), 0o644); err != nil {
			return nil, fmt.Errorf("write the bot.yaml: %w", err)
		}
		e.log.Info("site: running", "step", "import, archive size", "lines", big.Lines)
		tctx, cancel := context.WithTimeout(ctx, e.size.ToolBudget)
		defer cancel()
		r, err := runTool(tctx, bigDir, nil, true, bin, "import", "--channel", spec.Channel, "--timezone", "UTC", big.DaysDir)
		if err != nil {
			return nil, fmt.Errorf("import of %d lines: %w", big.Lines, err)
		}
		os.RemoveAll(bigDir)
		rows = append(rows,
			result{Metric: fmt.Sprintf("Import, %s lines in %s per-day files: lines per second", num(float64(big.Lines)), num(float64(big.Days))),
				Ours: ptr(float64(big.Lines) / r.Wall.Seconds()), Unit: "lines/s", Better: higher,
				Note: fmt.Sprintf("%s s wall; %s", num(r.Wall.Seconds()), cpu(r))},
			result{Metric: fmt.Sprintf("Import, %s lines: peak RSS", num(float64(big.Lines))), Ours: mib(r.MaxRSS), Unit: "MiB", Better: lower, Target: &goal{"<", 200}})
	}

	// 2. Export.
	exp, err := ours("export", "export", "--channel", spec.Channel, "--out", filepath.Join(dir, "export"))
	if err != nil {
		return nil, err
	}
	rows = append(rows, result{Metric: "Export of the whole channel, one own-format file per day: lines per second",
		Ours: ptr(lines / exp.Wall.Seconds()), Unit: "lines/s", Better: higher,
		Note: fmt.Sprintf("%s s wall; %s", num(exp.Wall.Seconds()), cpu(exp))})

	// 3. Render: first, nothing changed, one line appended.
	refOut := filepath.Join(e.workDir, "site-reference")
	if err := os.MkdirAll(refOut, 0o755); err != nil {
		return nil, err
	}
	l2h, err := e.reference(ctx, tc, refOut, "logs2html, one file per day", "logs2html", "-o", filepath.Join(refOut, "logs2html"), tc.DaysDir)
	if err != nil {
		return nil, err
	}
	ren, err := ours("render", "render")
	if err != nil {
		return nil, err
	}
	rows = append(rows,
		result{Metric: fmt.Sprintf("Render the whole site, %s lines: wall time", num(lines)),
			Ours: ptr(ren.Wall.Seconds()), Reference: ptr(l2h.Wall.Seconds()), RefTool: "logs2html", Unit: "s", Better: lower,
			Note: fmt.Sprintf("%s; %s", cpu(ren), said(ren))},
		result{Metric: "Render the whole site: lines per second",
			Ours: ptr(lines / ren.Wall.Seconds()), Reference: ptr(lines / l2h.Wall.Seconds()), RefTool: "logs2html", Unit: "lines/s",
			Better: higher, MinRatio: ptr(10.0)},
		result{Metric: "Render the whole site: peak RSS", Ours: mib(ren.MaxRSS), Reference: mib(l2h.MaxRSS), RefTool: "logs2html",
			Unit: "MiB", Better: lower})
	again, err := ours("render, nothing changed", "render")
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(again.Stdout), "nothing changed") {
		return nil, fmt.Errorf("render with nothing changed wrote something: %s", strings.TrimSpace(string(again.Stdout)))
	}
	row := result{Metric: "Render again, nothing changed: wall time", Ours: ptr(float64(again.Wall.Microseconds()) / 1000),
		Unit: "ms", Better: lower, Target: &goal{"<=", 50}}
	if v, ok := refRuns.Load("logs2html again, nothing changed"); ok && v.(refRun).lines == tc.Lines {
		row.Reference, row.RefTool = ptr(float64(v.(refRun).run.Wall.Microseconds())/1000), "logs2html"
	}
	rows = append(rows, row)

	oneDir := filepath.Join(dir, "oneline")
	if err := os.MkdirAll(oneDir, 0o755); err != nil {
		return nil, err
	}
	last, err := time.Parse(time.DateOnly, tc.Last)
	if err != nil {
		return nil, fmt.Errorf("the corpus's last day %q: %w", tc.Last, err)
	}
	one := fmt.Sprintf("--- Log opened %s\n23:59 <benchmarker> one more line, appended after the first render\n", last.Format("Mon Jan 02 15:04:05 2006"))
	if err := os.WriteFile(filepath.Join(oneDir, safeName(spec.Channel)+"."+tc.Last+".log"), []byte(one), 0o644); err != nil {
		return nil, err
	}
	if _, err := ours("import one line", "import", "--channel", spec.Channel, "--timezone", "UTC", oneDir); err != nil {
		return nil, err
	}
	inc, err := ours("render after one line", "render")
	if err != nil {
		return nil, err
	}
	if strings.Contains(string(inc.Stdout), "nothing changed") {
		return nil, fmt.Errorf("render after appending a line wrote nothing: %s", strings.TrimSpace(string(inc.Stdout)))
	}
	rows = append(rows, result{Metric: "Render after appending one line: wall time", Ours: ptr(float64(inc.Wall.Microseconds()) / 1000),
		Unit: "ms", Better: lower, Target: &goal{"<", 100}, Note: said(inc)})

	// 4. Stats.
	pisg, err := e.reference(ctx, tc, refOut, "pisg, statistics of the channel", "pisg", "-s", "-ch", spec.Channel, "-f", "irssi",
		"-l", tc.AllLog, "-o", filepath.Join(refOut, "pisg.html"))
	if err != nil {
		return nil, err
	}
	st, err := ours("stats", "stats", "--channel", spec.Channel)
	if err != nil {
		return nil, err
	}
	rows = append(rows,
		result{Metric: fmt.Sprintf("Statistics of the channel, %s lines: lines per second", num(lines)),
			Ours: ptr(lines / st.Wall.Seconds()), Reference: ptr(lines / pisg.Wall.Seconds()), RefTool: "pisg", Unit: "lines/s",
			Better: higher, MinRatio: ptr(20.0), Note: fmt.Sprintf("%s s wall; %s", num(st.Wall.Seconds()), cpu(st))},
		result{Metric: "Statistics of the channel: peak RSS", Ours: mib(st.MaxRSS), Reference: mib(pisg.MaxRSS), RefTool: "pisg",
			Unit: "MiB", Better: lower})

	if !haveTimeTool() {
		e.notef("Peak RSS is not reported: it needs GNU time (%s, Debian package `time`).", timeTool)
	}
	e.notef("The import's reference is the same events INSERTed into a bare table (no parsing, no index, no full-text index), from the generator the text files were written from, in transactions of 10,000 rows.")
	return rows, nil
}
