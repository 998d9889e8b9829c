package bot

// Answers sends through the bot lines that answer someone: command
// answers and URL titles. They are paced and ordered like Say's, but an
// answer still waiting a minute after it was queued is dropped rather than
// sent late (counted as send_expired): after a flood, nobody wants the
// answers to questions asked minutes ago. Announcements go through Say and
// never expire.
type Answers struct{ b *Bot }

// Answers returns the sender for answers (see Answers).
func (b *Bot) Answers() Answers { return Answers{b} }

// Say queues a PRIVMSG that answers someone.
func (a Answers) Say(network, target, text string) error {
	n, err := a.b.mustNet(network)
	if err != nil {
		return err
	}
	return n.queueTTL("PRIVMSG", target, text, answerTTL)
}

// Notice queues a NOTICE that answers someone.
func (a Answers) Notice(network, target, text string) error {
	n, err := a.b.mustNet(network)
	if err != nil {
		return err
	}
	return n.queueTTL("NOTICE", target, text, answerTTL)
}

// Busy reports whether the bot's lines on network wait so deep (more than
// about 15 seconds of sending at the default pace) that more answers would
// only come late: the command router then takes no commands there but
// admins'. An unknown network is not busy.
func (b *Bot) Busy(network string) bool {
	n := b.netConn(network)
	return n != nil && n.w.len() > busyLines
}
