package logs

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// The encoded texts below were made with glibc's iconv (printf '%s' TEXT |
// iconv -f UTF-8 -t ENCODING | od -An -tx1), not with the decoders tested.
var encoded = []struct {
	encoding string // as iconv names it
	text     string
	hex      string
}{
	{"SHIFT_JIS", "こんにちは、日本語のテスト", "82b182f182c982bf82cd814193fa967b8cea82cc836583588367"},
	{"SHIFT_JIS", "ログを読みます", "838d834f82f093c782dd82dc82b7"},
	{"EUC-JP", "こんにちは、日本語のテスト", "a4b3a4f3a4cba4c1a4cfa1a2c6fccbdcb8eca4cea5c6a5b9a5c8"},
	{"EUC-JP", "ログを読みます", "a5eda5b0a4f2c6c9a4dfa4dea4b9"},
	{"ISO-2022-JP", "こんにちは、日本語のテスト", "1b244224332473244b2441244f2122467c4b5c386c244e2546253925481b2842"},
	{"GB18030", "我们今天讨论日志的编码问题", "ced2c3c7bdf1ccecccd6c2dbc8d5d6beb5c4b1e0c2ebcecacce2"},
	{"BIG5", "我們今天討論日誌的編碼問題", "a7daadcca4b5a4d1b051bdd7a4e9bb78aababd73bd58b0ddc344"},
	{"EUC-KR", "안녕하세요 로그를 읽습니다", "bec8b3e7c7cfbcbcbfe420b7ceb1d7b8a620c0d0bdc0b4cfb4d9"},
	{"KOI8-R", "Привет, мир! Как дела?", "f0d2c9d7c5d42c20cdc9d22120ebc1cb20c4c5ccc13f"},
	{"CP1251", "Привет, мир! Как дела?", "cff0e8e2e5f22c20ece8f02120cae0ea20e4e5ebe03f"},
	{"ISO-8859-2", "Zażółć gęślą jaźń", "5a61bff3b3e62067eab66cb1206a61bcf1"},
}

// zncLines makes a ZNC log of the texts of one encoding, each said by alice,
// between lines of ASCII.
func zncLines(t *testing.T, encoding string) (log string, texts []string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("[12:00:00] *** Joins: alice (~a@h)\n")
	for i, e := range encoded {
		if e.encoding != encoding {
			continue
		}
		raw, err := hex.DecodeString(e.hex)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("[12:00:0" + string(rune('1'+i%9)) + "] <alice> ")
		b.Write(raw)
		b.WriteString("\n[12:00:10] <bob> ok\n")
		texts = append(texts, e.text)
	}
	return b.String(), texts
}

