package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/schollz/progressbar/v3"

	"proceedings/event"
	"proceedings/internal/ircname"
	"proceedings/logs"
)

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
