package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

func init() {
	add("ImportIsIdempotentAndSearchable", testImportIsIdempotent)
	add("ImportSkipsWhatWasRecordedLive", testImportSkipsLive)
	add("OneImporterOverOverlappingFiles", testOneImporterOverOverlappingFiles)
	add("ImportMinuteLogThenSecondsLog", testImportMinuteThenSeconds(false))
	add("ImportSecondsLogThenMinuteLog", testImportMinuteThenSeconds(true))
	add("ImportInManyBatches", testImportInManyBatches)
	add("ImportsAtOnceStoreEachLineOnce", testImportsAtOnce)
	add("Redact", testRedact)
	add("RedactMatchesReadOnly", testRedactMatchesReadOnly)
}

func testImportIsIdempotent(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	var evs []event.Event
	for i := 0; i < 300; i++ {
		evs = append(evs, msg("#imp", "alice", "imported line about belarus", t0.Add(time.Duration(i)*time.Minute)))
	}
	// The same line twice in the same second is two real lines.
	evs = append(evs, msg("#imp", "bob", "twice", t0.Add(time.Hour)), msg("#imp", "bob", "twice", t0.Add(time.Hour)))
	if st := importAll(t, db, archive.ImportOptions{}, evs); st.Added != 302 || st.Duplicates != 0 {
		t.Fatalf("first import: %+v", st)
	}
	if st := importAll(t, db, archive.ImportOptions{}, evs); st.Added != 0 || st.Duplicates != 302 {
		t.Fatalf("second import: %+v", st)
	}
	// An overlapping file: half old lines, half new.
	more := append([]event.Event{}, evs[150:300]...)
	for i := 300; i < 350; i++ {
		more = append(more, msg("#imp", "alice", "imported line about belarus", t0.Add(time.Duration(i)*time.Minute)))
	}
	if st := importAll(t, db, archive.ImportOptions{}, more); st.Added != 50 || st.Duplicates != 150 {
		t.Fatalf("overlapping import: %+v", st)
	}
	res, err := db.Search(ctx, archive.SearchQuery{Text: "belarus"})
	if err != nil || res.Total != 350 {
		t.Fatalf("search after import: total %d, %v", res.Total, err)
	}
	mustAppend(t, db, msg("#imp", "carol", "live zebra", t0.Add(48*time.Hour)))
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "zebra"}); err != nil || res.Total != 1 {
		t.Fatalf("live search after import: %+v %v", res, err)
	}
	cal, err := db.Calendar(ctx, channelID(t, db, "#imp"))
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, d := range cal {
		total += d.Events
	}
	if total != 353 {
		t.Fatalf("calendar counts %d events, want 353: %+v", total, cal)
	}
	// An importer after Stop adds nothing of what was queued.
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Add(ctx, msg("#imp", "dan", "dropped", t0)); err != nil {
		t.Fatal(err)
	}
	if err := im.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := im.Flush(ctx); err != nil || im.Stats().Added != 0 {
		t.Fatalf("after Stop: %+v %v", im.Stats(), err)
	}
	if err := im.Add(ctx, event.Event{Channel: "#imp"}); err == nil {
		t.Error("the importer took an invalid event")
	}
}

func testImportSkipsLive(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	live := msg("#c", "alice", "hello world", t0.Add(1234*time.Millisecond))
	mustAppend(t, db, live)
	// An irssi log only has HH:MM.
	imported := msg("#c", "alice", "hello world", t0.Truncate(time.Minute))
	imported.Flags = event.FlagImported
	if st := importAll(t, db, archive.ImportOptions{}, []event.Event{imported}); st.Added != 0 || st.Duplicates != 1 {
		t.Fatalf("import over live lines: %+v", st)
	}
	// With second precision, the same line a minute earlier is another line.
	other := msg("#c", "alice", "hello world", t0.Add(-time.Minute))
	if st := importAll(t, db, archive.ImportOptions{}, []event.Event{other}); st.Added != 1 {
		t.Fatalf("import of a different line: %+v", st)
	}
}

