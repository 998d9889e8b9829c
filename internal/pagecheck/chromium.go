package pagecheck

import (
	"context"
	"strings"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Chromium is Debian's Chromium (package "chromium"): a browser that
// chromedp or a test tool downloads does not run here.
const Chromium = "/usr/bin/chromium"

// ChromiumOptions are the allocator options of a Chromium kept quiet and
// offline for a test or a tool: chromedp's defaults (headless, no first
// run, no background networking or sync), no sandbox (tests run as root in
// containers), no GPU, no QUIC, no component updates, its profile in
// profileDir and a window of width × height. exec is the browser to run.
func ChromiumOptions(exec, profileDir string, width, height int) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exec),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(profileDir),
		chromedp.WindowSize(width, height),
	)
}

// WatchProblems reports, until the browser of ctx ends, every console
// error and uncaught exception of its pages (CSP violations among them)
// and every dialog they open, which it declines. A failed request for
// /favicon.ico, which the browser makes by itself, is not a problem: the
// site has none. It starts the browser of ctx when it has not started.
func WatchProblems(ctx context.Context, report func(format string, args ...any)) {
	console := chromedp.Console(ctx)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if (m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException) && !strings.HasSuffix(m.URL, "/favicon.ico") {
				report("console %s at %s: %s", m.Type, m.URL, m.Text)
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			report("a %s dialog opened on %s: %q", ev.Type, ev.URL, ev.Message)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
}
