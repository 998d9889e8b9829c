package announce_test

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"proceedings/bot/announce"
)

// seriesFeedTitles is every item title of the fixture feed
// (seriesFixtureFeed, a verbatim copy of shared/fixtures/techrights-feed.xml),
// in feed order, with what ParseSeriesTitle must make of it. ok=false rows
// are titles that are not parts of a series.
var seriesFeedTitles = []struct {
	title string
	want  announce.SeriesPart
	ok    bool
}{
	{title: "Links 01/02/2026: Public TV Gutted by Cheeto, Billionaires Fund a Cheeto Propaganda Movie in 'Documentary' Clothing"},
	{title: "IRC Proceedings: Sunday, February 01, 2026"},
	{
		title: "A Can of WORMS - Part II - Darkening the Name of RMS, Associating It With Crime",
		want:  announce.SeriesPart{Series: "A Can of WORMS", Part: 2, Subtitle: "Darkening the Name of RMS, Associating It With Crime", Numeral: "II"},
		ok:    true,
	},
	{
		title: "Mobbing at the European Patent Office (EPO) - Part II - Racism, Cocaine Use and White-Collar Corruption",
		want:  announce.SeriesPart{Series: "Mobbing at the European Patent Office (EPO)", Part: 2, Subtitle: "Racism, Cocaine Use and White-Collar Corruption", Numeral: "II"},
		ok:    true,
	},
	{title: "Doing More Detailed Series (Long-Form Works)"},
	{title: "Links 02/02/2026: Cultural Cleansing by China and 'Living Behind Firewalls\" in Iran"},
	{
		title: "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 10, Subtitle: "From “High-Tech Hub” to “No-Go Zone”", Numeral: "X"},
		ok:    true,
	},
	{title: "Gemini Links 03/02/2026: Stargazing, Development Boards, and Tcl/Tk Slop"},
	{title: "IRC Proceedings: Monday, February 02, 2026"},
	{title: "Over at Tux Machines..."},
	{title: "Growth of GNU/Linux in Cuba"},
	{title: "Corporate Influence Never Impacted Us"},
	{title: "IBM Misleads and Gaslights Investors With Slop Sold as \"AI\" (the Business is Waning, Mass Layoffs Continue)"},
	{
		title: "From Belarus With Love — Part IX: The End of “Peaceful Coexistence”?",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 9, Subtitle: "The End of “Peaceful Coexistence”?", Numeral: "IX"},
		ok:    true,
	},
	{
		title: "From Belarus With Love — Part VIII: “Seoul in the Centre of Pyongyang”",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 8, Subtitle: "“Seoul in the Centre of Pyongyang”", Numeral: "VIII"},
		ok:    true,
	},
	{
		title: "From Belarus With Love — Part VII: The Post-Election Crackdown",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 7, Subtitle: "The Post-Election Crackdown", Numeral: "VII"},
		ok:    true,
	},
	{
		title: "From Belarus With Love — Part VI: “Big Daddy” Hammers the Opposition...",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 6, Subtitle: "“Big Daddy” Hammers the Opposition...", Numeral: "VI"},
		ok:    true,
	},
	{
		title: "From Belarus With Love — Part V: From Start-Up to Success Story...",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 5, Subtitle: "From Start-Up to Success Story...", Numeral: "V"},
		ok:    true,
	},
	{
		title: "From Belarus With Love — Part IV: “Software from Minsk” via Gilching and Rijswijk",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 4, Subtitle: "“Software from Minsk” via Gilching and Rijswijk", Numeral: "IV"},
		ok:    true,
	},
	{
		title: "From Belarus With Love — Part III: Apps From the Dictatorship",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 3, Subtitle: "Apps From the Dictatorship", Numeral: "III"},
		ok:    true,
	},
	{
		title: "From Belarus With Love — Part II: “Techwashing” an Autocratic Regime?",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 2, Subtitle: "“Techwashing” an Autocratic Regime?", Numeral: "II"},
		ok:    true,
	},
	{
		title: "From Belarus With Love — Part I: Schizophrenic EPO Policy",
		want:  announce.SeriesPart{Series: "From Belarus With Love", Part: 1, Subtitle: "Schizophrenic EPO Policy", Numeral: "I"},
		ok:    true,
	},
}

