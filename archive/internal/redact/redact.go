// Package redact holds what both archive engines do in a redaction beyond
// their SQL: checking the query and finding its channel, and the audit
// record's description of it.
package redact

import (
	"context"
	"fmt"
	"strings"
	"time"

	"proceedings/archive"
)

// FindFunc is an engine's Store.FindChannel.
type FindFunc func(ctx context.Context, network, name string) (archive.Channel, error)

// Channel checks q (RedactQuery.Check) and finds the channel it redacts
// in.
func Channel(ctx context.Context, q archive.RedactQuery, find FindFunc) (archive.Channel, error) {
	if err := q.Check(); err != nil {
		return archive.Channel{}, err
	}
	ch, err := find(ctx, q.Network, q.Channel)
	if err != nil {
		return archive.Channel{}, fmt.Errorf("redact: %w", err)
	}
	return ch, nil
}

// Describe says what a redaction selected without the text it matched
// (which may be the very thing being removed), for the audit log.
func Describe(ch archive.Channel, q archive.RedactQuery) string {
	parts := []string{"channel=" + ch.Network + "/" + ch.Name}
	if q.Nick != "" {
		parts = append(parts, "nick="+q.Nick)
	}
	if !q.From.IsZero() {
		parts = append(parts, "from="+q.From.UTC().Format(time.RFC3339))
	}
	if !q.To.IsZero() {
		parts = append(parts, "to="+q.To.UTC().Format(time.RFC3339))
	}
	if q.Match != "" {
		parts = append(parts, "match=(text not kept)")
	}
	return strings.Join(parts, " ")
}
