// Package ircserver starts a real IRC server from Debian (InspIRCd or
// ngIRCd, optionally behind ZNC) for tests, and offers a small raw-line
// client to script other users against it. It owns only test plumbing and
// knows nothing of the bot, the archive or the site. docs/testing.md says
// what each server offers and how to use them.
package ircserver