// seriesRSS is the part of RSS 2.0 the fixture test reads.
type seriesRSS struct {
	Items []struct {
		Title string `xml:"title"`
	} `xml:"channel>item"`
}

func seriesFixtureItemTitles(t testing.TB) []string {
	t.Helper()
	var feed seriesRSS
	if err := xml.Unmarshal([]byte(seriesFixtureFeed), &feed); err != nil {
		t.Fatalf("parse the fixture feed: %v", err)
	}
	titles := make([]string, len(feed.Items))
	for i, it := range feed.Items {
		titles[i] = it.Title
	}
	return titles
}

func TestParseSeriesTitleFixtureFeed(t *testing.T) {
	titles := seriesFixtureItemTitles(t)
	if len(titles) != len(seriesFeedTitles) {
		t.Fatalf("the fixture feed has %d items, the table %d: list every item in seriesFeedTitles", len(titles), len(seriesFeedTitles))
	}
	parts := 0
	for i, tc := range seriesFeedTitles {
		if titles[i] != tc.title {
			t.Errorf("item %d of the feed is %q, the table says %q", i, titles[i], tc.title)
			continue
		}
		t.Run(fmt.Sprintf("%02d", i), func(t *testing.T) {
			got, ok := announce.ParseSeriesTitle(titles[i])
			if ok != tc.ok || got != tc.want {
				t.Errorf("ParseSeriesTitle(%q)\n got %+v, %v\nwant %+v, %v", titles[i], got, ok, tc.want, tc.ok)
			}
		})
		if tc.ok {
			parts++
		}
	}
	if parts != 12 {
		t.Errorf("the table lists %d parts, want 12 (ten of From Belarus With Love, two others)", parts)
	}
}

// TestParseSeriesTitleBelarusComplete checks the one complete series of the
// fixture: parts I–X, each once, under one series name.
func TestParseSeriesTitleBelarusComplete(t *testing.T) {
	seen := map[int]bool{}
	for _, title := range seriesFixtureItemTitles(t) {
		p, ok := announce.ParseSeriesTitle(title)
		if !ok || p.Series != "From Belarus With Love" {
			continue
		}
		if seen[p.Part] {
			t.Errorf("part %d twice", p.Part)
		}
		seen[p.Part] = true
		if announce.Roman(p.Part) != p.Numeral {
			t.Errorf("%q: Roman(%d) = %q, want the numeral as written %q", title, p.Part, announce.Roman(p.Part), p.Numeral)
		}
	}
	for n := 1; n <= 10; n++ {
		if !seen[n] {
			t.Errorf("part %d of From Belarus With Love not recognised", n)
		}
	}
}

