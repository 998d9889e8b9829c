package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"proceedings/archive"
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
	if q.Limit <= 0 {
		q.Limit = 20
	}
	q.Limit = min(q.Limit, 100)
	q.Offset = max(q.Offset, 0)
	if q.CountLimit <= 0 {
		q.CountLimit = archive.DefaultCountLimit
	}
	if q.RelevanceWindow <= 0 {
		q.RelevanceWindow = archive.RelevanceWindow
	}
	channels, err := db.searchChannels(ctx, q)
	if err != nil {
		return archive.SearchResult{}, err
	}
	if channels != nil && len(channels) == 0 {
		return archive.SearchResult{}, nil // no channel may be searched
	}
	args := []any{parsed.tsQuery()}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := "tsv @@ $1::tsquery"
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
	count := "SELECT count(*) FROM (SELECT FROM events WHERE " + where + " LIMIT $" + strconv.Itoa(len(args)+1) + ") m"
	countArgs := append(slices.Clip(args), q.CountLimit+1)
	var page string
	switch q.Order {
	case archive.Relevance:
		// Rank only the newest matches, as the SQLite engine does.
		page = "SELECT " + allColumns + " FROM (SELECT *, ts_rank(tsv, $1::tsquery, 1) AS score FROM events WHERE " + where +
			" ORDER BY id DESC LIMIT " + arg(q.RelevanceWindow) + ") m ORDER BY score DESC, id DESC LIMIT " + arg(q.Limit) + " OFFSET " + arg(q.Offset)
	default:
		page = "SELECT " + allColumns + " FROM events WHERE " + where + " ORDER BY id DESC LIMIT " + arg(q.Limit) + " OFFSET " + arg(q.Offset)
	}
	// Planned for the values at hand each time, never from a cached
	// generic plan: the plan that is right for a rare word (the search
	// index) is wrong for a common one (the newest events, filtered), and
	// a generic plan does not know the word.
	countArgs = append([]any{pgx.QueryExecModeDescribeExec}, countArgs...)
	args = append([]any{pgx.QueryExecModeDescribeExec}, args...)
	var res archive.SearchResult
	if err := db.pool.QueryRow(ctx, count, countArgs...).Scan(&res.Total); err != nil {
		return archive.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	if res.Total > q.CountLimit {
		res.Total, res.TotalMore = q.CountLimit, true
	}
	if res.Total == 0 {
		return res, nil
	}
	evs, err := db.events(ctx, db.pool, page, args...)
	if err != nil {
		return archive.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	for _, ev := range evs {
		res.Hits = append(res.Hits, archive.Hit{Event: ev, Snippet: snippet(ev.Text, parsed)})
	}
	return res, nil
}

// searchChannels says which channels a query may match: nil for all.
func (db *DB) searchChannels(ctx context.Context, q archive.SearchQuery) ([]int64, error) {
	if !q.PublicOnly {
		if len(q.ChannelIDs) == 0 {
			return nil, nil
		}
		return q.ChannelIDs, nil
	}
	rows, err := db.pool.Query(ctx, "SELECT id, network, name, public FROM channels")
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	wanted := map[int64]bool{}
	for _, id := range q.ChannelIDs {
		wanted[id] = true
	}
	allowed := []int64{}
	all := true
	for rows.Next() {
		var id int64
		var network, name []byte
		var public bool
		if err := rows.Scan(&id, &network, &name, &public); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if db.isPublic(string(network), string(name), public) && (len(wanted) == 0 || wanted[id]) {
			allowed = append(allowed, id)
		} else {
			all = false
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if all {
		return nil, nil // every channel is allowed: no filter needed
	}
	return allowed, nil
}
