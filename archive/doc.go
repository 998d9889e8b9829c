// Package archive stores channel events, posts and series in one SQLite
// file (modernc.org/sqlite, WAL, FTS5) and answers every query the bot, the
// renderer and the command line ask of it.
//
// It knows nothing of IRC and nothing of HTML: events arrive already turned
// into event.Event values, and text leaves exactly as it was stored. Time is
// kept in UTC milliseconds; a "day" is a calendar day in the location given
// to Open.
package archive
