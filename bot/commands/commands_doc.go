package commands

import _ "embed"

// Doc is the command reference (commands.md beside this file), in
// Markdown. The site renders it as commands.html, the page !help links.
//
//go:embed commands.md
var Doc []byte