func TestParseEncoding(t *testing.T) {
	for name, want := range map[string]string{
		"shift_jis": "shift_jis", "SJIS": "shift_jis", "euc-jp": "euc-jp", "koi8-r": "koi8-r", "latin2": "iso-8859-2",
		"iso-8859-2": "iso-8859-2", "cp1251": "windows-1251", "windows-1251": "windows-1251", "gb18030": "gb18030",
		"GBK": "gbk", "big5": "big5", "euc-kr": "euc-kr", "iso-2022-jp": "iso-2022-jp", "utf-8": "utf-8",
		" UTF8 ": "utf-8", "latin1": "windows-1252", "IBM437": "ibm437",
	} {
		got, err := ParseEncoding(name)
		if err != nil || got != want {
			t.Errorf("ParseEncoding(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, name := range []string{"", "klingon", "utf-16le", "UTF-16", "iso-2022-kr", "hz-gb-2312"} {
		_, err := ParseEncoding(name)
		if err == nil || !strings.Contains(err.Error(), "shift_jis, euc-jp") || !strings.Contains(err.Error(), "windows-1251") {
			t.Errorf("ParseEncoding(%q) error %v does not list examples", name, err)
		}
	}
	_, err := NewReader(strings.NewReader("[12:00:00] <a> b\n"), Options{Channel: "#c", FileName: "2026-02-02.log", Encoding: "klingon"})
	if err == nil || !strings.Contains(err.Error(), `2026-02-02.log: unknown text encoding "klingon"`) {
		t.Errorf("NewReader with an unknown encoding: %v", err)
	}
}

func TestEncoding(t *testing.T) {
	for _, tc := range []struct{ iconv, encoding string }{
		{"SHIFT_JIS", "shift_jis"}, {"EUC-JP", "euc-jp"}, {"ISO-2022-JP", "iso-2022-jp"}, {"GB18030", "gb18030"},
		{"BIG5", "big5"}, {"EUC-KR", "euc-kr"}, {"KOI8-R", "koi8-r"}, {"CP1251", "windows-1251"}, {"ISO-8859-2", "iso-8859-2"},
	} {
		t.Run(tc.encoding, func(t *testing.T) {
			log, texts := zncLines(t, tc.iconv)
			evs, r := readAll(t, log, Options{Channel: "#c", FileName: "2026-02-02.log", Encoding: tc.encoding})
			var got []string
			for _, ev := range evs {
				if ev.Nick == "alice" && ev.Kind.String() == "message" {
					got = append(got, ev.Text)
				}
			}
			if strings.Join(got, "\n") != strings.Join(texts, "\n") {
				t.Errorf("read %q, want %q", got, texts)
			}
			c := r.Counts()
			want := map[string]int64{"read as " + tc.encoding + " (--encoding)": int64(len(texts))}
			if !equalCounts(c.Repaired, want) || c.Sum() != c.Lines || sumOf(c.NotUnderstood) != 0 {
				t.Errorf("counts %+v, want repaired %v", c, want)
			}
		})
	}
}

func TestEncodingInvalidBytes(t *testing.T) {
	// Bytes that are not Shift_JIS, and not UTF-8 under --encoding utf-8.
	for _, tc := range []struct{ encoding, input, want, reason string }{
		{"shift_jis", "[12:00:00] <a> \x82\xb1\x82\n", "\u3053\uFFFD", "not valid shift_jis: bytes replaced with U+FFFD"},
		{"utf-8", "[12:00:00] <a> caf\xe9 ok\n", "caf\uFFFD ok", "not valid utf-8: bytes replaced with U+FFFD"},
		{"utf-8", "[12:00:00] <a> café\n", "café", ""},
	} {
		evs, r := readAll(t, tc.input, Options{Channel: "#c", FileName: "2026-02-02.log", Encoding: tc.encoding, Format: "znc"})
		if len(evs) != 1 || evs[0].Text != tc.want {
			t.Errorf("%s: read %v, want %q", tc.encoding, evs, tc.want)
		}
		c := r.Counts()
		if tc.reason == "" && len(c.Repaired) != 0 || tc.reason != "" && c.Repaired[tc.reason] != 1 {
			t.Errorf("%s: repaired %v, want %q", tc.encoding, c.Repaired, tc.reason)
		}
	}
}

func TestNotUTF8Guess(t *testing.T) {
	// Without --encoding, lines that are not UTF-8 are read as Windows-1252,
	// and the reason they are counted under says what they look like.
	cjk := func(names string) string { return strings.Replace(reasonLooksCJK, "%s", names, 1) }
	for _, tc := range []struct {
		name, iconv string
		want        string
	}{
		{"Shift_JIS", "SHIFT_JIS", cjk("shift_jis")},
		{"EUC-JP", "EUC-JP", ""}, // a CJK reason; which names, below
		{"GB18030", "GB18030", ""},
		{"Big5", "BIG5", ""},
		{"EUC-KR", "EUC-KR", ""},
		{"KOI8-R", "KOI8-R", reasonLooksSingleByte},
		{"windows-1251", "CP1251", reasonLooksSingleByte},
		{"Latin-2", "ISO-8859-2", reasonCP1252},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, texts := zncLines(t, tc.iconv)
			_, r := readAll(t, log, Options{Channel: "#c", FileName: "2026-02-02.log"})
			c := r.Counts()
			if len(c.Repaired) != 1 {
				t.Fatalf("repaired %v, want one reason", c.Repaired)
			}
			for reason, n := range c.Repaired {
				if n != int64(len(texts)) {
					t.Errorf("%d lines repaired, want %d", n, len(texts))
				}
				if tc.want != "" && reason != tc.want {
					t.Errorf("reason %q, want %q", reason, tc.want)
				}
				if tc.want == "" && (!strings.HasPrefix(reason, "not UTF-8, and the bytes look like a CJK encoding") ||
					!strings.Contains(reason, strings.ToLower(tc.name))) {
					t.Errorf("reason %q does not name a CJK encoding and %s", reason, tc.name)
				}
				if ex := r.Examples(reason); len(ex) == 0 || ex[0].Reason != reason || ex[0].Line != 2 {
					t.Errorf("examples of %q: %+v", reason, ex)
				}
			}
		})
	}
}

func TestNotUTF8Western(t *testing.T) {
	// Windows-1252 text of western languages is not taken for anything else.
	lines := []string{
		"élève à côté de la forêt, déjà vu", "Grüße aus Köln, schöne Tür", "¿Qué pasó, señor? Está aquí", "“quoted” — and… €5",
		"Ærø og Åland", "smörgåsbord för två",
	}
	var b strings.Builder
	for _, l := range lines {
		raw, err := charmapEncode(l)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("[12:00:00] <a> " + raw + "\n")
	}
	evs, r := readAll(t, b.String(), Options{Channel: "#c", FileName: "2026-02-02.log"})
	for i, ev := range evs {
		if ev.Text != lines[i] {
			t.Errorf("line %d read as %q, want %q", i+1, ev.Text, lines[i])
		}
	}
	if c := r.Counts(); c.Repaired[reasonCP1252] != int64(len(lines)) {
		t.Errorf("repaired %v, want %d under %q", c.Repaired, len(lines), reasonCP1252)
	}
}

