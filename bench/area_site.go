package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"proceedings/render"
)

var siteArea = engineArea("site", "Site and import (issues 7 and 9)",
	"The `proceedings` binary, built for this run, on the same irssi per-day logs the reference tools read: "+
		"`proceedings import --channel … --timezone UTC` of the per-day directory into a fresh archive (parse, store, full-text index; "+
		"at full size also of the 5,000,000 lines the search area greps, to show how the cost grows, and a render of those), "+
		"`proceedings export --out` of the whole channel, a first `proceedings render` of the static site, the same render again "+
		"with nothing changed, and again after importing one more line into the last day; then `proceedings stats` of the channel. "+
		"Each is one run of the process, timed around it (so process start and opening the archive are included); peak RSS through GNU time. "+
		"Before each first render of a whole site the run waits until the steps before it are on the disk (a `sync`, after a `CHECKPOINT` on PostgreSQL), "+
		"so that the render is not timed beside the writeback of the import before it. "+
		"The reference figures are logs2html's and pisg's from the reference table above (same corpus, same run); when that area "+
		"did not run, they are measured here the same way.",
	runSite)

var sitePostgresArea = onPostgres(siteArea, "Site and import on PostgreSQL (issue 21)",
	"The site area's runs of the `proceedings` binary with `archive:` a `postgres://` URL of a fresh database on "+
		"the run's PostgreSQL server (the same steps on the same files). The reference column is the SQLite engine's figure "+
		"for the same row in this run. Then each site rendered from PostgreSQL is compared file by file with the one "+
		"rendered from SQLite after the same steps (the render's own bookkeeping, its state file and per-channel caches, "+
		"which record the archive's revision numbers, left out).")

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
archive: %q
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

func runSite(ctx context.Context, e *env, eng *storeEngine) ([]result, error) {
	s, err := newSiteRun(ctx, e, eng)
	if err != nil {
		return nil, err
	}
	var rows []result
	steps := []func(context.Context) ([]result, error){
		// The archive-size import and render last: the writeback of their
		// gigabytes would slow the timed runs after them.
		s.importRows, s.exportRows, s.renderRows, s.appendRenderRow, s.statsRows, s.bigImportRows,
	}
	if eng != sqliteEngine {
		steps = append(steps, s.sameSiteRows)
	}
	for _, step := range steps {
		r, err := step(ctx)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	e.noteMissingTimeTool()
	if eng == sqliteEngine {
		e.notef("The import's reference is the same events INSERTed into a bare table (no parsing, no index, no full-text index), from the generator the text files were written from, in transactions of 10,000 rows.")
	}
	return rows, nil
}

// siteRun is one run of the site area: the proceedings binary built for
// it, working in dir on the reference tools' corpus tc.
type siteRun struct {
	e      *env
	eng    *storeEngine
	tc     *textCorpus
	spec   corpusSpec
	dir    string // the binary's working directory: bot.yaml, the archive, the site
	where  string // its archive: bot.yaml's archive:
	refOut string // where the reference tools write
	bin    string
	lines  float64
}

// newSiteRun writes the bot.yaml and builds the binary.
func newSiteRun(ctx context.Context, e *env, eng *storeEngine) (*siteRun, error) {
	tc, err := e.text(e.size.RefLines)
	if err != nil {
		return nil, err
	}
	s := &siteRun{e: e, eng: eng, tc: tc, spec: defaultSpec(0, 0), dir: siteDir(e, "site", eng),
		refOut: filepath.Join(e.workDir, "site-reference"), lines: float64(tc.Lines)}
	if s.where, err = s.writeConfig(ctx, s.dir, "site"); err != nil {
		return nil, err
	}
	s.bin = filepath.Join(s.dir, "proceedings")
	e.log.Info("site: building the binary")
	build := exec.CommandContext(ctx, "go", "build", "-o", s.bin, "./cmd/proceedings")
	build.Dir = e.root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build ./cmd/proceedings: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return s, nil
}

// siteDir is the working directory of one site run on eng.
func siteDir(e *env, name string, eng *storeEngine) string {
	if eng.key != "" {
		name += "-" + eng.key
	}
	return filepath.Join(e.workDir, name)
}

// writeConfig makes dir with a bot.yaml for the corpus's channel in it,
// whose archive is a new one called name: a file in dir for SQLite, a
// database for PostgreSQL. It returns the archive's location.
func (s *siteRun) writeConfig(ctx context.Context, dir, name string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	where := filepath.Join(dir, "archive.db")
	if s.eng != sqliteEngine {
		var err error
		if where, err = s.eng.fresh(ctx, s.e, strings.ReplaceAll(name, "-", "_")); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "bot.yaml"), fmt.Appendf(nil, siteConfig, s.spec.Network, s.spec.Channel, where), 0o644); err != nil {
		return "", fmt.Errorf("write the bot.yaml: %w", err)
	}
	return where, nil
}

