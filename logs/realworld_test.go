package logs

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The logs under testdata/real-world were written by real programs in real
// channels and committed to public repositories: testdata/real-world/MANIFEST
// says where each comes from. TestCountsOfRealFiles accounts for every line
// of each; the tests here check what a person reads in them.

// readFile reads a file of testdata with the options.
func readFile(t *testing.T, path string, opt Options) ([]string, *Reader) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if opt.FileName == "" {
		opt.FileName = path
	}
	evs, r := readAll(t, string(data), opt)
	got := make([]string, len(evs))
	for i, ev := range evs {
		got[i] = brief(ev)
	}
	return got, r
}

func TestRealSupybot(t *testing.T) {
	got, r := readFile(t, "testdata/real-world/supybot-pov/2005-01-09-test2.log", Options{Channel: "#pov"})
	if len(got) != 57 || r.WarningCount() != 0 {
		t.Fatalf("read %d events and %d warnings, want 57 and none", len(got), r.WarningCount())
	}
	for i, want := range map[int]string{
		0:  `01-09 02:05:04 message Aiste "mgedmin: ayt?"`,
		16: `01-09 02:23:25 quit ryzaja ""`,
		24: `01-09 02:28:24 action mgedmin "tried https://www.ivija.com/temporary-location-for-zope3/"`,
		29: `01-09 07:36:43 join ryzaja ""`,
		54: `01-09 09:14:04 nick ryzaja_ >ryzaja ""`,
	} {
		if got[i] != want {
			t.Errorf("event %d:\n got  %s\n want %s", i, got[i], want)
		}
	}
	// Lithuanian in UTF-8, as written
	if want := `01-09 08:52:28 message mgedmin "b4netas visas be ryšio sėdi visą naktį, tad du pov.lt DNSai nepasiekiami, o trečias (nemunas.sc-uni.ktu.lt) kažko grąžina tuščius atsakymus..."`; got[49] != want {
		t.Errorf("event 49:\n got  %s\n want %s", got[49], want)
	}
}

