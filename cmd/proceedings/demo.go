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
	"time"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/bot/announce"
	"proceedings/bot/commands"
	"proceedings/config"
	"proceedings/demo"
	"proceedings/logs"
	"proceedings/render"
	"proceedings/web"
)

func init() {
	var addr, keep string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Load the shipped sample archive, render it and serve it on localhost",
		Long: `demo needs no network and no configuration. It loads the sample logs and
feed shipped in the binary into a temporary archive, renders the site and
serves it, printing the URL. Ctrl-C stops it and removes the temporary files
(unless --keep names a directory to keep them in).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			setupLogging(cmd.ErrOrStderr(), demoLogConfig())
			ctx := cmd.Context()
			dir := keep
			if dir == "" {
				tmp, err := os.MkdirTemp("", "proceedings-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				dir = tmp
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("demo: listen on %s: %w (choose another address with --addr 127.0.0.1:8081)", addr, err)
			}
			defer ln.Close()
			base := "http://" + ln.Addr().String() + "/"
			db, stats, err := buildDemo(ctx, dir, base)
			if err != nil {
				return err
			}
			defer db.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "proceedings demo: %d days rendered (%d lines) into %s\n", stats.Days, stats.Events, filepath.Join(dir, "public"))
			fmt.Fprintf(cmd.OutOrStdout(), "open %s  (Ctrl-C to stop)\n", base)
			site, err := web.New(web.Options{Archive: db, SiteDir: filepath.Join(dir, "public"), Title: demoTitle, BaseURL: base})
			if err != nil {
				return err
			}
			return web.Serve(ctx, ln, site)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "the address to serve on (port 0 picks a free one)")
	cmd.Flags().StringVar(&keep, "keep", "", "build the demo in this directory and keep it (archive.db, public/, content/)")
	rootCmd.AddCommand(cmd)
}

const demoTitle = "IRC Proceedings (demo)"

// buildDemo loads the sample data into dir/archive.db and renders dir/public.
// The caller closes the archive it returns.
func buildDemo(ctx context.Context, dir, baseURL string) (*archive.DB, render.Stats, error) {
	loc, err := time.LoadLocation(demo.Zone)
	if err != nil {
		return nil, render.Stats{}, err
	}
	db, err := archive.Open(ctx, filepath.Join(dir, "archive.db"), archive.Options{Location: loc})
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

func loadAndRender(ctx context.Context, db *archive.DB, dir, baseURL string, loc *time.Location) (render.Stats, error) {
	names, err := demo.Logs()
	if err != nil {
		return render.Stats{}, err
	}
	public := map[archive.ChannelRef]bool{}
	for _, name := range names {
		ref, err := loadDemoLog(ctx, db, name, loc)
		if err != nil {
			return render.Stats{}, err
		}
		public[ref] = true
	}
	var refs []archive.ChannelRef
	var chans []render.ChannelOptions
	for ref := range public {
		refs = append(refs, ref)
		chans = append(chans, render.ChannelOptions{Network: ref.Network, Name: ref.Name, Public: true})
	}
	if err := db.SetPublicOnly(ctx, refs); err != nil {
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
func loadDemoLog(ctx context.Context, db *archive.DB, name string, loc *time.Location) (archive.ChannelRef, error) {
	f, err := demo.Files.Open(name)
	if err != nil {
		return archive.ChannelRef{}, err
	}
	defer f.Close()
	rd, err := logs.NewReader(f, logs.Options{Format: "own", Location: loc, Network: demo.Network, FileName: name})
	if err != nil {
		return archive.ChannelRef{}, fmt.Errorf("demo: %w", err)
	}
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		return archive.ChannelRef{}, err
	}
	var ref archive.ChannelRef
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return archive.ChannelRef{}, fmt.Errorf("demo: %w", err)
		}
		ref = archive.ChannelRef{Network: ev.Network, Name: ev.Channel}
		if err := im.Add(ctx, ev); err != nil {
			return archive.ChannelRef{}, err
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

// demoLogConfig is the logging of a command that reads no configuration.
func demoLogConfig() config.LogConfig {
	return config.Default().Log
}
