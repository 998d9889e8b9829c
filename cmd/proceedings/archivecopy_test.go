package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/archive/engine"
	"proceedings/archive/storetest"
	"proceedings/event"
	"proceedings/internal/pgserver"
)

// copyZone is the timezone of the archives these tests copy (and of
// copyConfig's site): days cross midnight UTC and DST.
const copyZone = "Europe/London"

// makeCopySource writes a SQLite archive at path with something of
// everything a copy must keep: two networks and three channels (public and
// not), every kind and every flag, every field, colour codes and non-ASCII
// text, days across a DST change, posts of a series (one announced) and one
// of none, a redaction and its audit record, opt-outs with and without a
// user@host, and the bot's meta. It returns how many events it holds.
func makeCopySource(t *testing.T, path string) int {
	t.Helper()
	ctx := context.Background()
	loc, _ := time.LoadLocation(copyZone)
	db, err := engine.Open(ctx, path, archive.Options{Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	chans := []event.ChannelRef{{Network: "testnet", Name: "#techrights"}, {Network: "testnet", Name: "#Private"}, {Network: "othernet", Name: "#techrights"}}
	flags := []event.Flags{0, event.FlagSelf, event.FlagRelayed, event.FlagTopicOnJoin, event.FlagImported, event.FlagCommand, event.FlagSelf | event.FlagCommand}
	start := time.Date(2026, 3, 27, 20, 0, 0, 0, time.UTC) // London moves to summer time on the 29th
	n := 0
	for i := range 900 {
		c := chans[i%len(chans)]
		k := event.Kinds()[i%len(event.Kinds())]
		ev := event.Event{Network: c.Network, Channel: c.Name, Kind: k, Time: start.Add(time.Duration(i) * 7 * time.Minute),
			Nick: fmt.Sprintf("nick%d", i%13), Text: fmt.Sprintf("line %d about söme thing", i), Flags: flags[i%len(flags)]}
		switch i % 5 {
		case 0:
			ev.Text = fmt.Sprintf("\x0304red\x03 and \x02bold\x02 %d https://example.org/%d", i, i)
		case 1:
			ev.UserHost, ev.Account, ev.MsgID = "~u@host.example", "acct", fmt.Sprintf("msg%d", i)
		case 2:
			ev.Target = "other"
		}
		if ev.Flags&event.FlagRelayed != 0 {
			ev.Via = "matrix"
		}
		if k == event.KindGap {
			ev.Text = ev.Time.Add(-time.Hour).Format(time.RFC3339Nano)
		}
		if i%17 == 0 {
			ev.Nick = "spammer"
		}
		if err := db.AppendAsync(ev, nil); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := db.Redact(ctx, archive.RedactQuery{Network: "testnet", Channel: "#techrights", Nick: "spammer"}, "admin", false)
	if err != nil || res.Events == 0 {
		t.Fatalf("redact: %v, %+v", err, res)
	}
	n -= res.Events
	if err := db.SetPublic(ctx, "testnet", "#techrights", true); err != nil {
		t.Fatal(err)
	}
	for i, title := range []string{"From Belarus With Love — Part I: Minsk", "From Belarus With Love — Part II: Brest", "Links 02/02/2026"} {
		p := archive.Post{GUID: fmt.Sprintf("guid-%d", i), Link: fmt.Sprintf("https://example.org/post/%d", i), Title: title,
			Published: start.Add(time.Duration(i) * time.Hour), FirstSeen: start.Add(time.Duration(i)*time.Hour + time.Minute), Feed: "https://example.org/feed"}
		if i < 2 {
			p.Series, p.Part, p.PartOf, p.Numeral = "From Belarus With Love", i+1, 12, []string{"I", "II"}[i]
		}
		saved, _, err := db.SavePost(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := db.MarkAnnounced(ctx, saved.ID, start.Add(2*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, err := range []error{
		db.OptOutFrom(ctx, "QuietNick", "~q@host.example"),
		db.OptOut(ctx, "someaccount", true),
		db.SetMeta(ctx, "feed.https://example.org/feed.etag", `"abc"`),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// copyArchive runs archive copy and fails the test unless it verified.
func copyArchive(t *testing.T, from, to string) string {
	t.Helper()
	out, errOut, code := call(t, archiveCopy, archiveCopyOptions{global: configIn(t.TempDir()), from: from, to: to, timezone: copyZone})
	if code != 0 || !strings.Contains(out, "verified:") {
		t.Fatalf("archive copy --from %s --to %s: exit %d\n%s%s", from, to, code, out, errOut)
	}
	return out
}

// summary reads an archive's channels, counts and checksum.
func summary(t *testing.T, where string) archive.Summary {
	t.Helper()
	loc, _ := time.LoadLocation(copyZone)
	db, err := engine.Open(context.Background(), where, archive.Options{Location: loc, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := archive.Summarize(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestArchiveCopyRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	events := makeCopySource(t, a)
	pg := pgserver.NewDatabase(t)

	out := copyArchive(t, a, pg)
	if !strings.Contains(out, fmt.Sprintf("3 channels, %d events", events)) {
		t.Errorf("SQLite → PostgreSQL: %s", out)
	}
	copyArchive(t, pg, b)

	sa, sp, sb := summary(t, a), summary(t, pg), summary(t, b)
	if sa.Events != int64(events) || len(sa.Channels) != 3 {
		t.Fatalf("source summary: %d events in %d channels, want %d in 3", sa.Events, len(sa.Channels), events)
	}
	for name, s := range map[string]archive.Summary{"PostgreSQL": sp, "SQLite again": sb} {
		if s.Checksum != sa.Checksum || fmt.Sprint(s.Channels) != fmt.Sprint(sa.Channels) {
			t.Errorf("%s copy differs:\n%+v\nsource:\n%+v", name, s.Channels, sa.Channels)
		}
	}

	// Both copies answer searches as the source does, and go on giving
	// new events ids after the copied ones.
	ctx := context.Background()
	for _, where := range []string{a, pg, b} {
		loc, _ := time.LoadLocation(copyZone)
		db, err := engine.Open(ctx, where, archive.Options{Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.Search(ctx, archive.SearchQuery{Text: "red", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Errorf("%s: no hits for a word of coloured lines", where)
		}
		id, err := db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "late", Text: "after the copy into " + filepath.Base(where), Time: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if id <= int64(900) {
			t.Errorf("%s: a new event after the copy got id %d, not above the copied ones", where, id)
		}
		db.Close()
	}
	// The verification sees that one line differs.
	loc, _ := time.LoadLocation(copyZone)
	da, err := engine.Open(ctx, a, archive.Options{Location: loc, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer da.Close()
	db, err := engine.Open(ctx, b, archive.Options{Location: loc, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	diffs, _, err := archive.Verify(ctx, da, db)
	if err != nil || len(diffs) != 1 || !strings.Contains(diffs[0], "testnet #techrights: the events differ") {
		t.Errorf("verify of archives with one line different: %v, %q", err, diffs)
	}
	// An interrupted verification says the copy is done and how to verify it.
	stopped, stop := context.WithCancel(ctx)
	stop()
	if err := verifyCopy(stopped, da, db, io.Discard, ""); err == nil || !strings.Contains(err.Error(), "the copy is complete: run the same command again to verify it") {
		t.Errorf("an interrupted verification: %v", err)
	}
}

func TestArchiveCopyResumes(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	makeCopySource(t, a)
	pg := pgserver.NewDatabase(t)
	loc, _ := time.LoadLocation(copyZone)

	// Interrupt a copy, as Ctrl-C does, partway through a channel and a
	// day, then run the command again.
	interrupt := func(from, to string, after int64) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		src, err := engine.Open(ctx, from, archive.Options{Location: loc, ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		dst, err := engine.Open(ctx, to, archive.Options{Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		defer dst.Close()
		source, _ := archiveName(from)
		_, err = archive.Copy(ctx, src, dst, archive.CopyOptions{Source: source, Batch: 37, Progress: func(done, _ int64) {
			if done >= after {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted copy: %v", err)
		}
	}
	interrupt(a, pg, 400)
	if s := summary(t, pg); s.Events < 37 || s.Events >= 800 {
		t.Fatalf("the interrupted copy holds %d events", s.Events)
	}
	copyArchive(t, a, pg)
	interrupt(pg, b, 250)
	copyArchive(t, pg, b)
	// And once more, with nothing left to do.
	copyArchive(t, pg, b)
	if sa, sb := summary(t, a), summary(t, b); sa.Checksum != sb.Checksum {
		t.Errorf("after resumed copies the checksums differ: %s, %s", sa.Checksum, sb.Checksum)
	}
}

func TestArchiveCopyRefusesForeignDestination(t *testing.T) {
	dir := t.TempDir()
	a, other := filepath.Join(dir, "a.db"), filepath.Join(dir, "other.db")
	makeCopySource(t, a)
	makeCopySource(t, other)
	pg := pgserver.NewDatabase(t)
	ctx := context.Background()
	db, err := engine.Open(ctx, pg, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Append(ctx, event.Event{Network: "n", Channel: "#own", Kind: event.KindMessage, Nick: "x", Text: "mine", Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, errOut, code := call(t, archiveCopy, archiveCopyOptions{global: configIn(dir), from: a, to: pg, timezone: copyZone})
	if code == 0 || !strings.Contains(errOut, "already holds 1 events of its own") {
		t.Errorf("copy into a database with events of its own: exit %d\n%s%s", code, out, errOut)
	}

	// Nor into one without events but with a post of its own (an
	// import-feed), which a copy would replace.
	withPost := filepath.Join(dir, "posts.db")
	pdb, err := engine.Open(ctx, withPost, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := pdb.SavePost(ctx, archive.Post{GUID: "own", Link: "https://example.org/own", Title: "Its own post", FirstSeen: time.Now()}); err != nil {
		t.Fatal(err)
	}
	pdb.Close()
	out, errOut, code = call(t, archiveCopy, archiveCopyOptions{global: configIn(dir), from: a, to: withPost, timezone: copyZone})
	if code == 0 || !strings.Contains(errOut, "holds no events but 1 posts") {
		t.Errorf("copy into an archive with a post of its own: exit %d\n%s%s", code, out, errOut)
	}
	if s := summary(t, withPost); s.Events != 0 {
		t.Errorf("the refused copy wrote %d events", s.Events)
	}

	// A copy of one archive is not continued from another.
	b := filepath.Join(dir, "b.db")
	copyArchive(t, a, b)
	out, errOut, code = call(t, archiveCopy, archiveCopyOptions{global: configIn(dir), from: other, to: b, timezone: copyZone})
	if code == 0 || !strings.Contains(errOut, "copied from "+a) {
		t.Errorf("copy of another archive into a copy: exit %d\n%s%s", code, out, errOut)
	}
	// Nor is a password taken from the command line.
	_, errOut, code = call(t, archiveCopy, archiveCopyOptions{global: configIn(dir), from: a, to: "postgres://u:secret@127.0.0.1/x", timezone: copyZone})
	if code == 0 || !strings.Contains(errOut, "PGPASSWORD") || strings.Contains(errOut, "secret") {
		t.Errorf("a URL with a password: exit %d: %s", code, errOut)
	}
	// Nor a libpq connection string, taken for a file name and repeated.
	for _, o := range []archiveCopyOptions{{from: a, to: "host=127.0.0.1 dbname=x password=secret"}, {from: "dbname=x password=secret", to: b}} {
		o.global, o.timezone = configIn(dir), copyZone
		_, errOut, code = call(t, archiveCopy, o)
		if code == 0 || !strings.Contains(errOut, "keyword=value connection string") || strings.Contains(errOut, "secret") {
			t.Errorf("a connection string (from %q to %q): exit %d: %s", o.from, o.to, code, errOut)
		}
	}
}

// A source that lost lines after its copy began (a redaction) cannot be
// completed into the same copy: the verification fails and says to start
// over. (A source that only gained lines is completed: the copy goes on.)
func TestArchiveCopyOfAChangedSource(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	makeCopySource(t, a)
	copyArchive(t, a, b)
	ctx := context.Background()
	db, err := engine.Open(ctx, a, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Lines redacted from the source after the copy are still in the copy.
	if res, err := db.Redact(ctx, archive.RedactQuery{Network: "testnet", Channel: "#techrights", Nick: "nick1"}, "test", false); err != nil || res.Events == 0 {
		t.Fatalf("redact: %+v, %v", res, err)
	}
	db.Close()
	out, errOut, code := call(t, archiveCopy, archiveCopyOptions{global: configIn(dir), from: a, to: b, timezone: copyZone})
	if code == 0 || !strings.Contains(out, "difference:") || !strings.Contains(errOut, "start over with an empty destination") {
		t.Errorf("copy of a changed source into its copy: exit %d\n%s%s", code, out, errOut)
	}
}

// TestRenderFromCopyIsIdentical renders the site from a SQLite archive and
// from its PostgreSQL copy, as the render command does, and compares every
// file of the site byte for byte. Render's own bookkeeping for the next
// incremental render (.proceedings-state.json, .proceedings-cache/) is left
// out: it names channels by their row id and days by the archive's
// revision, which each archive counts for itself, and a node renders
// incrementally only from the archive it rendered from.
func TestRenderFromCopyIsIdentical(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.db")
	makeCopySource(t, a)
	pg := pgserver.NewDatabase(t)
	copyArchive(t, a, pg)

	sites := map[string]string{}
	for name, where := range map[string]string{"sqlite": a, "postgres": pg} {
		cdir := writeConfig(t, copyConfig(where))
		out, errOut, code := call(t, renderSite, renderOptions{global: configIn(cdir), full: true})
		if code != 0 {
			t.Fatalf("render from %s: exit %d\n%s%s", name, code, out, errOut)
		}
		sites[name] = filepath.Join(cdir, "public")
	}
	want, got := readTree(t, sites["sqlite"]), readTree(t, sites["postgres"])
	for _, files := range []map[string][]byte{want, got} {
		for path := range files {
			if strings.HasPrefix(path, ".proceedings-") {
				delete(files, path)
			}
		}
	}
	if len(want) < 10 {
		t.Fatalf("the SQLite render wrote only %d files", len(want))
	}
	for path, w := range want {
		g, ok := got[path]
		switch {
		case !ok:
			t.Errorf("%s: written from SQLite, not from PostgreSQL", path)
		case !bytes.Equal(w, g):
			t.Errorf("%s differs (%d bytes from SQLite, %d from PostgreSQL)", path, len(w), len(g))
		}
	}
	for path := range got {
		if _, ok := want[path]; !ok {
			t.Errorf("%s: written from PostgreSQL, not from SQLite", path)
		}
	}
	if !bytes.Contains(want["testnet/techrights/2026-03-28.html"], []byte(`id="l-`)) {
		t.Errorf("the day page has no permalinks; files: %d", len(want))
	}
}

// copyConfig is a configuration whose archive is where, with both networks'
// channels of makeCopySource public.
func copyConfig(where string) string {
	return `networks:
  - name: testnet
    nick: proceedings
    server: {host: 127.0.0.1, port: 6667, tls: false}
    channels:
      - name: "#techrights"
        public: true
  - name: othernet
    nick: proceedings
    server: {host: 127.0.0.1, port: 6668, tls: false}
    channels:
      - name: "#techrights"
        public: true
archive: ` + where + `
site:
  base_url: "https://irc.example.org/"
  timezone: ` + copyZone + `
  out: public
`
}

// readTree reads every file under root, by path relative to it.
func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files[rel] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestArchiveCopyResumesAfterKill kills the copy command with SIGKILL once
// the destination holds some of the events, then runs it again: the second
// run continues and ends verified.
func TestArchiveCopyResumesAfterKill(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.db")
	ctx := context.Background()
	loc, _ := time.LoadLocation(copyZone)
	db, err := engine.Open(ctx, a, archive.Options{Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const total = 5000
	for ev := range storetest.Corpus(total) {
		if err := im.Add(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	pg := pgserver.NewDatabase(t)

	cmd := exec.Command(binary, "archive", "copy", "-c", filepath.Join(dir, "none.yaml"), "--timezone", copyZone, "--batch", "50", "--from", a, "--to", pg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Watch the destination (once the command has created its schema)
	// until a first batch is committed.
	var watch archive.Store
	var copied int64
	for copied == 0 {
		select {
		case err := <-exited:
			t.Fatalf("the copy ended (%v) before it could be killed:\n%s", err, out.String())
		default:
		}
		if watch == nil {
			if watch, err = engine.Open(ctx, pg, archive.Options{Location: loc, ReadOnly: true}); err != nil {
				continue
			}
			defer watch.Close()
		}
		if copied, err = eventCount(ctx, watch); err != nil {
			t.Fatal(err)
		}
	}
	cmd.Process.Kill()
	<-exited
	if copied >= total {
		t.Fatalf("the copy ended before it was killed:\n%s", out.String())
	}
	t.Logf("killed with %d of %d events copied", copied, total)
	out2 := copyArchive(t, a, pg)
	if !strings.Contains(out2, fmt.Sprintf("%d events", total)) {
		t.Errorf("resumed copy: %s", out2)
	}
	if sa, sp := summary(t, a), summary(t, pg); sa.Checksum != sp.Checksum || sp.Events != total {
		t.Errorf("after the killed copy was resumed: %d events, checksums %s and %s", sp.Events, sa.Checksum, sp.Checksum)
	}
}

// eventCount is how many events an archive holds.
func eventCount(ctx context.Context, db archive.Store) (int64, error) {
	chans, err := db.Channels(ctx)
	var n int64
	for _, c := range chans {
		n += c.Events
	}
	return n, err
}

// Copying again after a copy finished goes on only while nothing has
// written to the destination: it then takes what the source gained. Once
// the destination is in use (a post, a redaction), a copy writes nothing
// and only verifies: before, it replaced the destination's posts and audit
// log by the source's.
func TestArchiveCopyAfterItFinished(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.db")
	makeCopySource(t, a)
	pg := pgserver.NewDatabase(t)
	copyArchive(t, a, pg)
	ctx := context.Background()
	loc, _ := time.LoadLocation(copyZone)
	open := func(where string) archive.Store {
		db, err := engine.Open(ctx, where, archive.Options{Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	// Untouched since: the copy takes the source's new line.
	src := open(a)
	if _, err := src.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "late", Text: "one more", Time: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	src.Close()
	if out := copyArchive(t, a, pg); !strings.Contains(out, "(1 written by this run)") {
		t.Errorf("the copy of a source that gained a line:\n%s", out)
	}
	// A line dated before everything copied (an import of older logs into
	// the source): taken too.
	src = open(a)
	if _, err := src.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "early", Text: "an older line", Time: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	src.Close()
	if out := copyArchive(t, a, pg); !strings.Contains(out, "(1 written by this run)") {
		t.Errorf("the copy of a source that gained an older line:\n%s", out)
	}
	// In use since: a post and a redaction of its own.
	dst := open(pg)
	if _, _, err := dst.SavePost(ctx, archive.Post{GUID: "g1", Link: "https://example.org/p1", Title: "A post of the destination's", FirstSeen: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if res, err := dst.Redact(ctx, archive.RedactQuery{Network: "testnet", Channel: "#techrights", Nick: "late"}, "test", false); err != nil || res.Events != 1 {
		t.Fatalf("redact: %+v %v", res, err)
	}
	dst.Close()
	out, errOut, code := call(t, archiveCopy, archiveCopyOptions{global: configIn(dir), from: a, to: pg, timezone: copyZone})
	if code != 1 || !strings.Contains(out, "finished at") || !strings.Contains(out, "nothing was written") || !strings.Contains(errOut, "Nothing was written") {
		t.Errorf("copy into a destination in use: exit %d\n%s%s", code, out, errOut)
	}
	dst = open(pg)
	defer dst.Close()
	posts, err := dst.LatestPosts(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	audit, err := dst.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The source's three posts and its audit entry, and the destination's own.
	if len(posts) != 4 || posts[0].GUID != "g1" || len(audit) != 2 || audit[0].Action != "redact" {
		t.Errorf("after the copy the destination has %d posts (%+v) and audit %+v; want its own post and redaction kept", len(posts), posts, audit)
	}
}

// An interrupted copy is not continued from another archive put in the
// place of its source: it says so, instead of a database error.
func TestArchiveCopyOfAnotherArchiveInTheSamePlace(t *testing.T) {
	dir := t.TempDir()
	a, other, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "other.db"), filepath.Join(dir, "b.db")
	makeCopySource(t, a)
	loc, _ := time.LoadLocation(copyZone)
	ctx, cancel := context.WithCancel(context.Background())
	src, err := engine.Open(ctx, a, archive.Options{Location: loc, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	dst, err := engine.Open(ctx, b, archive.Options{Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	source, _ := archiveName(a)
	_, err = archive.Copy(ctx, src, dst, archive.CopyOptions{Source: source, Batch: 37, Progress: func(done, _ int64) {
		if done >= 100 {
			cancel()
		}
	}})
	src.Close()
	dst.Close()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted copy: %v", err)
	}
	// Another archive, with other lines, where a was.
	db, err := engine.Open(context.Background(), other, archive.Options{Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		if _, err := db.Append(context.Background(), event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "z", Text: fmt.Sprintf("other %d", i), Time: time.Date(2026, 3, 27, 20, i, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for _, f := range []string{"", "-wal", "-shm"} {
		os.Remove(a + f)
	}
	if err := os.Rename(other, a); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := call(t, archiveCopy, archiveCopyOptions{global: configIn(dir), from: a, to: b, timezone: copyZone})
	if code == 0 || !strings.Contains(errOut, "is not in the source as it was copied") || strings.Contains(errOut, "UNIQUE") || strings.Contains(errOut, "constraint") {
		t.Errorf("copy of another archive in the source's place: exit %d\n%s%s", code, out, errOut)
	}
}
