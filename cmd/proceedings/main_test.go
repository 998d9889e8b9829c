package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"sync"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
	"proceedings/internal/pgserver"
)

// binary is the proceedings command built once for these end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "proceedings-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "proceedings")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build proceedings: " + err.Error())
	}
	code := pgserver.Run(m) // stops the PostgreSQL server a test started
	os.RemoveAll(dir)
	os.Exit(code)
}

// call runs a command's function in-process, as main runs it: it returns
// what the command wrote to stdout and stderr (main's message for an
// error included) and the status main would exit with.
func call[O any](t *testing.T, command func(context.Context, O, io.Writer, io.Writer) error, opts O) (string, string, int) {
	t.Helper()
	defer slog.SetDefault(slog.Default()) // the command sets up its own
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	err := command(ctx, opts, &out, &errb)
	if err == nil {
		return out.String(), errb.String(), 0
	}
	reportError(&errb, err, nil)
	return out.String(), errb.String(), exitStatus(err)
}

// getPage gets the page at url, which must be there (200 OK).
func getPage(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(page)
}

// configIn is the global options of a command run with dir's bot.yaml.
func configIn(dir string) globalOptions {
	return globalOptions{configPath: filepath.Join(dir, "bot.yaml")}
}

// exportAll is every day of a channel of dir's archive, exported in our
// own format.
func exportAll(t *testing.T, dir, channel string) string {
	t.Helper()
	out, errOut, code := call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: channel}, format: "own"})
	if code != 0 {
		t.Fatalf("export %s: exit %d: %s", channel, code, errOut)
	}
	return out
}

// run runs the binary and returns its stdout, stderr and exit code.
func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

const minimalConfig = `nick: proceedings
server: {host: 127.0.0.1, port: 6667, tls: false}
network: testnet
channels:
  - name: "#techrights"
    public: true
archive: data/archive.db
site:
  base_url: "https://irc.example.org/"
  timezone: Europe/London
`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bot.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCheck(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	out, _, code := run(t, dir, "check")
	if code != 0 || strings.TrimSpace(out) != "ok" {
		t.Fatalf("check of a good file: code %d, out %q", code, out)
	}
	bad := strings.Replace(minimalConfig, "public: true", "pubilc: true", 1)
	bad = strings.Replace(bad, "timezone: Europe/London", "timezone: Europe/Londn", 1)
	dir = writeConfig(t, bad)
	out, errOut, code := run(t, dir, "check", "-c", "bot.yaml")
	if code != 1 {
		t.Fatalf("check of a bad file exited %d", code)
	}
	for _, want := range []string{
		`bot.yaml:6: channels[0].pubilc: unknown key (did you mean "public"?)`,
		`bot.yaml:10: site.timezone: unknown time zone "Europe/Londn"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "2 problem(s)") {
		t.Errorf("stderr = %q", errOut)
	}
	// A feed format naming a field the announcer does not have.
	dir = writeConfig(t, minimalConfig+"feeds:\n  - {url: \"https://example.org/feed\", format: \"{{.Titel}} {{.Link}}\"}\n")
	out, _, code = run(t, dir, "check")
	if code != 1 || !strings.Contains(out, "feeds[0].format") || !strings.Contains(out, "Titel") {
		t.Errorf("check of a bad feed format: code %d, out %q", code, out)
	}
	// Admins anyone can match are warned about, not refused.
	dir = writeConfig(t, minimalConfig+"admins: [\"account:boss\", \"boss!*@*\", boss, \"*!*@*.*\"]\n")
	out, errOut, code = run(t, dir, "check")
	if code != 0 || strings.TrimSpace(out) != "ok" {
		t.Errorf("check of weak admins: code %d, out %q, want ok", code, out)
	}
	for _, want := range []string{
		`warning: bot.yaml:11: admins[1]: "boss!*@*" names only a nick, which anyone can take, so it makes nobody an admin; write account:NAME (the services account) or a hostmask with the person's host, e.g. boss!*@host.example.org`,
		`warning: bot.yaml:11: admins[2]: "boss" names only a nick`,
		`warning: bot.yaml:11: admins[3]: "*!*@*.*" matches every host`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("check's warnings lack %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "account:boss") {
		t.Errorf("check warned about an account entry:\n%s", errOut)
	}
	// The shipped sample is valid.
	out, _, code = run(t, "../..", "check", "-c", "bot.yaml")
	if code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("check of the shipped bot.yaml: code %d, out %q", code, out)
	}
	// Secrets are named, never printed.
	dir = writeConfig(t, minimalConfig+"sasl: {user: bot, password_env: PROCEEDINGS_TEST_SECRET}\n")
	cmd := exec.Command(binary, "check")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PROCEEDINGS_TEST_SECRET=hunter2-very-secret")
	both, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(both), "hunter2") {
		t.Fatalf("check with a secret: %v\n%s", err, both)
	}
	// A secret file check cannot read is a warning that says run stops at
	// it (the service may have it where this shell does not).
	dir = writeConfig(t, minimalConfig+"sasl: {user: bot, password_file: /nonexistent/sasl.pw}\n")
	out, errOut, code = run(t, dir, "check")
	want := "warning: sasl.password_file: read secret file: open /nonexistent/sasl.pw: no such file or directory (run will not start unless it can read it)"
	if code != 0 || strings.TrimSpace(out) != "ok" || !strings.Contains(errOut, want) {
		t.Errorf("check of an unreadable secret file: code %d, out %q, stderr %q; want ok and %q", code, out, errOut, want)
	}
}

