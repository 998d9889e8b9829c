//go:build race

package bot

// burstSize is the burst of TestRecordBurst under the race detector, which
// makes SQLite about 20 times slower; the full 10,000 run without it.
const burstSize = 10000
