//go:build race

package bot

// burstSize is the burst of TestRecordBurst under the race detector, which
// slows SQLite down too much for a full burst in every run of make test.
// The full 10,000 run without -race (go test ./bot/, and
// BenchmarkRecordBurst in make bench).
const burstSize = 2000
