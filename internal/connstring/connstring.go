// Package connstring recognises PostgreSQL's other way to name a
// database, libpq's keyword=value connection string ("host=db
// dbname=proceedings password=…"). An archive is a file path or a
// postgres:// URL; such a string given as one would otherwise be taken for
// a file name, and repeated, password and all, in the error that the file
// cannot be created.
package connstring

import "strings"

// keywords are libpq's connection keywords (PostgreSQL 15's documentation,
// "Parameter Key Words").
var keywords = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "password": true, "passfile": true,
	"channel_binding": true, "connect_timeout": true, "client_encoding": true, "options": true, "application_name": true,
	"fallback_application_name": true, "keepalives": true, "keepalives_idle": true, "keepalives_interval": true,
	"keepalives_count": true, "tcp_user_timeout": true, "replication": true, "gssencmode": true, "sslmode": true,
	"requiressl": true, "sslcompression": true, "sslcert": true, "sslkey": true, "sslpassword": true,
	"sslrootcert": true, "sslcrl": true, "sslcrldir": true, "sslsni": true, "requirepeer": true,
	"ssl_min_protocol_version": true, "ssl_max_protocol_version": true, "krbsrvname": true, "gsslib": true,
	"service": true, "target_session_attrs": true, "load_balance_hosts": true,
}

// IsKeywordValue reports whether s begins as a libpq connection string
// does: one of its keywords, then "=" (spaces around it allowed). Case is
// ignored: libpq refuses "PASSWORD=", but such a value is still no file
// name to repeat.
func IsKeywordValue(s string) bool {
	key, _, ok := strings.Cut(strings.TrimLeft(s, " \t\r\n"), "=")
	return ok && keywords[strings.ToLower(strings.TrimRight(key, " \t\r\n"))]
}

// Refusal is what to say of such a string, without repeating it.
const Refusal = "this is a PostgreSQL keyword=value connection string; name the archive with a postgres:// URL instead (postgres://USER@HOST:PORT/DATABASE), and give the password in PGPASSWORD or ~/.pgpass (or archive_password_env/archive_password_file in bot.yaml), never in the URL"
