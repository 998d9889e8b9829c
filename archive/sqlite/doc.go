// Package sqlite is the archive's default engine: channel events, posts and
// series in one SQLite file (modernc.org/sqlite, WAL, FTS5), with a
// group-commit writer and a bulk importer.
//
// Time is kept in UTC milliseconds; a "day" is a calendar day in the
// location given to Open; text leaves exactly as it was stored.
package sqlite
