package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive/sqlite"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
	"proceedings/internal/ircserver"
)

// The benchmarks in this file put the real proceedings binary beside
// Limnoria (Debian's limnoria; make bench installs it) on one ngIRCd, with
// the same client doing the same thing to both, for issues 4 and 5. make
// bench's irc area runs them with the sizes; plain go test -bench
// runs them small.

// startLimnoria starts Limnoria in its own directory under dir with the
// given plugins and settings, and returns the process, already on its way to
// joining channel as nick.
func startLimnoria(b *testing.B, dir, addr, nick, channel string, plugins []string, extra ...[2]string) *exec.Cmd {
	b.Helper()
	ldir := filepath.Join(dir, "limnoria-"+nick)
	if err := os.MkdirAll(ldir, 0o755); err != nil {
		b.Fatal(err)
	}
	conf := filepath.Join(ldir, nick+".conf")
	text := ircserver.LimnoriaConfig(ldir, "testnet", addr, nick, channel, plugins, extra...)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	args := ircserver.LimnoriaArgs(conf)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = ldir
	var out lockedBuffer
	out.changed = make(chan struct{}, 1)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		b.Fatalf("start Limnoria (make bench installs Debian's limnoria): %v", err)
	}
	b.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		}
	})
	return cmd
}

// startBot starts `proceedings run` on cfgPath and waits until it joined.
func startBot(b *testing.B, cfgPath string, watcher *ircserver.Client, channel string) (*exec.Cmd, *lockedBuffer) {
	b.Helper()
	bot, out := startRun(b, cfgPath)
	watcher.Expect(30*time.Second, joined("proceedings", channel))
	return bot, out
}

// memory returns a process's resident set, its peak and the part of it
// that is mapped files (the executable and libraries), in MiB.
func memory(b *testing.B, pid int) (rss, peak, files float64) {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		case "RssFile:":
			files = kb / 1024
		}
	}
	return rss, peak, files
}

