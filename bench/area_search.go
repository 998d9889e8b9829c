package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"proceedings/archive"
	"proceedings/archive/engine"
)

var searchArea = engineArea("search", "Search (issue 8, archive side)",
	"Full-text queries through `archive.Search` (20 hits with snippets, plus the capped count) on the archive "+
		"built above, each run repeatedly, newest-first and by relevance (bm25 within the newest matches). The reference "+
		"is `grep -r -c -i -w -F` over the same lines as per-day irssi text files (`LC_ALL=C.UTF-8`), the median of "+
		"several runs after one warm-up run, so both sides read from the page cache. The ratio is grep's median over our p95.",
	runSearch)

var searchPostgresArea = onPostgres(searchArea, "Search on PostgreSQL (issue 21)",
	"The search area's queries on the PostgreSQL engine's archive built above (the same events): a `tsvector` "+
		"with a GIN index, newest first or by `ts_rank` within the newest matches, 20 hits with snippets and the capped "+
		"count. The reference column is the SQLite engine's p95 for the same query in this run; the note still gives "+
		"grep's count of matching lines beside the engine's.")

// queryBudget bounds the time spent repeating one query: a slow query is
// run at least three times, then no more once this much time has passed.
const queryBudget = 20 * time.Second

type searchCase struct {
	label string
	query string // for archive.Search
	grep  string // the fixed string grep looks for
}

var searchCases = []searchCase{
	{"common word", commonWord, commonWord},
	{"rare word", rareWord, rareWord},
	{"phrase", `"` + phrase + `"`, phrase},
}

func runSearch(ctx context.Context, e *env, eng *storeEngine) ([]result, error) {
	b, err := e.archive(ctx, eng)
	if err != nil {
		return nil, err
	}
	tc, err := e.text(e.size.ArchiveLines)
	if err != nil {
		return nil, err
	}
	db, err := engine.Open(ctx, b.where, archive.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()

	var rows []result
	for _, c := range searchCases {
		e.log.Info("search: grep", "term", c.grep, "runs", e.size.GrepRepeats)
		grepTime, grepLines, err := grepCount(ctx, e, tc.DaysDir, c.grep)
		if err != nil {
			return nil, err
		}
		for _, order := range []archive.Order{archive.Newest, archive.Relevance} {
			name := map[archive.Order]string{archive.Newest: "newest first", archive.Relevance: "by relevance"}[order]
			e.log.Info("search: archive", "query", c.query, "order", name, "runs", e.size.QueryRepeats)
			lat := make([]time.Duration, 0, e.size.QueryRepeats)
			var res archive.SearchResult
			var qerr error
			began := time.Now()
			for len(lat) < e.size.QueryRepeats {
				t0 := time.Now()
				res, qerr = db.Search(ctx, archive.SearchQuery{Text: c.query, Order: order})
				if qerr != nil {
					break
				}
				lat = append(lat, time.Since(t0))
				if time.Since(began) > queryBudget && len(lat) >= 3 {
					break // a slow query: fewer runs, said in the metric
				}
			}
			row := result{
				Metric:    fmt.Sprintf("%s `%s`, %s, p95 of %d", c.label, c.query, name, len(lat)),
				Reference: ptr(ms(grepTime)), RefTool: "grep -rciwF",
				Unit: "ms", Better: lower, Target: &goal{"<", 50}, MinRatio: ptr(10.0),
			}
			if qerr != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				// A query that fails (the archive's own timeout, say) is a
				// missed target with no figure, not the end of the area.
				row.Metric = fmt.Sprintf("%s `%s`, %s", c.label, c.query, name)
				row.Note = fmt.Sprintf("did not answer: %v (after %s)", qerr, time.Since(began).Round(time.Millisecond))
				e.log.Warn("search: query failed", "query", c.query, "order", name, "err", qerr)
				rows = append(rows, row)
				continue
			}
			if len(res.Hits) == 0 && grepLines > 0 {
				return nil, fmt.Errorf("search %s found nothing, grep found %d lines", c.query, grepLines)
			}
			total := num(float64(res.Total))
			if res.TotalMore {
				total = "over " + total
			}
			row.Ours = ptr(ms(percentile(lat, 95)))
			row.Note = fmt.Sprintf("p50 %s ms; %s matching events (grep: %s lines)", num(ms(percentile(lat, 50))), total, num(float64(grepLines)))
			rows = append(rows, row)
		}
	}
	e.notef("The archive holds %s events; the text files are %s MB in %s per-day files.",
		num(float64(b.events)), num(float64(tc.Bytes)/1e6), num(float64(tc.Days)))
	return rows, nil
}

// grepCount runs grep over the per-day files: once to warm the page cache,
// then GrepRepeats times. It returns the median wall time and the number of
// matching lines.
func grepCount(ctx context.Context, e *env, dir, term string) (time.Duration, int, error) {
	args := []string{"-r", "-c", "-i", "-w", "-F", "--", term, dir}
	var times []time.Duration
	lines := -1
	for i := range e.size.GrepRepeats + 1 {
		r, err := runTool(ctx, e.workDir, []string{"LC_ALL=C.UTF-8"}, false, "grep", args...)
		if err != nil {
			return 0, 0, err
		}
		n, err := sumGrepCounts(r.Stdout)
		if err != nil {
			return 0, 0, err
		}
		if lines >= 0 && n != lines {
			return 0, 0, fmt.Errorf("grep counted %d then %d lines for %q", lines, n, term)
		}
		lines = n
		if i > 0 {
			times = append(times, r.Wall)
		}
	}
	slices.Sort(times)
	return times[len(times)/2], lines, nil
}

// sumGrepCounts adds up the "file:count" lines of grep -r -c.
func sumGrepCounts(out []byte) (int, error) {
	total := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		i := strings.LastIndexByte(line, ':')
		if i < 0 {
			return 0, fmt.Errorf("grep printed %q, not file:count", line)
		}
		n, err := strconv.Atoi(line[i+1:])
		if err != nil || n < 0 {
			return 0, fmt.Errorf("grep printed %q, not file:count", line)
		}
		total += n
	}
	return total, sc.Err()
}
