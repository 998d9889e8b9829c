// Package linkstest holds the edge cases of finding links in IRC text, for
// the tests of package links and of its users (the day page's links, the
// URL the bot titles), which must all agree on them.
package linkstest

import "strings"

// Link is one link found in a line: its text and its href.
type Link struct {
	Text, Href string
}

// Case is a line and the links in it, in order.
type Case struct {
	Name  string
	Line  string
	Links []Link
}

// same is a link whose href is its text.
func same(texts ...string) []Link {
	out := make([]Link, len(texts))
	for i, t := range texts {
		out[i] = Link{t, t}
	}
	return out
}

// Cases are the edge cases every user of package links is tested on.
var Cases = []Case{
	{"plain", "see https://techrights.org/n/2026/02/02/x.shtml", same("https://techrights.org/n/2026/02/02/x.shtml")},
	{"at the very end", "https://example.org/", same("https://example.org/")},
	{"no links", "no links here, example.org", nil},
	{"two in a line", "(https://example.org/a), and http://example.org/b.", same("https://example.org/a", "http://example.org/b")},

	// Punctuation of the sentence, not of the URL.
	{"full stop", "see https://example.org/x.", same("https://example.org/x")},
	{"comma", "https://example.org/x, then", same("https://example.org/x")},
	{"semicolon", "https://example.org/x; then", same("https://example.org/x")},
	{"colon", "at https://example.org/x: a page", same("https://example.org/x")},
	{"exclamation mark", "look https://example.org/x!", same("https://example.org/x")},
	{"question mark", "seen https://example.org/x?", same("https://example.org/x")},
	{"several", "https://example.org/x?!...", same("https://example.org/x")},
	{"query kept", "https://example.org/q?a=1&b=2 is it", same("https://example.org/q?a=1&b=2")},
	{"asterisks", "*https://example.org/x*", same("https://example.org/x")},
	{"trailing at sign", "https://example.org/x@ ", same("https://example.org/x")},
	{"trailing backslash", `https://example.org/x\`, same("https://example.org/x")},
	{"fragment kept", "https://example.org/x#top.", same("https://example.org/x#top")},
	{"empty fragment, dropped from the href", "https://example.org/x#", []Link{{"https://example.org/x#", "https://example.org/x"}}},
	{"equals kept", "https://example.org/?q=", same("https://example.org/?q=")},

	// Brackets.
	{"in parentheses", "(https://example.org/x)", same("https://example.org/x")},
	{"Wikipedia", "https://en.wikipedia.org/wiki/Foo_(bar) is it", same("https://en.wikipedia.org/wiki/Foo_(bar)")},
	{"Wikipedia in parentheses", "(see https://en.wikipedia.org/wiki/Mercury_(planet))", same("https://en.wikipedia.org/wiki/Mercury_(planet)")},
	{"disambiguation, full stop", "https://en.wikipedia.org/wiki/Python_(disambiguation).", same("https://en.wikipedia.org/wiki/Python_(disambiguation)")},
	{"unbalanced closer", "https://example.org/x)", same("https://example.org/x")},
	{"opener at the end", "https://example.org/x(", same("https://example.org/x")},
	{"in brackets", "[https://znc.in]", same("https://znc.in")},
	{"balanced brackets", "https://example.org/a[1]", same("https://example.org/a[1]")},
	{"in braces", "{https://example.org/x}", same("https://example.org/x")},
	{"balanced braces", "https://example.org/{x}", []Link{{"https://example.org/{x}", "https://example.org/%7Bx%7D"}}},

	// Quotes.
	{"angle brackets", "<https://example.org/x>", same("https://example.org/x")},
	{"double quotes", `"https://example.org/q?a=1&b=2"!`, same("https://example.org/q?a=1&b=2")},
	{"single quotes", "'https://example.org/x'", same("https://example.org/x")},
	{"apostrophe inside", "https://www.theregister.com/2025/05/04/don't-do-it/", same("https://www.theregister.com/2025/05/04/don't-do-it/")},
	{"curly quotes", "“https://example.org/x”", same("https://example.org/x")},
	{"curly single quotes", "‘https://example.org/x’", same("https://example.org/x")},
	{"guillemets", "«https://example.org/x»", same("https://example.org/x")},
	{"ideographic full stop", "https://example.org/x。", same("https://example.org/x")},
	{"backquotes", "`https://example.org/x`", same("https://example.org/x")},

	// Hosts and characters.
	{"IDN host", "https://bücher.example/x", []Link{{"https://bücher.example/x", "https://b%C3%BCcher.example/x"}}},
	{"non-ASCII path", "https://example.org/é", []Link{{"https://example.org/é", "https://example.org/%C3%A9"}}},
	{"symbol at the end", "https://example.org/🐧", []Link{{"https://example.org/🐧", "https://example.org/%F0%9F%90%A7"}}},
	{"IPv6 literal", "http://[::1]:8080/x", same("http://[::1]:8080/x")},
	{"IPv6 literal in parentheses", "(http://[2001:db8::1]/)", same("http://[2001:db8::1]/")},
	{"upper case scheme", "HTTPS://EXAMPLE.ORG/", []Link{{"HTTPS://EXAMPLE.ORG/", "https://EXAMPLE.ORG/"}}},
	{"no-break space ends it", "https://example.org/x\u00a0and", same("https://example.org/x")},
	{"ideographic space ends it", "https://example.org/x\u3000and", same("https://example.org/x")},
	{"space inside the host", "https://exa mple.org", same("https://exa")},
	{"too long", "https://example.org/" + strings.Repeat("a", 4096), nil},

	// mIRC formatting: a code ends a link.
	{"bold around", "\x02https://example.org/x\x02", same("https://example.org/x")},
	{"colour around", "\x0304,01https://example.org/x\x0f", same("https://example.org/x")},
	{"colour digits before", "\x0312https://example.org/x\x03", same("https://example.org/x")},
	{"italic and underline around", "\x1d\x1fhttps://example.org/x\x1f\x1d.", same("https://example.org/x")},
	{"bold inside", "https://example.org/a\x02bold", same("https://example.org/a")},
	{"colour inside", "https://example.org/a\x0304b", same("https://example.org/a")},
	{"reset inside, full stop", "https://example.org/a.\x0fb", same("https://example.org/a")},

	// Schemes.
	{"gemini and irc", "gemini://gemini.example/a irc://irc.libera.chat/#techrights", same("gemini://gemini.example/a", "irc://irc.libera.chat/#techrights")},
	{"www without scheme", "www.example.org", nil},
	{"javascript", "javascript:alert(1)", nil},
	{"javascript with slashes", "javascript://example.org/%0aalert(1)", nil},
	{"data", "data:text/html,<script>alert(1)</script>", nil},
	{"data with slashes", "data://text/html,<script>", nil},
	{"ftp", "ftp://example.org/", nil},
	{"letter before the scheme", "xhttp://example.org/", nil},
	{"digit before the scheme", "1https://example.org/", same("https://example.org/")},
	{"no host", "https:///path", nil},
	{"nothing after the scheme", "http:// http://", nil},
	{"bad escape", "https://example.org/%zz", nil},
}