// numbered reads the numbers n of lines "… <prefix>n" in order.
func numbered(text, prefix string) []int {
	var out []int
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		_, after, ok := strings.Cut(sc.Text(), prefix)
		if !ok {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(after)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// kept counts how many of 1..n appear exactly once and in order.
func kept(got []int, n int) int {
	k := 0
	for i, v := range got {
		if v == i+1 && i < n {
			k++
		}
	}
	return k
}

// BenchmarkBurstBesideLimnoria: a client says PROCEEDINGS_BURST_LINES lines
// (default 10,000) as fast as it can in a channel where proceedings and
// Limnoria's ChannelLogger (flushImmediately) both record. For each: lines
// kept (each once, in order), the time from the last line sent until the
// recorder has it on disk (for proceedings: committed, synchronous=FULL; for
// Limnoria: written to its log file), the recording rate over the burst,
// and the resident memory after it. With PROCEEDINGS_RSS_EVENTS set,
// Limnoria then leaves and the client goes on until proceedings has
// recorded that many lines in all, for its memory after a million events.
// settle is how long the burst benchmark lets the bot sit quiet before
// it reads its settled resident memory.
const settle = 10 * time.Second

func BenchmarkBurstBesideLimnoria(b *testing.B) {
	n := envInt(b, "PROCEEDINGS_BURST_LINES", 10000)
	rssEvents := 0
	if os.Getenv("PROCEEDINGS_RSS_EVENTS") != "" {
		rssEvents = envInt(b, "PROCEEDINGS_RSS_EVENTS", 0)
	}
	srv := ircserver.Start(b, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := b.TempDir()
	cfgPath := filepath.Join(dir, "bot.yaml")
	dbPath := filepath.Join(dir, "archive.db")
	if err := os.WriteFile(cfgPath, []byte(runConfig(srv.Addr(), dbPath, "#burst")), 0o644); err != nil {
		b.Fatal(err)
	}
	alice := ircserver.Dial(b, srv.Addr(), "alice")
	alice.Join("#burst")
	// reader is a plain client in the channel: when it has the burst's
	// last line, so could any client; the bot cannot record it sooner.
	reader := ircserver.Dial(b, srv.Addr(), "reader")
	reader.Join("#burst")
	bot, _ := startBot(b, cfgPath, alice, "#burst")
	lim := startLimnoria(b, dir, srv.Addr(), "limlog", "#burst", []string{"ChannelLogger"})
	alice.Expect(60*time.Second, joined("limlog", "#burst"))

	db, err := sqlite.Open(context.Background(), dbPath, archive.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	linesInArchive := func() int {
		ch, err := db.FindChannel(ctx, "testnet", "#burst")
		if err != nil {
			return 0
		}
		days, err := db.Calendar(ctx, ch.ID)
		if err != nil {
			b.Fatal(err)
		}
		total := 0
		for _, d := range days {
			total += d.Lines
		}
		return total
	}
	limLog := func() string {
		files, _ := filepath.Glob(filepath.Join(dir, "limnoria-limlog", "logs", "ChannelLogger", "*", "*", "*.log"))
		var all bytes.Buffer
		for _, f := range files {
			data, _ := os.ReadFile(f)
			all.Write(data)
		}
		return all.String()
	}
	// limLines counts Limnoria's burst lines, reading only what its logs
	// gained since the last call: the poll must not eat the CPU the two
	// loggers share.
	read := map[string]int64{}
	limCount := 0
	limLines := func() int {
		files, _ := filepath.Glob(filepath.Join(dir, "limnoria-limlog", "logs", "ChannelLogger", "*", "*", "*.log"))
		for _, f := range files {
			fh, err := os.Open(f)
			if err != nil {
				continue
			}
			data, _ := io.ReadAll(io.NewSectionReader(fh, read[f], 1<<40))
			fh.Close()
			if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
				limCount += bytes.Count(data[:i+1], []byte("<alice> burst line "))
				read[f] += int64(i + 1)
			}
		}
		return limCount
	}

	var start, sentLast, oursDone, limDone time.Time
	var oursLat, limLat []time.Duration // per burst line, sent → seen on disk
	readerDone := make(chan time.Time, 1)
	for b.Loop() {
		go func() {
			lastLine := fmt.Sprintf(" PRIVMSG #burst :burst line %d", n)
			reader.Expect(2*time.Minute, func(l string) bool { return strings.HasSuffix(l, lastLine) })
			readerDone <- time.Now()
		}()
		base := linesInArchive()
		sentAt := make([]time.Time, n)
		start = time.Now()
		for i := 1; i <= n; i++ {
			alice.Send("PRIVMSG #burst :burst line %d", i)
			sentAt[i-1] = time.Now()
		}
		sentLast = time.Now()
		// Watch both until each has everything, or stalls for 20 s. Lines
		// arrive in order, so the lines a poll finds new were committed
		// (written) since the poll before: each line's latency is from its
		// send to the first poll that saw it.
		last, lastLim, lastChange := -1, -1, time.Now()
		for oursDone.IsZero() || limDone.IsZero() {
			o, l := linesInArchive(), limLines()
			now := time.Now()
			for k := len(oursLat); k < min(o-base, n); k++ {
				oursLat = append(oursLat, now.Sub(sentAt[k]))
			}
			for k := len(limLat); k < min(l, n); k++ {
				limLat = append(limLat, now.Sub(sentAt[k]))
			}
			if oursDone.IsZero() && o >= n {
				oursDone = now
			}
			if limDone.IsZero() && l >= n {
				limDone = now
			}
			if o != last || l != lastLim {
				last, lastLim, lastChange = o, l, now
			} else if now.Sub(lastChange) > 20*time.Second {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	oursRSS, _, _ := memory(b, bot.Process.Pid)
	limRSS, _, _ := memory(b, lim.Process.Pid)

	// What each kept, read back.
	ch, err := db.FindChannel(ctx, "testnet", "#burst")
	if err != nil {
		b.Fatal(err)
	}
	var ours []int
	err = db.Range(ctx, ch.ID, start.Add(-time.Minute), time.Now().Add(time.Hour), archive.AllFields, func(ev event.Event) error {
		if ev.Nick == "alice" && ev.Kind == event.KindMessage {
			ours = append(ours, numbered(ev.Text, "burst line ")...)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	oursKept, limKept := kept(ours, n), kept(numbered(limLog(), "<alice> burst line "), n)
	if oursKept != n || len(ours) != n {
		b.Errorf("proceedings kept %d of %d burst lines in order (%d recorded)", oursKept, n, len(ours))
	}
	b.ReportMetric(float64(n), "lines-sent")
	b.ReportMetric(sentLast.Sub(start).Seconds()*1000, "send-ms")
	b.ReportMetric(float64(oursKept), "ours-kept")
	b.ReportMetric(float64(limKept), "limnoria-kept")
	for _, side := range []struct {
		name string
		lat  []time.Duration
	}{{"ours", oursLat}, {"limnoria", limLat}} {
		if len(side.lat) == n {
			b.ReportMetric(percentileMS(side.lat, 50), side.name+"-p50-ms")
			b.ReportMetric(percentileMS(side.lat, 99), side.name+"-p99-ms")
		}
	}
	if !oursDone.IsZero() {
		b.ReportMetric(float64(oursDone.Sub(sentLast).Milliseconds()), "ours-last-ms")
		b.ReportMetric(float64(n)/oursDone.Sub(start).Seconds(), "ours-lines/s")
	}
	if !limDone.IsZero() {
		b.ReportMetric(float64(limDone.Sub(sentLast).Milliseconds()), "limnoria-last-ms")
		b.ReportMetric(float64(n)/limDone.Sub(start).Seconds(), "limnoria-lines/s")
	}
	select {
	case t := <-readerDone:
		b.ReportMetric(float64(t.Sub(sentLast).Milliseconds()), "reader-last-ms")
	case <-time.After(2 * time.Minute):
		b.Error("the plain client did not get the burst's last line")
	}
	b.ReportMetric(oursRSS, "ours-rss-MiB")
	b.ReportMetric(limRSS, "limnoria-rss-MiB")

	if rssEvents > n {
		// Limnoria leaves: it would fall far behind on a million lines.
		lim.Process.Signal(syscall.SIGTERM)
		lim.Wait()
		const chunk = 20000
		for sent := n; sent < rssEvents; {
			m := min(chunk, rssEvents-sent)
			for i := range m {
				alice.Send("PRIVMSG #burst :more line %d", sent+i+1)
			}
			sent += m
			// Keep the server's queue to the bot short: wait until the bot
			// is within one chunk of the client.
			deadline := time.Now().Add(2 * time.Minute)
			for linesInArchive() < sent-chunk {
				if time.Now().After(deadline) {
					b.Fatalf("proceedings fell behind: %d of %d lines after two minutes", linesInArchive(), sent)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		deadline := time.Now().Add(2 * time.Minute)
		for linesInArchive() < rssEvents {
			if time.Now().After(deadline) {
				b.Fatalf("proceedings recorded %d of %d lines", linesInArchive(), rssEvents)
			}
			time.Sleep(20 * time.Millisecond)
		}
		rss, peak, files := memory(b, bot.Process.Pid)
		b.ReportMetric(float64(rssEvents), "rss-events")
		b.ReportMetric(rss, "ours-rss-after-MiB")
		b.ReportMetric(peak, "ours-peak-rss-MiB")
		b.ReportMetric(files, "ours-rss-files-MiB")
		// And once the bot has been quiet for a while, as it is between
		// the bursts of a real channel.
		time.Sleep(settle)
		settled, _, _ := memory(b, bot.Process.Pid)
		b.ReportMetric(settled, "ours-rss-settled-MiB")
	}
	bot.Process.Signal(syscall.SIGTERM)
	if err := bot.Wait(); err != nil {
		b.Errorf("proceedings after SIGTERM: %v", err)
	}
}

// BenchmarkRepliesBesideLimnoria: one client asks, one request at a time
// (PROCEEDINGS_REQUESTS, default 200), `!part 10` and `!search patents` (a
// word in one line of 30) of proceedings on an archive of PROCEEDINGS_REPLY_DAYS × 2,500
// lines (default 4 days), and `echo` of Limnoria (which looks nothing up;
// its output throttle and flood protection off), on one ngIRCd; the time
// from sending a request to reading the first line of its answer, p50 and
// p99. proceedings' flood limits are raised for the run so that no request
// is dropped, and so is its output pace (commands.rate.output), as
// Limnoria's throttle is off.
func BenchmarkRepliesBesideLimnoria(b *testing.B) {
	requests := envInt(b, "PROCEEDINGS_REQUESTS", 200)
	days := envInt(b, "PROCEEDINGS_REPLY_DAYS", 4)
	srv := ircserver.Start(b, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := b.TempDir()
	cfgPath := filepath.Join(dir, "bot.yaml")
	dbPath := filepath.Join(dir, "archive.db")
	cfg := runConfig(srv.Addr(), dbPath, "#techrights") + `commands:
  rate: {per_user: 1000000/1s, per_channel: 1000000/1s, output: 1000000/1s}
series:
  - name: "From Belarus With Love"
    parts:
`
	for i := 1; i <= 12; i++ {
		cfg += fmt.Sprintf("      - {n: %d, title: \"From Belarus With Love — Part %d: a title\", url: \"https://example.org/belarus-%d/\"}\n", i, i, i)
	}
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	logDir := filepath.Join(dir, "logs")
	os.MkdirAll(logDir, 0o755)
	lines := writeIrssiDays(b, logDir, days, 2500)
	if out, err := exec.Command(binary, "import", "-c", cfgPath, "--channel", "#techrights", "--timezone", "UTC", logDir).CombinedOutput(); err != nil {
		b.Fatalf("import: %v\n%s", err, out)
	}
	alice := ircserver.Dial(b, srv.Addr(), "alice")
	alice.Join("#techrights")
	bot, botLog := startBot(b, cfgPath, alice, "#techrights")
	startLimnoria(b, dir, srv.Addr(), "limbot", "#techrights", []string{"Utilities"},
		[2]string{"supybot.protocols.irc.throttleTime", "0.0"},
		[2]string{"supybot.abuse.flood.command", "False"})
	alice.Expect(60*time.Second, joined("limbot", "#techrights"))
	// The bot renders the whole site once when it starts (one worker, in
	// the background); the replies are timed in its steady state after.
	botLog.waitFor(b, `"msg":"rendered the site"`)

	timeIt := func(send func(i int), answered func(i int) func(string) bool) (p50, p99 float64) {
		took := make([]time.Duration, requests)
		for i := range requests {
			t := time.Now()
			send(i)
			alice.Expect(10*time.Second, answered(i))
			took[i] = time.Since(t)
		}
		return percentileMS(took, 50), percentileMS(took, 99)
	}
	fromBot := func(nick string) func(int) func(string) bool {
		return func(int) func(string) bool {
			return func(l string) bool {
				return strings.HasPrefix(l, ":"+nick+"!") && strings.Contains(l, " PRIVMSG #techrights :")
			}
		}
	}
	var partP50, partP99, searchP50, searchP99, echoP50, echoP99 float64
	for b.Loop() {
		partP50, partP99 = timeIt(func(int) { alice.Send("PRIVMSG #techrights :!part 10") }, func(int) func(string) bool {
			return func(l string) bool {
				return strings.HasPrefix(l, ":proceedings!") && strings.Contains(l, "Part 10: a title")
			}
		})
		searchP50, searchP99 = timeIt(func(int) { alice.Send("PRIVMSG #techrights :!search patents") }, func(int) func(string) bool {
			return func(l string) bool {
				_, text, _ := strings.Cut(l, " PRIVMSG #techrights :")
				return strings.HasPrefix(l, ":proceedings!") && (strings.Contains(text, " lines match") || strings.HasPrefix(text, "More than"))
			}
		})
		echoP50, echoP99 = timeIt(func(i int) { alice.Send("PRIVMSG #techrights :limbot: echo ping %d", i) }, func(i int) func(string) bool {
			return func(l string) bool {
				return fromBot("limbot")(i)(l) && strings.HasSuffix(l, fmt.Sprintf("ping %d", i))
			}
		})
	}
	b.ReportMetric(float64(lines), "archive-lines")
	b.ReportMetric(float64(requests), "requests")
	b.ReportMetric(partP50, "part-p50-ms")
	b.ReportMetric(partP99, "part-p99-ms")
	b.ReportMetric(searchP50, "search-p50-ms")
	b.ReportMetric(searchP99, "search-p99-ms")
	b.ReportMetric(echoP50, "limnoria-echo-p50-ms")
	b.ReportMetric(echoP99, "limnoria-echo-p99-ms")
	bot.Process.Signal(syscall.SIGTERM)
	bot.Wait()
}

// percentileMS is the p-th percentile of durations, in milliseconds (the
// nearest rank below). It sorts d.
func percentileMS(d []time.Duration, p int) float64 {
	slices.Sort(d)
	return float64(d[p*(len(d)-1)/100].Microseconds()) / 1000
}
