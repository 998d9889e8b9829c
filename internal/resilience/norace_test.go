//go:build !race

package resilience

// raceEnabled: the tests and the bot they run have the race detector.
const raceEnabled = false