func TestParseSeriesTitle(t *testing.T) {
	type sp = announce.SeriesPart
	tests := []struct {
		name  string
		title string
		want  sp
		ok    bool
	}{
		// Separators and numerals.
		{"en dash arabic of", "Some Series – Part 10 of 12: Subtitle", sp{"Some Series", 10, 12, "Subtitle", "10"}, true},
		{"comma", "Series Name, Part 3", sp{"Series Name", 3, 0, "", "3"}, true},
		{"parentheses", "Series Name (Part 3)", sp{"Series Name", 3, 0, "", "3"}, true},
		{"parentheses then subtitle", "Series Name (Part 3) - The Subtitle", sp{"Series Name", 3, 0, "The Subtitle", "3"}, true},
		{"parentheses of", "Series Name (Part 3 of 5)", sp{"Series Name", 3, 5, "", "3"}, true},
		{"brackets", "Series Name [Part IV]: Sub", sp{"Series Name", 4, 0, "Sub", "IV"}, true},
		{"space only", "Series Name Part 3", sp{"Series Name", 3, 0, "", "3"}, true},
		{"colon before part", "Series: Part 7 — Sub", sp{"Series", 7, 0, "Sub", "7"}, true},
		{"hyphen both sides", "Series - Part 3 - Sub", sp{"Series", 3, 0, "Sub", "3"}, true},
		{"unspaced em dash", "Series—Part 3—Sub", sp{"Series", 3, 0, "Sub", "3"}, true},
		{"pipe", "Series | Part 3 | Sub", sp{"Series", 3, 0, "Sub", "3"}, true},
		{"colon no space", "Series — Part X:Sub", sp{"Series", 10, 0, "Sub", "X"}, true},
		{"full stop end", "Series, Part 3.", sp{"Series", 3, 0, "", "3"}, true},
		{"full stop subtitle", "Series, Part 3. The Sub", sp{"Series", 3, 0, "The Sub", "3"}, true},
		{"lower-case roman", "Series — Part xiv: Sub", sp{"Series", 14, 0, "Sub", "xiv"}, true},
		{"upper-case PART", "SERIES — PART IV: SUB", sp{"SERIES", 4, 0, "SUB", "IV"}, true},
		{"lower-case part after comma", "Series, part 2", sp{"Series", 2, 0, "", "2"}, true},
		{"lower-case part in brackets", "Series (part 2)", sp{"Series", 2, 0, "", "2"}, true},
		{"roman of roman", "Series — Part II of XII: Sub", sp{"Series", 2, 12, "Sub", "II"}, true},
		{"of smaller than part", "Series — Part 10 of 3: Sub", sp{"Series", 10, 0, "Sub", "10"}, true},
		{"of equal part", "Series — Part 3 of 3", sp{"Series", 3, 3, "", "3"}, true},
		{"leading zero", "Series — Part 03: Sub", sp{"Series", 3, 0, "Sub", "03"}, true},
		{"largest arabic", "Series — Part 100000", sp{"Series", 100000, 0, "", "100000"}, true},
		{"largest roman", "Series — Part MMMCMXCIX", sp{"Series", 3999, 0, "", "MMMCMXCIX"}, true},
		{"doubled separator", "Series — Part 3: — Sub", sp{"Series", 3, 0, "Sub", "3"}, true},
		{"series with own parentheses", "Mobbing at the EPO (EPO) Part 1", sp{"Mobbing at the EPO (EPO)", 1, 0, "", "1"}, true},
		{"second Part wins when first has no series", "Part I of My Life — Part 2: Sub", sp{"Part I of My Life", 2, 0, "Sub", "2"}, true},
		{"later Part in subtitle ignored", "Series — Part 2: About Part 3: Sub", sp{"Series", 2, 0, "About Part 3: Sub", "2"}, true},
		{"subtitle punctuation kept", "Series — Part 1: “Quoted”... & <b>?</b>", sp{"Series", 1, 0, "“Quoted”... & <b>?</b>", "1"}, true},
		{"entities left alone", "Series &#8212; Part 1: A &amp; B", sp{"Series &#8212;", 1, 0, "A &amp; B", "1"}, true},
		{"unicode series", "Из Беларуси с любовью — Part IX: Конец", sp{"Из Беларуси с любовью", 9, 0, "Конец", "IX"}, true},
		{"digit series", "2026 — Part 2", sp{"2026", 2, 0, "", "2"}, true},

		// White space.
		{"spaces collapsed", "  From Belarus   With Love \t—\n Part   X :  From “High-Tech  Hub”  ", sp{"From Belarus With Love", 10, 0, "From “High-Tech Hub”", "X"}, true},
		{"no-break spaces", "From Belarus With Love\u00a0—\u00a0Part\u00a0X:\u00a0Sub", sp{"From Belarus With Love", 10, 0, "Sub", "X"}, true},
		{"zero-width and BOM", "\ufeffSeries\u200b— Part 2", sp{"Series", 2, 0, "", "2"}, true},
		{"control characters", "Series\x00—\x1bPart 2\x7f", sp{"Series", 2, 0, "", "2"}, true},
		{"invalid UTF-8", "Ser\xffies — Part 2: Su\xc3b", sp{"Ser\uFFFDies", 2, 0, "Su\uFFFDb", "2"}, true},

		// Not parts.
		{"links", "Links 02/02/2026: Cultural Cleansing by China", sp{}, false},
		{"gemini links", "Gemini Links 02/02/2026: Stargazing", sp{}, false},
		{"links with a part", "Links 02/02/2026: Mobbing at the EPO - Part II - Racism", sp{}, false},
		{"gemini links with a part", "Gemini Links 03/02/2026: Series, Part 2", sp{}, false},
		{"iso dated roundup", "Links 2026-02-02: Series, Part 2", sp{}, false},
		{"irc proceedings", "IRC Proceedings: Monday, February 02, 2026", sp{}, false},
		{"irc proceedings with a part", "IRC Proceedings: Series — Part 2", sp{}, false},
		{"irc logs", "IRC logs for Monday, February 02, 2026", sp{}, false},
		{"departing", "Departing the EPO", sp{}, false},
		{"departing numbered", "Series Departing 3", sp{}, false},
		{"part-time", "Part-time workers at the EPO", sp{}, false},
		{"series part-time", "Series — Part-time 3", sp{}, false},
		{"the part of", "The part of the story nobody tells", sp{}, false},
		{"counterpart", "Counterpart 3: the return", sp{}, false},
		{"counter-part", "Counter-part 3", sp{}, false},
		{"no series name", "Part 3: no series name", sp{}, false},
		{"separator only before", "— Part 3: Sub", sp{}, false},
		{"punctuation only before", "“” — Part 3", sp{}, false},
		{"invalid numeral", "Series — Part XYZ: Sub", sp{}, false},
		{"non-canonical IIII", "Series — Part IIII: Sub", sp{}, false},
		{"non-canonical VX", "Series — Part VX", sp{}, false},
		{"roman too large", "Series — Part MMMMCMXCIX", sp{}, false},
		{"zero", "Series — Part 0", sp{}, false},
		{"arabic too large", "Series — Part 100001", sp{}, false},
		{"huge arabic", "Series — Part 99999999999999999999999", sp{}, false},
		{"signed", "Series — Part +3", sp{}, false},
		{"negative", "Series — Part -3", sp{}, false},
		{"ordinal", "Series — Part 3rd", sp{}, false},
		{"range", "Series — Part 3-4", sp{}, false},
		{"en dash range", "Series — Part 3–4", sp{}, false},
		{"decimal", "Series Part 2.5", sp{}, false},
		{"hyphen glued to subtitle", "Series Part 2-Foo", sp{}, false},
		{"of the story", "Series — Part 3 of the story", sp{}, false},
		{"pronoun", "Why Part I Think So", sp{}, false},
		{"prose", "We Will Do Part 2 Later", sp{}, false},
		{"lower-case part in prose", "Taking part 2: the sequel", sp{}, false},
		{"possessive", "Series Part 3's End", sp{}, false},
		{"non-ASCII letter after numeral", "Series Part Xé", sp{}, false},
		{"part without number", "Series — Part", sp{}, false},
		{"part and space", "Series — Part ", sp{}, false},
		{"dotless i", "Series — Part \u0131", sp{}, false},
		{"empty", "", sp{}, false},
		{"spaces", " \t\n ", sp{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := announce.ParseSeriesTitle(tc.title)
			if ok != tc.ok || got != tc.want {
				t.Errorf("ParseSeriesTitle(%q)\n got %+v, %v\nwant %+v, %v", tc.title, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestParseSeriesTitleArticleList reads the "Series parts" list of the
// fixture article: every entry but "YOU ARE HERE" is a full part title.
func TestParseSeriesTitleArticleList(t *testing.T) {
	lines := []string{
		"  1. From Belarus With Love — Part I: Schizophrenic EPO Policy",
		"  9. From Belarus With Love — Part IX: The End of “Peaceful Coexistence”?",
	}
	for i, line := range lines {
		_, title, _ := strings.Cut(line, ". ")
		p, ok := announce.ParseSeriesTitle(title)
		if !ok || p.Series != "From Belarus With Love" {
			t.Errorf("line %d %q: got %+v, %v", i, line, p, ok)
		}
	}
	if p, ok := announce.ParseSeriesTitle("YOU ARE HERE ☞ From “High-Tech Hub” to “No-Go Zone”"); ok {
		t.Errorf("the YOU ARE HERE marker is not a part: got %+v", p)
	}
}

func ExampleParseSeriesTitle() {
	p, ok := announce.ParseSeriesTitle("From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”")
	fmt.Println(ok, p.Series, "|", p.Part, p.Numeral, "|", p.Subtitle)
	_, ok = announce.ParseSeriesTitle("Links 02/02/2026: Cultural Cleansing by China")
	fmt.Println(ok)
	// Output:
	// true From Belarus With Love | 10 X | From “High-Tech Hub” to “No-Go Zone”
	// false
}

func FuzzParseSeriesTitle(f *testing.F) {
	for _, tc := range seriesFeedTitles {
		f.Add(tc.title)
	}
	for _, s := range []string{
		"Some Series – Part 10 of 12: Subtitle", "Series Name (Part 3)", "Series, part 2.",
		"Series — Part 3: — Sub", "Part 3: no series name", "Series\u00a0—\u00a0Part\u00a0X",
		"Ser\xffies — Part 2: Su\xc3b", "Series — Part IIII", "Series [Part 3 of 3] | x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		p, ok := announce.ParseSeriesTitle(title)
		if !ok {
			if p != (announce.SeriesPart{}) {
				t.Fatalf("not a part but a non-zero result %+v", p)
			}
			return
		}
		if p.Part <= 0 || p.Series == "" {
			t.Fatalf("ParseSeriesTitle(%q) = %+v: want Part > 0 and a series name", title, p)
		}
		// Invalid UTF-8 becomes U+FFFD, so the output is valid whatever came in.
		for _, s := range []string{p.Series, p.Subtitle, p.Numeral} {
			if !utf8.ValidString(s) {
				t.Fatalf("ParseSeriesTitle(%q) = %+v: invalid UTF-8 out", title, p)
			}
			if strings.TrimFunc(s, unicode.IsSpace) != s || strings.Contains(s, "  ") {
				t.Fatalf("ParseSeriesTitle(%q) = %+v: white space not normalised", title, p)
			}
		}
		if n, err := announce.ParsePartNumber(p.Numeral); err != nil || n != p.Part {
			t.Fatalf("ParseSeriesTitle(%q) = %+v: the numeral reads %d, %v", title, p, n, err)
		}
		if p.Of != 0 && p.Of < p.Part {
			t.Fatalf("ParseSeriesTitle(%q) = %+v: Of < Part", title, p)
		}
		if !strings.Contains(title, p.Numeral) {
			t.Fatalf("ParseSeriesTitle(%q) = %+v: the numeral is not as written", title, p)
		}
	})
}

func BenchmarkParseSeriesTitle(b *testing.B) {
	titles := seriesFixtureItemTitles(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		announce.ParseSeriesTitle(titles[i%len(titles)])
	}
}

// seriesFixtureFeed is a verbatim copy of the shared fixture
// techrights-feed.xml (see its README): titles are real, the rest made up.
const seriesFixtureFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Techrights</title>
<link>https://techrights.org/</link>
<description>Fixture feed in the shape of a Techrights feed, built from titles listed on one of its pages (test data).</description>
<language>en</language>
<item>
<title>Links 01/02/2026: Public TV Gutted by Cheeto, Billionaires Fund a Cheeto Propaganda Movie in 'Documentary' Clothing</title>
<link>https://techrights.org/n/2026/02/02/Links_01_02_2026_Public_TV_Gutted_by_Cheeto_Billionaires_Fund_a_Cheeto_Propagand.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/02/Links_01_02_2026_Public_TV_Gutted_by_Cheeto_Billionaires_Fund_a_Cheeto_Propagand.shtml</guid>
<pubDate>Mon, 02 Feb 2026 15:00:00 +0000</pubDate>
<description>Links for the day</description>
</item>
<item>
<title>IRC Proceedings: Sunday, February 01, 2026</title>
<link>https://techrights.org/n/2026/02/02/IRC_Proceedings_Sunday_February_01_2026.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/02/IRC_Proceedings_Sunday_February_01_2026.shtml</guid>
<pubDate>Mon, 02 Feb 2026 12:00:00 +0000</pubDate>
<description>IRC logs for Sunday, February 01, 2026</description>
</item>
<item>
<title>A Can of WORMS - Part II - Darkening the Name of RMS, Associating It With Crime</title>
<link>https://techrights.org/n/2026/02/02/A_Can_of_WORMS_Part_II_Darkening_the_Name_of_RMS_Associating_It_With_Crime.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/02/A_Can_of_WORMS_Part_II_Darkening_the_Name_of_RMS_Associating_It_With_Crime.shtml</guid>
<pubDate>Mon, 02 Feb 2026 09:00:00 +0000</pubDate>
<description>Beware projection tactics</description>
</item>
<item>
<title>Mobbing at the European Patent Office (EPO) - Part II - Racism, Cocaine Use and White-Collar Corruption</title>
<link>https://techrights.org/n/2026/02/02/Mobbing_at_the_European_Patent_Office_EPO_Part_II_Racism_Cocaine_Use_and_White_C.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/02/Mobbing_at_the_European_Patent_Office_EPO_Part_II_Racism_Cocaine_Use_and_White_C.shtml</guid>
<pubDate>Mon, 02 Feb 2026 06:00:00 +0000</pubDate>
<description>When you hire people illegally, to work for cocaine users and keep quite about the cocaine use, what will be the impact on the reputation of an institution?</description>
</item>
<item>
<title>Doing More Detailed Series (Long-Form Works)</title>
<link>https://techrights.org/n/2026/02/02/Doing_More_Detailed_Series_Long_Form_Works.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/02/Doing_More_Detailed_Series_Long_Form_Works.shtml</guid>
<pubDate>Mon, 02 Feb 2026 03:00:00 +0000</pubDate>
<description>Long readings or book-like reading binges are only possible when parts are suitably labeled (name and numbers) if not interlinked</description>
</item>
<item>
<title>Links 02/02/2026: Cultural Cleansing by China and 'Living Behind Firewalls" in Iran</title>
<link>https://techrights.org/n/2026/02/02/Links_02_02_2026_Cultural_Cleansing_by_China_and_Living_Behind_Firewalls_in_Iran.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/02/Links_02_02_2026_Cultural_Cleansing_by_China_and_Living_Behind_Firewalls_in_Iran.shtml</guid>
<pubDate>Mon, 02 Feb 2026 00:00:00 +0000</pubDate>
<description>Links for the day</description>
</item>
<item>
<title>From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”</title>
<link>https://techrights.org/n/2026/02/01/From_Belarus_With_Love_Part_X_From_High_Tech_Hub_to_No_Go_Zone.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/01/From_Belarus_With_Love_Part_X_From_High_Tech_Hub_to_No_Go_Zone.shtml</guid>
<pubDate>Sun, 01 Feb 2026 23:24:00 +0000</pubDate>
<description>Part X of the series about the EPO's outsourcing partners in Minsk</description>
</item>
<item>
<title>Gemini Links 03/02/2026: Stargazing, Development Boards, and Tcl/Tk Slop</title>
<link>https://techrights.org/n/2026/02/01/Gemini_Links_03_02_2026_Stargazing_Development_Boards_and_Tcl_Tk_Slop.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/01/Gemini_Links_03_02_2026_Stargazing_Development_Boards_and_Tcl_Tk_Slop.shtml</guid>
<pubDate>Sun, 01 Feb 2026 21:00:00 +0000</pubDate>
<description>Links for the day</description>
</item>
<item>
<title>IRC Proceedings: Monday, February 02, 2026</title>
<link>https://techrights.org/n/2026/02/01/IRC_Proceedings_Monday_February_02_2026.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/01/IRC_Proceedings_Monday_February_02_2026.shtml</guid>
<pubDate>Sun, 01 Feb 2026 18:00:00 +0000</pubDate>
<description>IRC logs for Monday, February 02, 2026</description>
</item>
<item>
<title>Over at Tux Machines...</title>
<link>https://techrights.org/n/2026/02/01/Over_at_Tux_Machines.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/01/Over_at_Tux_Machines.shtml</guid>
<pubDate>Sun, 01 Feb 2026 15:00:00 +0000</pubDate>
<description>GNU/Linux news for the past day</description>
</item>
<item>
<title>Growth of GNU/Linux in Cuba</title>
<link>https://techrights.org/n/2026/02/01/Growth_of_GNU_Linux_in_Cuba.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/01/Growth_of_GNU_Linux_in_Cuba.shtml</guid>
<pubDate>Sun, 01 Feb 2026 12:00:00 +0000</pubDate>
<description>Right now a lot of the world drafts or already implements a GAFAM exit plan</description>
</item>
<item>
<title>Corporate Influence Never Impacted Us</title>
<link>https://techrights.org/n/2026/02/01/Corporate_Influence_Never_Impacted_Us.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/01/Corporate_Influence_Never_Impacted_Us.shtml</guid>
<pubDate>Sun, 01 Feb 2026 09:00:00 +0000</pubDate>
<description>There's no reason to assume we'll ever "sell out"</description>
</item>
<item>
<title>IBM Misleads and Gaslights Investors With Slop Sold as "AI" (the Business is Waning, Mass Layoffs Continue)</title>
<link>https://techrights.org/n/2026/02/01/IBM_Misleads_and_Gaslights_Investors_With_Slop_Sold_as_AI_the_Business_is_Waning.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/02/01/IBM_Misleads_and_Gaslights_Investors_With_Slop_Sold_as_AI_the_Business_is_Waning.shtml</guid>
<pubDate>Sun, 01 Feb 2026 06:00:00 +0000</pubDate>
<description>People who do this are dishonest. They should not be put in charge.</description>
</item>
<item>
<title>From Belarus With Love — Part IX: The End of “Peaceful Coexistence”?</title>
<link>https://techrights.org/n/2026/01/31/From_Belarus_With_Love_Part_IX_The_End_of_Peaceful_Coexistence.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/01/31/From_Belarus_With_Love_Part_IX_The_End_of_Peaceful_Coexistence.shtml</guid>
<pubDate>Sat, 31 Jan 2026 13:48:00 +0000</pubDate>
<description>Part IX of the series about the EPO's outsourcing partners in Minsk</description>
</item>
<item>
<title>From Belarus With Love — Part VIII: “Seoul in the Centre of Pyongyang”</title>
<link>https://techrights.org/n/2026/01/30/From_Belarus_With_Love_Part_VIII_Seoul_in_the_Centre_of_Pyongyang.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/01/30/From_Belarus_With_Love_Part_VIII_Seoul_in_the_Centre_of_Pyongyang.shtml</guid>
<pubDate>Fri, 30 Jan 2026 04:12:00 +0000</pubDate>
<description>Part VIII of the series about the EPO's outsourcing partners in Minsk</description>
</item>
<item>
<title>From Belarus With Love — Part VII: The Post-Election Crackdown</title>
<link>https://techrights.org/n/2026/01/28/From_Belarus_With_Love_Part_VII_The_Post_Election_Crackdown.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/01/28/From_Belarus_With_Love_Part_VII_The_Post_Election_Crackdown.shtml</guid>
<pubDate>Wed, 28 Jan 2026 18:36:00 +0000</pubDate>
<description>Part VII of the series about the EPO's outsourcing partners in Minsk</description>
</item>
<item>
<title>From Belarus With Love — Part VI: “Big Daddy” Hammers the Opposition...</title>
<link>https://techrights.org/n/2026/01/27/From_Belarus_With_Love_Part_VI_Big_Daddy_Hammers_the_Opposition.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/01/27/From_Belarus_With_Love_Part_VI_Big_Daddy_Hammers_the_Opposition.shtml</guid>
<pubDate>Tue, 27 Jan 2026 09:00:00 +0000</pubDate>
<description>Part VI of the series about the EPO's outsourcing partners in Minsk</description>
</item>
<item>
<title>From Belarus With Love — Part V: From Start-Up to Success Story...</title>
<link>https://techrights.org/n/2026/01/25/From_Belarus_With_Love_Part_V_From_Start_Up_to_Success_Story.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/01/25/From_Belarus_With_Love_Part_V_From_Start_Up_to_Success_Story.shtml</guid>
<pubDate>Sun, 25 Jan 2026 23:24:00 +0000</pubDate>
<description>Part V of the series about the EPO's outsourcing partners in Minsk</description>
</item>
<item>
<title>From Belarus With Love — Part IV: “Software from Minsk” via Gilching and Rijswijk</title>
<link>https://techrights.org/n/2026/01/24/From_Belarus_With_Love_Part_IV_Software_from_Minsk_via_Gilching_and_Rijswijk.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/01/24/From_Belarus_With_Love_Part_IV_Software_from_Minsk_via_Gilching_and_Rijswijk.shtml</guid>
<pubDate>Sat, 24 Jan 2026 13:48:00 +0000</pubDate>
<description>Part IV of the series about the EPO's outsourcing partners in Minsk</description>
</item>
<item>
<title>From Belarus With Love — Part III: Apps From the Dictatorship</title>
<link>https://techrights.org/n/2026/01/23/From_Belarus_With_Love_Part_III_Apps_From_the_Dictatorship.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/01/23/From_Belarus_With_Love_Part_III_Apps_From_the_Dictatorship.shtml</guid>
<pubDate>Fri, 23 Jan 2026 04:12:00 +0000</pubDate>
<description>Part III of the series about the EPO's outsourcing partners in Minsk</description>
</item>
<item>
<title>From Belarus With Love — Part II: “Techwashing” an Autocratic Regime?</title>
<link>https://techrights.org/n/2026/01/21/From_Belarus_With_Love_Part_II_Techwashing_an_Autocratic_Regime.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/01/21/From_Belarus_With_Love_Part_II_Techwashing_an_Autocratic_Regime.shtml</guid>
<pubDate>Wed, 21 Jan 2026 18:36:00 +0000</pubDate>
<description>Part II of the series about the EPO's outsourcing partners in Minsk</description>
</item>
<item>
<title>From Belarus With Love — Part I: Schizophrenic EPO Policy</title>
<link>https://techrights.org/n/2026/01/20/From_Belarus_With_Love_Part_I_Schizophrenic_EPO_Policy.shtml</link>
<guid isPermaLink="true">https://techrights.org/n/2026/01/20/From_Belarus_With_Love_Part_I_Schizophrenic_EPO_Policy.shtml</guid>
<pubDate>Tue, 20 Jan 2026 09:00:00 +0000</pubDate>
<description>Part I of the series about the EPO's outsourcing partners in Minsk</description>
</item>
</channel>
</rss>
`