// appendToTechrights appends evs to #techrights of testnet in dir's
// archive, at their Time or, without one, step after the one before.
func appendToTechrights(t *testing.T, dir string, step time.Duration, evs ...event.Event) {
	t.Helper()
	london, _ := time.LoadLocation("Europe/London") // minimalConfig's timezone
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "data/archive.db"), archive.Options{Location: london})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 2, 2, 14, 0, 0, 0, time.UTC)
	for _, ev := range evs {
		ev.Network, ev.Channel = "testnet", "#techrights"
		if ev.Time.IsZero() {
			ev.Time = at
		}
		if _, err := db.Append(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		at = ev.Time.Add(step)
	}
}

func TestExportWritesOurFormat(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	appendToTechrights(t, dir, time.Second,
		event.Event{Kind: event.KindJoin, Nick: "carol", UserHost: "~carol@host.example", Time: time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)},
		event.Event{Kind: event.KindMessage, Nick: "alice", Text: "hello there"},
		event.Event{Kind: event.KindAction, Nick: "alice", Text: "waves"},
		event.Event{Kind: event.KindTopic, Nick: "alice", Text: "new topic"},
		event.Event{Kind: event.KindMessage, Nick: "bob", Text: "next day", Time: time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)},
	)

	out, errOut, code := call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: "#TechRights", date: "2026-02-02"}, format: "own"})
	want := `--- IRC logs for Monday, February 02, 2026
--- #techrights on testnet (times are Europe/London)
[14:03:11] -!- carol [~carol@host.example] has joined #techrights
[14:03:12] <alice> hello there
[14:03:13] * alice waves
[14:03:14] -!- alice changed the topic of #techrights to: new topic
`
	if code != 0 || out != want {
		t.Fatalf("export: code %d, stderr %q\n got:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	// A range to a directory: one file per day.
	outDir := filepath.Join(dir, "out")
	if _, errOut, code := call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: "#techrights", from: "2026-02-01", to: "2026-02-03"}, format: "own", outDir: outDir}); code != 0 {
		t.Fatalf("export --out: %s", errOut)
	}
	day2, err := os.ReadFile(filepath.Join(outDir, "2026-02-03.txt"))
	if err != nil || !strings.HasSuffix(string(day2), "[09:00:00] <bob> next day\n") {
		t.Fatalf("second day file: %q %v", day2, err)
	}
	if got, _ := os.ReadFile(filepath.Join(outDir, "2026-02-02.txt")); string(got) != want {
		t.Fatalf("first day file:\n%s", got)
	}
	// JSON lines.
	out, _, code = call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: "#techrights", date: "2026-02-03"}, format: "json"})
	if code != 0 || !strings.Contains(out, `"next day"`) {
		t.Fatalf("json export: %d %q", code, out)
	}
	// Mistakes get a clear message.
	for _, tc := range []struct {
		opts exportOptions
		says string
	}{
		{exportOptions{channelDays: channelDays{channel: "#nosuch", date: "2026-02-02"}, format: "own"}, "#nosuch"},
		{exportOptions{channelDays: channelDays{channel: "#techrights", date: "02/02/2026"}, format: "own"}, "--date"},
		{exportOptions{channelDays: channelDays{channel: "#techrights", date: "2025-01-01"}, format: "own"}, "nothing was recorded"},
		{exportOptions{channelDays: channelDays{channel: "#techrights"}, format: "pdf"}, "pdf"},
	} {
		tc.opts.global = configIn(dir)
		if _, errOut, code := call(t, export, tc.opts); code != 1 || !strings.Contains(errOut, tc.says) {
			t.Errorf("%+v: code %d, stderr %q, want %q", tc.opts, code, errOut, tc.says)
		}
	}
	// --channel is required.
	if _, errOut, code := run(t, dir, "export", "--date", "2026-02-02"); code != 1 || !strings.Contains(errOut, `"channel" not set`) {
		t.Errorf("export without --channel: code %d, stderr %q", code, errOut)
	}
}

