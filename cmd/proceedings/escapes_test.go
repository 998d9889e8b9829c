package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"proceedings/archive"
	"proceedings/event"
)

// hostileTexts are messages whose bytes a terminal would act on (a window
// title, a cleared screen, an OSC 8 link) or a line reader would take as
// more than one line (VT, FF, NEL, the Unicode separators), some forging a
// line of the log.
var hostileTexts = []string{
	"\x1b]0;owned title\x07hello",
	"\x1b[2Jscreen cleared",
	"\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
	"one\x0b[00:00:00] <admin> forged by VT",
	"two\x0c[00:00:00] <admin> forged by FF",
	"three\u0085[00:00:00] <admin> forged by NEL",
	"four\u2028[00:00:00] <admin> forged by LS",
	"five\u2029[00:00:00] <admin> forged by PS",
	"six\r[00:00:00] <admin> forged by CR",
	"\xc2\x9b2J C1 CSI, \x7f DEL, \x0e shift out",
}

// terminalActive reports the first character of s that a terminal acts on
// or a line reader splits at (tab and mIRC's formatting codes are not).
func terminalActive(s string) (rune, bool) {
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	for _, r := range s {
		switch {
		case r == '\t', r == '\n', r == 0x02, r == 0x03, r == 0x04, r == 0x0f, r == 0x11, r == 0x16, r == 0x1d, r == 0x1e, r == 0x1f:
		case r < 0x20, r >= 0x7f && r < 0xa0, r == '\u2028', r == '\u2029':
			return r, true
		}
	}
	return 0, false
}

// TestTextOutputsCarryNoTerminalControls: no text export and no .txt day
// page carries a control sequence a terminal acts on or an extra line
// break, while the JSON export keeps every byte.
func TestTextOutputsCarryNoTerminalControls(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "data/archive.db"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
	for i, text := range hostileTexts {
		ev := event.Event{Network: "testnet", Channel: "#techrights", Time: at.Add(time.Duration(i) * time.Second),
			Kind: event.KindMessage, Nick: "mallory", Text: text}
		if _, err := db.Append(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	check := func(what, out string, headerLines int) {
		t.Helper()
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if got, want := len(lines), headerLines+len(hostileTexts); got != want {
			t.Errorf("%s: %d lines for %d events:\n%s", what, got, len(hostileTexts), out)
		}
		if r, bad := terminalActive(out); bad {
			t.Errorf("%s carries %U:\n%q", what, r, out)
		}
		if !strings.Contains(out, "owned title") || !strings.Contains(out, "forged by NEL") {
			t.Errorf("%s lost the text around the controls:\n%s", what, out)
		}
	}
	for format, header := range map[string]int{"own": 2, "irssi": 1, "weechat": 0, "znc": 0} {
		out, errOut, code := call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: "#techrights", date: "2026-02-02"}, format: format})
		if code != 0 {
			t.Fatalf("export --format %s: %s", format, errOut)
		}
		if format == "irssi" {
			header = strings.Count(out, "--- ") // log opened / day changed markers
		}
		check("export --format "+format, out, header)
	}
	out, errOut, code := call(t, export, exportOptions{global: configIn(dir), channelDays: channelDays{channel: "#techrights", date: "2026-02-02"}, format: "json"})
	if code != 0 {
		t.Fatalf("export --format json: %s", errOut)
	}
	var i int
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var ev struct{ Text string }
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("json line %q: %v", line, err)
		}
		want := strings.ToValidUTF8(hostileTexts[i], "\uFFFD")
		if ev.Text != hostileTexts[i] && ev.Text != want {
			t.Errorf("json export changed %q to %q", hostileTexts[i], ev.Text)
		}
		i++
	}
	if _, errOut, code := call(t, renderSite, renderOptions{global: configIn(dir)}); code != 0 {
		t.Fatalf("render: %s", errOut)
	}
	txt, err := os.ReadFile(filepath.Join(dir, "public", "testnet", "techrights", "2026-02-02.txt"))
	if err != nil {
		t.Fatal(err)
	}
	check("the .txt day page", string(txt), 2)
}
