package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/bot/announce"
	"proceedings/bot/commands"
	"proceedings/config"
	"proceedings/demo"
	"proceedings/event"
	"proceedings/logs"
	"proceedings/render"
	"proceedings/web"
)

func init() {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Load the shipped sample archive, render it and serve it on localhost",
		Long: `demo needs no network and no configuration. It loads the sample logs and
feed shipped in the binary into a temporary archive, renders the site and
serves it, printing the URL. Ctrl-C stops it and removes the temporary files.

--keep DIR builds the demo in DIR instead and keeps it: DIR must be new or
empty (the demo never mixes into an archive of yours). It holds archive.db,
public/, content/ and a bot.yaml for them, so that the other commands work
on the kept demo:

  proceedings demo --keep /tmp/demo
  proceedings -c /tmp/demo/bot.yaml search belarus
  proceedings -c /tmp/demo/bot.yaml ask '!part 10'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.global = globals
			return runDemo(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&opts.addr, "addr", "127.0.0.1:8080", "the address to serve on (port 0 picks a free one)")
	cmd.Flags().StringVar(&opts.keep, "keep", "", "build the demo in this new or empty directory and keep it (archive.db, public/, content/, bot.yaml)")
	rootCmd.AddCommand(cmd)
}

// demoOptions are the flags of demo; of the global flags it takes only
// the logging ones.
type demoOptions struct {
	global globalOptions
	addr   string // --addr
	keep   string // --keep: the directory to build in and keep
}

// runDemo builds the demo, says where, and serves it until ctx ends.
func runDemo(ctx context.Context, opts demoOptions, stdout, stderr io.Writer) error {
	opts.global.setupLogging(stderr, config.Default().Log)
	dir := opts.keep
	if dir != "" {
		if err := emptyDir(dir); err != nil {
			return err
		}
	} else {
		tmp, err := os.MkdirTemp("", "proceedings-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		err = web.ListenError(opts.addr, err)
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("demo: %w; choose another address with --addr 127.0.0.1:8081", err)
		}
		return fmt.Errorf("demo: %w", err)
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String() + "/"
	db, stats, err := buildDemo(ctx, dir, base)
	if err != nil {
		return err
	}
	defer db.Close()
	if opts.keep != "" {
		if err := writeDemoConfig(ctx, db, dir, base); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "proceedings demo: kept in %s; try  proceedings -c %s search belarus\n", dir, filepath.Join(dir, "bot.yaml"))
	}
	fmt.Fprintf(stdout, "proceedings demo: %d days rendered (%d lines) into %s\n", stats.Days, stats.Events, filepath.Join(dir, "public"))
	fmt.Fprintf(stdout, "open %s  (Ctrl-C to stop)\n", base)
	site, err := web.New(web.Options{Archive: db, SiteDir: filepath.Join(dir, "public"), Title: demoTitle, BaseURL: base})
	if err != nil {
		return err
	}
	return web.Serve(ctx, ln, site)
}

const demoTitle = "IRC Proceedings (demo)"

// buildDemo loads the sample data into dir/archive.db and renders dir/public.
// The caller closes the archive it returns.
func buildDemo(ctx context.Context, dir, baseURL string) (archive.Store, render.Stats, error) {
	loc, err := time.LoadLocation(demo.Zone)
	if err != nil {
		return nil, render.Stats{}, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "archive.db"), archive.Options{Location: loc})
	if err != nil {
		return nil, render.Stats{}, err
	}
	stats, err := loadAndRender(ctx, db, dir, baseURL, loc)
	if err != nil {
		db.Close()
		return nil, render.Stats{}, err
	}
	return db, stats, nil
}

func loadAndRender(ctx context.Context, db archive.Store, dir, baseURL string, loc *time.Location) (render.Stats, error) {
	names, err := demo.Logs()
	if err != nil {
		return render.Stats{}, err
	}
	public := map[event.ChannelRef]bool{}
	for _, name := range names {
		ref, err := loadDemoLog(ctx, db, name, loc)
		if err != nil {
			return render.Stats{}, err
		}
		public[ref] = true
	}
	var refs []event.ChannelRef
	var nets []string
	var chans []render.ChannelOptions
	for ref := range public {
		refs = append(refs, ref)
		nets = append(nets, ref.Network)
		chans = append(chans, render.ChannelOptions{Network: ref.Network, Name: ref.Name, Public: true})
	}
	if err := db.SetPublicOnly(ctx, nets, refs); err != nil {
		return render.Stats{}, err
	}
	feed, err := demo.Files.Open("feed.xml")
	if err != nil {
		return render.Stats{}, err
	}
	_, err = announce.ImportFeed(ctx, db, feed, "demo/feed.xml")
	feed.Close()
	if err != nil {
		return render.Stats{}, fmt.Errorf("demo: load the sample feed: %w", err)
	}
	content := filepath.Join(dir, "content")
	if err := copyFS(content, demo.Files, "content"); err != nil {
		return render.Stats{}, err
	}
	return render.Render(ctx, db, render.Options{
		Out:        filepath.Join(dir, "public"),
		BaseURL:    baseURL,
		Title:      demoTitle,
		Location:   loc,
		ContentDir: content,
		Pages:      map[string][]byte{"commands": commands.Doc},
		Channels:   chans,
		// The sample days are in the past; "now" is the real clock.
	})
}

// loadDemoLog imports one embedded sample log.
func loadDemoLog(ctx context.Context, db archive.Store, name string, loc *time.Location) (event.ChannelRef, error) {
	f, err := demo.Files.Open(name)
	if err != nil {
		return event.ChannelRef{}, err
	}
	defer f.Close()
	rd, err := logs.NewReader(f, logs.Options{Format: "own", Location: loc, Network: demo.Network, FileName: name})
	if err != nil {
		return event.ChannelRef{}, fmt.Errorf("demo: %w", err)
	}
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		return event.ChannelRef{}, err
	}
	var ref event.ChannelRef
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return event.ChannelRef{}, fmt.Errorf("demo: %w", err)
		}
		ref = event.ChannelRef{Network: ev.Network, Name: ev.Channel}
		if err := im.Add(ctx, ev); err != nil {
			return event.ChannelRef{}, err
		}
	}
	return ref, im.Flush(ctx)
}

// copyFS writes the files under root of fsys into dir.
func copyFS(dir string, fsys fs.FS, root string) error {
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		target := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// emptyDir makes sure dir is a directory with nothing in it, creating it
// when it does not exist.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("demo --keep: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo --keep %s: %w (give an empty or new directory)", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	names := make([]string, 0, 5)
	for _, e := range entries[:min(len(entries), 5)] {
		names = append(names, e.Name())
	}
	more := ""
	if len(entries) > len(names) {
		more = fmt.Sprintf(" and %d more", len(entries)-len(names))
	}
	return fmt.Errorf("demo --keep %s: the directory is not empty (it holds %s%s); the demo would mix into it and overwrite files: give an empty or new directory",
		dir, strings.Join(names, ", "), more)
}

// writeDemoConfig writes dir/bot.yaml, the configuration of a kept demo:
// its paths are relative to the file, so proceedings -c dir/bot.yaml ask,
// search and stats work on the demo from anywhere.
func writeDemoConfig(ctx context.Context, db archive.Store, dir, baseURL string) error {
	chans, err := db.Channels(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, `# The configuration of a demo kept by proceedings demo --keep. Paths are
# relative to this file. Use it with the commands that read the archive:
#   proceedings -c %[1]s search belarus
#   proceedings -c %[1]s ask '!part 10'
#   proceedings -c %[1]s stats --channel '#techrights'
# Its server is a placeholder: it is not meant for proceedings run.
nick: proceedings
server: {host: irc.example.org}
network: %[2]q
channels:
`, filepath.Join(dir, "bot.yaml"), demo.Network)
	for _, c := range chans {
		if c.Network == demo.Network {
			fmt.Fprintf(&b, "  - {name: %q, public: true}\n", c.Name)
		}
	}
	fmt.Fprintf(&b, `archive: archive.db
site:
  base_url: %q
  title: %q
  timezone: %q
  out: public
  content: content
`, baseURL, demoTitle, demo.Zone)
	if err := os.WriteFile(filepath.Join(dir, "bot.yaml"), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("demo --keep: %w", err)
	}
	return nil
}
