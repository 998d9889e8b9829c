//go:build race

package resilience

// raceEnabled: the tests and the bot they run have the race detector,
// which slows SQLite down a great deal; bursts stay small.
const raceEnabled = true
