package main

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
)

// The first SIGINT or SIGTERM asks a command to stop cleanly; a second one
// ends it at once with 128 + the signal's number. serve shows it
// deterministically: a client that does not read a large file keeps the
// graceful shutdown waiting (up to web.ShutdownTimeout), and the second
// signal must not wait for it.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := writeConfig(t, minimalConfig)
			db, err := sqlite.Open(context.Background(), filepath.Join(dir, "data", "archive.db"), archive.Options{})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			os.MkdirAll(filepath.Join(dir, "public"), 0o755)
			if err := os.WriteFile(filepath.Join(dir, "public", "big.bin"), make([]byte, 64<<20), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0")
			cmd.Dir = dir
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			line, err := bufio.NewReader(stdout).ReadString('\n')
			i := strings.Index(line, "http://")
			if err != nil || i < 0 {
				t.Fatalf("serve printed %q (%v); stderr:\n%s", line, err, stderr.String())
			}
			addr := strings.TrimSuffix(strings.TrimPrefix(strings.Fields(line[i:])[0], "http://"), "/")

			// A download that stalls: the handler is writing, the client
			// reads one byte and no more.
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.Write([]byte("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"))
			if _, err := c.Read(make([]byte, 1)); err != nil {
				t.Fatal(err)
			}

			cmd.Process.Signal(sig)
			// The graceful shutdown has begun once new connections are refused.
			for deadline := time.Now().Add(10 * time.Second); ; {
				c2, err := net.DialTimeout("tcp", addr, time.Second)
				if err != nil {
					break
				}
				c2.Close()
				if time.Now().After(deadline) {
					t.Fatalf("serve still accepts connections after %s", sig)
				}
				time.Sleep(10 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("a second %s did not end serve at once; stderr:\n%s", sig, stderr.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) {
				t.Fatalf("exit code %d after a second %s, want %d; stderr:\n%s", code, sig, 128+int(sig), stderr.String())
			}
			if !strings.Contains(stderr.String(), "exiting at once") {
				t.Errorf("stderr:\n%s", stderr.String())
			}
		})
	}
}
