package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/event"
	"proceedings/logs"
)

func init() {
	var opts exportOptions
	cmd := &cobra.Command{
		Use:   "export --channel '#chan' [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD]",
		Short: "Write a channel's log as plain text (our format, irssi, weechat, znc or json)",
		Long: `export writes the events of one channel, day by day, in the site's timezone.
Without --out it writes to standard output; with --out DIR it writes one file
per day (DIR/2026-02-02.txt, .log for irssi/weechat/znc, .jsonl for json).
Our own format is the one of the .txt day pages, documented in the README.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.global = globals
			return export(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	opts.addFlags(f, true)
	f.StringVar(&opts.format, "format", "own", "own, irssi, weechat, znc or json")
	f.StringVar(&opts.outDir, "out", "", "write one file per day into this directory instead of standard output")
	cmd.MarkFlagRequired("channel")
	rootCmd.AddCommand(cmd)
}

// exportOptions are the flags of export.
type exportOptions struct {
	global globalOptions
	channelDays
	format string // a logs.NewFormatWriter format
	outDir string // "": standard output
}

// export writes a channel's days, to stdout or one file a day.
func export(ctx context.Context, opts exportOptions, stdout, stderr io.Writer) error {
	s, err := opts.open(ctx, opts.global, stderr, nil)
	if err != nil {
		return err
	}
	defer s.close()
	days, err := s.db.Calendar(ctx, s.ch.ID)
	if err != nil {
		return err
	}
	var inRange []event.Date
	for _, d := range days {
		if (s.first.IsZero() || !d.Day.Before(s.first)) && (s.last.IsZero() || !s.last.Before(d.Day)) {
			inRange = append(inRange, d.Day)
		}
	}
	ex := dayExporter{db: s.db, ch: s.ch, format: opts.format}
	if opts.outDir == "" {
		err = ex.toStream(ctx, inRange, stdout)
	} else {
		err = ex.toFiles(ctx, inRange, opts.outDir)
	}
	if err == nil && len(inRange) == 0 {
		return errors.New("export: nothing was recorded in that channel on those days")
	}
	return err
}

// dayExporter writes the days of a channel in a format.
type dayExporter struct {
	db     archive.Store
	ch     archive.Channel
	format string
}

// toStream writes the days to w, one after the other.
func (ex dayExporter) toStream(ctx context.Context, days []event.Date, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	ew, err := logs.NewFormatWriter(ex.format, bw, ex.db.Location())
	if err != nil {
		return err
	}
	for i, day := range days {
		if err := ex.day(ctx, day, ew); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("export interrupted after %d day(s): %w", i, err)
			}
			return err
		}
	}
	if err := ew.Flush(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// toFiles writes each day into its own file in dir, which it creates.
func (ex dayExporter) toFiles(ctx context.Context, days []event.Date, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for i, day := range days {
		if err := ex.dayFile(ctx, day, dir); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("export interrupted after %d day file(s) in %s, each one complete: %w", i, dir, err)
			}
			return err
		}
	}
	return nil
}

// day writes one day through ew.
func (ex dayExporter) day(ctx context.Context, day event.Date, ew logs.EventWriter) error {
	loc := ex.db.Location()
	if err := ew.Header(ex.ch.Network, ex.ch.Name, day.Time(loc)); err != nil {
		return fmt.Errorf("export %s: %w", day, err)
	}
	start, end := day.Bounds(loc)
	if err := ex.db.Range(ctx, ex.ch.ID, start, end, archive.AllFields, ew.Write); err != nil {
		return fmt.Errorf("export %s: %w", day, err)
	}
	return nil
}

// dayFile writes one day into its own file in dir, atomically.
func (ex dayExporter) dayFile(ctx context.Context, day event.Date, dir string) error {
	ext := map[string]string{"own": ".txt", "json": ".jsonl"}[ex.format]
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
	ew, err := logs.NewFormatWriter(ex.format, bw, ex.db.Location())
	if err == nil {
		err = ex.day(ctx, day, ew)
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
