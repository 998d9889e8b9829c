package sqlite

import (
	"context"
	"fmt"
	"proceedings/archive"
	"proceedings/event"
	"strconv"
	"strings"
	"unicode/utf8"
)

// searchableKinds are the kinds of event in the full-text index, as an SQL
// list: what people say, and topics. Joins, quits and the like have no
// words worth finding, and leaving them out means a search needs no join to
// filter them. (Migration 2 and the delete trigger write the same list as
// numbers: migrations are never edited; TestKindListsMatchTheSchema checks.)
var searchableKinds = kindList(event.KindMessage, event.KindAction, event.KindNotice, event.KindTopic)

// speechKinds are what people say (Kind.IsSpeech), as an SQL list.
var speechKinds = kindList(event.KindMessage, event.KindAction, event.KindNotice)

// kindList writes kinds as an SQL list of their stored numbers: "(1, 2, 3)".
func kindList(kinds ...event.Kind) string {
	nums := make([]string, len(kinds))
	for i, k := range kinds {
		nums[i] = strconv.Itoa(int(k))
	}
	return "(" + strings.Join(nums, ", ") + ")"
}

// snippet markers: bytes that valid UTF-8 never holds, so that no message
// can forge a highlight (a private-use character could). A text that is not
// valid UTF-8 gets a snippet without highlights (see splitSnippet).
const (
	markOpen  = "\xff"
	markClose = "\xfe"
)

// matchExpr writes parsed terms as an FTS5 expression that cannot be
// misread as syntax: each term a quoted string, all of which must match.
func matchExpr(terms []string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " ")
}

