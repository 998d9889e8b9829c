package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/bot"
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

// soleNetwork is the configuration's network, when it has one only.
func soleNetwork(cfg *config.Config) (string, error) {
	switch len(cfg.Networks) {
	case 0:
		return "", errors.New("--network is required: the configuration has no network")
	case 1:
		return cfg.Networks[0].Name, nil
	}
	return "", fmt.Errorf("--network is required: the configuration has several (%s)", strings.Join(configuredNetworkNames(cfg), ", "))
}

// networkNames turns the network a path names into the network the events
// are stored under.
type networkNames struct {
	cfg      *config.Config
	def      string            // --network NAME, else the configured network
	explicit bool              // def is --network NAME
	defErr   error             // why there is no default
	folder   map[string]string // lower-cased folder name → network, from --network FOLDER=NAME
}

func newNetworkNames(cfg *config.Config, flags []string) (networkNames, error) {
	n := networkNames{cfg: cfg, folder: map[string]string{}}
	for _, f := range flags {
		folder, name, mapped := strings.Cut(f, "=")
		switch {
		case !mapped && n.def != "":
			return n, fmt.Errorf("--network %s: a second network for files whose path names none (the first is %s); map a network folder with --network FOLDER=NAME", f, n.def)
		case !mapped && f == "":
			return n, errors.New("--network: empty name")
		case !mapped:
			n.def, n.explicit = f, true
		case folder == "" || name == "" || strings.ContainsAny(folder, `/\`):
			return n, fmt.Errorf("--network %q: want FOLDER=NAME, the name of a network folder of the logs and the network of bot.yaml it holds, e.g. --network Libera.Chat=libera", f)
		default:
			if prev, ok := n.folder[strings.ToLower(folder)]; ok && prev != name {
				return n, fmt.Errorf("--network %s: the folder %s is mapped twice (to %s and %s)", f, folder, prev, name)
			}
			n.folder[strings.ToLower(folder)] = name
		}
	}
	if n.def == "" {
		n.def, n.defErr = soleNetwork(cfg)
	}
	return n, nil
}

// resolve returns the network of a file whose path names the network
// folder (or file name part) named, "" when it names none, and whether
// bot.yaml configures that network. A name mapped with --network
// FOLDER=NAME gives NAME; a configured network's name (case aside) gives
// it; ZNC's prefix USER_NETWORK gives the network in it (see
// logs.NetworkOfPrefix). Any other name is a network only when no plain
// --network NAME was given: then NAME wins.
func (n networkNames) resolve(named string, zncPrefix bool) (name string, configured bool, err error) {
	if mapped := n.folder[strings.ToLower(named)]; named != "" && mapped != "" {
		name = mapped
	} else if named != "" {
		if zncPrefix {
			named = logs.NetworkOfPrefix(named, configuredNetworkNames(n.cfg))
		}
		if c, ok := n.configured(named); ok {
			return c, true, nil
		}
		if !n.explicit {
			return named, false, nil
		}
	}
	if name == "" {
		if n.def == "" {
			return "", false, fmt.Errorf("no network: the path names none, and %s", strings.TrimPrefix(n.defErr.Error(), "--network is required: "))
		}
		name = n.def
	}
	if c, ok := n.configured(name); ok {
		return c, true, nil
	}
	return name, false, nil
}

// configured returns the configured spelling of the network name.
func (n networkNames) configured(name string) (string, bool) {
	for _, c := range n.cfg.Networks {
		if strings.EqualFold(c.Name, name) {
			return c.Name, true
		}
	}
	return "", false
}

// logRef is where the events of a network's channel are stored, and the
// relays of that network.
type logRef struct {
	ref     event.ChannelRef
	bridged bool
	relays  map[string]config.Relay // folded relay nick
}

// relaysOf indexes the configured relays by lower-cased network and folded
// nick.
func relaysOf(cfg *config.Config) map[string]map[string]config.Relay {
	out := map[string]map[string]config.Relay{}
	for _, n := range cfg.Networks {
		for _, rl := range n.Relays {
			if rl.Pattern == nil {
				continue
			}
			if out[strings.ToLower(n.Name)] == nil {
				out[strings.ToLower(n.Name)] = map[string]config.Relay{}
			}
			out[strings.ToLower(n.Name)][config.FoldName(rl.Nick)] = rl
		}
	}
	return out
}

// foundFile is a file the paths hold, with the path given that led to it.
type foundFile struct {
	path, root string
	size       int64
	// leftOut says why a file that is no channel's log is not imported
	// (queries, server buffers, empty and hidden files): nothing is lost.
	// skip says why a file that may hold a channel's lines is not imported
	// (no known format, unreadable, a folder that cannot be read, a link
	// to a folder, a special file…).
	leftOut, skip string
}

// logFiles expands the paths into files in name order. What a folder holds
// that is not read (hidden files, special files, links to folders, folders
// that cannot be read) is listed with why; given on the command line, a
// special file is refused.
func logFiles(paths []string) ([]foundFile, error) {
	var files []foundFile
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		if !info.IsDir() {
			if !info.Mode().IsRegular() {
				return nil, fmt.Errorf("import: %s is %s, not a regular file: import reads only log files and directories of them (save the stream to a file first)", p, specialKind(info.Mode()))
			}
			files = append(files, foundFile{path: p, root: p, size: info.Size()})
			continue
		}
		var found []foundFile
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == p {
					return err
				}
				found = append(found, foundFile{path: path, root: p, skip: "cannot be read: " + errText(err)})
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if path == p {
				return nil
			}
			hidden := strings.HasPrefix(d.Name(), ".")
			switch {
			case d.IsDir() && hidden:
				found = append(found, foundFile{path: path, root: p, leftOut: "a hidden folder (its name starts with a dot): not read"})
				return filepath.SkipDir
			case d.IsDir():
				return nil
			case hidden:
				found = append(found, foundFile{path: path, root: p, leftOut: "a hidden file (its name starts with a dot)"})
				return nil
			}
			// A link is followed to a file (a line it shares with another
			// file is stored once), never to a folder (links can loop).
			info, err := os.Stat(path)
			switch {
			case err != nil:
				found = append(found, foundFile{path: path, root: p, skip: "cannot be read: " + errText(err)})
			case info.IsDir():
				found = append(found, foundFile{path: path, root: p, skip: "a symbolic link to a folder: not followed (name the folder on the command line to read it)"})
			case !info.Mode().IsRegular():
				found = append(found, foundFile{path: path, root: p, skip: specialKind(info.Mode()) + ", not a regular file"})
			default:
				found = append(found, foundFile{path: path, root: p, size: info.Size()})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		sort.Slice(found, func(i, j int) bool { return found[i].path < found[j].path })
		files = append(files, found...)
	}
	if len(files) == 0 {
		return nil, errors.New("import: no files found in the given paths")
	}
	return files, nil
}

// errText is an error's message without the path an *fs.PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// someNames lists the first n files' paths, and how many more there are.
func someNames(files []foundFile, n int) string {
	var names []string
	for i, f := range files {
		if i == n {
			names = append(names, fmt.Sprintf("and %d more", len(files)-n))
			break
		}
		names = append(names, shown(f.path))
	}
	return strings.Join(names, ", ")
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

// planFile is one file of the import and what the plan decided for it.
type planFile struct {
	foundFile
	place logs.Place
	// network and channel are where the path, --network and --channel put
	// the file's lines (before a bridge or a configured spelling applies).
	// header: the file is of our own format and its header names the
	// channel, and the network unless network is set.
	network, channel string
	header           bool
	netNote          string // "not in bot.yaml"
	format           string
	// readPart: the file was skipped after part of it was read (an I/O
	// error part way); skip says why.
	readPart bool
	// What reading it gave.
	events int64
	// stopped: the import stopped in this file (an interrupt, an error
	// of the archive); unstored: the line read last gave an event that was
	// not handed on, so it counts as not reached.
	stopped, unstored bool
	counts            logs.Counts // what its lines were
	first, last       event.Date
	stored            map[event.ChannelRef]bool // the logs its events went to
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

// plan decides, for each file, whether it is read and into which channel,
// and checks that it can be: its first lines are read, a .gz file is read
// to its end. Under --strict the first file that would be skipped is an
// error, before anything is written.
func (r *importRun) plan(ctx context.Context) error {
	for _, f := range r.files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p := &planFile{foundFile: f}
		r.plans = append(r.plans, p)
		if p.leftOut == "" && p.skip == "" {
			r.planFile(p)
		}
		if r.opt.Strict && p.skip != "" {
			return fmt.Errorf("--strict: %s: %s", shown(p.path), p.skip)
		}
	}
	return nil
}

// besideChannels returns the first folder or file on the way from the
// path given on the command line (its own name included) down to the file
// that is not named as a channel while the folder holding it holds a
// channel's log or folder. In a client's folder such a name is a query or
// a server buffer (irclogs/libera/alice.log beside #techrights.log; ZNC's
// alice/DATE.log or irc.libera.chat/DATE.log beside #techrights/; an
// irssi network folder given itself, libera/alice.2024-03-02.log beside
// libera/#techrights.2024-03-02.log); in a folder of no client's layout
// it is one of the channel's logs under the name someone gave it
// (old/techrights.log). Below a channel's folder (dates) nothing is asked.
func (r *importRun) besideChannels(p *planFile) (string, bool) {
	dir := filepath.Dir(filepath.Clean(p.root))
	rel, err := filepath.Rel(dir, p.path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", false
	}
	comps := strings.Split(filepath.ToSlash(rel), "/")
	for i, comp := range comps {
		if isChannelName(comp) || i == len(comps)-1 && p.place.Kind == logs.PlaceChannel {
			return "", false
		}
		if r.holdsChannels(dir) {
			return comp, true
		}
		dir = filepath.Join(dir, comp)
	}
	return "", false
}

// isChannelName reports whether a file or folder name starts as a channel
// does, or carries one the way WeeChat and ZNC name files
// (irc.libera.#chan.weechatlog, libera_#chan_20240302.log).
func isChannelName(name string) bool {
	if len(name) > 1 && strings.IndexByte(ircname.ChannelPrefixes, name[0]) >= 0 {
		return true
	}
	for _, sep := range []string{".", "_"} {
		for _, c := range ircname.ChannelPrefixes {
			if strings.Contains(name, sep+string(c)) {
				return true
			}
		}
	}
	return false
}

// holdsChannels reports whether the folder dir holds a file or folder named
// as a channel's.
func (r *importRun) holdsChannels(dir string) bool {
	if known, ok := r.channelDirs[dir]; ok {
		return known
	}
	found := false
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if isChannelName(e.Name()) {
				found = true
				break
			}
		}
	}
	if r.channelDirs == nil {
		r.channelDirs = map[string]bool{}
	}
	r.channelDirs[dir] = found
	return found
}

// planFile decides whether one file is read, and into which channel of
// which network: by its path and size, by --channel and --network, and by
// its first lines.
func (r *importRun) planFile(p *planFile) {
	p.place = logs.PlaceOf(p.root, p.path)
	if p.leftOut, p.skip = notChannelLog(p); p.leftOut != "" || p.skip != "" {
		return
	}
	asQuery, queryWhy := r.isQuery(p)
	netErr := r.placeLines(p)
	if p.skip != "" {
		return
	}
	rd, closeFile := r.probe(p, asQuery, queryWhy)
	if rd == nil {
		return
	}
	defer closeFile()
	switch {
	case p.header:
	case asQuery:
		p.leftOut = queryWhy
		return
	case p.channel == "":
		p.skip = "no channel: the path names none; pass --channel, or import the folder that holds the channel's folder"
		return
	case netErr != nil:
		p.skip = netErr.Error()
		return
	}
	if p.place.Compression == "gzip" {
		// A damaged or truncated .gz file is found before any of it is
		// imported: a file is read whole or not at all.
		if _, err := io.Copy(io.Discard, rd.src); err != nil {
			p.skip = reason(p, fmt.Errorf("read: %w", err))
		}
	}
}

// notChannelLog says why a file is left out, or skipped, by its place and
// size alone: an archive, an empty file, a compression import does not
// read, a server buffer, a conversation with services.
func notChannelLog(p *planFile) (leftOut, skip string) {
	switch {
	case p.place.Kind == logs.PlaceArchive:
		return "", p.place.Why
	case p.size == 0:
		return "empty file", ""
	case p.place.Compression != "" && p.place.Compression != "gzip":
		return "", fmt.Sprintf("compressed with %s: import reads plain and gzip files; decompress it first", p.place.Compression)
	case p.place.Kind == logs.PlaceServer:
		// A server or status buffer is no channel's log, whatever
		// --channel says.
		return p.place.Why, ""
	}
	if svc, ok := logs.ServiceWindow(p.root, p.path); ok {
		// Passwords are typed there: never a channel's lines, however
		// the file is reached, even named on the command line.
		return "a conversation with services (" + shown(svc) + "): never imported into a channel", ""
	}
	return "", ""
}

// isQuery says whether a file is taken for a query, left out as no
// channel's log, and why. With --channel, a file named like a nick that
// was found in a client's folder (a network folder, or beside channels'
// logs: irssi's irclogs/libera/alice.log) is a query too, and is imported
// only when named on the command line; in a folder of no client's layout
// it is one of the channel's logs under the name someone gave it
// (old/techrights.log).
func (r *importRun) isQuery(p *planFile) (bool, string) {
	asQuery, why := p.place.Kind == logs.PlaceQuery, p.place.Why
	given := p.path == p.root // named on the command line, not found in a folder
	switch {
	case r.channel != "" && given:
		asQuery = false // a file named itself is imported as asked
	case r.channel != "":
		asQuery = asQuery && p.place.Network != ""
		if name, ok := r.besideChannels(p); ok {
			asQuery, why = true, "not a channel's log: "+shown(name)+" has no channel prefix in a folder that holds channels' logs (a query or a server buffer)"
		}
		why += " (--channel imports such a file only when the file itself is named on the command line)"
	}
	return asQuery, why
}

// placeLines sets where the file's lines go: the channel its path names
// or --channel, and the network its path names or --network. A channel
// name IRC does not allow skips the file. It returns why there is no
// network, which matters only for a file whose header names none.
func (r *importRun) placeLines(p *planFile) (netErr error) {
	p.channel = r.channel
	named, zncPrefix := p.place.Network, p.place.ZNCPrefix
	if p.channel == "" {
		p.channel = p.place.Channel()
	} else {
		named = "" // --channel: one channel of one network, whatever the path names
	}
	if p.channel != "" && !ircname.ValidChannel(p.channel) {
		p.skip = "the path names the channel " + shown(p.channel) + ", which is not a valid IRC channel name (no space, comma, colon or control character): rename the file, or pass --channel"
		return nil
	}
	network, configured, netErr := r.nets.resolve(named, zncPrefix)
	p.network = network
	if !configured && netErr == nil {
		p.netNote = "not in bot.yaml"
	}
	return netErr
}

// probe opens a file to learn its format and that its first lines can be
// read. A file the path names no channel for is opened with a stand-in, to
// learn whether it is of our own format, whose header names it. When the
// file cannot be read, probe says why it is left out or skipped and
// returns nil.
func (r *importRun) probe(p *planFile, asQuery bool, queryWhy string) (*logReader, func()) {
	rd, closeFile, err := r.open(p, nil)
	if err != nil {
		switch {
		case errors.Is(err, logs.ErrNotLog) && r.blankOnly(p):
			p.leftOut = "empty file (blank lines only)"
		case asQuery && !errors.Is(err, logs.ErrNotLog):
			p.leftOut = queryWhy // a query that cannot be read is no channel's log either
		default:
			p.skip = reason(p, err)
		}
		return nil, nil
	}
	p.format = rd.Format()
	if p.channel != "" || p.format != "own" {
		return rd, closeFile
	}
	// Our own format's header names the channel, and the network unless
	// the path or --network does.
	closeFile()
	p.header = true
	network, note := p.network, p.netNote
	if !r.nets.explicit && p.place.Network == "" {
		p.network, p.netNote = "", ""
	}
	if rd, closeFile, err = r.open(p, nil); err != nil {
		// No header: lines of ZNC's look like ours.
		p.header, p.network, p.netNote = false, network, note
		if asQuery {
			p.leftOut = queryWhy
		} else {
			p.skip = reason(p, err)
		}
		return nil, nil
	}
	return rd, closeFile
}

// openBytes opens a planned file's bytes, decompressed: not as a log.
func openBytes(p *planFile) (*bufio.Reader, func(), error) {
	f, err := os.Open(p.path)
	if err != nil {
		return nil, nil, err
	}
	if p.place.Compression != "gzip" {
		return bufio.NewReaderSize(f, 1<<16), func() { f.Close() }, nil
	}
	gz, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return bufio.NewReaderSize(gz, 1<<16), func() { gz.Close(); f.Close() }, nil
}

// countLines counts the lines of a planned file, as the reader counts
// them (a last line without a newline is one).
func (r *importRun) countLines(p *planFile) (int64, error) {
	br, closeFile, err := openBytes(p)
	if err != nil {
		return 0, err
	}
	defer closeFile()
	var n int64
	var last byte = '\n'
	buf := make([]byte, 1<<16)
	for {
		k, err := br.Read(buf)
		if k > 0 {
			n += int64(bytes.Count(buf[:k], []byte{'\n'}))
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	return n, nil
}

// blankOnly reports whether a file (decompressed) holds nothing but
// spaces, tabs and line ends: an empty file, as one of no bytes is.
func (r *importRun) blankOnly(p *planFile) bool {
	br, closeFile, err := openBytes(p)
	if err != nil {
		return false
	}
	defer closeFile()
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return true
		}
		if err != nil || !strings.ContainsRune(" \t\r\n", rune(c)) {
			return false
		}
	}
}

// shown is a file's path, or a name from one, as the import prints it:
// quoted with Go's escapes when it holds a control character (ESC, BEL,
// a line break…), a Unicode line separator or bidirectional control, or
// invalid UTF-8, so that no terminal acts on it and every name stays one
// line; as it is otherwise. Unlike termSafe it keeps every byte, so the
// file can still be found.
func shown(s string) string {
	if !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// logReader is a logs.Reader with what it reads from: the file,
// decompressed.
type logReader struct {
	*logs.Reader
	src io.Reader
}

// open opens a planned file for reading, counting its bytes on bar.
func (r *importRun) open(p *planFile, bar *progressbar.ProgressBar) (*logReader, func(), error) {
	// O_NONBLOCK: should the file have become a FIFO since it was listed,
	// opening it does not wait for a writer; the check below refuses it.
	f, err := os.OpenFile(p.path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot be opened: %s", errText(err))
	}
	if info, err := f.Stat(); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("cannot be read: %s", errText(err))
	} else if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s, not a regular file", specialKind(info.Mode()))
	}
	closeFile := func() { f.Close() }
	var src io.Reader = bufio.NewReaderSize(f, 1<<16)
	if bar != nil {
		pr := progressbar.NewReader(src, bar)
		src = &pr
	}
	opt := r.opt
	opt.FileName = p.path
	opt.Network, opt.Channel = p.network, p.channel
	if p.channel == "" && !p.header {
		opt.Channel = "#?" // a stand-in, to learn the format: see planFile
	}
	if p.place.Compression == "gzip" {
		gz, err := gzip.NewReader(src)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("not gzip data (%s)", errText(err))
		}
		src = gz
		closeFile = func() { gz.Close(); f.Close() }
		opt.FileName = strings.TrimSuffix(p.path, filepath.Ext(p.path))
	}
	rd, err := logs.NewReader(src, opt)
	if err != nil {
		closeFile()
		return nil, nil, err
	}
	return &logReader{Reader: rd, src: src}, closeFile, nil
}

// reason phrases an error of opening or reading a planned file as a
// reason to skip it, without the file's name the list gives already.
func reason(p *planFile, err error) string {
	s := err.Error()
	switch {
	case p.place.Compression == "gzip" && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader)):
		return "damaged or truncated gzip data (" + errText(errors.Unwrap(err)) + "): repair it, or unpack what can be read (zcat) and import that"
	}
	name := strings.TrimSuffix(p.path, filepath.Ext(p.path))
	for _, prefix := range []string{p.path + ": ", "read " + p.path + ": ", name + ": ", "read " + name + ": "} {
		if rest, ok := strings.CutPrefix(s, prefix); ok {
			s = rest
			break
		}
	}
	if errors.Is(err, logs.ErrNoDate) {
		// The reader names the ways to give a date; --date is for one file.
		s += " (--date gives the date of one file: import such a file alone with it)"
	}
	return s
}

// toRead lists the files to import.
func (r *importRun) toRead() []*planFile {
	var out []*planFile
	for _, p := range r.plans {
		if p.leftOut == "" && p.skip == "" {
			out = append(out, p)
		}
	}
	return out
}

func (r *importRun) bytesToRead() int64 {
	var n int64
	for _, p := range r.toRead() {
		n += p.size
	}
	return n
}

// eventSink takes the events read: an archive.Importer, or nothing on a
// dry run.
type eventSink interface {
	StartFile()
	SetTolerance(time.Duration)
	Add(context.Context, event.Event) error
}

var _ eventSink = (*archive.Importer)(nil)

// dryRunSink takes events and writes nothing.
type dryRunSink struct{}

func (dryRunSink) StartFile()                             {}
func (dryRunSink) SetTolerance(time.Duration)             {}
func (dryRunSink) Add(context.Context, event.Event) error { return nil }

// storeError is an error of the sink, not of the file.
type storeError struct{ error }

func (e storeError) Unwrap() error { return e.error }

// importInto imports the planned files into db and prints the summary; a
// progress bar goes to stderr when that is a terminal. The exit status
// says whether files were skipped.
func (r *importRun) importInto(ctx context.Context, db *archive.DB, verbose bool, stdout, stderr io.Writer) error {
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

// run imports the planned files. The counts are exact whatever happens:
// after an error or an interrupt the importer is stopped (the batch being
// written is committed or rolled back) before they are read.
func (r *importRun) run(ctx context.Context, db *archive.DB, bar *progressbar.ProgressBar) (err error) {
	r.start = time.Now()
	// One importer for all files: it writes in large transactions
	// whatever the size of the files, and matches each file against the
	// archive on its own.
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			im.Stop() // the batch being written is committed or not; what waits is dropped
		}
		st := im.Stats()
		r.sum.added, r.sum.dups = st.Added, st.Duplicates
	}()
	if err := r.readAll(ctx, im, bar); err != nil {
		return err
	}
	return im.Flush(ctx)
}

// readAll reads the planned files into sink. A file that fails part way
// (an I/O error) is listed as skipped and the others are read, unless
// --strict; an error of the sink, a line --strict refuses or an interrupt
// ends it.
func (r *importRun) readAll(ctx context.Context, sink eventSink, bar *progressbar.ProgressBar) error {
	for _, p := range r.toRead() {
		err := r.read(ctx, p, sink, bar)
		if err == nil {
			continue
		}
		var se storeError
		if ctx.Err() != nil || r.opt.Strict || errors.As(err, &se) {
			return err
		}
		p.skip, p.readPart = reason(p, err), true
	}
	return nil
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

// read reads one planned file and hands each event, as it is to be
// stored, to sink.
func (r *importRun) read(ctx context.Context, p *planFile, sink eventSink, bar *progressbar.ProgressBar) error {
	rd, closeFile, err := r.open(p, bar)
	if err != nil {
		return err
	}
	defer closeFile()
	p.format = rd.Format()
	defer r.account(p, rd) // also what was read before an error or an interrupt
	sink.StartFile()
	tolerance := time.Second
	if p.format == "irssi" {
		tolerance = time.Minute // irssi's default theme writes HH:MM
	}
	sink.SetTolerance(tolerance)
	r.sum.files++
	r.sum.formats = appendUnique(r.sum.formats, p.format)
	p.stored = map[event.ChannelRef]bool{}
	var last [2]string
	var lr logRef
	for {
		if ctx.Err() != nil {
			p.stopped = true
			return ctx.Err()
		}
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			p.stopped = ctx.Err() != nil
			return err
		}
		if ev.Network == "" {
			// Our own header without a network.
			if ev.Network = r.nets.def; ev.Network == "" {
				return fmt.Errorf("no network: neither the header nor the path names one, and %s", strings.TrimPrefix(r.nets.defErr.Error(), "--network is required: "))
			}
		}
		if k := [2]string{ev.Network, ev.Channel}; k != last {
			lr, last = r.logRef(ev.Network, ev.Channel), k
			p.stored[lr.ref] = true
		}
		asLive(&ev, lr)
		if err := sink.Add(ctx, ev); err != nil {
			p.unstored = true
			return storeError{err}
		}
		p.events++
		r.sum.events++
		r.sum.kinds[ev.Kind]++
		d := event.DateOf(ev.Time, r.opt.Location)
		if p.first.IsZero() || d.Before(p.first) {
			p.first = d
		}
		if p.last.IsZero() || p.last.Before(d) {
			p.last = d
		}
	}
	return nil
}

// account adds what the lines of a file were to the file's plan and to the
// summary, with the first examples of each reason.
func (r *importRun) account(p *planFile, rd *logReader) {
	c := rd.Counts()
	if p.unstored {
		// Its event was not stored: the line was not imported, and the
		// import stopped there.
		c.Lines--
		c.Events--
		p.stopped = true
	}
	if p.stopped {
		if n, err := r.countLines(p); err == nil && n > c.Lines {
			r.sum.notReached, r.sum.stoppedIn = n-c.Lines, p.path
		}
	}
	p.counts = c
	r.sum.add(c)
	for _, m := range []map[string]int64{c.NotKept, c.NotUnderstood, c.Repaired} {
		for reason := range m {
			for _, w := range rd.Examples(reason) {
				if len(r.sum.examples[reason]) < maxExamples {
					r.sum.examples[reason] = append(r.sum.examples[reason], lineExample{p.path, w})
				}
			}
		}
	}
	if n := c.Lines - c.Blank - c.Events - c.Markers; n > 0 {
		slog.Debug("lines not imported", "file", p.path, "lines", n)
	}
}

// logRef returns where the events of a network's channel are stored (the
// bridge's log for a bridged channel, the configured spelling of a
// configured one) and the network's relays.
func (r *importRun) logRef(network, channel string) logRef {
	k := [2]string{network, channel}
	if lr, ok := r.refs[k]; ok {
		return lr
	}
	ref, _ := bot.LogRef(r.cfg, network, channel)
	lr := logRef{ref: ref, bridged: ref.Network == bot.BridgeNetwork, relays: r.relays[strings.ToLower(network)]}
	r.refs[k] = lr
	return lr
}

// asLive makes an imported event what the live recorder stores for the
// same line: in the channel's log (a bridge's for a bridged channel), a
// relay's line as its real author's, marked relayed, without the relay's
// account or host, with Via the network it was seen on.
func asLive(ev *event.Event, lr logRef) {
	network := ev.Network
	if lr.relays != nil && ev.Kind.IsSpeech() {
		if rl, ok := lr.relays[config.FoldName(ev.Nick)]; ok {
			if nick, text, ok := rl.Unwrap(ev.Text); ok {
				ev.Nick, ev.Text, ev.Account, ev.UserHost = nick, text, "", ""
				ev.Flags |= event.FlagRelayed
			}
		}
	}
	ev.Network, ev.Channel = lr.ref.Network, lr.ref.Name
	if lr.bridged || ev.Flags&event.FlagRelayed != 0 {
		ev.Via = network
	}
}

// status is the error that gives the exit status: exitSkipped when files
// that may hold lines were skipped.
func (r *importRun) status(dry bool) error {
	var n int
	for _, p := range r.plans {
		if p.skip != "" {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if dry {
		return exitError{code: exitSkipped, msg: fmt.Sprintf("%d file(s) would be skipped, listed above with why (exit status %d)", n, exitSkipped)}
	}
	return exitError{code: exitSkipped, msg: fmt.Sprintf("imported, but %d file(s) were skipped, listed above with why (exit status %d)", n, exitSkipped)}
}

// nothingToImport is the error of a plan that reads no file.
func (r *importRun) nothingToImport() error {
	var b strings.Builder
	b.WriteString("import: no file to import")
	for _, p := range r.plans {
		why := p.skip
		if why == "" {
			why = "left out, " + p.leftOut
		}
		fmt.Fprintf(&b, "\n  %s: %s", shown(p.path), why)
	}
	return errors.New(b.String())
}

// read reports whether (some of) the file was read.
func (p *planFile) read() bool {
	return p.leftOut == "" && (p.skip == "" || p.readPart)
}

// printFiles lists the files read, one a line: network/channel, format,
// days and events.
func (r *importRun) printFiles(w io.Writer) {
	for _, p := range r.plans {
		if !p.read() {
			continue
		}
		where := []string{}
		for ref := range p.stored {
			where = append(where, shown(ref.Network)+"/"+shown(ref.Name))
		}
		sort.Strings(where)
		if len(where) == 0 {
			where = append(where, shown(p.network)+"/"+shown(p.channel))
		}
		net := ""
		if p.netNote != "" {
			net = " (network " + shown(p.network) + " " + p.netNote + ")"
		}
		if named := p.place.Channel(); r.channel != "" && named != "" && !strings.EqualFold(named, p.channel) {
			// --channel puts every file into one channel: say so where
			// the path names another.
			net += " (the path names " + shown(named) + ")"
		}
		days := "no events"
		if !p.first.IsZero() {
			days = p.first.String()
			if p.last != p.first {
				days += " to " + p.last.String()
			}
		}
		c := p.counts
		fmt.Fprintf(w, "  %s -> %s%s: %s, %s, %d events; %s\n", shown(p.path), strings.Join(where, ", "), net, p.format, days, p.events, linesOf(c))
	}
}

// printUnknownNetworks names the networks of the files read that bot.yaml
// does not configure: the dry run and the import say it alike.
func (r *importRun) printUnknownNetworks(w io.Writer) {
	var unknown []string
	for _, p := range r.plans {
		if p.read() && p.netNote != "" {
			unknown = appendUnique(unknown, shown(p.network))
		}
	}
	if len(unknown) > 0 {
		fmt.Fprintf(w, "networks not in bot.yaml: %s (store them under a configured network with --network FOLDER=NAME)\n", strings.Join(unknown, ", "))
	}
}

// printSkips lists the files left out and the files skipped, with why.
func (r *importRun) printSkips(w io.Writer) {
	var left, skipped []*planFile
	for _, p := range r.plans {
		switch {
		case p.leftOut != "":
			left = append(left, p)
		case p.skip != "":
			skipped = append(skipped, p)
		}
	}
	if len(left) > 0 {
		fmt.Fprintf(w, "left out, no channel's log (%d):\n", len(left))
		for _, p := range left {
			fmt.Fprintf(w, "  %s: %s\n", shown(p.path), p.leftOut)
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "skipped, could not be read (%d):\n", len(skipped))
		for _, p := range skipped {
			why := p.skip
			if p.readPart {
				why = fmt.Sprintf("%s (its first %d events were read)", why, p.events)
			}
			fmt.Fprintf(w, "  %s: %s\n", shown(p.path), strings.ReplaceAll(why, "\n", "\n    "))
		}
	}
}

// importSummary adds up what was read and written.
type importSummary struct {
	files, events, added, dups int64
	kinds                      map[event.Kind]int64
	lines                      logs.Counts // every line read, over all files
	notReached                 int64       // the lines after where the import stopped
	stoppedIn                  string      // the file it stopped in
	examples                   map[string][]lineExample
	formats                    []string
}

// maxExamples is how many lines the summary shows of each reason.
const maxExamples = 3

// lineExample is a line of a file, shown as an example of its reason.
type lineExample struct {
	path string
	w    logs.Warning
}

// add adds a file's counts.
func (s *importSummary) add(c logs.Counts) {
	t := &s.lines
	t.Lines += c.Lines
	t.Blank += c.Blank
	t.Events += c.Events
	t.Markers += c.Markers
	t.NotKept = addCounts(t.NotKept, c.NotKept)
	t.NotUnderstood = addCounts(t.NotUnderstood, c.NotUnderstood)
	t.Repaired = addCounts(t.Repaired, c.Repaired)
}

func addCounts(to, from map[string]int64) map[string]int64 {
	for k, v := range from {
		if to == nil {
			to = map[string]int64{}
		}
		to[k] += v
	}
	return to
}

func total(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// linesOf says what the lines read were: every line is counted once.
func linesOf(c logs.Counts) string {
	s := fmt.Sprintf("lines read: %d = %d with events + %d headers and date markers + %d blank + %d not imported",
		c.Lines, c.Events, c.Markers, c.Blank, total(c.NotKept)+total(c.NotUnderstood))
	if n := total(c.Repaired); n > 0 {
		s += fmt.Sprintf(" (%d repaired)", n)
	}
	return s
}

func (s *importSummary) print(w io.Writer, took time.Duration) {
	fmt.Fprintf(w, "files: %d (%s)\n", s.files, strings.Join(s.formats, ", "))
	fmt.Fprintln(w, linesOf(s.lines))
	if s.notReached > 0 {
		fmt.Fprintf(w, "lines not reached: %d, the rest of %s (the import stopped there; the files after it were not read)\n", s.notReached, shown(s.stoppedIn))
	}
	fmt.Fprintf(w, "events read: %d, added: %d, already in the archive: %d (%.0f events/s)\n",
		s.events, s.added, s.dups, float64(s.events)/max(took.Seconds(), 1e-3))
	if lost := s.events - s.added - s.dups; lost > 0 {
		fmt.Fprintf(w, "events read but not written (the import stopped): %d\n", lost)
	}
	var kinds []string
	for _, k := range event.Kinds() {
		if n := s.kinds[k]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
		}
	}
	if len(kinds) > 0 {
		fmt.Fprintf(w, "by kind: %s\n", strings.Join(kinds, ", "))
	}
	s.printReasons(w)
}

// printReasons lists the lines not imported and the lines repaired, by
// reason, most first, each with its first examples.
func (s *importSummary) printReasons(w io.Writer) {
	for _, group := range []struct {
		title string
		m     map[string]int64
	}{
		{"not imported: not kept", s.lines.NotKept},
		{"not imported: not understood", s.lines.NotUnderstood},
		{"repaired (counted above as what they were)", s.lines.Repaired},
	} {
		if len(group.m) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s (%s):\n", group.title, plural(total(group.m), "line"))
		reasons := make([]string, 0, len(group.m))
		for r := range group.m {
			reasons = append(reasons, r)
		}
		sort.Slice(reasons, func(i, j int) bool {
			if a, b := group.m[reasons[i]], group.m[reasons[j]]; a != b {
				return a > b
			}
			return reasons[i] < reasons[j]
		})
		for _, r := range reasons {
			fmt.Fprintf(w, "  %6d  %s\n", group.m[r], r)
			for _, e := range s.examples[r] {
				fmt.Fprintf(w, "          %s:%d: %q\n", shown(e.path), e.w.Line, e.w.Text)
			}
		}
	}
}

// plural is "1 line", "2 lines".
func plural(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// appendUnique appends s to list unless list holds it.
func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
