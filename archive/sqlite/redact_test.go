package sqlite

import (
	"context"
	"path/filepath"
	"proceedings/archive"
	"proceedings/event"
	"strings"
	"testing"
	"time"
)

func TestRedact(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	mustAppend(t, db,
		msg("#c", "alice", "keep this", t0),
		msg("#c", "troll", "secret address 221B", t0.Add(time.Minute)),
		msg("#c", "troll", "more secret stuff", t0.Add(2*time.Minute)),
		msg("#c", "troll", "next day secret", t0.Add(24*time.Hour)),
		msg("#c", "bob", "a SECRET said by bob", t0.Add(3*time.Minute)),
	)
	_, rev, err := db.ChangedDays(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A dry run removes nothing.
	res, err := db.Redact(ctx, archive.RedactQuery{Channel: "#c", Nick: "TROLL"}, "admin", true)
	if err != nil || res.Events != 3 || len(res.Days) != 2 {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if n, _ := db.Search(ctx, archive.SearchQuery{Text: "secret"}); n.Total != 4 {
		t.Fatalf("dry run removed lines: %d left", n.Total)
	}
	// Nick and text together.
	res, err = db.Redact(ctx, archive.RedactQuery{Channel: "#C", Nick: "troll", Match: "ADDRESS"}, "admin", false)
	if err != nil || res.Events != 1 || len(res.Days) != 1 || res.Days[0].Events != 3 {
		t.Fatalf("redact by nick and text: %+v %v", res, err)
	}
	// All of troll's lines on the next day: the day disappears.
	res, err = db.Redact(ctx, archive.RedactQuery{Channel: "#c", Nick: "troll", From: t0.Add(12 * time.Hour)}, "admin", false)
	if err != nil || res.Events != 1 || res.Days[0].Events != 0 {
		t.Fatalf("redact a whole day: %+v %v", res, err)
	}
	found, err := db.Search(ctx, archive.SearchQuery{Text: "secret"})
	if err != nil || found.Total != 2 {
		t.Fatalf("search after redaction: %+v %v", found, err)
	}
	for _, h := range found.Hits {
		if strings.Contains(h.Text, "221B") || strings.Contains(h.Text, "next day") {
			t.Errorf("redacted line still found: %q", h.Text)
		}
	}
	cal, err := db.Calendar(ctx, channelID(t, db, "#c"))
	if err != nil || len(cal) != 1 || cal[0].Events != 3 {
		t.Fatalf("calendar after redaction: %+v %v", cal, err)
	}
	changed, _, err := db.ChangedDays(ctx, rev)
	if err != nil || len(changed) != 1 || changed[0].Day.String() != "2026-02-02" {
		t.Fatalf("changed days after redaction: %+v %v", changed, err)
	}
	audit, err := db.Audit(ctx)
	if err != nil || len(audit) != 2 || audit[0].Count != 1 || audit[1].Actor != "admin" {
		t.Fatalf("audit: %+v %v", audit, err)
	}
	for _, a := range audit {
		if strings.Contains(strings.ToLower(a.Detail), "address") || strings.Contains(a.Detail, "221B") {
			t.Errorf("the audit log keeps redacted text: %q", a.Detail)
		}
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	// The index is consistent with the table after the deletes.
	if _, err := db.rw.ExecContext(ctx, "INSERT INTO events_fts(events_fts, rank) VALUES('integrity-check', 1)"); err != nil {
		t.Fatalf("FTS integrity check: %v", err)
	}
	// A redaction that selects a whole channel is refused.
	if _, err := db.Redact(ctx, archive.RedactQuery{Channel: "#c"}, "admin", false); err == nil {
		t.Error("redact of a whole channel was accepted")
	}
	if _, err := db.Redact(ctx, archive.RedactQuery{Channel: "#nosuch", Nick: "x"}, "admin", false); err == nil {
		t.Error("redact in an unknown channel was accepted")
	}
}

// RedactMatches lists what a redaction would remove on a read-only handle,
// and a range that ends before it starts is refused, not matched as empty.
func TestRedactMatchesReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	ctx := context.Background()
	db, err := Open(ctx, path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, db,
		msg("#c", "troll", "secret one", t0),
		msg("#c", "alice", "keep", t0.Add(time.Minute)),
		msg("#c", "troll", "secret two", t0.Add(24*time.Hour)),
	)
	db.Close()
	ro, err := Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var texts []string
	res, err := ro.RedactMatches(ctx, archive.RedactQuery{Channel: "#c", Nick: "TROLL"}, func(ev event.Event) error {
		texts = append(texts, ev.Text)
		return nil
	})
	if err != nil || res.Events != 2 || len(res.Days) != 2 || res.Days[0].Events != 1 || strings.Join(texts, "|") != "secret one|secret two" {
		t.Fatalf("matches: %+v %q %v", res, texts, err)
	}
	for _, q := range []archive.RedactQuery{
		{Channel: "#c", From: t0.Add(time.Hour), To: t0},
		{Channel: "#c", From: t0, To: t0},
	} {
		if _, err := ro.RedactMatches(ctx, q, nil); err == nil || !strings.Contains(err.Error(), "before it starts") {
			t.Errorf("reversed range %v–%v: %v", q.From, q.To, err)
		}
		if _, err := ro.Redact(ctx, q, "admin", true); err == nil {
			t.Errorf("Redact on a read-only handle succeeded")
		}
	}
}
