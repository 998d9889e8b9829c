package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
