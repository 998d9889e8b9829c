package logs

import (
	"bytes"
	"fmt"
	"io"
	"proceedings/event"
	"testing"
	"time"
)

// irssiDay returns an irssi log of n lines: mostly messages, with the
// actions, joins, quits and nick changes of a busy channel.
func irssiDay(n int) []byte {
	var b bytes.Buffer
	b.WriteString("--- Log opened Mon Feb 02 00:00:00 2026\n")
	nicks := []string{" alice", "@bob", "+carol", " dave_", " erin|away"}
	for i := range n {
		s := i * 86400 / n
		fmt.Fprintf(&b, "%02d:%02d ", s/3600, s/60%60)
		nick := nicks[i%len(nicks)]
		switch i % 20 {
		case 5:
			fmt.Fprintf(&b, " * %s looks at the logs again\n", nick[1:])
		case 9:
			fmt.Fprintf(&b, "-!- %s [~%s@host-%d.example.net] has joined #techrights\n", nick[1:], nick[1:], i)
		case 13:
			fmt.Fprintf(&b, "-!- %s [~%s@host-%d.example.net] has quit [Ping timeout: 240 seconds]\n", nick[1:], nick[1:], i)
		case 17:
			fmt.Fprintf(&b, "-!- %s is now known as %s_\n", nick[1:], nick[1:])
		default:
			fmt.Fprintf(&b, "<%s> message number %d about the patent office and http://example.com/page/%d\n", nick, i, i)
		}
	}
	return b.Bytes()
}

func BenchmarkReadIrssi(b *testing.B) {
	const lines = 200000
	data := irssiDay(lines)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), Options{Channel: "#techrights", Location: time.UTC})
		if err != nil {
			b.Fatal(err)
		}
		if n, err := countEvents(r); err != io.EOF || n != lines {
			b.Fatalf("read %d events, then %v; want %d, then EOF", n, err, lines)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// benchLine is a message as the busiest channels have them, and the zone
// of their logs.
func benchLine(b *testing.B) (event.Event, *time.Location) {
	ev := event.Event{
		Network: "techrights", Channel: "#techrights", Time: time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC),
		Kind: event.KindMessage, Nick: "schestowitz", Text: "Links 02/02/2026: patent office news and http://example.com/page",
	}
	return ev, mustZone(b, "Europe/London")
}

func BenchmarkFormatLine(b *testing.B) {
	ev, london := benchLine(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = FormatLine(ev, london)
	}
}

func BenchmarkWriter(b *testing.B) {
	ev, london := benchLine(b)
	w := NewWriter(io.Discard, london)
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFormatWriters writes events of every kind in each format.
func BenchmarkFormatWriters(b *testing.B) {
	evs := everyKind(b)
	london := mustZone(b, "Europe/London")
	for _, format := range WriteFormats() {
		b.Run(format, func(b *testing.B) {
			w, err := NewFormatWriter(format, io.Discard, london)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				for _, ev := range evs {
					if err := w.Write(ev); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
