package main

import (
	"context"
	"fmt"
)

var ircArea = area{
	key:   "irc",
	title: "Recording and commands beside Limnoria (issues 4, 5 and 17)",
	method: "Two Go benchmarks of cmd/proceedings, run once, each with one real ngIRCd on loopback, the real `proceedings run` " +
		"binary and Debian's Limnoria in the same channel. `BenchmarkBurstBesideLimnoria`: a client says 10,000 numbered lines " +
		"as fast as the server takes them; proceedings records them (committed with synchronous=FULL) and Limnoria's ChannelLogger " +
		"(flushImmediately) writes them to its log. Each side is polled every 2 ms until it holds every line; kept lines are " +
		"counted once each, in order; a line's latency runs from its send to the first poll that sees it on disk; memory is VmRSS from /proc. Limnoria then leaves and the client goes on until proceedings " +
		"has recorded the number of lines given (its memory after a million events, full size), read at once and again after " +
		"10 s of quiet, as between the bursts of a real channel. `BenchmarkRepliesBesideLimnoria`: " +
		"on an archive of imported lines, once the bot has finished the full render of the site it does when it starts " +
		"(in the background, one worker), one client asks `!part 10`, then `!search patents`, then Limnoria's `echo` (its " +
		"throttleTime 0, command flood protection off; proceedings' flood limits and output pace raised alike), one request at " +
		"a time, timing each from sending the request to reading the first line of the answer.",
	run: runIRC,
}

func runIRC(ctx context.Context, e *env) ([]result, error) {
	burst, rssEvents, requests, days := 10000, 1_000_000, 1000, 400
	if e.size.Name == "small" {
		rssEvents, requests, days = 50_000, 200, 40
	}
	bb, err := runOneGoBench(ctx, e, "./cmd/proceedings/", "BenchmarkBurstBesideLimnoria",
		fmt.Sprintf("PROCEEDINGS_BURST_LINES=%d", burst), fmt.Sprintf("PROCEEDINGS_RSS_EVENTS=%d", rssEvents))
	if err != nil {
		return nil, err
	}
	rb, err := runOneGoBench(ctx, e, "./cmd/proceedings/", "BenchmarkRepliesBesideLimnoria",
		fmt.Sprintf("PROCEEDINGS_REQUESTS=%d", requests), fmt.Sprintf("PROCEEDINGS_REPLY_DAYS=%d", days))
	if err != nil {
		return nil, err
	}
	m := func(b goBench, unit string) *float64 {
		if v, ok := b.metric(unit); ok {
			return ptr(v)
		}
		return nil
	}
	lim := "Limnoria"
	burstN := fmt.Sprintf("%s-line burst", num(float64(burst)))
	archiveN := "archive of " + num(float64(days*2500)) + " lines"
	return []result{
		{Metric: "Lines kept of a " + burstN + " (each once, in order)", Ours: m(bb, "ours-kept"), Reference: m(bb, "limnoria-kept"),
			RefTool: lim, Unit: "lines", Better: higher, Target: &goal{">=", float64(burst)}},
		{Metric: "Recording rate over the " + burstN + ", first line sent to last line on disk", Ours: m(bb, "ours-lines/s"),
			Reference: m(bb, "limnoria-lines/s"), RefTool: lim, Unit: "lines/s", Better: higher, Target: &goal{">=", 100000}},
		{Metric: "Each line of the burst, sent → on disk, p50", Ours: m(bb, "ours-p50-ms"), Reference: m(bb, "limnoria-p50-ms"),
			RefTool: lim, Unit: "ms", Better: lower, Note: "seen by polling every 2 ms: each line's time includes up to one poll"},
		{Metric: "Each line of the burst, sent → on disk, p99", Ours: m(bb, "ours-p99-ms"), Reference: m(bb, "limnoria-p99-ms"),
			RefTool: lim, Unit: "ms", Better: lower},
		{Metric: "Last line of the burst on disk, after it was sent", Ours: m(bb, "ours-last-ms"), Reference: m(bb, "limnoria-last-ms"),
			RefTool: lim, Unit: "ms", Better: lower, Target: &goal{"<=", 300}, Note: noteIf(m(bb, "reader-last-ms"),
				"a plain client in the channel had that line %s ms after it was sent: the server's relay, which no logger can beat")},
		{Metric: "Last line of the burst on disk, after the server relayed it to a plain client", Ours: sub(m(bb, "ours-last-ms"), m(bb, "reader-last-ms")),
			Reference: sub(m(bb, "limnoria-last-ms"), m(bb, "reader-last-ms")), RefTool: lim, Unit: "ms", Better: lower, Target: &goal{"<=", 100}},
		{Metric: "Resident memory after the burst", Ours: m(bb, "ours-rss-MiB"), Reference: m(bb, "limnoria-rss-MiB"), RefTool: lim,
			Unit: "MiB", Better: lower},
		{Metric: fmt.Sprintf("Resident memory right after the last of %s recorded events", num(float64(rssEvents))), Ours: m(bb, "ours-rss-after-MiB"),
			Reference: m(bb, "limnoria-rss-MiB"), RefTool: "Limnoria after the burst", Unit: "MiB", Better: lower,
			Note: fmt.Sprintf("peak %s MiB", num(*m(bb, "ours-peak-rss-MiB"))) + noteIf(m(bb, "ours-rss-files-MiB"),
				"; %s MiB of it is the mapped executable (RssFile), present from the start")},
		{Metric: fmt.Sprintf("Resident memory after %s recorded events, the bot quiet for 10 s", num(float64(rssEvents))),
			Ours: m(bb, "ours-rss-settled-MiB"), Reference: m(bb, "limnoria-rss-MiB"), RefTool: "Limnoria after the burst",
			Unit: "MiB", Better: lower, Target: &goal{"<=", 34.5},
			Note: "the bot returns the memory of a burst once it has been quiet for 2 s (bot/memory.go)"},
		{Metric: "`!part 10` answer, p50 (" + archiveN + ")", Ours: m(rb, "part-p50-ms"), Reference: m(rb, "limnoria-echo-p50-ms"),
			RefTool: "Limnoria echo", Unit: "ms", Better: lower, MinRatio: ptr(1.0)},
		{Metric: "`!part 10` answer, p99", Ours: m(rb, "part-p99-ms"), Reference: m(rb, "limnoria-echo-p99-ms"),
			RefTool: "Limnoria echo", Unit: "ms", Better: lower, MinRatio: ptr(1.0)},
		{Metric: "`!search patents` answer, p50", Ours: m(rb, "search-p50-ms"), Reference: m(rb, "limnoria-echo-p50-ms"),
			RefTool: "Limnoria echo", Unit: "ms", Better: lower},
		{Metric: "`!search patents` answer, p99", Ours: m(rb, "search-p99-ms"), Reference: m(rb, "limnoria-echo-p99-ms"),
			RefTool: "Limnoria echo", Unit: "ms", Better: lower, Target: &goal{"<", 50}},
	}, nil
}

// sub is a − b when both were measured.
func sub(a, b *float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	return ptr(*a - *b)
}

// noteIf formats a note around a measured value, or says nothing when the
// value was not measured.
func noteIf(v *float64, format string) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf(format, num(*v))
}
