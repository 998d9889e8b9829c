// Package resilience holds the fault tests of the whole program: the real
// `proceedings run` binary against a real IRC server (ngIRCd, from
// internal/ircserver) and a real archive file, while something goes wrong.
//
// It has no code of its own, only tests:
//
//   - TestServerRestarts: the IRC server is killed and restarted three
//     times during a burst; the bot reconnects each time, each outage is one
//     gap event per channel, nothing is recorded twice and no line the bot
//     received is missing.
//   - TestKillRounds: the bot is killed with SIGKILL at random moments of a
//     burst (3 rounds; 10 with -soak); the archive passes integrity_check,
//     holds every event the bot had acknowledged, nothing twice, and
//     `proceedings render` renders it.
//   - TestDiskFull: the archive's disk fills up (a tmpfs where the test may
//     mount one, and SQLite's max_page_count always); the bot logs the
//     error, stays connected, holds the events and writes them all when
//     space returns.
//   - TestHangingServers: feed and URL-title servers that hang or trickle
//     never delay recording or command replies (the latencies are measured
//     and logged).
//   - TestSoak (with -soak only): 20 lines/s and a command every second for
//     -soak.duration (1 h by default); memory and goroutines stay flat and
//     every line is recorded.
//
// `make test` runs the fast part; `make soak` runs the long one
// (go test ./internal/resilience -args -soak). The binary under test is
// built once by TestMain, with the race detector when the tests have it.
package resilience
