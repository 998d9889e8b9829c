package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"proceedings/event"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/logs"
)

func init() {
	var (
		channel, network, date, from, to, format, outDir string
	)
	cmd := &cobra.Command{
		Use:   "export --channel '#chan' [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD]",
		Short: "Write a channel's log as plain text (our format, irssi, weechat, znc or json)",
		Long: `export writes the events of one channel, day by day, in the site's timezone.
Without --out it writes to standard output; with --out DIR it writes one file
per day (DIR/2026-02-02.txt, .log for irssi/weechat/znc, .jsonl for json).
Our own format is the one of the .txt day pages, documented in the README.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			first, last, err := dayRange(date, from, to)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := openArchive(ctx, cfg, true)
			if err != nil {
				return err
			}
			defer db.Close()
			ch, err := findChannel(ctx, db, network, channel)
			if err != nil {
				return err
			}
			days, err := db.Calendar(ctx, ch.ID)
			if err != nil {
				return err
			}
			var stdout *bufio.Writer
			var ew logs.EventWriter
			if outDir == "" {
				stdout = bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
				if ew, err = logs.NewFormatWriter(format, stdout, db.Location()); err != nil {
					return err
				}
			} else if err := os.MkdirAll(outDir, 0o755); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			written := 0
			for _, d := range days {
				if (!first.IsZero() && d.Day.Before(first)) || (!last.IsZero() && last.Before(d.Day)) {
					continue
				}
				var err error
				if outDir != "" {
					err = exportDayFile(ctx, db, ch, d.Day, format, outDir)
				} else {
					err = exportDay(ctx, db, ch, d.Day, ew)
				}
				if err != nil && ctx.Err() != nil {
					if outDir != "" {
						return fmt.Errorf("export interrupted after %d day file(s) in %s, each one complete: %w", written, outDir, err)
					}
					return fmt.Errorf("export interrupted after %d day(s): %w", written, err)
				}
				if err != nil {
					return err
				}
				written++
			}
			if stdout != nil {
				if err := ew.Flush(); err != nil {
					return err
				}
				if err := stdout.Flush(); err != nil {
					return fmt.Errorf("export: %w", err)
				}
			}
			if written == 0 {
				return errors.New("export: nothing was recorded in that channel on those days")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&channel, "channel", "", "the channel, e.g. '#techrights' (required)")
	f.StringVar(&network, "network", "", "the network, when the channel is logged on several")
	f.StringVar(&date, "date", "", "one day, YYYY-MM-DD")
	f.StringVar(&from, "from", "", "first day, YYYY-MM-DD (inclusive)")
	f.StringVar(&to, "to", "", "last day, YYYY-MM-DD (inclusive)")
	f.StringVar(&format, "format", "own", "own, irssi, weechat, znc or json")
	f.StringVar(&outDir, "out", "", "write one file per day into this directory instead of standard output")
	cmd.MarkFlagRequired("channel")
	rootCmd.AddCommand(cmd)
}

// dayRange reads --date or --from/--to; zero dates mean unbounded.
func dayRange(date, from, to string) (first, last event.Date, err error) {
	if date != "" {
		if from != "" || to != "" {
			return first, last, errors.New("give either --date or --from/--to, not both")
		}
		if first, err = event.ParseDate(date); err != nil {
			return first, last, fmt.Errorf("--date: %w", err)
		}
		return first, first, nil
	}
	if from != "" {
		if first, err = event.ParseDate(from); err != nil {
			return first, last, fmt.Errorf("--from: %w", err)
		}
	}
	if to != "" {
		if last, err = event.ParseDate(to); err != nil {
			return first, last, fmt.Errorf("--to: %w", err)
		}
	}
	if !first.IsZero() && !last.IsZero() && last.Before(first) {
		return first, last, fmt.Errorf("--to %s is before --from %s", last, first)
	}
	return first, last, nil
}

// exportDay writes one day of a channel through ew.
func exportDay(ctx context.Context, db *archive.DB, ch archive.Channel, day event.Date, ew logs.EventWriter) error {
	if err := ew.Header(ch.Network, ch.Name, day.Time(db.Location())); err != nil {
		return fmt.Errorf("export %s: %w", day, err)
	}
	start, end := day.Bounds(db.Location())
	if err := db.Range(ctx, ch.ID, start, end, archive.AllFields, ew.Write); err != nil {
		return fmt.Errorf("export %s: %w", day, err)
	}
	return nil
}

// exportDayFile writes one day into its own file, atomically.
func exportDayFile(ctx context.Context, db *archive.DB, ch archive.Channel, day event.Date, format, dir string) error {
	ext := map[string]string{"own": ".txt", "json": ".jsonl"}[format]
	if ext == "" {
		ext = ".log"
	}
	path := filepath.Join(dir, day.String()+ext)
	tmp, err := os.CreateTemp(dir, ".export-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	// Readable by all, as render writes its pages (CreateTemp makes 0600).
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("export: %w", err)
	}
	bw := bufio.NewWriterSize(tmp, 1<<16)
	ew, err := logs.NewFormatWriter(format, bw, db.Location())
	if err == nil {
		err = exportDay(ctx, db, ch, day, ew)
	}
	if err == nil {
		err = ew.Flush()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

var _ io.Writer = (*bufio.Writer)(nil)