func TestImportIsIdempotentAndRoundTrips(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	irssi := `--- Log opened Mon Feb 02 14:00:00 2026
14:03 -!- carol [~carol@host.example] has joined #techrights
14:03 <@alice> hello there, see https://techrights.org/
14:04  * alice waves
14:05 -!- bob is now known as bobby
14:06 <bobby> caf` + "\xe9" + ` in Latin-1
this line is not irssi at all
--- Day changed Tue Feb 03 2026
09:00 <alice> next day
`
	logDir := filepath.Join(dir, "old")
	os.MkdirAll(logDir, 0o755)
	if err := os.WriteFile(filepath.Join(logDir, "techrights.log"), []byte(irssi), 0o644); err != nil {
		t.Fatal(err)
	}
	imp := importOptions{global: configIn(dir), channel: "#techrights", timezone: "UTC", paths: []string{logDir}}
	out, errOut, code := call(t, importLogs, imp)
	if code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	for _, want := range []string{"files: 1 (irssi)", "events read: 6, added: 6, already in the archive: 0",
		"lines read: 9 = 6 with events + 2 headers and date markers + 0 blank + 1 not imported (1 repaired)",
		"not imported: not understood (1 line):", `techrights.log:7: "this line is not irssi at all"`,
		"repaired (counted above as what they were) (1 line):", `techrights.log:6: "14:06 <bobby> café in Latin-1"`} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	out, _, code = call(t, importLogs, imp)
	if code != 0 || !strings.Contains(out, "added: 0, already in the archive: 6") {
		t.Fatalf("second import: %d\n%s", code, out)
	}
	// Strict mode refuses the bad line, naming it.
	strict := importOptions{global: configIn(dir), channel: "#techrights", strict: true, paths: []string{logDir}}
	if _, errOut, code := call(t, importLogs, strict); code == 0 || !strings.Contains(errOut, "techrights.log:7") {
		t.Fatalf("strict import: %d %q", code, errOut)
	}
	first := exportAll(t, dir, "#techrights")
	if !strings.Contains(first, "<bobby> café in Latin-1") {
		t.Fatalf("export after import:\n%s", first)
	}
	// Export → import into an empty archive → export: identical.
	if err := os.WriteFile(filepath.Join(dir, "exported.txt"), []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	dir2 := writeConfig(t, minimalConfig)
	if _, errOut, code := call(t, importLogs, importOptions{global: configIn(dir2), channel: "#techrights", paths: []string{filepath.Join(dir, "exported.txt")}}); code != 0 {
		t.Fatalf("re-import: %s", errOut)
	}
	second := exportAll(t, dir2, "#techrights")
	if second != first {
		t.Fatalf("round trip differs:\nfirst:\n%s\nsecond:\n%s", first, second)
	}
	// A file in no known format is refused with its first lines.
	os.WriteFile(filepath.Join(dir, "junk.txt"), []byte("hello\nworld\n"), 0o644)
	if _, errOut, code := call(t, importLogs, importOptions{global: configIn(dir), channel: "#techrights", paths: []string{filepath.Join(dir, "junk.txt")}}); code == 0 || !strings.Contains(errOut, "hello") {
		t.Fatalf("junk import: %d %q", code, errOut)
	}
}

// startServing runs a command that serves until its context ends, such as
// serve and demo, in-process, and returns the first line it prints on
// stdout with a URL, that URL, and stop, which ends the command and
// returns its error. The end of the test stops it too.
func startServing(t *testing.T, command func(ctx context.Context, stdout, stderr io.Writer) error) (line, url string, stop func() error) {
	t.Helper()
	prev := slog.Default() // the command sets up its own
	ctx, cancel := context.WithCancel(context.Background())
	stdout, w := io.Pipe()
	stderr := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- command(ctx, w, stderr)
		w.Close()
	}()
	stop = sync.OnceValue(func() error {
		cancel()
		defer slog.SetDefault(prev)
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			return errors.New("it did not stop when its context ended")
		}
	})
	t.Cleanup(func() { stop() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if i := strings.Index(lines.Text(), "http://"); i >= 0 {
			go io.Copy(io.Discard, stdout)
			return lines.Text(), strings.Fields(lines.Text()[i:])[0], stop
		}
	}
	t.Fatalf("printed no URL: %v; stderr:\n%s", stop(), stderr.String())
	return "", "", nil
}