func TestRealWindows1252(t *testing.T) {
	// Lithuanian "aišku" written by a Windows client in its code page: the
	// byte 0x9A is "š" in Windows-1252 (and in Windows-1257).
	got, r := readFile(t, "testdata/real-world/supybot-pov/2011-01-16-hybrid-charset.log", Options{Channel: "#pov"})
	want := []string{
		`01-15 20:32:39 message kamiccolo "aišku :)"`,
		`01-15 20:38:43 action mgedmin "naudoja Ubuntu lietuviškai, ir jo kalendoriuje savaitės prasideda nuo pirmadienių"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c := r.Counts()
	if c.Repaired[reasonCP1252] != 1 || len(c.Repaired) != 1 {
		t.Errorf("repaired %v, want one line read as Windows-1252", c.Repaired)
	}
	if ex := r.Examples(reasonCP1252); len(ex) != 1 || ex[0].Line != 1 {
		t.Errorf("examples %+v", ex)
	}
}

func TestLimnoriaNotUnderstood(t *testing.T) {
	// Lines shaped like ChannelLogger's "***" lines that it never writes:
	// not understood, never read as events of a made-up kind or nick.
	input := "2026-02-02T14:00:00  *** alice <alice!~a@h> has joined #chan\n" +
		"2026-02-02T14:00:01  *** alice <alice!~a@h> waves at #chan\n" +
		"2026-02-02T14:00:02  *** alice <alice!~a@h has joined #chan\n" +
		"2026-02-02T14:00:03  *** alice does something new\n" +
		"2026-02-02T14:00:04  *** \n" +
		"2026-02-02T14:00:05  ***  does something\n" +
		"2026-02-02T14:00:06  *** alice is now known as two words\n" +
		"2026-02-02T14:00:07  *** alice <alice!~a@h> invited bob to #chan\n" +
		"2026-02-02T14:00:08  <alice> still here\n"
	got, r := func() ([]string, *Reader) {
		evs, r := readAll(t, input, Options{Channel: "#chan", Format: "limnoria"})
		out := make([]string, len(evs))
		for i, ev := range evs {
			out[i] = brief(ev)
		}
		return out, r
	}()
	want := []string{`02-02 14:00:00 join alice [~a@h] ""`, `02-02 14:00:08 message alice "still here"`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c := r.Counts()
	wantBad := map[string]int64{reasonLimnoriaUnknown: 3, "a *** line without a nick": 2, "nick change without one new nick": 1}
	if !equalCounts(c.NotUnderstood, wantBad) || c.NotKept["invite"] != 1 || c.Sum() != 9 {
		t.Errorf("counts %+v, want not understood %v and one invite", c, wantBad)
	}
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestRealZNCMessagesFirst(t *testing.T) {
	// 137 messages and a notice before the first join: as many lines as our
	// own format would read too, but our own starts with its header.
	path := "testdata/real-world/znc-qtox/#qtox_20161001.log.txt"
	got, r := readFile(t, path, Options{Channel: "#qtox"})
	if r.Format() != "znc" {
		t.Fatalf("read as %s, want znc", r.Format())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	first := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l[11:], "*** ") })
	if first < 60 {
		t.Fatalf("the first *** line is line %d: the file no longer tests this", first+1)
	}
	if len(got) != len(lines) || r.Skipped() != 0 {
		t.Errorf("read %d events from %d lines, skipped %d", len(got), len(lines), r.Skipped())
	}
	for i, want := range map[int]string{
		0:     `10-01 21:50:31 message sudden6 "hi, everybody"`,
		first: `10-01 23:21:34 join Diadlo [~diadlo@ ] ""`,
		152:   `10-01 23:35:20 notice qtox-git-spam "[qTox] sudden6 opened pull request #3763: [TEST]feat(travis): speedup build (master...speedup_travis) https://git.io/vPqOW"`,
	} {
		if got[i] != want {
			t.Errorf("event %d:\n got  %s\n want %s", i, got[i], want)
		}
	}
}

func TestRealZNC(t *testing.T) {
	got, r := readFile(t, "testdata/real-world/znc-qtox/#qtox_20160827.log.txt", Options{Channel: "#qtox"})
	if r.Format() != "znc" || r.WarningCount() != 0 || r.Skipped() != 0 {
		t.Fatalf("format %s, %d warnings, %d skipped", r.Format(), r.WarningCount(), r.Skipped())
	}
	kinds := map[string]int{}
	for _, g := range got {
		kinds[strings.Fields(g)[2]]++
	}
	// counted by hand: grep -c on the file for each kind of line
	want := map[string]int{"message": 46, "notice": 2, "join": 46, "quit": 42, "nick": 2, "mode": 2, "topic": 2}
	if !maps.Equal(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
}

func TestZNCNotUnderstood(t *testing.T) {
	// Lines ZNC never writes: not understood, and never a notice from "!".
	input := "[14:00:00] <alice> hi\n" +
		"[14:00:01] -!- bob has joined #c\n" +
		"[14:00:02] *** bob does something new\n" +
		"[14:00:03] ***  sets mode: +nt\n" +
		"[14:00:04] *** Topic for #c was lost\n" +
		"[14:00:05] *** recording gap: nothing was recorded from 13:00:00 to 14:00:05\n" +
		"[14:00:06] Broadcast: ZNC restarts\n" +
		"[14:00:07] *** alice is now known as al ice\n" +
		"[14:00:08] *** bob was kicked by \n" +
		"[14:00:09] <alice> bye\n"
	evs, r := readAll(t, input, Options{Channel: "#c", Format: "znc", FileName: "2026-02-02.log"})
	if len(evs) != 2 {
		t.Errorf("read %d events, want 2", len(evs))
	}
	c := r.Counts()
	want := map[string]int64{"notice without a nick": 1, "a *** line of an unknown kind": 1, "a *** line without a nick": 1, "topic line without its text": 1,
		reasonNotOneNick: 1, reasonNoKicker: 1}
	if !equalCounts(c.NotUnderstood, want) || c.NotKept["ZNC broadcast"] != 1 || c.NotKept[reasonGapLine] != 1 || c.Sum() != 10 {
		t.Errorf("counts %+v, want not understood %v", c, want)
	}
}

func TestXchatNotKept(t *testing.T) {
	var hexchat *formatCase
	for i := range formatCases {
		if formatCases[i].name == "hexchat notices and private lines" {
			hexchat = &formatCases[i]
		}
	}
	if hexchat == nil {
		t.Fatal("no hexchat case")
	}
	_, r := readAll(t, hexchat.input, hexchat.opt)
	c := r.Counts()
	want := map[string]int64{
		reasonXchatStatus: 1, reasonPrivateNotice: 3, "server notice": 3, "notice to the channel's operators": 1,
		"wallops": 1, reasonPrivate: 3,
	}
	if !equalCounts(c.NotKept, want) || c.Markers != 1 || c.Blank != 1 || c.Events != 3 || c.Sum() != c.Lines {
		t.Errorf("counts %+v\nwant not kept %v", c, want)
	}
	if ex := r.Examples(reasonPrivateNotice); len(ex) != 3 || !strings.HasPrefix(ex[0].Text, "Feb 02 14:00:00 -ChanServ-") {
		t.Errorf("examples of private notices: %+v", ex)
	}
	// Lines of no kind HexChat writes are not understood.
	_, r = readAll(t, "**** BEGIN LOGGING AT Mon Feb  2 14:00:00 2026\n"+
		"Feb 02 14:00:00 [alice]\thi\n"+
		"Feb 02 14:00:01 -/#chan-\tno nick\n"+
		"Feb 02 14:00:02 -bob/-\tno target\n"+
		"**** SOMETHING ELSE\n", Options{Channel: "#chan", Format: "xchat"})
	want = map[string]int64{"a line of an unknown kind": 1, "notice without a nick": 1, "notice without its target": 1, "a **** line of an unknown kind": 1}
	if c := r.Counts(); !equalCounts(c.NotUnderstood, want) {
		t.Errorf("counts %+v, want not understood %v", c, want)
	}
}

func TestRealXchat(t *testing.T) {
	// xchat 2 logging #varnish in 2006: its "*" column for joins, quits,
	// modes, topics and actions alike.
	got, r := readFile(t, "testdata/real-world/hexchat-varnish/#varnish.log", Options{Channel: "#varnish", Location: time.UTC})
	if r.Format() != "xchat" || r.WarningCount() != 0 {
		t.Fatalf("format %s, warnings %v", r.Format(), r.Warnings())
	}
	// 273 lines with a tab (grep -c), less "Now talking on #varnish"
	if len(got) != 272 {
		t.Errorf("read %d events, want 272", len(got))
	}
	want := []string{
		`07-06 12:36:48 mode EvilDES "+o andersb"`,
		`07-06 12:36:53 mode EvilDES "+o phk"`,
		`07-06 12:36:53 message andersb "hehe"`,
		`07-06 12:36:56 message EvilDES "sånn"`,
		`07-06 12:37:00 message andersb "Jepps, er dere klare?"`,
		`07-06 12:37:08 message phk "Jeg har varnish oppe og køre med leonora som backend."`,
		`07-06 12:37:12 topic EvilDES "Live testing in progress!"`,
		`07-06 12:37:16 mode EvilDES "+t"`,
		`07-06 12:37:19 message andersb "Da setter jeg på trafikk"`,
		`07-06 12:37:36 message phk "andersb: kan du starte med bare at give us trafiik i 10 sekunder eller så ?"`,
		`07-06 12:37:49 join edward [edward@f95.linpro.no] ""`,
	}
	if strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got[:len(want)], "\n"), strings.Join(want, "\n"))
	}
	for _, w := range []string{
		`07-06 14:46:15 action EvilDES "må begynne å sette i stand til foredraget"`,
		`07-06 14:48:29 quit andersb "BitchX: no additives or preservatives"`,
	} {
		if !slices.Contains(got, w) {
			t.Errorf("no event %s", w)
		}
	}
}
