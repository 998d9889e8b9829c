package render

import (
	"time"

	"proceedings/archive"
)

// showcase is a realistic day for the README's screenshot.
func showcase() []archive.Event {
	day := func(h, m, s int) time.Time { return time.Date(2026, 2, 2, h, m, s, 0, london) }
	var evs []archive.Event
	add := func(t time.Time, k archive.Kind, nick, text string, mod ...func(*archive.Event)) {
		ev := archive.Event{Network: "libera", Channel: "#techrights", Time: t, Kind: k, Nick: nick, Text: text}
		for _, f := range mod {
			f(&ev)
		}
		evs = append(evs, ev)
	}
	self := func(e *archive.Event) { e.Flags |= archive.FlagSelf }
	uh := func(s string) func(*archive.Event) { return func(e *archive.Event) { e.UserHost = s } }
	onJoin := func(e *archive.Event) { e.Flags |= archive.FlagTopicOnJoin }
	add(day(6, 58, 2), archive.KindTopic, "", "Techrights — https://techrights.org/ | Gemini: gemini://gemini.techrights.org/ | logs are public", onJoin)
	add(day(7, 1, 15), archive.KindJoin, "Marjan", "", uh("~marjan@user/marjan"))
	add(day(7, 1, 40), archive.KindMessage, "Marjan", "good morning all")
	add(day(7, 2, 3), archive.KindMessage, "schestowitz", "morning Marjan. New part of the series is out: https://techrights.org/n/2026/02/02/from-belarus-with-love-part-x/")
	add(day(7, 2, 5), archive.KindMessage, "proceedings", "[ From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” ] - techrights.org", self)
	add(day(7, 3, 30), archive.KindMessage, "Marjan", "reading it now. The part about the hub is \x02very\x02 good")
	add(day(7, 4, 12), archive.KindAction, "schestowitz", "refills the coffee")
	add(day(7, 6, 48), archive.KindMessage, "aljazeera", "anyone tried the new Debian point release yet?")
	add(day(7, 7, 20), archive.KindMessage, "Marjan", "aljazeera: upgraded two boxes last night, no issues so far")
	add(day(7, 7, 55), archive.KindMessage, "aljazeera", "nice, thanks. Release notes: https://www.debian.org/News/2026/20260131")
	add(day(7, 8, 1), archive.KindMessage, "proceedings", "[ Debian -- News -- Updated Debian 13: 13.4 released ] - www.debian.org", self)
	add(day(7, 9, 33), archive.KindJoin, "psydroid", "", uh("~psydroid@2001:db8::42"))
	add(day(7, 10, 2), archive.KindMessage, "psydroid", "hi. \x0303green\x03 means the mirror is back up")
	add(day(7, 12, 47), archive.KindQuit, "guest-8841", "Ping timeout: 240 seconds", uh("~guest@203.0.113.9"))
	add(day(7, 14, 9), archive.KindMessage, "schestowitz", "Links 02/02/2026 is being prepared; send tips here or to the usual address")
	add(day(7, 15, 36), archive.KindNick, "aljazeera", "", func(e *archive.Event) { e.Target = "aljazeera_" })
	add(day(7, 16, 0), archive.KindMessage, "Marjan", "the Gemini capsule has the same article: gemini://gemini.techrights.org/2026/02/02/")
	add(day(8, 45, 12), archive.KindMessage, "schestowitz", "back. Links are up: https://techrights.org/n/2026/02/02/links-02-02-2026/")
	add(day(8, 45, 14), archive.KindMessage, "proceedings", "[ Links 02/02/2026: Belarus, Patents and More ] - techrights.org", self)
	add(day(8, 46, 30), archive.KindMessage, "psydroid", "thanks, will read after work")
	add(day(8, 47, 5), archive.KindPart, "psydroid", "see you later", uh("~psydroid@2001:db8::42"))
	add(day(8, 49, 51), archive.KindMessage, "Marjan", "!part 10")
	add(day(8, 49, 52), archive.KindMessage, "proceedings", "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — https://techrights.org/n/2026/02/02/from-belarus-with-love-part-x/", self)
	return evs
}
