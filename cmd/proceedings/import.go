package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/logs"
)

func init() {
	var (
		channel, network, format, timezone, date string
		strict                                   bool
	)
	cmd := &cobra.Command{
		Use:   "import --channel '#chan' [flags] PATH...",
		Short: "Read old text logs (irssi, WeeChat, ZNC, Limnoria, xchat, ours) into the archive",
		Long: `import reads log files into the archive. PATH may be a file, a directory
(read recursively, in name order) or a .gz file. The format of each file is
detected from its first lines unless --format names it. Formats whose lines
carry no date take it from the file's day markers, else --date, else a
YYYY-MM-DD or YYYYMMDD in the file name.

Importing is idempotent: lines already in the archive (imported before, or
recorded live by the bot) are skipped, so the same files can be imported
again, or overlapping files, without duplicates. An interrupted import
leaves the archive consistent; run the same command again to complete it.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if network == "" {
				if network, err = soleNetwork(cfg); err != nil {
					return err
				}
			}
			loc := cfg.Site.Location
			if timezone != "" {
				if loc, err = time.LoadLocation(timezone); err != nil {
					return fmt.Errorf("--timezone %q: %w (use an IANA name such as Europe/London)", timezone, err)
				}
			}
			var day time.Time
			if date != "" {
				d, err := archive.ParseDate(date)
				if err != nil {
					return fmt.Errorf("--date: %w", err)
				}
				day = d.Time(loc)
			}
			if format != "" && !contains(logs.Formats(), format) {
				return fmt.Errorf("--format %q: want one of %s", format, strings.Join(logs.Formats(), ", "))
			}
			files, total, err := logFiles(paths)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := openArchive(ctx, cfg, false)
			if err != nil {
				return err
			}
			defer db.Close()

			var bar *progressbar.ProgressBar
			if isTerminal(cmd.ErrOrStderr()) {
				bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(cmd.ErrOrStderr()),
					progressbar.OptionSetDescription("importing"), progressbar.OptionShowBytes(true),
					progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
			}
			sum := importSummary{kinds: map[archive.Kind]int64{}, reasons: map[string]int{}}
			start := time.Now()
			// One importer for all files: it writes in large transactions
			// whatever the size of the files, and matches each file against
			// the archive on its own.
			im, err := db.NewImporter(archive.ImportOptions{})
			if err != nil {
				return err
			}
			defer im.Stop() // a batch may still be being written when a file fails
			for _, f := range files {
				opt := logs.Options{Format: format, Location: loc, Date: day, Network: network, Channel: channel, Strict: strict, FileName: f}
				err := importFile(ctx, im, f, opt, bar, &sum)
				if err == nil && f == files[len(files)-1] {
					err = im.Flush(ctx)
				}
				st := im.Stats()
				sum.added, sum.dups = st.Added, st.Duplicates
				if err != nil {
					sum.print(cmd.OutOrStdout(), time.Since(start))
					if ctx.Err() != nil {
						return fmt.Errorf("import interrupted after %d new events; the archive is consistent: run the same command again to complete it", sum.added)
					}
					return err
				}
			}
			if bar != nil {
				bar.Finish()
			}
			sum.print(cmd.OutOrStdout(), time.Since(start))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&channel, "channel", "", "the channel the logs are of, e.g. '#techrights' (required unless the files name it)")
	f.StringVar(&network, "network", "", "the network (default: the configured network, when there is one)")
	f.StringVar(&format, "format", "", "the format: "+strings.Join(logs.Formats(), ", ")+" (default: detect per file)")
	f.StringVar(&timezone, "timezone", "", "the zone the files' times are in (default: site.timezone)")
	f.StringVar(&date, "date", "", "the date of the first line, YYYY-MM-DD, for formats without dates")
	f.BoolVar(&strict, "strict", false, "stop at the first line that cannot be read instead of skipping it")
	rootCmd.AddCommand(cmd)
}

func soleNetwork(cfg *config.Config) (string, error) {
	switch len(cfg.Networks) {
	case 0:
		return "", errors.New("--network is required: the configuration has no network")
	case 1:
		return cfg.Networks[0].Name, nil
	}
	names := make([]string, len(cfg.Networks))
	for i, n := range cfg.Networks {
		names[i] = n.Name
	}
	return "", fmt.Errorf("--network is required: the configuration has several (%s)", strings.Join(names, ", "))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// logFiles expands the paths into files in name order, with their total size.
func logFiles(paths []string) ([]string, int64, error) {
	var files []string
	var total int64
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, 0, fmt.Errorf("import: %w", err)
		}
		if !info.IsDir() {
			if !info.Mode().IsRegular() {
				return nil, 0, fmt.Errorf("import: %s is %s, not a regular file: import reads only log files and directories of them (save the stream to a file first)", p, specialKind(info.Mode()))
			}
			files = append(files, p)
			total += info.Size()
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
				found = append(found, path)
				if fi, err := d.Info(); err == nil {
					total += fi.Size()
				}
			}
			return nil
		})
		if err != nil {
			return nil, 0, fmt.Errorf("import: %w", err)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	if len(files) == 0 {
		return nil, 0, errors.New("import: no files found in the given paths")
	}
	return files, total, nil
}

// specialKind names the kind of a file that is neither regular nor a
// directory.
func specialKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "a special file (" + m.Type().String() + ")"
}

type importSummary struct {
	files, events, added, dups int64
	kinds                      map[archive.Kind]int64
	skipped                    int64
	reasons                    map[string]int
	formats                    []string
}

func (s *importSummary) print(w io.Writer, took time.Duration) {
	fmt.Fprintf(w, "files: %d (%s)\n", s.files, strings.Join(s.formats, ", "))
	fmt.Fprintf(w, "events read: %d, added: %d, already in the archive: %d (%.0f events/s)\n",
		s.events, s.added, s.dups, float64(s.events)/max(took.Seconds(), 1e-3))
	var kinds []string
	for _, k := range archive.Kinds() {
		if n := s.kinds[k]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
		}
	}
	if len(kinds) > 0 {
		fmt.Fprintf(w, "by kind: %s\n", strings.Join(kinds, ", "))
	}
	if s.skipped > 0 {
		fmt.Fprintf(w, "lines skipped or repaired: %d\n", s.skipped)
		reasons := make([]string, 0, len(s.reasons))
		for r := range s.reasons {
			reasons = append(reasons, r)
		}
		sort.Slice(reasons, func(i, j int) bool { return s.reasons[reasons[i]] > s.reasons[reasons[j]] })
		for _, r := range reasons {
			fmt.Fprintf(w, "  %6d  %s\n", s.reasons[r], r)
		}
	}
}

// importFile streams one file into the archive.
func importFile(ctx context.Context, im *archive.Importer, path string, opt logs.Options, bar *progressbar.ProgressBar, sum *importSummary) error {
	// O_NONBLOCK: should the file have become a FIFO since it was listed,
	// opening it does not wait for a writer; the check below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil {
		return fmt.Errorf("import: %w", err)
	} else if !info.Mode().IsRegular() {
		return fmt.Errorf("import: %s is %s, not a regular file", path, specialKind(info.Mode()))
	}
	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if bar != nil {
		pr := progressbar.NewReader(r, bar)
		r = &pr
	}
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
		opt.FileName = strings.TrimSuffix(path, ".gz")
	}
	rd, err := logs.NewReader(r, opt)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	tolerance := time.Second
	if rd.Format() == "irssi" {
		tolerance = time.Minute // irssi's default theme writes HH:MM
	}
	im.StartFile()
	im.SetTolerance(tolerance)
	sum.files++
	sum.formats = appendUnique(sum.formats, rd.Format())
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if err := im.Add(ctx, ev); err != nil {
			return err
		}
		sum.events++
		sum.kinds[ev.Kind]++
	}
	sum.skipped += int64(rd.WarningCount())
	for _, w := range rd.Warnings() {
		sum.reasons[w.Reason]++
	}
	if n := rd.WarningCount(); n > 0 {
		slog.Warn("lines skipped or repaired", "file", path, "count", n, "first", rd.Warnings()[0].String())
	}
	return nil
}

func appendUnique(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}