// Search runs a full-text query over what people said and topics.
func (db *DB) Search(ctx context.Context, q archive.SearchQuery) (archive.SearchResult, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	terms, err := archive.ParseQuery(q.Text)
	if err != nil {
		return archive.SearchResult{}, err
	}
	expr := matchExpr(terms)
	q = q.WithDefaults()
	channels, err := db.searchChannels(ctx, q)
	if err != nil {
		return archive.SearchResult{}, err
	}
	if channels != nil && len(channels) == 0 {
		return archive.SearchResult{}, nil // no channel may be searched
	}
	from, args := searchFrom(q, expr, channels)
	var res archive.SearchResult
	err = db.ro.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1"+from+" LIMIT ?)", append(args, q.CountLimit+1)...).Scan(&res.Total)
	if err != nil {
		return archive.SearchResult{}, ftsError(err)
	}
	if res.Total > q.CountLimit {
		res.Total, res.TotalMore = q.CountLimit, true
	}
	if res.Total == 0 {
		return res, nil
	}
	var page string
	switch q.Order {
	case archive.Relevance:
		// Rank only the newest matches: bm25 over every match of a common
		// word would take seconds on a large archive.
		page = "SELECT r FROM (SELECT events_fts.rowid AS r, bm25(events_fts) AS score" + from +
			" ORDER BY events_fts.rowid DESC LIMIT ?) ORDER BY score, r DESC LIMIT ? OFFSET ?"
		args = append(args, q.RelevanceWindow, q.Limit, q.Offset)
	default:
		page = "SELECT events_fts.rowid" + from + " ORDER BY events_fts.rowid DESC LIMIT ? OFFSET ?"
		args = append(args, q.Limit, q.Offset)
	}
	ids, err := db.ids(ctx, page, args...)
	if err != nil {
		return archive.SearchResult{}, ftsError(err)
	}
	for _, id := range ids {
		h, err := db.hit(ctx, expr, id)
		if err != nil {
			return archive.SearchResult{}, ftsError(err)
		}
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

// searchFrom is the FROM and WHERE clauses of a search for expr with q's
// filters, in channels (nil: all), and their arguments. Without filters the
// index alone answers; a filter joins the events.
func searchFrom(q archive.SearchQuery, expr string, channels []int64) (string, []any) {
	args := []any{expr}
	if channels == nil && q.Nick == "" && q.From.IsZero() && q.To.IsZero() && q.ExcludeFlags == 0 {
		return " FROM events_fts WHERE events_fts MATCH ?", args
	}
	from := " FROM events_fts JOIN events e ON e.id = events_fts.rowid WHERE events_fts MATCH ?"
	if channels != nil {
		from += " AND e.channel IN (" + placeholders(len(channels)) + ")"
		for _, id := range channels {
			args = append(args, id)
		}
	}
	if q.Nick != "" {
		from += " AND e.nick = ? COLLATE NOCASE"
		args = append(args, q.Nick)
	}
	if !q.From.IsZero() {
		from += " AND e.ts >= ?"
		args = append(args, ms(q.From))
	}
	if !q.To.IsZero() {
		from += " AND e.ts < ?"
		args = append(args, ms(q.To))
	}
	if q.ExcludeFlags != 0 {
		from += " AND e.flags & ? = 0"
		args = append(args, int64(q.ExcludeFlags))
	}
	return from, args
}

// searchChannels says which channels a query may match: nil for all.
func (db *DB) searchChannels(ctx context.Context, q archive.SearchQuery) ([]int64, error) {
	return db.view.SearchChannels(q, func(add func(id int64, network, name string, public bool)) error {
		rows, err := db.ro.QueryContext(ctx, "SELECT id, network, name, public FROM channels")
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var network, name string
			var public bool
			if err := rows.Scan(&id, &network, &name, &public); err != nil {
				return fmt.Errorf("search: %w", err)
			}
			add(id, network, name, public)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		return nil
	})
}

func (db *DB) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := db.ro.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// hit reads one matching event with its snippet.
func (db *DB) hit(ctx context.Context, expr string, id int64) (archive.Hit, error) {
	var h archive.Hit
	var ts int64
	var snip string
	err := db.ro.QueryRowContext(ctx, "SELECT "+eventColumns+", snippet(events_fts, 0, ?, ?, '…', 24)"+
		" FROM events_fts JOIN events e ON e.id = events_fts.rowid JOIN channels c ON c.id = e.channel"+
		" WHERE events_fts MATCH ? AND events_fts.rowid = ?", markOpen, markClose, expr, id).Scan(
		&h.ID, &h.Network, &h.Channel, &ts, &h.Kind, &h.Nick, &h.Text, &h.Target,
		&h.UserHost, &h.Account, &h.MsgID, &h.Via, &h.Flags, &snip)
	if err != nil {
		return archive.Hit{}, err
	}
	h.Time = fromMS(ts)
	if utf8.ValidString(h.Text) {
		h.Snippet = splitSnippet(snip)
	} else {
		// The markers could be the text's own bytes: no highlights.
		h.Snippet = []archive.Span{{Text: strings.ToValidUTF8(strings.NewReplacer(markOpen, "", markClose, "").Replace(snip), "\uFFFD")}}
	}
	return h, nil
}

func ftsError(err error) error {
	msg := err.Error()
	for _, hint := range []string{"fts5: syntax error", "unterminated string", "no such column", "unknown special query", "fts5:"} {
		if strings.Contains(msg, hint) {
			return fmt.Errorf("%w: the search engine could not read the query (%s); put phrases in double quotes and leave out * ( ) : ^", archive.ErrBadQuery, cleanFTSMessage(msg))
		}
	}
	return fmt.Errorf("search: %w", err)
}

func cleanFTSMessage(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		msg = msg[i+2:]
	}
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return strings.ToValidUTF8(msg, "")
}

func splitSnippet(s string) []archive.Span {
	var out []archive.Span
	for s != "" {
		i := strings.Index(s, markOpen)
		if i < 0 {
			out = append(out, archive.Span{Text: s})
			break
		}
		if i > 0 {
			out = append(out, archive.Span{Text: s[:i]})
		}
		s = s[i+len(markOpen):]
		j := strings.Index(s, markClose)
		if j < 0 {
			out = append(out, archive.Span{Text: s, Match: true})
			break
		}
		out = append(out, archive.Span{Text: s[:j], Match: true})
		s = s[j+len(markClose):]
	}
	return out
}
