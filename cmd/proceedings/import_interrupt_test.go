package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive/sqlite"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
)

// An import stopped by Ctrl-C or by kill -9 in the middle leaves an archive
// that passes the integrity check, and running the same command again
// completes it: the result is the same as one uninterrupted import.
func TestImportInterruptedThenCompleted(t *testing.T) {
	logDir := t.TempDir()
	const days, perDay = 60, 2500
	total := writeIrssiDays(t, logDir, days, perDay)
	clean := writeConfig(t, minimalConfig)
	if out, errOut, code := run(t, clean, "import", "--channel", "#techrights", "--timezone", "UTC", logDir); code != 0 {
		t.Fatalf("clean import: %d %s %s", code, out, errOut)
	}
	want, _, _ := run(t, clean, "export", "--channel", "#techrights")
	if n := strings.Count(want, "\n"); n < total {
		t.Fatalf("the clean import exported %d lines, want at least %d", n, total)
	}

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := writeConfig(t, minimalConfig)
			cmd := exec.Command(binary, "import", "--channel", "#techrights", "--timezone", "UTC", logDir)
			cmd.Dir = dir
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Stop it once the first batch is committed.
			deadline := time.Now().Add(time.Minute)
			for committed(filepath.Join(dir, "data", "archive.db")) == 0 {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("the import committed nothing in a minute: %s", out.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			if err == nil {
				t.Fatalf("the import finished before %s reached it; the test needs more lines:\n%s", sig, out.String())
			}
			if sig == syscall.SIGINT {
				if !strings.Contains(out.String(), "run the same command again to complete it") {
					t.Errorf("after Ctrl-C the import says:\n%s", out.String())
				}
				// The summary is exact: what it says was added is in the
				// archive.
				m := regexp.MustCompile(`added: (\d+),`).FindStringSubmatch(out.String())
				if m == nil {
					t.Errorf("no summary after Ctrl-C:\n%s", out.String())
				} else if added, _ := strconv.Atoi(m[1]); added != storedEvents(t, dir, "testnet", "#techrights") {
					t.Errorf("after Ctrl-C the summary says %d added, the archive holds %d", added, storedEvents(t, dir, "testnet", "#techrights"))
				}
			}

			db, err := sqlite.Open(context.Background(), filepath.Join(dir, "data", "archive.db"), archive.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.IntegrityCheck(context.Background()); err != nil {
				t.Errorf("after %s: %v", sig, err)
			}
			db.Close()

			again, errOut, code := run(t, dir, "import", "--channel", "#techrights", "--timezone", "UTC", logDir)
			if code != 0 || !strings.Contains(again, fmt.Sprintf("events read: %d,", total)) || strings.Contains(again, "already in the archive: 0 ") {
				t.Fatalf("the second import: %d\n%s%s", code, again, errOut)
			}
			got, _, _ := run(t, dir, "export", "--channel", "#techrights")
			if got != want {
				t.Fatalf("after %s and a second import the archive differs from an uninterrupted import (%d and %d bytes)", sig, len(got), len(want))
			}
		})
	}
}

// committed returns how many lines of #techrights the archive at path
// holds, 0 while it cannot be read yet.
func committed(path string) int {
	if _, err := os.Stat(path + "-wal"); err != nil {
		return 0
	}
	db, err := sqlite.Open(context.Background(), path, archive.Options{ReadOnly: true})
	if err != nil {
		return 0
	}
	defer db.Close()
	ch, err := db.FindChannel(context.Background(), "testnet", "#techrights")
	if err != nil {
		return 0
	}
	days, err := db.Calendar(context.Background(), ch.ID)
	if err != nil {
		return 0
	}
	n := 0
	for _, d := range days {
		n += d.Lines
	}
	return n
}

// topics vary the lines of writeIrssiDays: a search for one of them matches
// one line in len(topics).
var topics = strings.Fields("free-software patents the-EPO GNU/Linux Microsoft Belarus layoffs Gemini IRC Debian " +
	"Android surveillance Windows Vista BSD Firefox Mozilla Red-Hat IBM Apple Google Amazon Azure Xbox Skype " +
	"GitHub Copilot SUSE Novell Oracle")

// writeIrssiDays writes days irssi logs of perDay distinct lines each, one
// file per day from 2024-01-01, and returns how many lines it wrote.
func writeIrssiDays(t testing.TB, dir string, days, perDay int) int {
	t.Helper()
	total := 0
	for d := range days {
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d)
		var b strings.Builder
		fmt.Fprintf(&b, "--- Log opened %s\n", day.Format("Mon Jan 02 15:04:05 2006"))
		for i := range perDay {
			fmt.Fprintf(&b, "%02d:%02d <nick%d> line %d of %s, about %s\n", i*24/perDay, i%60, i%17, i, day.Format(time.DateOnly), topics[(i+d)%len(topics)])
			total++
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("techrights.%s.log", day.Format(time.DateOnly))), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return total
}

// A named pipe, a device or a socket given to import is refused before it
// is opened (opening a FIFO would wait for a writer forever); a symlink to
// a regular file is read.
func TestImportRefusesSpecialFiles(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	fifo := filepath.Join(dir, "pipe.log")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatalf("make a named pipe to import: %v", err)
	}
	for _, tc := range []struct{ path, want string }{
		{fifo, "named pipe"},
		{"/dev/null", "device"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, binary, "import", "--channel", "#techrights", tc.path)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		hung := ctx.Err() != nil
		cancel()
		if hung {
			t.Fatalf("import %s hung", tc.path)
		}
		if err == nil || !strings.Contains(string(out), tc.want) || !strings.Contains(string(out), tc.path) {
			t.Errorf("import %s: %v\n%s", tc.path, err, out)
		}
	}
	real := filepath.Join(dir, "real.log")
	os.WriteFile(real, []byte("--- Log opened Mon Feb 02 14:00:00 2026\n14:03 <alice> hello\n"), 0o644)
	link := filepath.Join(dir, "link.log")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := run(t, dir, "import", "--channel", "#techrights", "--timezone", "UTC", link); code != 0 || !strings.Contains(out, "added: 1") {
		t.Errorf("import of a symlink to a file: %d %s %s", code, out, errOut)
	}
}
