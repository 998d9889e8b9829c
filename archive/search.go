package archive

import (
	"context"
	"errors"
	"fmt"
	"proceedings/event"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrBadQuery wraps every search the full-text engine cannot run; the
// message says why in words a user understands.
var ErrBadQuery = errors.New("bad search")

// Order is how search hits are sorted.
type Order int

const (
	// Newest puts the most recent lines first (fast on any archive).
	Newest Order = iota
	// Relevance ranks by bm25 among the newest RelevanceWindow matches, so
	// that a common word still answers quickly on a 20-year archive.
	Relevance
)

// RelevanceWindow is how many of the newest matches are ranked by
// relevance unless SearchQuery.RelevanceWindow says otherwise.
const RelevanceWindow = 2000

// DefaultCountLimit is how far matches are counted unless
// SearchQuery.CountLimit says otherwise; past it a result says TotalMore.
const DefaultCountLimit = 1000

// MaxQueryLen is the longest search query accepted, in bytes.
const MaxQueryLen = 256

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

// SearchQuery says what to look for.
type SearchQuery struct {
	Text       string    // words and "quoted phrases"; every word must match
	Raw        bool      // Text is FTS5 syntax, passed through (syntax errors become ErrBadQuery)
	ChannelIDs []int64   // only these channels (all when empty; see PublicOnly)
	PublicOnly bool      // only channels marked public
	Nick       string    // only lines by this nick (case-insensitive)
	From, To   time.Time // only lines in [From, To) when set
	Limit      int       // hits per page (default 20, at most 100)
	Offset     int
	Order      Order
	// CountLimit bounds counting (default DefaultCountLimit): past it the
	// result says TotalMore, which keeps a common word cheap.
	CountLimit int
	// RelevanceWindow is how many of the newest matches Relevance ranks
	// (default RelevanceWindow).
	RelevanceWindow int
	// ExcludeFlags leaves out events with any of these flags (the bot
	// passes FlagSelf so that its own answers are not found again).
	ExcludeFlags event.Flags
}

// Span is a piece of a snippet; Match marks the words that matched.
type Span struct {
	Text  string
	Match bool
}

// Hit is one matching event with a snippet of its text.
type Hit struct {
	event.Event
	Snippet []Span
}

// SearchResult is one page of hits.
type SearchResult struct {
	Total     int  // matches in all (CountLimit when TotalMore)
	TotalMore bool // there are more than Total matches
	Hits      []Hit
}

// snippet markers: bytes that valid UTF-8 never holds, so that no message
// can forge a highlight (a private-use character could). A text that is not
// valid UTF-8 gets a snippet without highlights (see splitSnippet).
const (
	markOpen  = "\xff"
	markClose = "\xfe"
)

// MatchExpr turns what a user typed into an FTS5 expression that cannot be
// misread as syntax: each word and each "quoted phrase" becomes a quoted
// string, all of which must match.
func MatchExpr(q string) (string, error) {
	if len(q) > MaxQueryLen {
		return "", fmt.Errorf("%w: the query is %d bytes long; at most %d please", ErrBadQuery, len(q), MaxQueryLen)
	}
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, "")
	}
	var terms []string
	for rest := q; ; {
		rest = strings.TrimLeftFunc(rest, isSep)
		if rest == "" {
			break
		}
		var term string
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				term, rest = rest[1:], ""
			} else {
				term, rest = rest[1:1+end], rest[2+end:]
			}
		} else {
			end := strings.IndexFunc(rest, isSep)
			if end < 0 {
				end = len(rest)
			}
			term, rest = rest[:end], rest[end:]
		}
		if !strings.ContainsFunc(term, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue // punctuation alone matches nothing in the index
		}
		terms = append(terms, `"`+strings.ReplaceAll(term, `"`, `""`)+`"`)
	}
	if len(terms) == 0 {
		return "", fmt.Errorf("%w: type at least one word to search for", ErrBadQuery)
	}
	return strings.Join(terms, " "), nil
}

