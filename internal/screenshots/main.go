// Command screenshots rewrites the README's screenshots of the site:
// docs/screenshot-day.png (a day page), docs/screenshot-index.png (the
// front page) and docs/screenshot-stats.png (a channel's statistics).
//
// It builds proceedings, runs `proceedings demo` on a free loopback port
// (the sample archive shipped in the binary, the same every time), and
// drives Debian's headless Chromium over it with a fixed window, light
// colour scheme and device scale 1, so that the pictures change only when
// the pages do. Run it as `make screenshots` (or `go run
// ./internal/screenshots`) from the repository's root.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/event"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"proceedings/demo"
	"proceedings/internal/pagecheck"
	"proceedings/sitepath"
)

// The pages, relative to the site's root.
var shots = []struct{ file, page string }{
	{"screenshot-day.png", sitepath.DayPath(demo.Network, "#techrights", event.Date{Year: 2026, Month: 2, Day: 2})},
	{"screenshot-index.png", "index.html"},
	{"screenshot-stats.png", sitepath.ChannelPath(demo.Network, "#techrights") + "stats.html"},
}

func main() {
	out := flag.String("out", "docs", "the directory to write the PNG files into")
	width := flag.Int("width", 1100, "the browser window's width, in CSS pixels")
	height := flag.Int("height", 860, "the browser window's height, in CSS pixels")
	browser := flag.String("chromium", pagecheck.Chromium, "the Chromium to run (Debian's chromium package)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("screenshots: ")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, *out, *browser, *width, *height); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out, browser string, width, height int) error {
	tmp, err := os.MkdirTemp("", "proceedings-screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	bin := filepath.Join(tmp, "proceedings")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/proceedings")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build proceedings (run this from the repository's root): %w", err)
	}
	base, stop, err := startDemo(ctx, bin)
	if err != nil {
		return err
	}
	defer stop()

	opts := append(pagecheck.ChromiumOptions(browser, filepath.Join(tmp, "chromium"), width, height),
		chromedp.Flag("hide-scrollbars", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		return fmt.Errorf("start %s: %w", browser, err)
	}
	if _, err := chromedp.Call(bctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}}); err != nil {
		return err
	}
	for _, s := range shots {
		if err := chromedp.Do(bctx, chromedp.Navigate(base+s.page)); err != nil {
			return fmt.Errorf("open %s: %w", s.page, err)
		}
		png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
		if err != nil {
			return fmt.Errorf("screenshot of %s: %w", s.page, err)
		}
		dst := filepath.Join(out, s.file)
		if err := os.WriteFile(dst, png, 0o644); err != nil {
			return err
		}
		log.Printf("%s: %s (%d bytes)", dst, s.page, len(png))
	}
	return nil
}

// startDemo runs `proceedings demo` on a free port and returns the URL it
// serves, once it says so, and a function that stops it (Ctrl-C, which
// removes its temporary files).
func startDemo(ctx context.Context, bin string) (string, func(), error) {
	cmd := exec.CommandContext(ctx, bin, "demo", "--addr", "127.0.0.1:0")
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start the demo: %w", err)
	}
	stop := func() {
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	// "open http://127.0.0.1:PORT/  (Ctrl-C to stop)"
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "open "); ok {
				select {
				case urls <- strings.Fields(rest)[0]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-urls:
		return u, stop, nil
	case <-time.After(time.Minute):
		stop()
		return "", nil, errors.New("the demo did not say where it serves within a minute")
	case <-ctx.Done():
		stop()
		return "", nil, ctx.Err()
	}
}
