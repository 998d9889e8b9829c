// Package logs reads and writes plain-text IRC channel logs: our own format
// (what export writes and the .txt day pages show) and the logs of irssi,
// WeeChat, ZNC, Limnoria and xchat/HexChat, with the format detected and
// the channel read from a client's folder layout. Every line read is
// accounted for (Reader.Counts).
//
// It owns the text formats and nothing else: events come in and go out as
// event.Event values, and the package knows nothing of IRC libraries,
// SQLite or HTML. The formats, exactly, are in docs/log-formats.md.
package logs
