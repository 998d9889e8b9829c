//go:build race

package resilience

// raceEnabled: the tests and the bot they run have the race detector,
// which makes SQLite about 20 times slower; bursts stay small.
const raceEnabled = true
