// Package archive says what an archive of channel logs answers, whatever
// engine keeps it: the Store interface the bot, the renderer, the web server
// and the command line use, and the values that cross it (channels, days,
// posts, searches, redactions). It knows nothing of SQL, IRC or HTML.
//
// The engines are archive/sqlite, one file on one machine and the default,
// and archive/postgres, one database that several bots and web servers
// share. A search is given as words and "phrases" (ParseQuery); each engine
// writes them in its own full-text syntax.
//
// What the engines do alike beyond their SQL is written once, in the
// packages under archive/internal (the import front, the queue of live
// appends, day counts, the public view, the rules for posts and
// redactions), which both engines import; this package imports neither
// engine.
package archive