// quiesce waits until what the steps before wrote is on the disk — the
// server's dirty buffers too (CHECKPOINT), on PostgreSQL — so that a timed
// render is not run beside the writeback of an import of gigabytes (the
// PostgreSQL import writes about twice what the SQLite one does, its
// write-ahead log included). Both engines get it before the same steps.
func (s *siteRun) quiesce(ctx context.Context, where string) error {
	start := time.Now()
	if s.eng.flush != nil {
		if err := s.eng.flush(ctx, where); err != nil {
			return err
		}
	}
	syscall.Sync()
	s.e.log.Info("site: flushed the writes before a timed render", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// run runs the binary in dir with args, as the step what on lines lines.
func (s *siteRun) run(ctx context.Context, dir, what string, lines int, args ...string) (toolRun, error) {
	s.e.log.Info("site: running", "step", what, "lines", lines)
	tctx, cancel := context.WithTimeout(ctx, s.e.size.ToolBudget)
	defer cancel()
	r, err := runTool(tctx, dir, nil, true, s.bin, args...)
	if err != nil {
		return r, fmt.Errorf("%s: %w", what, err)
	}
	return r, nil
}

// ours runs the binary on the corpus in the run's directory.
func (s *siteRun) ours(ctx context.Context, what string, args ...string) (toolRun, error) {
	return s.run(ctx, s.dir, what, s.tc.Lines, args...)
}

// said is what a run of the binary printed, with the scratch path shortened.
func (s *siteRun) said(r toolRun) string {
	return strings.ReplaceAll(strings.TrimSpace(string(r.Stdout)), s.dir+string(filepath.Separator), "")
}

func cpu(r toolRun) string {
	return fmt.Sprintf("CPU %s s user + %s s sys", num(r.User.Seconds()), num(r.Sys.Seconds()))
}

// importRows: the import of the corpus, beside bare inserts of its events
// (on SQLite).
func (s *siteRun) importRows(ctx context.Context) ([]result, error) {
	imp, err := s.ours(ctx, "import", "import", "--channel", s.spec.Channel, "--timezone", "UTC", s.tc.DaysDir)
	if err != nil {
		return nil, err
	}
	row := result{Metric: fmt.Sprintf("Import, %s lines of irssi logs in %s per-day files: lines per second", num(s.lines), num(float64(s.tc.Days))),
		Ours: ptr(s.lines / imp.Wall.Seconds()), Unit: "lines/s", Better: higher, Target: &goal{">=", 100_000},
		Note: fmt.Sprintf("%s s wall; %s", num(imp.Wall.Seconds()), cpu(imp))}
	if s.eng == sqliteEngine {
		// The reference: the same events (the generator the text was
		// written from) INSERTed into a bare table, without parsing, index
		// or FTS.
		bare, err := runBare(ctx, s.e, "site", s.dir, s.tc.Lines)
		if err != nil {
			return nil, err
		}
		row.Reference, row.RefTool = ptr(bare.rate()), "bare SQLite inserts"
		row.Note += fmt.Sprintf("; the reference inserted the same events, generated, in %s s", num(bare.took.Seconds()))
	}
	return []result{row, {Metric: "Import: peak RSS", Ours: mib(imp.MaxRSS), Unit: "MiB", Better: lower, Target: &goal{"<", 200}}}, nil
}

// bigImportRows: the import of the archive-size corpus, to show how the
// cost grows, and the render of its site (none when that corpus is not
// larger).
func (s *siteRun) bigImportRows(ctx context.Context) ([]result, error) {
	if s.e.size.ArchiveLines <= s.tc.Lines {
		return nil, nil
	}
	big, err := s.e.text(s.e.size.ArchiveLines)
	if err != nil {
		return nil, err
	}
	bigDir := siteDir(s.e, "site-big", s.eng)
	bigWhere, err := s.writeConfig(ctx, bigDir, "site-big")
	if err != nil {
		return nil, err
	}
	r, err := s.run(ctx, bigDir, "import, archive size", big.Lines, "import", "--channel", s.spec.Channel, "--timezone", "UTC", big.DaysDir)
	if err != nil {
		return nil, err
	}
	importRow := result{Metric: fmt.Sprintf("Import, %s lines in %s per-day files: lines per second", num(float64(big.Lines)), num(float64(big.Days))),
		Ours: ptr(float64(big.Lines) / r.Wall.Seconds()), Unit: "lines/s", Better: higher,
		Note: fmt.Sprintf("%s s wall; %s", num(r.Wall.Seconds()), cpu(r))}
	if s.eng != sqliteEngine {
		importRow.Target = &goal{">=", 100_000}
	}
	if err := s.quiesce(ctx, bigWhere); err != nil {
		return nil, err
	}
	ren, err := s.run(ctx, bigDir, "render, archive size", big.Lines, "render")
	if err != nil {
		return nil, err
	}
	// The site stays for the comparison of the engines' renders (sameSiteRows).
	return []result{
		importRow,
		{Metric: fmt.Sprintf("Import, %s lines: peak RSS", num(float64(big.Lines))), Ours: mib(r.MaxRSS), Unit: "MiB", Better: lower, Target: &goal{"<", 200}},
		{Metric: fmt.Sprintf("Render the whole site, %s lines: wall time", num(float64(big.Lines))), Ours: ptr(ren.Wall.Seconds()),
			Unit: "s", Better: lower, Note: fmt.Sprintf("%s; peak RSS %s MiB; %s", cpu(ren), num(float64(ren.MaxRSS)/(1<<20)), s.said(ren))},
	}, nil
}

// sameSiteRows compares each site this run rendered with the one the SQLite
// run of the area rendered from the same events after the same steps.
func (s *siteRun) sameSiteRows(context.Context) ([]result, error) {
	var rows []result
	for _, c := range []struct {
		name  string
		lines int
	}{{"site", s.tc.Lines}, {"site-big", s.e.size.ArchiveLines}} {
		ours, theirs := filepath.Join(siteDir(s.e, c.name, s.eng), "site"), filepath.Join(siteDir(s.e, c.name, sqliteEngine), "site")
		if _, err := os.Stat(ours); err != nil {
			continue // not rendered at this size
		}
		if _, err := os.Stat(theirs); err != nil {
			s.e.notef("The SQLite engine's site of %s lines was not rendered in this run (its area did not run), so it is not compared.", num(float64(c.lines)))
			continue
		}
		files, differ, err := compareTrees(ours, theirs, render.StateFile, render.CacheDir)
		if err != nil {
			return nil, err
		}
		note := fmt.Sprintf("%s files compared", num(float64(files)))
		if len(differ) > 0 {
			note += "; first: " + strings.Join(differ[:min(len(differ), 5)], ", ")
		}
		rows = append(rows, result{Metric: fmt.Sprintf("Site rendered from this engine, %s lines: files that differ from SQLite's render", num(float64(c.lines))),
			Ours: ptr(float64(len(differ))), Unit: "files", Better: lower, Target: &goal{"<=", 0}, Note: note})
	}
	return rows, nil
}

// exportRows: the export of the whole channel.
func (s *siteRun) exportRows(ctx context.Context) ([]result, error) {
	exp, err := s.ours(ctx, "export", "export", "--channel", s.spec.Channel, "--out", filepath.Join(s.dir, "export"))
	if err != nil {
		return nil, err
	}
	return []result{{Metric: "Export of the whole channel, one own-format file per day: lines per second",
		Ours: ptr(s.lines / exp.Wall.Seconds()), Unit: "lines/s", Better: higher,
		Note: fmt.Sprintf("%s s wall; %s", num(exp.Wall.Seconds()), cpu(exp))}}, nil
}

// renderRows: the first render of the site beside logs2html, then the
// same render again with nothing changed.
func (s *siteRun) renderRows(ctx context.Context) ([]result, error) {
	if err := os.MkdirAll(s.refOut, 0o755); err != nil {
		return nil, err
	}
	l2h, err := s.e.reference(ctx, s.tc, s.refOut, "logs2html, one file per day", "logs2html", "-o", filepath.Join(s.refOut, "logs2html"), s.tc.DaysDir)
	if err != nil {
		return nil, err
	}
	if err := s.quiesce(ctx, s.where); err != nil {
		return nil, err
	}
	ren, err := s.ours(ctx, "render", "render")
	if err != nil {
		return nil, err
	}
	rows := []result{
		{Metric: fmt.Sprintf("Render the whole site, %s lines: wall time", num(s.lines)),
			Ours: ptr(ren.Wall.Seconds()), Reference: ptr(l2h.Wall.Seconds()), RefTool: "logs2html", Unit: "s", Better: lower,
			Note: fmt.Sprintf("%s; %s", cpu(ren), s.said(ren))},
		{Metric: "Render the whole site: lines per second",
			Ours: ptr(s.lines / ren.Wall.Seconds()), Reference: ptr(s.lines / l2h.Wall.Seconds()), RefTool: "logs2html", Unit: "lines/s",
			Better: higher, MinRatio: ptr(10.0)},
		{Metric: "Render the whole site: peak RSS", Ours: mib(ren.MaxRSS), Reference: mib(l2h.MaxRSS), RefTool: "logs2html",
			Unit: "MiB", Better: lower},
	}
	again, err := s.ours(ctx, "render, nothing changed", "render")
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(again.Stdout), "nothing changed") {
		return nil, fmt.Errorf("render with nothing changed wrote something: %s", strings.TrimSpace(string(again.Stdout)))
	}
	row := result{Metric: "Render again, nothing changed: wall time", Ours: ptr(float64(again.Wall.Microseconds()) / 1000),
		Unit: "ms", Better: lower, Target: &goal{"<=", 50}}
	if v, ok := refRuns.Load("logs2html again, nothing changed"); ok && v.(refRun).lines == s.tc.Lines {
		row.Reference, row.RefTool = ptr(float64(v.(refRun).run.Wall.Microseconds())/1000), "logs2html"
	}
	return append(rows, row), nil
}

// appendRenderRow: the render after importing one more line into the last
// day.
func (s *siteRun) appendRenderRow(ctx context.Context) ([]result, error) {
	oneDir := filepath.Join(s.dir, "oneline")
	if err := os.MkdirAll(oneDir, 0o755); err != nil {
		return nil, err
	}
	last, err := time.Parse(time.DateOnly, s.tc.Last)
	if err != nil {
		return nil, fmt.Errorf("the corpus's last day %q: %w", s.tc.Last, err)
	}
	one := fmt.Sprintf("--- Log opened %s\n23:59 <benchmarker> one more line, appended after the first render\n", last.Format("Mon Jan 02 15:04:05 2006"))
	if err := os.WriteFile(filepath.Join(oneDir, safeName(s.spec.Channel)+"."+s.tc.Last+".log"), []byte(one), 0o644); err != nil {
		return nil, err
	}
	if _, err := s.ours(ctx, "import one line", "import", "--channel", s.spec.Channel, "--timezone", "UTC", oneDir); err != nil {
		return nil, err
	}
	inc, err := s.ours(ctx, "render after one line", "render")
	if err != nil {
		return nil, err
	}
	if strings.Contains(string(inc.Stdout), "nothing changed") {
		return nil, fmt.Errorf("render after appending a line wrote nothing: %s", strings.TrimSpace(string(inc.Stdout)))
	}
	return []result{{Metric: "Render after appending one line: wall time", Ours: ptr(float64(inc.Wall.Microseconds()) / 1000),
		Unit: "ms", Better: lower, Target: &goal{"<", 100}, Note: s.said(inc)}}, nil
}

// statsRows: the channel's statistics beside pisg.
func (s *siteRun) statsRows(ctx context.Context) ([]result, error) {
	pisg, err := s.e.reference(ctx, s.tc, s.refOut, "pisg, statistics of the channel", "pisg", "-s", "-ch", s.spec.Channel, "-f", "irssi",
		"-l", s.tc.AllLog, "-o", filepath.Join(s.refOut, "pisg.html"))
	if err != nil {
		return nil, err
	}
	st, err := s.ours(ctx, "stats", "stats", "--channel", s.spec.Channel)
	if err != nil {
		return nil, err
	}
	return []result{
		{Metric: fmt.Sprintf("Statistics of the channel, %s lines: lines per second", num(s.lines)),
			Ours: ptr(s.lines / st.Wall.Seconds()), Reference: ptr(s.lines / pisg.Wall.Seconds()), RefTool: "pisg", Unit: "lines/s",
			Better: higher, MinRatio: ptr(20.0), Note: fmt.Sprintf("%s s wall; %s", num(st.Wall.Seconds()), cpu(st))},
		{Metric: "Statistics of the channel: peak RSS", Ours: mib(st.MaxRSS), Reference: mib(pisg.MaxRSS), RefTool: "pisg",
			Unit: "MiB", Better: lower},
	}, nil
}

// compareTrees compares the files under two directories: it returns how
// many files a holds and the paths (relative, sorted) that are in only one
// of them or differ in content. Files and directories named skip are left
// out.
func compareTrees(a, b string, skip ...string) (files int, differ []string, err error) {
	list := func(root string) (map[string]string, error) {
		out := map[string]string{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case slices.Contains(skip, d.Name()) && d.IsDir():
				return fs.SkipDir
			case slices.Contains(skip, d.Name()) || d.IsDir():
				return nil
			}
			rel, err := filepath.Rel(root, p)
			out[rel] = p
			return err
		})
		return out, err
	}
	inA, err := list(a)
	if err != nil {
		return 0, nil, err
	}
	inB, err := list(b)
	if err != nil {
		return 0, nil, err
	}
	for rel, p := range inA {
		q, ok := inB[rel]
		if !ok {
			differ = append(differ, rel)
			continue
		}
		same, err := sameFile(p, q)
		if err != nil {
			return 0, nil, err
		}
		if !same {
			differ = append(differ, rel)
		}
	}
	for rel := range inB {
		if _, ok := inA[rel]; !ok {
			differ = append(differ, rel)
		}
	}
	slices.Sort(differ)
	return len(inA), differ, nil
}

func sameFile(p, q string) (bool, error) {
	x, err := os.ReadFile(p)
	if err != nil {
		return false, err
	}
	y, err := os.ReadFile(q)
	if err != nil {
		return false, err
	}
	return bytes.Equal(x, y), nil
}
