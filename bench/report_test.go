package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ds := func(ms ...int) []time.Duration {
		out := make([]time.Duration, len(ms))
		for i, v := range ms {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ds(7), 99, 7 * time.Millisecond},
		{"median of odd", ds(5, 1, 3), 50, 3 * time.Millisecond},
		{"p95 of 20", ds(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100), 95, 19 * time.Millisecond},
		{"p100 is the max", ds(4, 9, 2), 100, 9 * time.Millisecond},
		{"p0 is the min", ds(4, 9, 2), 0, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.in...)
			if got := percentile(tt.in, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.in, tt.p, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatal("percentile reordered its input")
				}
			}
		})
	}
}

func TestNum(t *testing.T) {
	tests := map[float64]string{
		0: "0", 3: "3", 73: "73", 1234567: "1,234,567", 27627.4: "27,627", 189.4: "189",
		14.04: "14.0", 5.7: "5.70", 0.582: "0.582", 0.0806: "0.0806", -2500: "-2,500",
	}
	for in, want := range tests {
		if got := num(in); got != want {
			t.Errorf("num(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestResultFinish(t *testing.T) {
	tests := []struct {
		name      string
		r         result
		wantRatio float64 // 0: no ratio
		wantPass  string  // "", "yes", "no"
	}{
		{"faster throughput is a ratio above 1", result{Ours: ptr(200.0), Reference: ptr(100.0), Better: higher}, 2, ""},
		{"lower latency is a ratio above 1", result{Ours: ptr(5.0), Reference: ptr(50.0), Better: lower}, 10, ""},
		{"target met", result{Ours: ptr(4.9), Better: lower, Target: &goal{"<", 5}}, 0, "yes"},
		{"target missed at the edge", result{Ours: ptr(5.0), Better: lower, Target: &goal{"<", 5}}, 0, "no"},
		{"inclusive target at the edge", result{Ours: ptr(250.0), Better: lower, Target: &goal{"<=", 250}}, 0, "yes"},
		{"both met", result{Ours: ptr(2.0), Reference: ptr(40.0), Better: lower, Target: &goal{"<", 50}, MinRatio: ptr(10.0)}, 20, "yes"},
		{"ratio missed", result{Ours: ptr(5.0), Reference: ptr(40.0), Better: lower, Target: &goal{"<", 50}, MinRatio: ptr(10.0)}, 8, "no"},
		{"no figure of ours fails its target", result{Reference: ptr(40.0), Target: &goal{">=", 1}}, 0, "no"},
		{"reference only: no ratio, no verdict", result{Reference: ptr(3.0), Better: lower}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			r.finish()
			switch {
			case tt.wantRatio == 0 && r.Ratio != nil:
				t.Errorf("ratio %v, want none", *r.Ratio)
			case tt.wantRatio != 0 && (r.Ratio == nil || *r.Ratio != tt.wantRatio):
				t.Errorf("ratio %v, want %v", r.Ratio, tt.wantRatio)
			}
			if got := passCell(r.Pass); strings.Trim(got, "*") != tt.wantPass {
				t.Errorf("pass %q, want %q", got, tt.wantPass)
			}
		})
	}
}

func sampleReport() *report {
	rows := []result{
		{Metric: "Append throughput", Ours: ptr(27627.0), Reference: ptr(106474.0), RefTool: "bare SQLite inserts", Unit: "events/s", Better: higher, Target: &goal{">=", 20000}},
		{Metric: "Day p95 | pipes", Ours: ptr(14.0), Unit: "ms", Better: lower, Target: &goal{"<", 5}, Note: "max 35 ms"},
		{Metric: "pisg wall time", Reference: ptr(5.29), RefTool: "pisg", Unit: "s", Better: lower},
	}
	for i := range rows {
		rows[i].finish()
	}
	return &report{
		Size: "small", Seed: 1, Duration: 33,
		Machine: machine{CPU: "Test CPU", Cores: 2, MemoryGB: 23.5, GoVersion: "go1.26", Commit: "abc1234", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)},
		Corpus:  corpusInfo{ArchiveSize: 100000, RefSize: 100000},
		Areas: []areaSection{
			{Key: "archive", Title: "Archive", Method: "How.", Rows: rows, Notes: []string{"A note."}},
			{Key: "broken", Title: "Broken", Method: "How.", Error: "it broke"},
		},
	}
}

func TestMarkdownReport(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().writeMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"## How to reproduce", "make bench BENCH_SIZE=small",
		"| CPU | Test CPU, 2 cores |", "| Commit | abc1234 |",
		"| Append throughput | 27,627 events/s | 106,474 events/s (bare SQLite inserts) | 0.259× | ≥ 20,000 events/s | yes |  |",
		`| Day p95 \| pipes | 14 ms |  |  | < 5 ms | **no** | max 35 ms |`,
		"| pisg wall time |  | 5.29 s (pisg) |  |  |  |  |",
		"- A note.",
		"**This area failed in this run:** it broke",
		"**Missed targets or failed areas:**", "- Archive: Day p95 | pipes", "- Broken: it broke",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q\n%s", want, md)
		}
	}
}

func TestJSONReportRoundTrips(t *testing.T) {
	var b bytes.Buffer
	rep := sampleReport()
	if err := rep.writeJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	got := back.Areas[0].Rows[0]
	if got.Metric != "Append throughput" || *got.Ours != 27627 || *got.Reference != 106474 || got.Pass == nil || !*got.Pass {
		t.Errorf("row after a round trip: %+v", got)
	}
	if r := back.Areas[0].Rows[2]; r.Ours != nil || r.Pass != nil {
		t.Errorf("a reference-only row gained a figure of ours or a verdict: %+v", r)
	}
	if back.Areas[1].Error != "it broke" {
		t.Errorf("area error lost: %+v", back.Areas[1])
	}
}
