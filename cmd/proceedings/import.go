package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/event"
	"proceedings/internal/ircname"
	"proceedings/logs"
)

// exitSkipped is the exit status of an import that imported what it could
// but skipped files that may hold lines: see importHelp.
const exitSkipped = 3

const importHelp = `import reads log files into the archive. PATH may be a file, a directory
(read recursively, in name order) or a .gz file. The format of each file is
detected from its first lines unless --format names it.

Whole client folders: without --channel, each file's channel comes from its
path, in the layouts irssi, WeeChat, ZNC, HexChat and Limnoria write
(NETWORK/#chan.log, irc.NETWORK.#chan.weechatlog, NETWORK/#chan/2026-02-02.log,
NETWORK/#chan/#chan.log, USER_NETWORK_#chan_20260202.log…), or from the
header of our own format. The network comes from a network folder below a
PATH (the PATH itself never names one) that bot.yaml configures or
--network FOLDER=NAME maps; any other folder only when no plain --network
NAME is given (then NAME wins); else --network NAME, else the
configuration's only network. The network folder is the folder holding
the channel's file or the channel's folder (date and channel folders passed
over; ZNC's networks/NETWORK/moddata/log gives NETWORK; the clients' own
folders, such as irclogs, logs, log, moddata, are none). --network
FOLDER=NAME (repeatable) stores the logs of a client's network folder FOLDER
under the network NAME of bot.yaml; a folder that matches a configured
network but for case needs no mapping, and the plan marks a network bot.yaml
lacks. A channel bot.yaml configures gets its configured spelling, a
bridged one goes to its bridge's log. --channel puts the files into one
channel of one network (--network NAME or the only one configured); the
queries and server buffers a folder holds are left out even then, a query
named on the command line is imported, a conversation with services
(NickServ, ChanServ, Q, *status…) never.

Files that are no channel's log are left out: queries (private
conversations), server, status and client buffers (WeeChat's irc.server.*
and core.weechat, HexChat's server.log, ZNC's status and *module windows),
empty and hidden files. Files that may hold a channel's lines but cannot be
read are skipped and the rest is imported: archives (.tar, .zip, .7z…:
unpack them), no known format (a README), a channel name IRC does not allow,
unreadable, a damaged or truncated .gz (found before any of it is read),
zstd, bzip2 or xz compression, no channel, network or date known. The
summary names every file left out or skipped and why, and accounts for every
line read: with events, headers and date markers, blank, and not imported
by reason with the first three lines of each. --dry-run prints the plan
(each file with its network, channel, format, first and last day, events
and lines, and every file left out or skipped) and writes nothing.

Formats whose lines carry no date take it from a marker in the file (irssi's
"--- Log opened", xchat's "**** BEGIN LOGGING AT", our header), else --date
(for one file only: refused when the paths hold several), else a YYYY-MM-DD
or YYYYMMDD in the file name. Text is UTF-8 (a line that is not is read as
Windows-1252) unless --encoding names another.

Relays configured in bot.yaml (relays: under the network) apply as they do
live: a relay's line "<Ewan> text" is stored as Ewan's, marked relayed, as
the recorder stores it, so a relay's log imported after the bot recorded the
same day adds none of its lines twice. A log has no hosts, so on import a
relay is known by its nick alone.

Importing is idempotent: lines already in the archive (imported before, or
recorded live by the bot) are skipped, so the same files can be imported
again, or overlapping files, without duplicates. An interrupted import
leaves the archive consistent; run the same command again to complete it.

Exit status: 0 when every file was imported or left out; 3 when some files
were skipped and the others imported (a dry run exits as the import would);
1 on an error: nothing to import, the archive failed, or with --strict the
first file that cannot be read (before anything is written) or the first
line. After an error or an interrupt the counts printed are what the archive
holds.`

