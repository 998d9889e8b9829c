package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// statsArchive fills the archive of minimalConfig (testnet, #techrights
// public, site time Europe/London) through the import command, from day
// files in our own format, with a private #secret beside it.
func statsArchive(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"techrights/2026-02-02.txt": `--- IRC logs for Monday, February 02, 2026
--- #techrights on testnet (times are Europe/London)
[14:03:00] <alice> hello there, see https://techrights.org/n/1 and https://www.lwn.net/a
[14:04:00] * bob waves
[14:05:00] -!- carol [~carol@host.example] has joined #techrights
[15:00:00] <ALICE> https://techrights.org/n/2
`,
		// 00:30 British Summer Time: 23:30 UTC the day before.
		"techrights/2026-07-01.txt": `--- IRC logs for Wednesday, July 01, 2026
--- #techrights on testnet (times are Europe/London)
[00:30:00] <carol> summer is here
`,
		"secret/2026-02-03.txt": `--- IRC logs for Tuesday, February 03, 2026
--- #secret on testnet (times are Europe/London)
[09:00:00] <mallory> secret plans
`,
	}
	for name, body := range files {
		path := filepath.Join(dir, "logs", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, ch := range []string{"techrights", "secret"} {
		imp := importOptions{global: configIn(dir), channel: "#" + ch, paths: []string{filepath.Join(dir, "logs", ch)}}
		if _, errOut, code := call(t, importLogs, imp); code != 0 {
			t.Fatalf("import %s: code %d, %s", ch, code, errOut)
		}
	}
}

func TestStatsCommand(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	statsArchive(t, dir)

	t.Run("text", func(t *testing.T) {
		out, errOut, code := call(t, stats, statsOptions{global: configIn(dir), channelDays: channelDays{channel: "#TechRights", from: "2026-02-01", to: "2026-02-28"}, top: 2})
		want := `#techrights on testnet, 2026-02-02 to 2026-02-02 (times are Europe/London)

lines        3
events       4
active days  1
speakers     2
links        3

top talkers        lines   words
  1 ALICE              2       7
  2 bob                1       1

lines by hour
  00                                0
  01                                0
  02                                0
  03                                0
  04                                0
  05                                0
  06                                0
  07                                0
  08                                0
  09                                0
  10                                0
  11                                0
  12                                0
  13                                0
  14 ############################## 2
  15 ###############                1
  16                                0
  17                                0
  18                                0
  19                                0
  20                                0
  21                                0
  22                                0
  23                                0

lines by weekday
  Mon ############################## 3
  Tue                                0
  Wed                                0
  Thu                                0
  Fri                                0
  Sat                                0
  Sun                                0

most shared hosts
  techrights.org                 2
  lwn.net                        1
`
		if code != 0 || out != want {
			t.Fatalf("stats: code %d, stderr %q\n got:\n%s\nwant:\n%s", code, errOut, out, want)
		}
	})

	t.Run("json", func(t *testing.T) {
		out, errOut, code := call(t, stats, statsOptions{global: configIn(dir), channelDays: channelDays{channel: "#techrights"}, top: 10, asJSON: true})
		if code != 0 {
			t.Fatalf("stats --json: code %d, stderr %q", code, errOut)
		}
		var got struct {
			Network, Channel, First, Last  string
			Events, Lines, Speakers, Links int
			ActiveDays                     int `json:"active_days"`
			TopTalkers                     []struct {
				Nick         string
				Lines, Words int
			} `json:"top_talkers"`
			Hours    [24]int
			Weekdays [7]int
			Hosts    []struct {
				Host  string
				Links int
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		if got.Network != "testnet" || got.Channel != "#techrights" || got.First != "2026-02-02" || got.Last != "2026-07-01" ||
			got.Events != 5 || got.Lines != 4 || got.ActiveDays != 2 || got.Speakers != 3 || got.Links != 3 {
			t.Errorf("numbers: %+v", got)
		}
		talkers := []string{}
		for _, tk := range got.TopTalkers {
			talkers = append(talkers, fmt.Sprintf("%s %d %d", tk.Nick, tk.Lines, tk.Words))
		}
		// One person however the nick is written (a tie between two
		// spellings keeps the first in byte order); ties by folded nick.
		if want := []string{"ALICE 2 7", "bob 1 1", "carol 1 3"}; !reflect.DeepEqual(talkers, want) {
			t.Errorf("top talkers %q, want %q", talkers, want)
		}
		var hours [24]int
		hours[0], hours[14], hours[15] = 1, 2, 1 // carol's summer line at 00:30 British Summer Time
		var weekdays [7]int
		weekdays[time.Monday], weekdays[time.Wednesday] = 3, 1
		if got.Hours != hours || got.Weekdays != weekdays {
			t.Errorf("hours %v, weekdays %v", got.Hours, got.Weekdays)
		}
		if len(got.Hosts) != 2 || got.Hosts[0].Host != "techrights.org" || got.Hosts[0].Links != 2 || got.Hosts[1].Host != "lwn.net" {
			t.Errorf("hosts %+v", got.Hosts)
		}
	})

	t.Run("private channel", func(t *testing.T) {
		_, errOut, code := call(t, stats, statsOptions{global: configIn(dir), channelDays: channelDays{channel: "#secret"}, top: 10})
		if code == 0 || !strings.Contains(errOut, "#secret is not published") || strings.Contains(errOut, "mallory") {
			t.Errorf("stats of a private channel: code %d, stderr %q", code, errOut)
		}
		out, errOut, code := call(t, stats, statsOptions{global: configIn(dir), channelDays: channelDays{channel: "#secret"}, top: 10, asJSON: true, all: true})
		if code != 0 || !strings.Contains(out, `"lines": 1`) || !strings.Contains(out, `"nick": "mallory"`) {
			t.Errorf("stats --all of a private channel: code %d, stderr %q, out %s", code, errOut, out)
		}
	})

	t.Run("mistakes", func(t *testing.T) {
		for _, tc := range []struct {
			opts statsOptions
			says string
		}{
			{statsOptions{channelDays: channelDays{channel: "#nosuch"}, top: 10}, "#nosuch"},
			{statsOptions{channelDays: channelDays{channel: "#techrights", from: "02/02/2026"}, top: 10}, "--from"},
			{statsOptions{channelDays: channelDays{channel: "#techrights", from: "2026-03-01", to: "2026-02-01"}, top: 10}, "before"},
			{statsOptions{channelDays: channelDays{channel: "#techrights"}, top: 0}, "--top 0"},
		} {
			tc.opts.global = configIn(dir)
			if _, errOut, code := call(t, stats, tc.opts); code != 1 || !strings.Contains(errOut, tc.says) {
				t.Errorf("%+v: code %d, stderr %q, want %q", tc.opts, code, errOut, tc.says)
			}
		}
		if _, errOut, code := run(t, dir, "stats"); code != 1 || !strings.Contains(errOut, `"channel" not set`) {
			t.Errorf("stats without --channel: code %d, stderr %q", code, errOut)
		}
	})
}

// TestRenderPublishesTheCommandReference checks the wiring of the page
// !help links: render writes bot/commands/commands.md as commands.html (it lives
// here, beside the stats test, for want of a file of its own).
func TestRenderPublishesTheCommandReference(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	statsArchive(t, dir)
	if _, errOut, code := call(t, renderSite, renderOptions{global: configIn(dir)}); code != 0 {
		t.Fatalf("render: code %d, %s", code, errOut)
	}
	page, err := os.ReadFile(filepath.Join(dir, "public", "commands.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<code>!part N [series words]</code>", "!help", "<title>Commands — IRC Proceedings</title>"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("commands.html lacks %q", want)
		}
	}
	front, _ := os.ReadFile(filepath.Join(dir, "public", "index.html"))
	if !strings.Contains(string(front), `<a href="commands.html">Commands</a>`) {
		t.Error("the front page does not link commands.html")
	}
}