func testOneImporterOverOverlappingFiles(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := []event.Event{msg("#o", "a", "one", t0), msg("#o", "a", "two", t0.Add(time.Second)), msg("#o", "a", "two", t0.Add(time.Second))}
	b := []event.Event{msg("#o", "a", "two", t0.Add(time.Second)), msg("#o", "a", "two", t0.Add(time.Second)), msg("#o", "a", "three", t0.Add(2*time.Second))}
	for _, file := range [][]event.Event{a, b} {
		im.StartFile()
		for _, ev := range file {
			if err := im.Add(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// "two" twice in each file is two real lines; the second file repeats them.
	if st := im.Stats(); st.Added != 4 || st.Duplicates != 2 {
		t.Fatalf("stats %+v, want 4 added, 2 duplicates", st)
	}
}

// A line imported from a log with only HH:MM (irssi) and the same line from
// a log with seconds (ZNC) are stored once whichever is imported first; a
// line more than a minute after the HH:MM one is another line.
func testImportMinuteThenSeconds(zncFirst bool) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		db := e.db(archive.Options{})
		minute := t0.Truncate(time.Minute)
		irssi := []event.Event{msg("#c", "alice", "same line", minute)}
		znc := []event.Event{msg("#c", "alice", "same line", minute.Add(5*time.Second)), msg("#c", "alice", "same line", minute.Add(61*time.Second))}
		first, second := irssi, znc
		if zncFirst {
			first, second = znc, irssi
		}
		importAll(t, db, archive.ImportOptions{}, first)
		importAll(t, db, archive.ImportOptions{}, second)
		evs, err := db.Day(context.Background(), channelID(t, db, "#c"), event.DateOf(minute, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 {
			t.Fatalf("%d events stored, want 2 (the 10:00 line once, the line a minute later)", len(evs))
		}
	}
}

// An import larger than one batch is written in several transactions, in
// the background, and every event is stored once, in order, and counted.
func testImportInManyBatches(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	const n = 60000
	mk := func(i int) event.Event {
		return msg("#big", "n", "line "+strings.Repeat("x", i%7)+" "+time.Duration(i).String(), t0.Add(time.Duration(i)*100*time.Millisecond))
	}
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := im.Add(ctx, mk(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if st := im.Stats(); st.Added != n || st.Duplicates != 0 {
		t.Fatalf("stats %+v", st)
	}
	ch := channelID(t, db, "#big")
	i := 0
	if err := db.Range(ctx, ch, t0, t0.Add(time.Duration(n)*100*time.Millisecond), archive.CountFields, func(ev event.Event) error {
		if want := mk(i).Text; ev.Text != want {
			t.Fatalf("event %d: %q, want %q", i, ev.Text, want)
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if i != n {
		t.Fatalf("read %d events, want %d", i, n)
	}
	all, err := db.AllDays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, d := range all {
		total += d.Lines
	}
	if total != n {
		t.Errorf("the days count %d lines, want %d", total, n)
	}
	if st := importAll(t, db, archive.ImportOptions{}, []event.Event{mk(0), mk(n - 1)}); st.Duplicates != 2 {
		t.Errorf("reimport of two lines: %+v", st)
	}
}

func testRedact(t *testing.T, e *env) {
	db := e.db(archive.Options{})
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
	if err != nil || res.Events != 3 || len(res.Days) != 2 || res.Days[0].Events != 4 || res.Days[1].Events != 1 || res.Days[0].Day != feb2 {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if n, _ := db.Search(ctx, archive.SearchQuery{Text: "secret"}); n.Total != 4 {
		t.Fatalf("dry run removed lines: %d left", n.Total)
	}
	if a, err := db.Audit(ctx); err != nil || len(a) != 0 {
		t.Fatalf("a dry run was audited: %+v %v", a, err)
	}
	// Nick and text together; the text case-insensitively.
	res, err = db.Redact(ctx, archive.RedactQuery{Channel: "#C", Nick: "troll", Match: "ADDRESS"}, "admin", false)
	if err != nil || res.Events != 1 || len(res.Days) != 1 || res.Days[0].Events != 3 || res.Days[0].Lines != 3 {
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
	changed, rev2, err := db.ChangedDays(ctx, rev)
	if err != nil || len(changed) != 1 || changed[0].Day.String() != "2026-02-02" || rev2 <= rev {
		t.Fatalf("changed days after redaction: %+v %v", changed, err)
	}
	audit, err := db.Audit(ctx)
	if err != nil || len(audit) != 2 || audit[0].Count != 1 || audit[1].Actor != "admin" || audit[0].Action != "redact" || audit[0].Time.IsZero() {
		t.Fatalf("audit: %+v %v", audit, err)
	}
	for _, a := range audit {
		if strings.Contains(strings.ToLower(a.Detail), "address") || strings.Contains(a.Detail, "221B") {
			t.Errorf("the audit log keeps redacted text: %q", a.Detail)
		}
	}
	if !strings.Contains(audit[1].Detail, "channel=net/#c") || !strings.Contains(audit[1].Detail, "match=(text not kept)") {
		t.Errorf("audit detail %q", audit[1].Detail)
	}
	if r, err := db.Redact(ctx, archive.RedactQuery{Channel: "#c", Nick: "nobody"}, "admin", false); err != nil || r.Events != 0 || len(r.Days) != 0 {
		t.Errorf("a redaction that matches nothing: %+v %v", r, err)
	}
	// A redaction that selects a whole channel is refused.
	if _, err := db.Redact(ctx, archive.RedactQuery{Channel: "#c"}, "admin", false); err == nil {
		t.Error("redact of a whole channel was accepted")
	}
	if _, err := db.Redact(ctx, archive.RedactQuery{Channel: "#nosuch", Nick: "x"}, "admin", false); err == nil {
		t.Error("redact in an unknown channel was accepted")
	}
	if _, err := db.Redact(ctx, archive.RedactQuery{Nick: "x"}, "admin", false); err == nil || err.Error() != "redact: name the channel" {
		t.Errorf("redact without a channel: %v", err)
	}
}

// RedactMatches lists what a redaction would remove on a read-only handle,
// and a range that ends before it starts is refused, not matched as empty.
func testRedactMatchesReadOnly(t *testing.T, e *env) {
	ctx := context.Background()
	db := e.db(archive.Options{})
	mustAppend(t, db,
		msg("#c", "troll", "secret one", t0),
		msg("#c", "alice", "keep", t0.Add(time.Minute)),
		msg("#c", "troll", "secret two", t0.Add(24*time.Hour)),
		msg("#c", "troll", "SeCrEt three", t0.Add(25*time.Hour)),
	)
	db.Close()
	ro := e.db(archive.Options{ReadOnly: true})
	var texts []string
	res, err := ro.RedactMatches(ctx, archive.RedactQuery{Channel: "#c", Nick: "TROLL", Match: "sEcReT"}, func(ev event.Event) error {
		texts = append(texts, ev.Text)
		if ev.Channel != "#c" || ev.Network != "net" {
			t.Errorf("match %+v", ev)
		}
		return nil
	})
	if err != nil || res.Events != 3 || len(res.Days) != 2 || res.Days[0].Events != 1 || res.Days[1].Events != 2 ||
		strings.Join(texts, "|") != "secret one|secret two|SeCrEt three" {
		t.Fatalf("matches: %+v %q %v", res, texts, err)
	}
	if res, err := ro.RedactMatches(ctx, archive.RedactQuery{Channel: "#c", To: t0.Add(time.Hour)}, nil); err != nil || res.Events != 2 {
		t.Fatalf("matches before an hour: %+v %v", res, err)
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

// Two imports of the same lines at once, through two handles as two
// processes would, in several batches: each line is stored once. Each
// import matches a batch against what is stored and keeps what it read
// of a day for its next batch, so without the import lock both stored
// lines the other had not committed yet (every line, on PostgreSQL).
func testImportsAtOnce(t *testing.T, e *env) {
	a, b := e.db(archive.Options{}), e.db(archive.Options{})
	ctx := context.Background()
	const n = 60000
	mk := func(i int) event.Event {
		return msg("#twice", "n", "line "+time.Duration(i).String(), t0.Add(time.Duration(i)*10*time.Second))
	}
	stats := make(chan archive.ImportStats, 2)
	errs := make(chan error, 2)
	for _, db := range []archive.Store{a, b} {
		go func() {
			im, err := db.NewImporter(archive.ImportOptions{})
			if err != nil {
				errs <- err
				return
			}
			for i := range n {
				if err := im.Add(ctx, mk(i)); err != nil {
					im.Stop()
					errs <- err
					return
				}
			}
			errs <- im.Flush(ctx)
			stats <- im.Stats()
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	s1, s2 := <-stats, <-stats
	if s1.Added+s2.Added != n || s1.Duplicates+s2.Duplicates != n {
		t.Errorf("stats %+v and %+v: want %d added and %d duplicates between them", s1, s2, n, n)
	}
	ch := channelID(t, a, "#twice")
	got := 0
	if err := a.Range(ctx, ch, t0, t0.Add(time.Duration(n)*10*time.Second), archive.CountFields, func(event.Event) error {
		got++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Errorf("the archive holds %d events after two imports of the same %d lines at once", got, n)
	}
}
