package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

var referenceArea = area{
	key:   "reference",
	title: "Reference tools baseline",
	method: "The Debian reference tools on the same corpus as irssi logs, one run each, timed around the process; CPU time " +
		"from the child's rusage and peak RSS through GNU time (`/usr/bin/time -f %M`). Our figures on the same lines (import, render, " +
		"statistics) are in the site and import table, each beside the reference tool's figure from this table.",
	run: runReference,
}

func runReference(ctx context.Context, e *env) ([]result, error) {
	tc, err := e.text(e.size.RefLines)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(e.workDir, "reference")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	lines := float64(tc.Lines)
	type tool struct {
		label  string
		name   string
		args   []string
		noRate bool // lines per second means nothing for this run
	}
	l2hOut := filepath.Join(out, "logs2html")
	tools := []tool{
		{label: "irclog2html, one file", name: "irclog2html", args: []string{"-o", filepath.Join(out, "irclog2html.html"), tc.AllLog}},
		{label: "logs2html, one file per day", name: "logs2html", args: []string{"-o", l2hOut, tc.DaysDir}},
		{label: "logs2html again, nothing changed", name: "logs2html", args: []string{"-o", l2hOut, tc.DaysDir}, noRate: true},
		{label: "pisg, statistics of the channel", name: "pisg", args: []string{"-s", "-ch", defaultSpec(0, 0).Channel, "-f", "irssi",
			"-l", tc.AllLog, "-o", filepath.Join(out, "pisg.html")}},
	}
	var rows []result
	for _, t := range tools {
		e.log.Info("reference: running", "tool", t.label, "lines", tc.Lines)
		tctx, cancel := context.WithTimeout(ctx, e.size.ToolBudget)
		r, err := runTool(tctx, out, nil, true, t.name, t.args...)
		timedOut := tctx.Err() != nil && ctx.Err() == nil
		cancel()
		if timedOut {
			e.notef("%s did not finish within %s on %s lines and was stopped: no figures for it.", t.label, e.size.ToolBudget, num(lines))
			continue
		}
		if err != nil {
			return nil, err
		}
		keepRefRun(t.label, tc.Lines, r) // the site area sets our figures beside these
		rows = append(rows, result{Metric: fmt.Sprintf("%s, %s lines: wall time", t.label, num(lines)),
			Reference: ptr(r.Wall.Seconds()), RefTool: t.name, Unit: "s", Better: lower,
			Note: fmt.Sprintf("CPU %s s user + %s s sys", num(r.User.Seconds()), num(r.Sys.Seconds()))})
		if !t.noRate {
			rows = append(rows, result{Metric: fmt.Sprintf("%s: lines per second", t.label),
				Reference: ptr(lines / r.Wall.Seconds()), RefTool: t.name, Unit: "lines/s", Better: higher})
		}
		if r.MaxRSS > 0 {
			rows = append(rows, result{Metric: fmt.Sprintf("%s: peak RSS", t.label),
				Reference: ptr(float64(r.MaxRSS) / 1e6), RefTool: t.name, Unit: "MB", Better: lower})
		}
	}
	e.noteMissingTimeTool()
	e.notef("Input: %s lines over %s days (%s MB of irssi logs, %s to %s).",
		num(lines), num(float64(tc.Days)), num(float64(tc.Bytes)/1e6), tc.First, tc.Last)
	return rows, nil
}
