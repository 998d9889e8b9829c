// Package logs reads and writes plain-text IRC channel logs.
//
// It owns the text formats and nothing else: events come in and go out as
// archive.Event values, and the package knows nothing of IRC libraries,
// SQLite or HTML.
//
// # Our own format
//
// The "own" format is what the project exports and what the site's .txt day
// pages show. One file holds one channel and one local day: two header lines,
// then one event per line, times local to the zone the header names.
//
//	--- IRC logs for Monday, February 02, 2026
//	--- #techrights on techrights (times are Europe/London)
//	[14:03:11] <alice> hello there
//	[14:03:15] * alice waves
//	[14:03:20] -bob- a notice
//	[14:04:00] -!- carol [~carol@host.example] has joined #techrights
//	[14:05:00] -!- carol [~carol@host.example] has left #techrights [bye]
//	[14:06:00] -!- dave [~d@h] has quit [Ping timeout]
//	[14:07:00] -!- erin was kicked from #techrights by alice [spam]
//	[14:08:00] -!- frank is now known as frankie
//	[14:09:00] -!- alice changed the topic of #techrights to: new topic
//	[14:09:01] -!- Topic for #techrights: topic seen on join
//	[14:10:00] -!- mode/#techrights [+o bob] by alice
//	[14:11:00] -!- recording gap: nothing was recorded from 13:50:02 to 14:11:00
//
// The rules, exactly:
//
//   - The first header line is "--- IRC logs for " and the day as DayTitle
//     writes it ("Monday, February 02, 2026"). The second is
//     "--- CHANNEL on NETWORK (times are ZONE)", or "--- CHANNEL (times are
//     ZONE)" when the network is not known; ZONE is an IANA zone name.
//   - Times are [HH:MM:SS] in that zone. A stream that runs past midnight
//     repeats the first header line with the new day before the first event of
//     that day, so one file can also carry several days.
//   - "[user@host]" is left out when it is not known, "[reason]" when the
//     reason is empty, and " by NICK" of a mode change when no nick set it (a
//     server). A topic change with no nick is written "-!- Topic of #chan
//     changed to: TEXT". A topic reported on join (archive.FlagTopicOnJoin) is
//     "-!- Topic for #chan: TEXT"; the nick of such an event is not written.
//   - A recording gap says when recording stopped; when that was on an earlier
//     day the start carries its date: "from 2026-01-30 23:50:02 to 00:11:00".
//   - Text is written as stored, mIRC formatting bytes included, except what
//     a terminal or a line reader would act on: CR, LF, NUL, U+2028 and
//     U+2029 become a space, so that one event is always one line; every
//     other control character (C0 but tab and mIRC's codes, DEL, C1 such as
//     CSI and NEL, and so ESC sequences, OSC 8 links, BEL, VT, FF) and every
//     byte of invalid UTF-8 becomes U+FFFD. The same rule holds for every
//     text writer (irssi, WeeChat, ZNC) and the site's .txt pages; only the
//     JSON export keeps every byte. Nothing else is escaped: the line's shape
//     is decided by its prefix, and the text is always the last field.
//
// Reading a file of our own format back gives the events that were written:
// same kinds, nicks, user@hosts, texts and targets (as cleaned above), times
// to the second.
// Accounts, message IDs, Via and the self flag are not part of the format.
//
// # Reading other formats
//
// NewReader sniffs the first lines of a file and picks one of the formats
// Formats lists: "own", "irssi" (the default theme and the common shapes of
// other themes, "HH:MM" or "HH:MM:SS" stamps, "--- Log opened" and "---
// Day changed" markers, irssi's colour codes removed), "weechat" (the
// logger plugin's tab-separated lines, in every language WeeChat ships and
// with the prefixes the user chose), "znc" (the log module), "limnoria"
// (the ChannelLogger plugin) and "xchat" (xchat 2 and HexChat). The strings
// each reader matches were taken from those programs' sources (for
// WeeChat, from its translations too: see weechat_sentences.go).
//
// Formats whose lines carry only a time of day need the date of the first
// line: from a marker in the file (our header, irssi's "Log opened", xchat's
// "BEGIN LOGGING"), else Options.Date, else a date in the file name
// (YYYY-MM-DD or YYYYMMDD). A time that jumps back by more than twelve hours
// starts the next day; smaller backward steps are kept (clock corrections,
// the repeated hour when summer time ends).
//
// The reader streams: memory stays bounded whatever the size of the file.
// Bad input is not fatal unless Options.Strict is set: a line that does not
// parse is skipped with a Warning, NUL bytes are removed with a Warning,
// lines over 1 MiB are skipped with a Warning, CRLF line ends are accepted,
// and a line that is not valid UTF-8 is decoded as Windows-1252 (a superset
// of Latin-1). Every event read carries archive.FlagImported and a UTC time.
//
// # Writing other formats
//
// NewFormatWriter writes the same events as irssi, WeeChat or ZNC would have
// logged them (with seconds in the irssi stamps), or as JSON lines.
package logs