func isSep(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// Search runs a full-text query over what people said and topics.
func (db *DB) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	expr := q.Text
	if q.Raw {
		if strings.TrimSpace(expr) == "" {
			return SearchResult{}, fmt.Errorf("%w: type at least one word to search for", ErrBadQuery)
		}
		if len(expr) > MaxQueryLen {
			return SearchResult{}, fmt.Errorf("%w: the query is %d bytes long; at most %d please", ErrBadQuery, len(expr), MaxQueryLen)
		}
	} else {
		var err error
		if expr, err = MatchExpr(q.Text); err != nil {
			return SearchResult{}, err
		}
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	q.Limit = min(q.Limit, 100)
	q.Offset = max(q.Offset, 0)
	if q.CountLimit <= 0 {
		q.CountLimit = DefaultCountLimit
	}
	if q.RelevanceWindow <= 0 {
		q.RelevanceWindow = RelevanceWindow
	}

	channels, err := db.searchChannels(ctx, q)
	if err != nil {
		return SearchResult{}, err
	}
	if channels != nil && len(channels) == 0 {
		return SearchResult{}, nil // no channel may be searched
	}
	from, args := searchFrom(q, expr, channels)
	var res SearchResult
	err = db.ro.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1"+from+" LIMIT ?)", append(args, q.CountLimit+1)...).Scan(&res.Total)
	if err != nil {
		return SearchResult{}, ftsError(err)
	}
	if res.Total > q.CountLimit {
		res.Total, res.TotalMore = q.CountLimit, true
	}
	if res.Total == 0 {
		return res, nil
	}
	var page string
	switch q.Order {
	case Relevance:
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
		return SearchResult{}, ftsError(err)
	}
	for _, id := range ids {
		h, err := db.hit(ctx, expr, id)
		if err != nil {
			return SearchResult{}, ftsError(err)
		}
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

// searchFrom is the FROM and WHERE clauses of a search for expr with q's
// filters, in channels (nil: all), and their arguments. Without filters the
// index alone answers; a filter joins the events.
func searchFrom(q SearchQuery, expr string, channels []int64) (string, []any) {
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
func (db *DB) searchChannels(ctx context.Context, q SearchQuery) ([]int64, error) {
	if !q.PublicOnly {
		if len(q.ChannelIDs) == 0 {
			return nil, nil
		}
		return q.ChannelIDs, nil
	}
	rows, err := db.ro.QueryContext(ctx, "SELECT id, network, name, public FROM channels")
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
		var network, name string
		var public bool
		if err := rows.Scan(&id, &network, &name, &public); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		ok := db.isPublic(network, name, public) && (len(wanted) == 0 || wanted[id])
		if ok {
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
func (db *DB) hit(ctx context.Context, expr string, id int64) (Hit, error) {
	var h Hit
	var ts int64
	var snip string
	err := db.ro.QueryRowContext(ctx, "SELECT "+eventColumns+", snippet(events_fts, 0, ?, ?, '…', 24)"+
		" FROM events_fts JOIN events e ON e.id = events_fts.rowid JOIN channels c ON c.id = e.channel"+
		" WHERE events_fts MATCH ? AND events_fts.rowid = ?", markOpen, markClose, expr, id).Scan(
		&h.ID, &h.Network, &h.Channel, &ts, &h.Kind, &h.Nick, &h.Text, &h.Target,
		&h.UserHost, &h.Account, &h.MsgID, &h.Via, &h.Flags, &snip)
	if err != nil {
		return Hit{}, err
	}
	h.Time = fromMS(ts)
	if utf8.ValidString(h.Text) {
		h.Snippet = splitSnippet(snip)
	} else {
		// The markers could be the text's own bytes: no highlights.
		h.Snippet = []Span{{Text: strings.ToValidUTF8(strings.NewReplacer(markOpen, "", markClose, "").Replace(snip), "\uFFFD")}}
	}
	return h, nil
}

func ftsError(err error) error {
	msg := err.Error()
	for _, hint := range []string{"fts5: syntax error", "unterminated string", "no such column", "unknown special query", "fts5:"} {
		if strings.Contains(msg, hint) {
			return fmt.Errorf("%w: the search engine could not read the query (%s); put phrases in double quotes and leave out * ( ) : ^", ErrBadQuery, cleanFTSMessage(msg))
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

func splitSnippet(s string) []Span {
	var out []Span
	for s != "" {
		i := strings.Index(s, markOpen)
		if i < 0 {
			out = append(out, Span{Text: s})
			break
		}
		if i > 0 {
			out = append(out, Span{Text: s[:i]})
		}
		s = s[i+len(markOpen):]
		j := strings.Index(s, markClose)
		if j < 0 {
			out = append(out, Span{Text: s, Match: true})
			break
		}
		out = append(out, Span{Text: s[:j], Match: true})
		s = s[j+len(markClose):]
	}
	return out
}
