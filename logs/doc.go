// Package logs reads and writes plain-text IRC channel logs.
//
// It owns the text formats and nothing else: events come in and go out as
// event.Event values, and the package knows nothing of IRC libraries,
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
//     changed to: TEXT". A topic reported on join (event.FlagTopicOnJoin) is
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
// NewReader sniffs the first 50 lines of a file and picks the one of the
// formats Formats lists that understands the most of them: "own", "irssi"
// (the default theme and the common shapes of other themes, "HH:MM" or
// "HH:MM:SS" stamps, "--- Log opened" and "--- Day changed" markers, irssi's
// colour codes removed), "weechat" (the logger plugin's tab-separated lines,
// in every language WeeChat ships and with the prefixes the user chose),
// "znc" (the log module), "limnoria" (the ChannelLogger plugin of Limnoria
// and of Supybot before it, both of its stamps) and "xchat" (xchat 2 and
// HexChat). Our own format and ZNC's write messages, actions and notices
// alike; first lines that are only those are ZNC's, as our own format always
// starts with its header. The strings each reader matches were taken from
// those programs' sources (for WeeChat, from its translations too: see
// weechat_sentences.go); a line shaped like one of them that the program
// never writes (a "***" line of an unknown kind, say) is not understood
// rather than guessed at.
//
// Formats whose lines carry only a time of day (or no year) need the date of
// the first line: from a marker in the file (our header, irssi's "Log
// opened" and "Day changed", xchat's "BEGIN LOGGING"; ZNC writes none), else
// Options.Date (--date), else a date in the file name (YYYY-MM-DD or
// YYYYMMDD). Without any, NewReader's error names all three. A time that
// jumps back by more than twelve hours starts the next day; smaller backward
// steps are kept (clock corrections, the repeated hour when summer time
// ends, read as the earliest instant not before the line above). A time the clocks skipped when summer time starts
// (01:30 in London on its last Sunday of March) is read with the offset of
// after the change, and never before the line above it: the file's order
// holds.
//
// The reader streams: memory stays bounded whatever the size of the file.
// Every event read carries event.FlagImported and a UTC time. CRLF line
// ends are accepted.
//
// # Accounting: no line disappears in silence
//
// Reader.Counts accounts for every line read, each exactly once, so that
// Lines == Blank + Events + Markers + ΣNotKept + ΣNotUnderstood:
//
//   - Blank: empty, or only spaces and tabs.
//   - Events: lines that gave at least one event.
//   - Markers: our header lines and the date markers of other formats.
//   - NotKept, by reason: lines the program really writes that carry
//     nothing the archive keeps. Each format names its own ("channel modes
//     reported on join", "invite", "xchat/HexChat status line", "server
//     notice"…); a line a parser leaves without one is counted as "a status
//     line the archive does not keep". What was not said in the channel is
//     never stored as if it were: the notices to you that HexChat shows in a
//     channel's tab ("-ChanServ-  [#chan] welcome") are counted as "private
//     notice", not read as notices to the channel.
//   - NotUnderstood, by reason: lines no reader understood, "line longer
//     than 1 MiB (not read)" among them. A line is never read as a message
//     from a nick the reader is unsure of: such a line is not understood.
//   - Repaired, by reason, and outside the sum: lines that were also
//     repaired — "NUL bytes removed", or decoded from another encoding
//     than UTF-8 (see below).
//
// Reader.Examples keeps the first three lines of each reason. Bad input is
// not fatal: with Options.Strict the reading ends with a *LineError at the
// first line that is not understood; lines not kept and repaired lines are
// only counted.
//
// # Encodings
//
// Text is UTF-8 unless Options.Encoding names another encoding (a WHATWG
// label or an IANA name, checked by ParseEncoding: "shift_jis",
// "iso-2022-jp", "euc-jp", "gb18030", "big5", "euc-kr", "koi8-r",
// "windows-1251", "iso-8859-2"…). With one, a line beyond ASCII that is
// valid UTF-8 is still read as UTF-8 (a legacy log goes on in UTF-8 once its
// writer switched; legacy text is almost never valid UTF-8 by chance), and
// every other line is decoded from it; a decoded line with bytes beyond
// ASCII is counted as repaired, "read as shift_jis (--encoding)", or "not
// valid shift_jis: bytes replaced with U+FFFD" when some bytes are not of
// it. A UTF-8 byte order mark before the first line is dropped.
//
// Without one, a line that is not valid UTF-8 is read as Windows-1252 (a
// superset of Latin-1), the usual encoding of old western logs, and counted
// under "not UTF-8: read as Windows-1252 (pass --encoding if it is
// another)". When most of the first 200 such lines of a file look like
// another encoding, the reason says so, and they are read as Windows-1252
// all the same: runs of bytes beyond ASCII that read as common CJK
// characters (and, for Shift_JIS, kana) give "not UTF-8, and the bytes look
// like a CJK encoding (valid as shift_jis)…"; whole words of bytes in 0xC0
// to 0xFF give "…look like a non-Latin single-byte encoding (such as
// windows-1251 or koi8-r)…". A line that is UTF-8 but for a character cut
// at its end (an IRC server cuts at 512 bytes) keeps its text, the cut
// character replaced with U+FFFD.
//
// # Writing other formats
//
// NewFormatWriter writes the same events as irssi, WeeChat or ZNC would have
// logged them (with seconds in the irssi stamps), or as JSON lines.
package logs