func TestDemoServesTheSampleArchive(t *testing.T) {
	_, base, stop := startServing(t, func(ctx context.Context, stdout, stderr io.Writer) error {
		return runDemo(ctx, demoOptions{addr: "127.0.0.1:0"}, stdout, stderr)
	})
	get := func(path string) string {
		t.Helper()
		return getPage(t, base+path)
	}
	front := get("")
	if !strings.Contains(front, "#techrights") {
		t.Errorf("front page does not list #techrights")
	}
	day := get("techrights/techrights/2026-02-02.html")
	if !strings.Contains(day, "IRC Proceedings: Monday, February 02, 2026") {
		t.Errorf("day page lacks its title")
	}
	txt := get("techrights/techrights/2026-02-02.txt")
	if !strings.HasPrefix(txt, "--- IRC logs for Monday, February 02, 2026\n") {
		t.Errorf("plain-text twin starts %q", txt[:min(80, len(txt))])
	}
	if s := get("search?q=belarus"); !strings.Contains(s, "<mark>") {
		t.Errorf("search for belarus highlights nothing")
	}
	if s := get("series/from-belarus-with-love.html"); !strings.Contains(s, "No-Go Zone") {
		t.Errorf("series page lacks part X")
	}
	if err := stop(); err != nil {
		t.Fatalf("demo did not stop cleanly: %v", err)
	}
}

func TestRedactRemovesLinesFromArchiveAndPages(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	appendToTechrights(t, dir, time.Minute,
		event.Event{Kind: event.KindMessage, Nick: "alice", Text: "hello"},
		event.Event{Kind: event.KindMessage, Nick: "doxer", Text: "her address is 221B Baker Street"},
		event.Event{Kind: event.KindMessage, Nick: "bob", Text: "please don't"},
	)
	redactWhere := func(q archive.RedactQuery, from, to string, dryRun bool) (string, string, int) {
		q.Channel = "#techrights"
		return call(t, redact, redactOptions{global: configIn(dir), query: q, from: from, to: to, dryRun: dryRun})
	}
	// A dry run that matches nothing.
	if _, errOut, code := redactWhere(archive.RedactQuery{Nick: "nobody"}, "", "", true); code != 0 {
		t.Fatalf("dry run: %s", errOut)
	}
	if _, errOut, code := call(t, renderSite, renderOptions{global: configIn(dir)}); code != 0 {
		t.Fatalf("render: %s", errOut)
	}
	page := filepath.Join(dir, "public", "testnet", "techrights", "2026-02-02")
	if html, _ := os.ReadFile(page + ".html"); !strings.Contains(string(html), "221B") {
		t.Fatalf("the rendered page lacks the line to redact")
	}
	out, _, code := redactWhere(archive.RedactQuery{Match: "baker street"}, "", "", true)
	if code != 0 || !strings.Contains(out, "would remove 1 line(s)") {
		t.Fatalf("dry run: %d %q", code, out)
	}
	if html, _ := os.ReadFile(page + ".html"); !strings.Contains(string(html), "221B") {
		t.Fatalf("the dry run removed the line")
	}
	out, errOut, code := redactWhere(archive.RedactQuery{Nick: "doxer"}, "2026-02-02", "2026-02-02", false)
	if code != 0 || !strings.Contains(out, "removed 1 line(s)") {
		t.Fatalf("redact: %d %q %q", code, out, errOut)
	}
	for _, ext := range []string{".html", ".txt", ".gmi"} {
		body, err := os.ReadFile(page + ext)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(body), "221B") || !strings.Contains(string(body), "please") {
			t.Errorf("%s after redaction:\n%s", ext, body)
		}
	}
	if out, _, _ := call(t, search, searchOptions{global: configIn(dir), all: true, limit: 20, order: "newest", words: []string{"baker"}}); strings.Contains(out, "221B") {
		t.Errorf("search still finds the redacted line: %q", out)
	}
}

