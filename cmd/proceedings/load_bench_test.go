package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive/sqlite"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
	"proceedings/internal/ircserver"
	"proceedings/sitepath"
)

// BenchmarkDayPageUnderLoad is issue 8's load test: `proceedings run
// --serve` records a channel on a real ngIRCd while wrk (50 connections)
// fetches a day page, and a client says a line every 20 ms all along. It
// reports wrk's requests/s and latency percentiles, and how many of the
// lines said during the load are missing from the archive afterwards
// (lost-lines, which must be 0) or out of order. make bench's serve area
// runs it for 30 s on a larger archive (PROCEEDINGS_LOAD_SECONDS,
// PROCEEDINGS_LOAD_DAYS); plain go test -bench runs it for 5 s.
func BenchmarkDayPageUnderLoad(b *testing.B) {
	if _, err := exec.LookPath("wrk"); err != nil {
		b.Fatal("wrk is not installed (make bench installs it): ", err)
	}
	seconds := envInt(b, "PROCEEDINGS_LOAD_SECONDS", 5)
	days := envInt(b, "PROCEEDINGS_LOAD_DAYS", 10)
	const perDay = 2500

	srv := ircserver.Start(b, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := b.TempDir()
	cfgPath := filepath.Join(dir, "bot.yaml")
	dbPath := filepath.Join(dir, "archive.db")
	if err := os.WriteFile(cfgPath, []byte(runConfig(srv.Addr(), dbPath, "#techrights")), 0o644); err != nil {
		b.Fatal(err)
	}
	logDir := filepath.Join(dir, "logs")
	os.MkdirAll(logDir, 0o755)
	writeIrssiDays(b, logDir, days, perDay)
	imp := exec.Command(binary, "import", "-c", cfgPath, "--channel", "#techrights", "--timezone", "UTC", logDir)
	if out, err := imp.CombinedOutput(); err != nil {
		b.Fatalf("import: %v\n%s", err, out)
	}
	serveAddr := freeAddr(b)

	alice := ircserver.Dial(b, srv.Addr(), "alice")
	alice.Join("#techrights")
	bot, out := startRun(b, cfgPath, "--serve", serveAddr)
	out.waitFor(b, `"msg":"rendered the site"`)
	alice.Expect(30*time.Second, joined("proceedings", "#techrights"))
	page := "http://" + serveAddr + "/" + sitepath.DayPath("testnet", "#techrights", event.Date{Year: 2024, Month: 1, Day: 1})

	var wrkOut []byte
	sent := 0
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(seconds+60)*time.Second)
		wrk := exec.CommandContext(ctx, "wrk", "-t", "2", "-c", "50", "-d", fmt.Sprintf("%ds", seconds), "--latency", page)
		done := make(chan error, 1)
		go func() {
			var err error
			wrkOut, err = wrk.CombinedOutput()
			done <- err
		}()
		tick := time.NewTicker(20 * time.Millisecond)
	speak:
		for {
			select {
			case err := <-done:
				if err != nil {
					cancel()
					b.Fatalf("wrk: %v\n%s", err, wrkOut)
				}
				break speak
			case <-tick.C:
				sent++
				alice.Send("PRIVMSG #techrights :load line %d", sent)
			}
		}
		tick.Stop()
		cancel()
	}
	// Once the server answered this PING it has passed every line on.
	alice.Send("PING :sync")
	alice.Expect(10*time.Second, func(l string) bool { return strings.Contains(l, "PONG") && strings.HasSuffix(l, "sync") })
	bot.Process.Signal(syscall.SIGTERM)
	if err := bot.Wait(); err != nil {
		b.Fatalf("the bot after SIGTERM: %v\n%s", err, out.String())
	}

	db, err := sqlite.Open(context.Background(), dbPath, archive.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ch, err := db.FindChannel(context.Background(), "testnet", "#techrights")
	if err != nil {
		b.Fatal(err)
	}
	got, outOfOrder := 0, 0
	err = db.Range(context.Background(), ch.ID, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), archive.AllFields, func(ev event.Event) error {
		var n int
		if ev.Nick == "alice" && ev.Kind == event.KindMessage {
			if _, err := fmt.Sscanf(ev.Text, "load line %d", &n); err == nil {
				got++
				if n != got {
					outOfOrder++
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	rps, p50, p99, non2xx, err := parseWrk(string(wrkOut))
	if err != nil {
		b.Fatalf("%v:\n%s", err, wrkOut)
	}
	if non2xx > 0 {
		b.Errorf("%d answers were not 2xx/3xx:\n%s", non2xx, wrkOut)
	}
	if got != sent || outOfOrder > 0 {
		b.Errorf("the bot recorded %d of the %d lines said during the load, %d out of order", got, sent, outOfOrder)
	}
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p99, "p99-ms")
	b.ReportMetric(float64(sent), "lines-said")
	b.ReportMetric(float64(sent-got), "lost-lines")
	b.ReportMetric(float64(seconds), "load-s")
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

var (
	wrkRate    = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkPercent = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`(?m)^\s*Non-2xx or 3xx responses:\s+(\d+)`)
)

// parseWrk reads wrk --latency's report: requests per second, the 50th and
// 99th latency percentiles in milliseconds, and the count of answers that
// were not 2xx or 3xx.
func parseWrk(s string) (rps, p50, p99 float64, non2xx int, err error) {
	m := wrkRate.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, 0, 0, fmt.Errorf("wrk printed no Requests/sec line")
	}
	rps, _ = strconv.ParseFloat(m[1], 64)
	found := 0
	for _, m := range wrkPercent.FindAllStringSubmatch(s, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if m[1] == "50" {
			p50 = v
		} else {
			p99 = v
		}
		found++
	}
	if found != 2 {
		return 0, 0, 0, 0, fmt.Errorf("wrk printed no latency distribution")
	}
	if m := wrkNon2xx.FindStringSubmatch(s); m != nil {
		non2xx, _ = strconv.Atoi(m[1])
	}
	return rps, p50, p99, non2xx, nil
}

func TestParseWrk(t *testing.T) {
	report := `Running 5s test @ http://127.0.0.1:1/x.html
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.10ms    8.01ms  95.20ms   80.00%
  Latency Distribution
     50%  950.00us
     75%   14.00ms
     90%   20.00ms
     99%    1.20s
  16700 requests in 5.00s, 1.10GB read
  Non-2xx or 3xx responses: 3
Requests/sec:   3339.52
Transfer/sec:    225.00MB
`
	rps, p50, p99, non2xx, err := parseWrk(report)
	if err != nil || rps != 3339.52 || p50 != 0.95 || p99 != 1200 || non2xx != 3 {
		t.Fatalf("parseWrk: %v %v %v %v %v", rps, p50, p99, non2xx, err)
	}
	if _, _, _, _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Fatal("a report without figures was accepted")
	}
}
