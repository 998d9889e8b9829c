// Package archive says what an archive of channel logs answers, whatever
// engine keeps it: the Store interface the bot, the renderer, the web server
// and the command line use, and the values that cross it (channels, days,
// posts, searches, redactions). It knows nothing of SQL, IRC or HTML.
//
// The engines are archive/sqlite, one file on one machine and the default,
// and archive/postgres, one database that several bots and web servers
// share. A search is given as words and "phrases" (ParseQuery); each engine
// writes them in its own full-text syntax.
package archive
