// Package render writes the archive as a static site: one "IRC
// Proceedings" page per public channel and day with its plain-text, Gemini
// and links twins, a calendar and a stats page per channel, a daily index
// per date, series pages, a front page and an Atom feed. Any web server can
// serve the result; nothing in it needs JavaScript.
//
// It gets everything from the archive and from its own Options: it knows
// nothing of IRC connections (no girc) or of the bot. The plain-text twin is
// written by package logs, so a day's .txt page is the export format.
//
// # URL layout
//
// All paths are relative to Options.Out (and to Options.BaseURL):
//
//	index.html                          front page: channels, latest days, intro (content/index.md)
//	about.html                          content/about.md (a default text without it)
//	NAME.html                           Options.Pages, Markdown given by the caller (commands.html:
//	                                    the bot's command reference), linked from every page
//	style.css, range.js                 the one stylesheet; the optional range script
//	feed.atom                           Atom feed: one entry per ended channel-day
//	robots.txt                          Disallow lines for channels with NoIndex
//	.proceedings-site.json              SiteInfo: the title, zone and pages of the header and footer
//	days/2026-02-02.html                daily index: every public channel's page of that date
//	series/index.html                   every known series
//	series/from-belarus-with-love.html  one series, its parts in order
//	NET/CHAN/index.html                 the channel's calendar (months × days, newest first)
//	NET/CHAN/stats.html                 the channel's statistics, SVG charts drawn here
//	NET/CHAN/2026-02-02.html            the day page
//	NET/CHAN/2026-02-02.txt             its plain-text twin (our export format)
//	NET/CHAN/2026-02-02.gmi             its Gemini twin
//	NET/CHAN/2026-02-02-links.html      the links shared that day
//	NET/CHAN/2026-02-02.css             the day's nick filters (hashes only)
//
// NET and CHAN are path segments made by Slug: "libera/techrights/",
// "libera/~23linux/" (for ##linux). DayPath and ChannelPath are the only functions that
// build them; the bot's !logs, announcements and the feed use them too.
//
// # Day pages
//
// Every line has the permalink anchor #l-ID, where ID is the event's id in
// the archive: it does not change when lines are added or other lines are
// redacted. A line named in the address is highlighted with CSS :target.
// A range, #l-120-l-135, is highlighted by range.js (an external file, so a
// Content-Security-Policy of script-src 'self' allows it); without the
// script the page is unchanged. Quiet stretches of more than an hour show as
// a gap line.
//
// Two filters work without JavaScript. Joins, parts, quits and nick changes
// are hidden by a checkbox through the CSS :checked selector. One person's
// lines are shown alone by the address #n-HASH (the list "Show one person's
// lines" links them): each line carries the class n-HASH of its nick's
// FNV-1a hash, and the day's own small stylesheet holds one :target rule
// per speaker. Nicks are coloured by the same hash, from a palette of 16
// readable in light and dark mode.
//
// # One header and footer
//
// Every page wears the same header (the site's title, the navigation:
// Channels, Series, Options.Pages, About, Feed; a search box) and the same
// footer, from layout.html's templates, made once per kind of page
// (chrome.go). The pages `proceedings serve` makes itself (the search
// page, its errors, a 404) wear them too: PageChrome makes them from the
// SiteInfo Render leaves in Out/.proceedings-site.json. A page has one
// <h1>: Markdown that opens with a level-1 heading gives its own, and
// Markdown's other level-1 headings become level-2 ones.
//
// # Search
//
// The search box of every page's header is a small GET form, action
// ROOT/search (relative, so it works under any base URL), with the words
// in q and, on a channel's pages (calendar, day, links, stats), hidden
// channel and network fields. Only `proceedings serve` (or `run --serve`)
// answers /search; on a purely static host the form leads to a 404 and
// nothing else breaks. style.css also styles the search page of package
// web (body.search-page and its classes).
//
// # Statistics
//
// A day's numbers (lines, lines per hour, people with their lines and
// words, link hosts) are counted while its page is written and kept in the
// render cache; the stats page folds them. ComputeStats streams a range of
// days from the archive through the same counting and the same folding, so
// `proceedings stats` prints what the stats page shows.
//
// # Safety
//
// Page skeletons are html/template. The log lines, a million of them in a
// full render, and a day's list of speakers are written by the line writer
// in line.go: it escapes every piece of text, writes only fixed markup (li,
// a, time, span, and p, b, small for the speakers; id, class, href, rel),
// maps mIRC formatting to class names from fixed tables and
// makes links only of URLs it parsed and accepted (http, https, gemini,
// irc), with rel="nofollow ugc noopener". FuzzLineWriter parses its output
// and fails on anything else. Text and nicks are isolated with
// unicode-bidi so that right-to-left overrides stay inside their span.
// Markdown goes through goldmark without raw HTML.
//
// Channels that are not public are never read: they have no page, no
// line in any listing, feed or stats, and no entry in the render state.
// When a channel stops being public its directory is removed.
//
// # Incremental, deterministic, atomic
//
// Render keeps its state in Out/.proceedings-state.json (the archive
// revision it showed, a fingerprint of the options and templates, the feed)
// and per-channel day aggregates in Out/.proceedings-cache/. A run compares
// the archive's revision and each day's revision with them and renders only
// the changed days, the days next to new or removed ones, the pages that
// list them (calendar, stats, daily index, front page, feed) — or nothing,
// after a few small reads, when nothing changed. Output depends only on the
// archive and the options, never on the clock or on map order, so two
// renders give identical bytes. Every file is written to a temporary file
// and renamed into place.
//
// # Speed
//
// A full render of a million lines takes under a second on two cores (see
// docs/BENCHMARKS.md). Days are rendered on Options.Workers goroutines,
// each reading its day through the archive's own readers (archive/scan.go)
// and writing the page, the .txt and .gmi twins and the day's counts in one
// pass over the events. The parts of the layout that are the same on every
// page of a kind run through html/template once per render (chrome.go).
// The checks that run on every line's text (bytes to escape, mIRC codes,
// controls, words) look at eight bytes at a time; common http(s) links are
// taken without url.Parse (internal/links, fuzzed against it); files are written
// with the system calls themselves. The binary is built with profile-guided
// optimisation (cmd/proceedings/default.pgo, make pgo).
package render
