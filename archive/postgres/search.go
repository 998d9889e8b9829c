package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"proceedings/archive"
	"proceedings/event"
	"proceedings/internal/casemap"
)

// parseQuery turns the terms of archive.ParseQuery into the words the index
// holds: a term like "no-go" is the phrase "no go", as in FTS5.
func parseQuery(q string) (query, error) {
	terms, err := archive.ParseQuery(q)
	if err != nil {
		return query{}, err
	}
	var out query
	for _, term := range terms {
		out.nul = out.nul || strings.IndexByte(term, 0) >= 0
		if ws := words(term); len(ws) > 0 {
			out.terms = append(out.terms, ws)
		}
	}
	if len(out.terms) == 0 {
		return query{}, fmt.Errorf("%w: type at least one word to search for", archive.ErrBadQuery)
	}
	return out, nil
}

// Search runs a full-text query over what people said and topics, with the
// SQLite engine's semantics: every word and phrase must match; newest
// first, or by relevance (ts_rank scaled down by the line's length here,
// as bm25 weighs length there) among the newest RelevanceWindow matches;
// counts capped at CountLimit.
func (db *DB) Search(ctx context.Context, q archive.SearchQuery) (archive.SearchResult, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	parsed, err := parseQuery(q.Text)
	if err != nil {
		return archive.SearchResult{}, err
	}
	q = q.WithDefaults()
	channels, err := db.searchChannels(ctx, q)
	if err != nil {
		return archive.SearchResult{}, err
	}
	if channels != nil && len(channels) == 0 {
		return archive.SearchResult{}, nil // no channel may be searched
	}
	if parsed.nul {
		// FTS5 reads its query as a C string: the SQLite engine's quoted
		// term ends at the NUL, unterminated, and is refused when run.
		return archive.SearchResult{}, fmt.Errorf("%w: the search engine could not read the query (a NUL byte in a phrase); leave it out", archive.ErrBadQuery)
	}
	// $1 is the tsquery, which newestMatches gives; the filters follow.
	args := []any{nil}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := ""
	if channels != nil {
		where += " AND channel = ANY(" + arg(channels) + ")"
	}
	if q.Nick != "" {
		where += " AND nick_lower = " + arg(notNull(casemap.FoldASCII(q.Nick)))
	}
	if !q.From.IsZero() {
		where += " AND ts >= " + arg(ms(q.From))
	}
	if !q.To.IsZero() {
		where += " AND ts < " + arg(ms(q.To))
	}
	if q.ExcludeFlags != 0 {
		where += " AND flags & " + arg(int64(q.ExcludeFlags)) + " = 0"
	}
	// Count up to CountLimit: the index gives the matches in the order of
	// the table's pages, and counting stops at the limit. The events the
	// index cannot answer for, when the archive has any, count as their
	// text says.
	var res archive.SearchResult
	anySaturated := true
	var top int64 // the newest id
	// By relevance the newest RelevanceWindow matches are read anyway; when
	// the window is larger than the count's limit, reading them is the
	// count (all the matches when fewer, more than the limit when the
	// window fills). A phrase is counted in the whole archive (see
	// countMatches), which cost 9–18 ms of its 39 ms p50 on 5,000,000
	// events, so its count query is left out. Words keep theirs: it is
	// cheap, and it tells newestMatches when a rare word's few matches are
	// read at once (1.4 ms p50) rather than newest first (3 to 10 ms).
	countByReading := q.Order == archive.Relevance && q.RelevanceWindow > q.CountLimit && parsed.hasPhrase()
	if parsed.indexable() {
		// An unnamed statement, like the counts that follow: with a cached
		// (named) one just before it, the count of a phrase took 8 ms more
		// on the bench archive (12 against 20 ms; why was not found).
		if err := db.pool.QueryRow(ctx, "SELECT (SELECT coalesce(max(id), 0) FROM events), EXISTS (SELECT FROM meta WHERE key = '"+saturatedKey+"')",
			pgx.QueryExecModeDescribeExec).Scan(&top, &anySaturated); err != nil {
			return archive.SearchResult{}, fmt.Errorf("search: %w", err)
		}
		if !countByReading {
			if res.Total, err = db.countMatches(ctx, parsed, where, args, top, q.CountLimit); err != nil {
				return archive.SearchResult{}, err
			}
		}
	}
	var sat saturated
	if anySaturated {
		if sat, err = db.saturatedMatches(ctx, parsed, where, args); err != nil {
			return archive.SearchResult{}, err
		}
	}
	capTotal := func() {
		if res.Total > q.CountLimit {
			res.Total, res.TotalMore = q.CountLimit, true
		}
	}
	if !countByReading {
		if res.Total <= q.CountLimit {
			res.Total += sat.correction
		}
		capTotal()
		if res.Total <= 0 {
			return archive.SearchResult{}, nil
		}
	}
	// The newest matches that fill the page, or by relevance the newest
	// RelevanceWindow to rank; a few matches are read at once, many
	// newest first (newestMatches).
	want := q.Offset + q.Limit
	if q.Order == archive.Relevance {
		want = q.RelevanceWindow
	}
	var found []match
	if parsed.indexable() {
		many := countByReading || res.TotalMore || res.Total > fewMatches
		found, err = db.newestMatches(ctx, parsed, where, args, top, want, q.Order == archive.Relevance, many, sat.wrong)
		if err != nil {
			return archive.SearchResult{}, err
		}
	}
	found = sat.merge(found)
	if countByReading {
		// A full window has more matches than the limit.
		res.Total = len(found)
		capTotal()
		if res.Total == 0 {
			return archive.SearchResult{}, nil
		}
	}
	found = found[:min(len(found), want)]
	if q.Order == archive.Relevance {
		// Rank only the newest matches, as the SQLite engine does.
		slices.SortStableFunc(found, func(a, b match) int { return cmp.Compare(b.rank, a.rank) }) // ties stay newest first
	}
	var ids []int64
	for _, m := range found[min(q.Offset, len(found)):min(q.Offset+q.Limit, len(found))] {
		ids = append(ids, m.id)
	}
	if len(ids) == 0 {
		return res, nil
	}
	evs, err := db.events(ctx, db.pool, "SELECT "+allColumns+" FROM events WHERE id = ANY($1)", ids)
	if err != nil {
		return archive.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	byID := make(map[int64]event.Event, len(evs))
	for _, ev := range evs {
		byID[ev.ID] = ev
	}
	evs = evs[:0]
	for _, id := range ids {
		if ev, ok := byID[id]; ok { // not redacted meanwhile
			evs = append(evs, ev)
		}
	}
	for _, ev := range evs {
		res.Hits = append(res.Hits, archive.Hit{Event: ev, Snippet: snippet(ev.Text, parsed)})
	}
	return res, nil
}

// match is a matching event's id, with its rank when asked for.
type match struct {
	id   int64
	rank float32
}

// saturated is what the text of the events marked saturatedTag or
// truncatedTag says of a query, where the index cannot say it.
type saturated struct {
	found      []match        // the events that match, with their ranks
	wrong      map[int64]bool // the events the index finds that do not match
	correction int            // how many more matches there are than the index counts
}

// saturatedMatches reads the marked events that may match q and pass the
// filters in where (args as for newestMatches) — those marked
// saturatedTag that hold every word of q, and those marked truncatedTag —
// and decides by their text which of them match. There are none or few:
// a mark needs a text no IRC line can be.
func (db *DB) saturatedMatches(ctx context.Context, q query, where string, args []any) (saturated, error) {
	a := append([]any{pgx.QueryExecModeDescribeExec}, args...)
	// What the index says of each, when it can hold the query's words.
	indexed := "tsv @@ $1::tsquery"
	a[1] = q.tsQuery()
	if !q.indexable() {
		a[1], indexed = truncatedTag, "false AND tsv @@ $1::tsquery"
	}
	a = append(a, q.markedQuery())
	marked := "$" + strconv.Itoa(len(a)-1)
	rows, err := db.pool.Query(ctx, "SELECT id, text, "+indexed+", ts_rank(tsv, $1::tsquery, 1) FROM events WHERE tsv @@ "+marked+"::tsquery"+where, a...)
	if err != nil {
		return saturated{}, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out saturated
	for rows.Next() {
		var m match
		var text []byte
		var byIndex bool
		if err := rows.Scan(&m.id, &text, &byIndex, &m.rank); err != nil {
			return saturated{}, fmt.Errorf("search: %w", err)
		}
		byText := q.matches(string(text))
		switch {
		case byText && !byIndex:
			out.correction++
		case byIndex && !byText:
			out.correction--
			if out.wrong == nil {
				out.wrong = map[int64]bool{}
			}
			out.wrong[m.id] = true
		}
		if byText {
			out.found = append(out.found, m)
		}
	}
	if err := rows.Err(); err != nil {
		return saturated{}, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// merge adds the matching saturated events to found, the newest matches
// the index gave, newest first.
func (s saturated) merge(found []match) []match {
	if len(s.found) == 0 {
		return found
	}
	for _, m := range s.found {
		if !slices.ContainsFunc(found, func(f match) bool { return f.id == m.id }) {
			found = append(found, m)
		}
	}
	slices.SortFunc(found, func(a, b match) int { return cmp.Compare(b.id, a.id) })
	return found
}

// bucketWindows are how many id buckets (see bucketShift) newestMatches
// looks among first, newest first, by their tags; coarseWindows how many
// coarse buckets (coarseShift) then; after them it looks everywhere else.
var (
	bucketWindows = []int64{1, 8}
	coarseWindows = []int64{4, 32}
)

// coarseWindow is how many coarse buckets the next step of newestMatches
// reads: as many as the matches found so far (found, in the newest read
// ids) say the missing ones need, with a quarter more, and at most
// window; window itself when nothing was found yet. A phrase whose
// matches are a few per bucket then reads about the matches it needs
// rather than several times as many, each ranked.
func coarseWindow(window int64, missing, found int, read int64) int64 {
	if found == 0 || read <= 0 || missing <= 0 {
		return window
	}
	ids := float64(missing) * float64(read) / float64(found) * 1.25
	return max(1, min(window, int64(ids/(1<<coarseShift))+1))
}

// fewMatches is how many matches Search reads at once rather than newest
// first.
const fewMatches = 1000

// countWindow is how many coarse buckets (coarseShift), the newest,
// countMatches counts in first.
const countWindow = 4

// countMatches counts the matches of q and the filters in where (args as
// for newestMatches) up to limit+1. top is the newest id.
//
// The index lists every match of a word before the count can stop at the
// limit: 44,000 of a word in one line in a hundred, on 5,000,000 events,
// for 30 ms. So words are counted among the newest countWindow coarse
// buckets first, by their tags, where a common word reaches the limit
// (9 ms), and only when it does not in the whole archive. A query with a
// phrase is counted at once: its index candidates, the events holding
// all its words, are each checked against the table, and a window that
// does not reach the limit (723 matches of a phrase in one line in 250)
// costs as much as the count itself.
func (db *DB) countMatches(ctx context.Context, q query, where string, args []any, top int64, limit int) (int, error) {
	count := func(tsq string) (int, error) {
		a := append([]any{pgx.QueryExecModeDescribeExec}, args...)
		a[1] = tsq
		var n int
		if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM (SELECT FROM events WHERE tsv @@ $1::tsquery"+where+" LIMIT "+strconv.Itoa(limit+1)+") m", a...).Scan(&n); err != nil {
			return 0, fmt.Errorf("search: %w", err)
		}
		return n, nil
	}
	newest := top >> coarseShift
	if newest < countWindow || q.hasPhrase() {
		return count(q.tsQuery())
	}
	tags := make([]string, 0, countWindow)
	for c := newest; c > newest-countWindow; c-- {
		tags = append(tags, coarseTag(c))
	}
	if n, err := count(q.tsQuery(tags...)); err != nil || n > limit {
		return n, err
	}
	return count(q.tsQuery())
}

// newestMatches returns the newest want matches of q and the filters in
// where (" AND …", with args its parameters from $2; args[0] is $1, the
// tsquery, which it replaces), newest first, with their ts_rank when rank
// is set, leaving out the ids in wrong. many says there are more matches
// than are worth reading at once.
//
// PostgreSQL's search index yields matches in no useful order: "the
// newest 20" of a word in every tenth line would read every match, 500,000
// on 5,000,000 events, and the planner cannot tell a common word from a
// rare one well enough to read the newest events instead. So the query
// asks for the word together with the tag of the newest bucket of ids,
// then of the next 8, then of the next 4 and 32 coarse buckets, and only
// then everywhere else: the index intersects the word's entries with the
// tags' itself, and only the matches among the newest ids are read. A
// common word is done in the first bucket; a rarer one in a few steps.
func (db *DB) newestMatches(ctx context.Context, q query, where string, args []any, top int64, want int, rank, many bool, wrong map[int64]bool) ([]match, error) {
	var out []match
	next := top >> bucketShift // the newest bucket not looked in yet
	if !many {
		next = -1 // few matches: read them all at once, below
	}
	for step := 0; len(out) < want; step++ {
		// Planned for the values at hand each time, never from a cached
		// generic plan, which does not know the word.
		a := append([]any{pgx.QueryExecModeDescribeExec}, args...)
		param := func(v any) string {
			a = append(a, v)
			return "$" + strconv.Itoa(len(a)-1)
		}
		cond := "tsv @@ $1::tsquery" + where
		if next >= 0 && step > 0 {
			// The coarse buckets overlap the buckets already read.
			cond += " AND id < " + param((next+1)<<bucketShift)
		}
		last := false
		switch {
		case next < 0: // the rest of the archive, or all of it
			a[1] = q.tsQuery()
			last = true
		case step < len(bucketWindows):
			var tags []string
			for ; next >= 0 && int64(len(tags)) < bucketWindows[step]; next-- {
				tags = append(tags, bucketTag(next))
			}
			a[1] = q.tsQuery(tags...)
		case step < len(bucketWindows)+len(coarseWindows):
			var tags []string
			coarse := next / bucketsPerCoarse
			window := coarseWindow(coarseWindows[step-len(bucketWindows)], want-len(out), len(out), top-(next+1)<<bucketShift)
			for ; coarse >= 0 && int64(len(tags)) < window; coarse-- {
				tags = append(tags, coarseTag(coarse))
			}
			a[1] = q.tsQuery(tags...)
			next = (coarse+1)*bucketsPerCoarse - 1
		default:
			a[1] = q.tsQuery()
			next = -1
		}
		last = last || next < 0 // nothing older is left
		cols := "id"
		if rank {
			cols += ", ts_rank(tsv, " + param(q.tsQuery()) + "::tsquery, 1)"
		}
		// Every match of the step, sorted here: with ORDER BY id DESC
		// LIMIT, the planner would read the table newest first, filtering,
		// whenever it takes a word for commoner than it is.
		rows, err := db.pool.Query(ctx, "SELECT "+cols+" FROM events WHERE "+cond, a...)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		from := len(out)
		for rows.Next() {
			var m match
			dst := []any{&m.id}
			if rank {
				dst = append(dst, &m.rank)
			}
			if err := rows.Scan(dst...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("search: %w", err)
			}
			if !wrong[m.id] {
				out = append(out, m)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		slices.SortFunc(out[from:], func(a, b match) int { return cmp.Compare(b.id, a.id) })
		out = out[:min(len(out), want)]
		if last {
			break
		}
	}
	return out, nil
}

// searchChannels says which channels a query may match: nil for all.
func (db *DB) searchChannels(ctx context.Context, q archive.SearchQuery) ([]int64, error) {
	return db.view.SearchChannels(q, func(add func(id int64, network, name string, public bool)) error {
		rows, err := db.pool.Query(ctx, "SELECT id, network, name, public FROM channels")
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var network, name []byte
			var public bool
			if err := rows.Scan(&id, &network, &name, &public); err != nil {
				return fmt.Errorf("search: %w", err)
			}
			add(id, string(network), string(name), public)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		return nil
	})
}