// charmapEncode writes s in Windows-1252, byte by byte from its table.
func charmapEncode(s string) (string, error) {
	high := map[rune]byte{'€': 0x80, '…': 0x85, '“': 0x93, '”': 0x94, '—': 0x97}
	var b []byte
	for _, r := range s {
		switch {
		case r < 0x80 || r >= 0xa0 && r <= 0xff:
			b = append(b, byte(r))
		case high[r] != 0:
			b = append(b, high[r])
		default:
			return "", &time.ParseError{Value: string(r), Message: ": not in Windows-1252"}
		}
	}
	return string(b), nil
}

func TestCutUTF8(t *testing.T) {
	// An IRC server cut the line inside its last character: the line is
	// UTF-8, its last character is lost, the rest is kept as written.
	for _, tc := range []struct{ in, want, reason string }{
		{"Привет, ми\xd1", "Привет, ми\uFFFD", reasonCutUTF8},
		{"日本語のテス\xe3\x83", "日本語のテス\uFFFD", reasonCutUTF8},
		{"emoji 😀 cut \xf0\x9f\x98", "emoji 😀 cut \uFFFD", reasonCutUTF8},
		{"plain ASCII then caf\xe9", "plain ASCII then café", reasonCP1252}, // no UTF-8 before it
		{"Привет\xd1 мир", "", ""},                                          // not at the end: Windows-1252
	} {
		evs, r := readAll(t, "[12:00:00] <a> "+tc.in+"\n", Options{Channel: "#c", FileName: "2026-02-02.log", Format: "znc"})
		if tc.want != "" && (len(evs) != 1 || evs[0].Text != tc.want) {
			t.Errorf("%q read as %v, want %q", tc.in, evs, tc.want)
		}
		c := r.Counts()
		if tc.reason != "" && c.Repaired[tc.reason] != 1 {
			t.Errorf("%q: repaired %v, want %q", tc.in, c.Repaired, tc.reason)
		}
		if tc.reason == "" && c.Repaired[reasonCutUTF8] != 0 {
			t.Errorf("%q: repaired %v", tc.in, c.Repaired)
		}
	}
}

// TestEncodingKeepsUTF8Lines checks that with an encoding named, a line that
// is already UTF-8 (the log went on in UTF-8 once its writer switched) is
// read as UTF-8, while the legacy lines are decoded.
func TestEncodingKeepsUTF8Lines(t *testing.T) {
	raw, err := hex.DecodeString("f0d2c9d7c5d42c20cdc9d22120ebc1cb20c4c5ccc13f") // KOI8-R, from iconv
	if err != nil {
		t.Fatal(err)
	}
	in := "[12:00:00] <alice> " + string(raw) + "\n[12:00:01] <bob> теперь utf8\n[12:00:02] <carol> plain\n"
	evs, r := readAll(t, in, Options{Channel: "#c", Format: "znc", Encoding: "koi8-r", Date: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)})
	want := []string{"Привет, мир! Как дела?", "теперь utf8", "plain"}
	if len(evs) != len(want) {
		t.Fatalf("read %d events, want %d", len(evs), len(want))
	}
	for i, ev := range evs {
		if ev.Text != want[i] {
			t.Errorf("line %d: %q, want %q", i+1, ev.Text, want[i])
		}
	}
	if c := r.Counts(); sumOf(c.Repaired) != 1 {
		t.Errorf("repaired %v, want the one KOI8-R line", c.Repaired)
	}
}

// TestByteOrderMark checks that a UTF-8 byte order mark before the first
// line is not part of it: the file's date marker and first line are read.
func TestByteOrderMark(t *testing.T) {
	for _, tc := range []struct {
		format, in string
	}{
		{"irssi", "\ufeff--- Log opened Sat Mar 02 10:00:00 2024\n10:00 < alice> hi\n"},
		{"weechat", "\ufeff2024-03-02 10:00:00\talice\thi\n"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			evs, r := readAll(t, tc.in, Options{Channel: "#c"})
			if r.Format() != tc.format {
				t.Errorf("detected %s", r.Format())
			}
			if len(evs) != 1 || evs[0].Nick != "alice" || evs[0].Text != "hi" {
				t.Fatalf("read %+v", evs)
			}
			if c := r.Counts(); len(c.NotUnderstood) != 0 {
				t.Errorf("not understood: %v", c.NotUnderstood)
			}
		})
	}
}
