package main

import (
	"strings"
	"testing"
)

const goTestOutput = `goos: linux
goarch: amd64
pkg: proceedings/logs
cpu: AMD EPYC
BenchmarkReadIrssi-2   	       3	  57162396 ns/op	 309.00 MB/s	   3498804 lines/s	18609936 B/op	  200026 allocs/op
BenchmarkFormatLine-2  	  780314	       174.0 ns/op	      96 B/op	       1 allocs/op
PASS
ok  	proceedings/logs	1.234s
# proceedings/archive [proceedings/archive.test]
archive/x_test.go:3:1: syntax error
FAIL	proceedings/archive [build failed]
?   	proceedings/cmd	[no test files]
pkg: proceedings/bot
BenchmarkParse
BenchmarkParse-2
--- FAIL: BenchmarkBroken
    bot_test.go:9: boom
BenchmarkNoProcs 	 100	 12 ns/op
FAIL
FAIL	proceedings/bot	0.5s
`

func TestParseGoBench(t *testing.T) {
	benches, failures, finished := parseGoBench([]byte(goTestOutput))
	want := []struct {
		pkg, name string
		procs     int
		n         int64
		nsop      float64
		metrics   int
	}{
		{"proceedings/logs", "BenchmarkReadIrssi", 2, 3, 57162396, 5},
		{"proceedings/logs", "BenchmarkFormatLine", 2, 780314, 174, 3},
		{"proceedings/bot", "BenchmarkNoProcs", 1, 100, 12, 1},
	}
	if len(benches) != len(want) {
		t.Fatalf("got %d benchmarks, want %d: %+v", len(benches), len(want), benches)
	}
	for i, w := range want {
		t.Run(w.name, func(t *testing.T) {
			b := benches[i]
			ns, ok := b.metric("ns/op")
			if b.Pkg != w.pkg || b.Name != w.name || b.Procs != w.procs || b.N != w.n || !ok || ns != w.nsop || len(b.Metrics) != w.metrics {
				t.Errorf("got %+v, want %+v", b, w)
			}
		})
	}
	if lines, _ := benches[0].metric("lines/s"); lines != 3498804 {
		t.Errorf("custom metric lines/s = %v", lines)
	}
	wantFail := []string{"proceedings/archive [build failed]", "proceedings/bot: BenchmarkBroken", "proceedings/bot 0.5s"}
	if strings.Join(failures, "\n") != strings.Join(wantFail, "\n") {
		t.Errorf("failures = %q, want %q", failures, wantFail)
	}
	wantDone := "proceedings/logs proceedings/archive proceedings/cmd proceedings/bot"
	if strings.Join(finished, " ") != wantDone {
		t.Errorf("finished = %q, want %q", finished, wantDone)
	}
}

func TestParseBenchLineRejects(t *testing.T) {
	for _, line := range []string{
		"BenchmarkX",
		"BenchmarkX-2 abc 12 ns/op",
		"BenchmarkX-2 0 12 ns/op",
		"BenchmarkX-2 10 twelve ns/op",
		"BenchmarkX-2 10 12",
		"BenchmarkX-2 10 12 ns/op 5",
	} {
		t.Run(line, func(t *testing.T) {
			if b, ok := parseBenchLine(line); ok {
				t.Errorf("accepted %q as %+v", line, b)
			}
		})
	}
}

func FuzzParseGoBench(f *testing.F) {
	f.Add(goTestOutput)
	f.Add("BenchmarkX-8 1 1 ns/op\n")
	f.Add("pkg: a\nBenchmark-1 5 2.5 ns/op 3 B/op\nFAIL\tx\n")
	f.Fuzz(func(t *testing.T, out string) {
		benches, _, _ := parseGoBench([]byte(out))
		for _, b := range benches {
			if !strings.HasPrefix(b.Name, "Benchmark") || b.N <= 0 || b.Procs <= 0 || len(b.Metrics) == 0 {
				t.Fatalf("parsed an impossible benchmark %+v from %q", b, out)
			}
		}
	})
}

func TestSumGrepCounts(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		want    int
		wantErr bool
	}{
		{"none", "", 0, false},
		{"files", "d/a.log:3\nd/b.log:0\nd/c:d.log:4\n", 7, false},
		{"garbage", "d/a.log:three\n", 0, true},
		{"no colon", "hello\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sumGrepCounts([]byte(tt.out))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("sumGrepCounts(%q) = %d, %v; want %d, error %v", tt.out, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func FuzzSumGrepCounts(f *testing.F) {
	f.Add("d/a.log:3\nd/b.log:0\n")
	f.Add("x:-1\n")
	f.Fuzz(func(t *testing.T, out string) {
		n, err := sumGrepCounts([]byte(out))
		if err == nil && n != 0 && !strings.Contains(out, ":") {
			t.Fatalf("counted %d without any file:count line in %q", n, out)
		}
	})
}
