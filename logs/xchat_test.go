package logs

import (
	"testing"
	"time"
)

func xl(ts, left, msg string) string { return "Mar 02 " + ts + " " + left + "\t" + msg }

var xday = time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)

// TestHexchatStatusNeverActions reads HexChat's status events, which it
// writes in the "*" column of actions (src/common/textevents.in), events
// in a language the reader does not know, and the logger's own nick change
// and kick: none becomes an action, none a line from a fake nick.
func TestHexchatStatusNeverActions(t *testing.T) {
	bad := "HexChat event in a language the reader does not know"
	playScene(t, "xchat", xday, []lineWant{
		{line: xl("10:00:00", "*", "You are now known as me2"), res: resBad, reason: reasonSelfNickUnknown},
		{line: xl("10:00:01", "*", "me2 is already in use. Retrying with me3..."), res: resNoise, reason: reasonXchatStatus},
		{line: xl("10:00:02", "*", "You are now known as me4"), events: []string{`03-02 10:00:02 nick me3 >me4 "" +self`}},
		{line: xl("10:00:03", "*", "You have been kicked from #chan by op (flood)"), events: []string{`03-02 10:00:03 kick op >me4 "flood"`}},
		{line: xl("10:00:19", "*", "bob has offered 'secret.pdf' (1024 bytes)"), res: resNoise, reason: reasonXchatStatus},
		{line: xl("10:00:20", "*", "[alice] (~a@h): Alice Real"), res: resNoise, reason: reasonXchatStatus},
		{line: xl("10:00:21", "*", "[alice] idle 00:01:02, signon: Sat Mar  2 09:00:00 2024"), res: resNoise, reason: reasonXchatStatus},
		{line: xl("10:00:22", "*", "Offering 'photo.jpg' to bob"), res: resNoise, reason: reasonXchatStatus},
		{line: xl("10:00:23", "*", "DCC SEND 'photo.jpg' to bob complete [120 cps]"), res: resNoise, reason: reasonXchatStatus},
		{line: xl("10:00:24", "*", "Connection failed (Connection refused)"), res: resNoise, reason: reasonXchatStatus},
		{line: xl("10:00:25", "*", "SASL authentication successful"), res: resNoise, reason: reasonXchatStatus},
		{line: xl("10:00:26", "*", "me_ is already in use. Retrying with me__..."), res: resNoise, reason: reasonXchatStatus},
		{line: xl("10:00:27", "*", "anna (~x@h) vient de rentrer"), res: resBad, reason: bad},
		{line: xl("10:00:28", "*", "anna (~x@h) est parti de #chan (bye)"), res: resBad, reason: bad},
		// still actions and events
		{line: xl("10:00:29", "*", "alice waves"), events: []string{`03-02 10:00:29 action alice "waves"`}},
		{line: xl("10:00:30", "*", "alice has offered help"), events: []string{`03-02 10:00:30 action alice "has offered help"`}},
		{line: xl("10:00:31", "*", "carol (~c@h) has joined"), events: []string{`03-02 10:00:31 join carol [~c@h] ""`}},
		{line: xl("10:00:32", "*", "You are now known as me5"), events: []string{`03-02 10:00:32 nick me__ >me5 "" +self`}},
	})
	playScene(t, "xchat", xday, []lineWant{
		{line: xl("10:00:00", "*", "You have been kicked from #chan by op (flood)"), res: resBad, reason: "the logger was kicked, and its nick is unknown"},
	})
}

// TestHexchatStatusSentences reads every English status event HexChat
// writes in the "*" column (src/common/textevents.in, and the server and
// SSL texts it shows there): none is an action.
func TestHexchatStatusSentences(t *testing.T) {
	st := reasonXchatStatus
	playScene(t, "xchat", xday, []lineWant{
		{line: xl("10:00:38", "*", "me_ is erroneous. Retrying with me__..."), res: resNoise, reason: st},
		{line: xl("10:00:39", "*", "Nickname is erroneous or already in use. Use /NICK to try another."), res: resNoise, reason: st},
		{line: xl("10:00:40", "*", "Certification info:"), res: resNoise, reason: st},
		{line: xl("10:00:41", "*", "Closing Link: me (Quit)"), res: resNoise, reason: st},
		{line: xl("10:00:42", "*", "carol has been invited to #hx3 by op (irc.libera.chat)"), res: resNoise, reason: "invite"},
		{line: xl("10:00:43", "*", "Cipher info:"), res: resNoise, reason: st},
		{line: xl("10:00:44", "*", "No Certificate"), res: resNoise, reason: st},
		{line: xl("10:00:45", "*", "Channel !abcdehx created on Sat Mar  2 09:00:00 2024"), res: resNoise, reason: st},
		{line: xl("10:00:46", "*", "Channel #hx3 modes: +nt"), res: resNoise, reason: st},
		{line: xl("10:00:47", "*", "Channel #hx3 url: https://example.net"), res: resNoise, reason: st},
		{line: xl("10:00:48", "*", "#hx3: *!*@bad.example on Sat Mar  2 09:00:00 2024 by op"), res: resNoise, reason: st},
		{line: xl("10:00:49", "*", "Topic for #hx3 set by op (Sat Mar  2 09:00:00 2024)"), res: resNoise, reason: st},
		{line: xl("10:00:50", "*", "No ping reply for 120 seconds, disconnecting."), res: resNoise, reason: st},
		{line: xl("10:00:51", "*", "Disconnected (Connection reset by peer)"), res: resNoise, reason: st},
		{line: xl("10:00:52", "*", "Received a CTCP VERSION from bob"), res: resNoise, reason: st},
		{line: xl("10:00:53", "*", "Notify: bob is online (libera)"), res: resNoise, reason: st},
		{line: xl("10:00:54", "*", "You are now logged in as me."), res: resNoise, reason: st},
		{line: xl("10:00:55", "*", "join: Unknown channel"), res: resNoise, reason: st},
		{line: xl("10:00:56", "*", "Current local users: 12  Max: 30"), res: resNoise, reason: st},
		// Nick Erroneous shows the logger's nick, as Nick Clash does
		{line: xl("10:00:57", "*", "You are now known as me3"), events: []string{`03-02 10:00:57 nick me__ >me3 "" +self`}},
		// still actions
		{line: xl("10:00:58", "*", "alice has been invited to dinner"), events: []string{`03-02 10:00:58 action alice "has been invited to dinner"`}},
		{line: xl("10:00:59", "*", "alice says: hello"), events: []string{`03-02 10:00:59 action alice "says: hello"`}},
	})
}
