//go:build !race

package bot

// burstSize is the burst of TestRecordBurst.
const burstSize = 10000
