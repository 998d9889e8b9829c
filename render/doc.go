// Package render writes the archive as a static site: a page per public
// channel and day with its plain-text, Gemini and links twins, a calendar
// and a stats page per channel, daily indexes, series pages, a front page
// and an Atom feed. It reads the archive and its Options only, and knows
// nothing of IRC connections (no girc) or of the bot; the paths come from
// package sitepath. Renders are incremental and give identical bytes for
// the same archive and options. docs/rendering.md describes the site, the
// rules of what a render rewrites, and the line writer's safety.
package render
