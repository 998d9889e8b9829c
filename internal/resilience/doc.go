// Package resilience holds the fault tests of the whole program: the real
// `proceedings run` binary against a real IRC server and a real archive
// file, while something goes wrong (the server restarts, the bot is killed,
// the disk fills up, feed servers hang; with -soak, hours of traffic). It
// has no code of its own; docs/testing.md lists the tests.
package resilience