// With site.render false, render still renders (it is asked to) and
// redact leaves the pages to the process that renders: the days it
// changed carry a new revision, so that process's next render drops the
// lines.
func TestRedactLeavesTheSiteToItsRenderer(t *testing.T) {
	dir := writeConfig(t, minimalConfig+"  render: false\n")
	appendToTechrights(t, dir, time.Minute,
		event.Event{Kind: event.KindMessage, Nick: "doxer", Text: "her address is 221B Baker Street"},
		event.Event{Kind: event.KindMessage, Nick: "bob", Text: "please don't"},
	)
	if _, errOut, code := call(t, renderSite, renderOptions{global: configIn(dir)}); code != 0 {
		t.Fatalf("render: %s", errOut)
	}
	page := filepath.Join(dir, "public", "testnet", "techrights", "2026-02-02.html")
	if html, _ := os.ReadFile(page); !strings.Contains(string(html), "221B") {
		t.Fatalf("render with site.render false did not render the day")
	}
	out, errOut, code := call(t, redact, redactOptions{global: configIn(dir), query: archive.RedactQuery{Channel: "#techrights", Nick: "doxer"}})
	if code != 0 || !strings.Contains(out, "removed 1 line(s)") || !strings.Contains(out, "site.render is false") || strings.Contains(out, "re-rendered") {
		t.Fatalf("redact: %d %q %q", code, out, errOut)
	}
	if html, _ := os.ReadFile(page); !strings.Contains(string(html), "221B") {
		t.Fatalf("redact rendered the site although site.render is false")
	}
	if _, errOut, code := call(t, renderSite, renderOptions{global: configIn(dir)}); code != 0 {
		t.Fatalf("render: %s", errOut)
	}
	if html, _ := os.ReadFile(page); strings.Contains(string(html), "221B") || !strings.Contains(string(html), "please") {
		t.Errorf("the next render kept the redacted line:\n%s", html)
	}
}

// A dry run reads only: it creates no archive where there is none, and it
// shows the first lines it would remove. A range that ends before it starts
// is refused, as export refuses it.
func TestRedactDryRunReadsOnly(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	path := filepath.Join(dir, "data/archive.db")
	doxer := redactOptions{global: configIn(dir), query: archive.RedactQuery{Channel: "#techrights", Nick: "doxer"}, dryRun: true}
	_, errOut, code := call(t, redact, doxer)
	if code == 0 || !strings.Contains(errOut, "no archive at "+path) {
		t.Errorf("dry run without an archive: %d %q", code, errOut)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatalf("the dry run created %s", path)
	}

	var lines []event.Event
	for i := range 25 {
		lines = append(lines, event.Event{Kind: event.KindMessage, Nick: "doxer", Text: fmt.Sprintf("address number %d", i)})
	}
	appendToTechrights(t, dir, time.Minute, lines...)
	out, errOut, code := call(t, redact, doxer)
	if code != 0 {
		t.Fatalf("dry run: %d %q", code, errOut)
	}
	for _, want := range []string{"would remove 25 line(s)", "2026-02-02 [14:00:00] <doxer> address number 0\n", "[14:19:00] <doxer> address number 19\n", "and 5 more"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "address number 20") {
		t.Errorf("dry run shows more than 20 lines:\n%s", out)
	}
	for _, fromTo := range [][2]string{
		{"2026-02-03", "2026-02-02"},
		{"2026-02-02T15:00:00Z", "2026-02-02T14:00:00Z"},
	} {
		backwards := doxer
		backwards.from, backwards.to, backwards.dryRun = fromTo[0], fromTo[1], false
		if _, errOut, code := call(t, redact, backwards); code == 0 || !strings.Contains(errOut, "--to") || !strings.Contains(errOut, "--from") {
			t.Errorf("--from %s --to %s: %d %q", fromTo[0], fromTo[1], code, errOut)
		}
	}
	if out := exportAll(t, dir, "#techrights"); strings.Count(out, "doxer") != 25 {
		t.Errorf("lines were removed:\n%s", out)
	}
}