func init() {
	var opts importOptions
	cmd := &cobra.Command{
		Use:   "import [--network NAME|FOLDER=NAME]... [--channel '#chan'] [flags] PATH...",
		Short: "Read old text logs (irssi, WeeChat, ZNC, Limnoria, xchat, ours), whole client folders too, into the archive",
		Long:  importHelp,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			opts.global, opts.paths = globals, paths
			return importLogs(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.channel, "channel", "", "put every file into this channel, e.g. '#techrights' (default: each file's channel from its path or header)")
	f.StringArrayVar(&opts.networks, "network", nil, "NAME: the network of files whose path names none (default: the configured network, when there is one); FOLDER=NAME (repeatable): store the logs of network folder FOLDER under NAME")
	f.StringVar(&opts.format, "format", "", "the format: "+strings.Join(logs.Formats(), ", ")+" (default: detect per file)")
	f.StringVar(&opts.timezone, "timezone", "", "the zone the files' times are in (default: site.timezone)")
	f.StringVar(&opts.date, "date", "", "the date of the first line of the one file given, YYYY-MM-DD, for formats without dates")
	f.StringVar(&opts.encoding, "encoding", "", "the encoding of the files' text, e.g. shift_jis, koi8-r, windows-1251 (default: UTF-8, and a line that is not UTF-8 read as Windows-1252)")
	f.BoolVar(&opts.strict, "strict", false, "stop at the first file or line that cannot be read instead of skipping it")
	f.BoolVar(&opts.dryRun, "dry-run", false, "print the plan (each file's network, channel, format and days; files left out or skipped and why) and write nothing")
	f.BoolVarP(&opts.verbose, "verbose", "v", false, "after the import, list every file with its network, channel, format, days and events")
	rootCmd.AddCommand(cmd)
}

// importOptions are the flags and paths of import.
type importOptions struct {
	global   globalOptions
	channel  string   // "": each file's channel from its path or header
	networks []string // --network NAME and FOLDER=NAME, as given
	format   string   // "": detected per file
	timezone string   // "": site.timezone
	date     string   // YYYY-MM-DD, of the one file given
	encoding string   // "": UTF-8, else Windows-1252 per line
	strict   bool
	dryRun   bool
	verbose  bool
	paths    []string
}

// importLogs imports the files the paths hold, or on a dry run prints
// the plan, and prints the summary.
func importLogs(ctx context.Context, opts importOptions, stdout, stderr io.Writer) error {
	var im *importRun
	s, err := openSession(ctx, opts.global, stderr, useFunc(func(cfg *config.Config) (archiveAccess, error) {
		var err error
		if im, err = newImportRun(cfg, opts); err != nil {
			return noArchive, err
		}
		if err := im.plan(ctx); err != nil {
			return noArchive, err
		}
		if opts.dryRun || len(im.toRead()) == 0 {
			return noArchive, nil
		}
		return readWrite, nil
	}))
	if err != nil {
		return err
	}
	defer s.close()
	switch {
	case opts.dryRun:
		return im.dryRun(ctx, stdout)
	case len(im.toRead()) == 0:
		im.printSkips(stdout)
		return im.nothingToImport()
	}
	return im.importInto(ctx, s.db, opts.verbose, stdout, stderr)
}

// newImportRun checks the options against the configuration and lists
// the files the paths hold.
func newImportRun(cfg *config.Config, opts importOptions) (*importRun, error) {
	nets, err := newNetworkNames(cfg, opts.networks)
	if err != nil {
		return nil, err
	}
	loc := cfg.Site.Location
	if opts.timezone != "" {
		if loc, err = time.LoadLocation(opts.timezone); err != nil {
			return nil, fmt.Errorf("--timezone %q: %w (use an IANA name such as Europe/London)", opts.timezone, err)
		}
	}
	if opts.format != "" && !slices.Contains(logs.Formats(), opts.format) {
		return nil, fmt.Errorf("--format %q: want one of %s", opts.format, strings.Join(logs.Formats(), ", "))
	}
	encoding := opts.encoding
	if encoding != "" {
		if encoding, err = logs.ParseEncoding(encoding); err != nil {
			return nil, fmt.Errorf("--encoding: %w", err)
		}
	}
	if err := checkImportChannel(opts.channel, nets); err != nil {
		return nil, err
	}
	files, err := logFiles(opts.paths)
	if err != nil {
		return nil, err
	}
	day, err := dateOfOneFile(opts.date, files, loc)
	if err != nil {
		return nil, err
	}
	return &importRun{
		cfg: cfg, nets: nets, relays: relaysOf(cfg), refs: map[[2]string]logRef{},
		opt:     logs.Options{Format: opts.format, Location: loc, Date: day, Strict: opts.strict, Encoding: encoding},
		channel: opts.channel, files: files,
		sum: importSummary{kinds: map[event.Kind]int64{}, examples: map[string][]lineExample{}},
	}, nil
}

// checkImportChannel refuses a --channel that is no channel's name, or
// that has no one network to go to.
func checkImportChannel(channel string, nets networkNames) error {
	switch {
	case channel == "":
		return nil
	case !strings.ContainsRune(channelPrefixes, rune(channel[0])):
		return fmt.Errorf("--channel %q: a channel name starts with # & + or !, e.g. '#%s'", channel, channel)
	case !ircname.ValidChannel(channel):
		return fmt.Errorf("--channel %q: not a valid IRC channel name (no space, comma, colon or control character)", channel)
	case nets.def == "":
		// One channel on one network: the paths name none.
		return fmt.Errorf("--channel puts the files into one channel of one network: %w", nets.defErr)
	}
	return nil
}

// dateOfOneFile reads --date, the date of the one file given, as the
// start of that day in loc; zero without --date.
func dateOfOneFile(date string, files []foundFile, loc *time.Location) (time.Time, error) {
	if date == "" {
		return time.Time{}, nil
	}
	d, err := event.ParseDate(date)
	if err != nil {
		return time.Time{}, fmt.Errorf("--date: %w", err)
	}
	if n := len(files); n > 1 {
		return time.Time{}, fmt.Errorf("--date gives the date of one file, and the paths hold %d (%s): import that one file with --date, or let each file's date come from a marker in it or from YYYY-MM-DD or YYYYMMDD in its name", n, someNames(files, 3))
	}
	return d.Time(loc), nil
}

// importRun is one import: its plan, then its reading.
type importRun struct {
	cfg     *config.Config
	nets    networkNames
	relays  map[string]map[string]config.Relay
	refs    map[[2]string]logRef
	opt     logs.Options // the flags' options; per file: Network, Channel, FileName
	channel string       // --channel
	files   []foundFile
	plans   []*planFile
	// channelDirs caches holdsChannels per folder
	channelDirs map[string]bool
	sum         importSummary
	start       time.Time
}

// importInto imports the planned files into db and prints the summary; a
// progress bar goes to stderr when that is a terminal. The exit status
// says whether files were skipped.
func (r *importRun) importInto(ctx context.Context, db archive.Store, verbose bool, stdout, stderr io.Writer) error {
	var bar *progressbar.ProgressBar
	if isTerminal(stderr) {
		bar = progressbar.NewOptions64(r.bytesToRead(), progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("importing"), progressbar.OptionShowBytes(true),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	}
	err := r.run(ctx, db, bar)
	if bar != nil {
		bar.Finish()
	}
	if verbose {
		r.printFiles(stdout)
	}
	r.sum.print(stdout, time.Since(r.start))
	r.printUnknownNetworks(stdout)
	r.printSkips(stdout)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("import interrupted after %d new events; the archive is consistent: run the same command again to complete it", r.sum.added)
		}
		return err
	}
	return r.status(false)
}

// dryRun reads every planned file to its end without writing anything and
// prints the plan.
func (r *importRun) dryRun(ctx context.Context, out io.Writer) error {
	r.start = time.Now()
	if err := r.readAll(ctx, dryRunSink{}, nil); err != nil {
		return err
	}
	fmt.Fprintln(out, "plan (--dry-run: nothing was written):")
	r.printFiles(out)
	r.printUnknownNetworks(out)
	fmt.Fprintf(out, "files: %d to import (%s)\n", len(r.toRead()), strings.Join(r.sum.formats, ", "))
	fmt.Fprintf(out, "%s\nevents: %d\n", linesOf(r.sum.lines), r.sum.events)
	r.sum.printReasons(out)
	r.printSkips(out)
	if len(r.toRead()) == 0 {
		return r.nothingToImport()
	}
	return r.status(true)
}
