//go:build race

package bot

// burstSize is the burst of TestRecordBurst under the race detector, which
// makes SQLite about 20 times slower: 10,000 lines took 16–40 s here, too
// long for every run of make test. The full 10,000 run without -race (go
// test ./bot/, and BenchmarkRecordBurst in make bench).
const burstSize = 2000