// demo --keep refuses a directory that is not empty, and leaves a bot.yaml
// in the one it keeps, with which ask, search and stats work on the demo.
func TestDemoKeep(t *testing.T) {
	used := t.TempDir()
	if err := os.WriteFile(filepath.Join(used, "archive.db"), []byte("my real archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := call(t, runDemo, demoOptions{keep: used, addr: "127.0.0.1:0"})
	if code == 0 || !strings.Contains(errOut, "not empty") || !strings.Contains(errOut, "archive.db") || !strings.Contains(errOut, "empty or new directory") {
		t.Fatalf("demo --keep into a used directory: %d %q", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(used, "archive.db")); string(b) != "my real archive" {
		t.Fatalf("demo --keep overwrote a file")
	}

	keep := filepath.Join(t.TempDir(), "kept")
	_, _, stop := startServing(t, func(ctx context.Context, stdout, stderr io.Writer) error {
		return runDemo(ctx, demoOptions{keep: keep, addr: "127.0.0.1:0"}, stdout, stderr)
	})
	conf := filepath.Join(keep, "bot.yaml")
	elsewhere := t.TempDir() // paths in the file are relative to it, not to the current directory
	if out, _, code := run(t, elsewhere, "check", "-c", conf); code != 0 || strings.TrimSpace(out) != "ok" {
		t.Errorf("check of the kept demo's bot.yaml: %d %q", code, out)
	}
	kept := configIn(keep)
	askKept := func(line string) (string, string, int) {
		return call(t, ask, askOptions{global: kept, nick: "console", userhost: "console@localhost", words: []string{line}})
	}
	// Without series words: the series the demo's bot announced last, as
	// its log shows (not the one published last).
	if out, errOut, code := askKept("!part 10"); code != 0 || !strings.Contains(out, "From Belarus With Love — Part X") {
		t.Errorf("ask '!part 10' on the kept demo: code %d, out %q, err %q", code, out, errOut)
	}
	if out, errOut, code := askKept("!part 10 belarus"); code != 0 || !strings.Contains(out, "Part X") {
		t.Errorf("ask on the kept demo: %d %q %q", code, out, errOut)
	}
	if out, errOut, code := call(t, search, searchOptions{global: kept, limit: 20, order: "newest", words: []string{"belarus"}}); code != 0 || !strings.Contains(out, "#techrights") {
		t.Errorf("search on the kept demo: %d %q %q", code, out, errOut)
	}
	if out, errOut, code := call(t, stats, statsOptions{global: kept, channelDays: channelDays{channel: "#techrights"}, top: 10}); code != 0 || !strings.Contains(out, "top talkers") {
		t.Errorf("stats on the kept demo: %d %q %q", code, out, errOut)
	}
	if err := stop(); err != nil {
		t.Fatalf("demo --keep did not stop cleanly: %v", err)
	}
	// The kept directory is not empty now: a second demo refuses it.
	if _, errOut, code := call(t, runDemo, demoOptions{keep: keep, addr: "127.0.0.1:0"}); code == 0 || !strings.Contains(errOut, "not empty") {
		t.Errorf("a second demo --keep into the kept directory: %d %q", code, errOut)
	}
}
