package archive

import (
	"errors"
	"fmt"
	"proceedings/event"
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

// SearchQuery says what to look for.
type SearchQuery struct {
	Text       string    // words and "quoted phrases", read by ParseQuery; every term must match
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

// WithDefaults is q as an engine runs it: the defaults of Limit,
// CountLimit and RelevanceWindow filled in, Limit at most 100, Offset not
// negative.
func (q SearchQuery) WithDefaults() SearchQuery {
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
	return q
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

// ParseQuery reads what a user typed into the terms of a search, every one
// of which must match: each word, and each "quoted phrase" (its words in
// order). Terms of punctuation alone are dropped, as no index holds them.
// The terms are engine-neutral: each engine writes them in its own syntax,
// so that nothing a user types is read as that syntax.
func ParseQuery(q string) ([]string, error) {
	if len(q) > MaxQueryLen {
		return nil, fmt.Errorf("%w: the query is %d bytes long; at most %d please", ErrBadQuery, len(q), MaxQueryLen)
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
		terms = append(terms, term)
	}
	if len(terms) == 0 {
		return nil, fmt.Errorf("%w: type at least one word to search for", ErrBadQuery)
	}
	return terms, nil
}

func isSep(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }
