//go:build !race

package postgres

// raceEnabled: the tests run with the race detector.
const raceEnabled = false
