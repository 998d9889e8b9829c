package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

var serveArea = area{
	key:   "serve",
	title: "Serving under load while recording (issue 8)",
	method: "`BenchmarkDayPageUnderLoad` (cmd/proceedings) run once: the real binary as `proceedings run --serve` records " +
		"a channel on a real ngIRCd on loopback while `wrk -t 2 -c 50 --latency` (Debian's wrk) fetches one day page of " +
		"the archive (2,500 lines) for the time given, and a client says a line in the channel every 20 ms all along. " +
		"Afterwards the archive is read: every line said during the load must be there, once, in order. wrk, the bot, " +
		"the IRC server and the client share the machine's cores.",
	run: runServe,
}

func runServe(ctx context.Context, e *env) ([]result, error) {
	seconds, days := 30, 40
	if e.size.Name == "small" {
		seconds, days = 5, 10
	}
	b, err := runOneGoBench(ctx, e, "./cmd/proceedings/", "BenchmarkDayPageUnderLoad",
		fmt.Sprintf("PROCEEDINGS_LOAD_SECONDS=%d", seconds), fmt.Sprintf("PROCEEDINGS_LOAD_DAYS=%d", days))
	if err != nil {
		return nil, err
	}
	get := func(unit string) *float64 {
		if v, ok := b.metric(unit); ok {
			return ptr(v)
		}
		return nil
	}
	said, ok := b.metric("lines-said")
	if !ok {
		return nil, fmt.Errorf("%s reported no lines-said", b.Name)
	}
	load := fmt.Sprintf("50 connections, %d s, archive of %s lines", seconds, num(float64(days*2500)))
	return []result{
		{Metric: "Day page over HTTP while recording: requests per second (" + load + ")", Ours: get("req/s"), Unit: "req/s", Better: higher},
		{Metric: "Day page over HTTP while recording: latency p50", Ours: get("p50-ms"), Unit: "ms", Better: lower},
		{Metric: "Day page over HTTP while recording: latency p99", Ours: get("p99-ms"), Unit: "ms", Better: lower},
		{Metric: "Lines said in the channel during the load and missing from the archive afterwards", Ours: get("lost-lines"),
			Unit: "lines", Better: lower, Target: &goal{"<=", 0}, Note: fmt.Sprintf("%s lines said, one every 20 ms", num(said))},
	}, nil
}

// runOneGoBench runs one Go benchmark of the module once (-benchtime 1x)
// with extra environment variables, and returns its reported metrics.
func runOneGoBench(ctx context.Context, e *env, pkg, name string, env ...string) (goBench, error) {
	e.log.Info("running a Go benchmark", "pkg", pkg, "name", name, "env", strings.Join(env, " "))
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	r, err := runTool(ctx, e.root, env, false, goTool(), "test", "-run", "^$", "-bench", "^"+name+"$", "-benchtime", "1x",
		"-count", "1", "-vet=off", "-timeout", "15m", pkg)
	benches, failures, _ := parseGoBench(r.Stdout)
	if err != nil || len(failures) > 0 || len(benches) != 1 {
		return goBench{}, fmt.Errorf("%s %s: %v %s\n%s", pkg, name, err, strings.Join(failures, "; "), tailText(r.Stdout))
	}
	return benches[0], nil
}

// tailText is the end of a command's output, for an error message.
func tailText(b []byte) string {
	const keep = 4000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}
