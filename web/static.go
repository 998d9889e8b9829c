package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// siteFS reads the rendered site through an os.Root, so that nothing
// outside the directory can be opened, symbolic links included. The root
// is reopened when the directory is replaced (or appears).
type siteFS struct {
	dir string

	mu      sync.Mutex
	root    *os.Root
	rootFI  os.FileInfo
	checked time.Time

	cache *fileCache
}

// rootRecheck is how often the site directory is checked for having been
// replaced or created.
const rootRecheck = time.Second

func newSiteFS(dir string, cacheBytes int64) *siteFS {
	return &siteFS{dir: dir, cache: newFileCache(cacheBytes)}
}

// open returns the current root, or nil when the site directory does not
// exist (yet).
func (s *siteFS) open() *os.Root {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.root != nil && now.Sub(s.checked) < rootRecheck {
		return s.root
	}
	s.checked = now
	fi, err := os.Stat(s.dir)
	if err != nil || !fi.IsDir() {
		if s.root != nil {
			s.root.Close()
			s.root, s.rootFI = nil, nil
		}
		return nil
	}
	if s.root != nil && os.SameFile(fi, s.rootFI) {
		return s.root
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return s.root
	}
	if s.root != nil {
		// Requests in flight may still read through the old root; files
		// they opened stay valid after it is closed.
		s.root.Close()
	}
	s.root, s.rootFI = root, fi
	return root
}

// sitePath checks a request path and returns it relative to the site root
// ("" for "/"). It refuses what could name something outside the site or
// hidden in it: "." and ".." segments, dotfiles, empty segments,
// backslashes, NUL and other control characters, invalid UTF-8. The path is
// already percent-decoded, so "%2e%2e" and "..%2f" arrive here as "..".
func sitePath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || len(p) > 1024 || !utf8.ValidString(p) {
		return "", false
	}
	rel := p[1:]
	if rel == "" {
		return "", true
	}
	segs := strings.Split(rel, "/")
	for i, seg := range segs {
		if seg == "" {
			if i == len(segs)-1 {
				continue // a trailing slash: the directory's index
			}
			return "", false
		}
		if seg[0] == '.' {
			return "", false
		}
		for _, r := range seg {
			if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) {
				return "", false
			}
		}
	}
	return rel, true
}

// serveSite answers with a file of the rendered site.
func (s *Server) serveSite(w http.ResponseWriter, r *http.Request) {
	rel, ok := sitePath(r.URL.Path)
	if !ok {
		s.notFound(w, r)
		return
	}
	root := s.site.open()
	if root == nil {
		if rel == "" {
			s.nothingRendered(w, r)
			return
		}
		s.notFound(w, r)
		return
	}
	if rel == "" || strings.HasSuffix(rel, "/") {
		if s.serveFile(w, r, root, rel+"index.html") {
			return
		}
		if rel == "" {
			s.nothingRendered(w, r)
			return
		}
		s.notFound(w, r)
		return
	}
	if s.serveFile(w, r, root, rel) {
		return
	}
	// A directory: send the client to its index, so that relative links
	// in the index resolve as they do on a static host.
	if fi, err := root.Stat(rel); err == nil && fi.IsDir() {
		if fi, err := root.Stat(rel + "/index.html"); err == nil && fi.Mode().IsRegular() {
			target := path.Base(rel) + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			w.Header().Set("Location", target)
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		s.notFound(w, r)
		return
	}
	if path.Ext(rel) == "" && s.serveFile(w, r, root, rel+".html") {
		return
	}
	s.notFound(w, r)
}

// serveFile sends one regular file with its type, validators and, when the
// client takes it, gzip. It reports false when there is no such regular
// file, having written nothing.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, root *os.Root, name string) bool {
	ent, f, err := s.site.load(root, name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errNotRegular) {
			s.log.Warn("read site file", "file", name, "err", err)
		}
		return false
	}
	if f != nil {
		defer f.Close()
	}
	s.sendFile(w, r, ent, f, http.StatusOK)
	return true
}

// sendFile writes a loaded file. Status other than 200 (the site's own
// 404 page) skips the conditional and range handling.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, ent *fileEntry, f *os.File, status int) {
	h := w.Header()
	h.Set("Content-Type", ent.ctype)
	h.Set("Cache-Control", cacheControl(ent.name))
	body := io.ReadSeeker(f)
	etag := ent.etag
	if ent.body != nil {
		body = bytes.NewReader(ent.body)
	}
	if ent.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body = bytes.NewReader(ent.gz)
			etag = strings.TrimSuffix(etag, `"`) + `-gz"`
		}
	}
	if status != http.StatusOK {
		h.Del("Cache-Control")
		h.Set("Cache-Control", "no-cache")
		n, _ := body.Seek(0, io.SeekEnd)
		body.Seek(0, io.SeekStart)
		h.Set("Content-Length", fmt.Sprint(n))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			io.Copy(w, body)
		}
		return
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", ent.modTime, body)
}

// cacheControl: pages change as the day goes on (revalidate each time,
// cheaply, with the ETag); the rest may be kept for an hour.
func cacheControl(name string) string {
	switch path.Ext(name) {
	case ".html", ".txt", ".gmi", ".atom", ".xml", ".json":
		return "no-cache"
	}
	return "public, max-age=3600"
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a q-value above 0.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name != "gzip" && name != "x-gzip" && name != "*" {
				continue
			}
			q := strings.ReplaceAll(strings.ToLower(params), " ", "")
			if strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q=0"), ".0") == "" {
				return false
			}
			return true
		}
	}
	return false
}

// contentTypes are the types of the files the renderer writes; others
// come from the mime package, else application/octet-stream. The types are
// never sniffed.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".txt":   "text/plain; charset=utf-8",
	".gmi":   "text/gemini; charset=utf-8",
	".atom":  "application/atom+xml; charset=utf-8",
	".xml":   "application/xml; charset=utf-8",
	".json":  "application/json; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/vnd.microsoft.icon",
	".woff2": "font/woff2",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// compressible types are worth gzipping.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "xml") || strings.Contains(ctype, "json") ||
		strings.HasPrefix(ctype, "application/javascript")
}

// fileEntry is what is known of one site file at one version.
type fileEntry struct {
	name    string
	modTime time.Time
	size    int64
	ctype   string
	etag    string
	body    []byte // the file; nil when too big to keep (then it is streamed)
	gz      []byte // gzipped body; nil when not compressible or not smaller
	elem    *list.Element
}

// cost is what the entry holds in memory.
func (e *fileEntry) cost() int64 { return int64(len(e.body)+len(e.gz)) + 256 }

var errNotRegular = errors.New("not a regular file")

// Files up to maxCachedFile are read whole, hashed for a strong ETag and
// gzipped once; bigger ones are streamed with a validator made of their size
// and time.
const (
	maxCachedFile = 4 << 20
	minGzipSize   = 512
)

// load returns the entry of a regular file, and the open file when the
// body must be streamed from it (the caller closes it).
func (s *siteFS) load(root *os.Root, name string) (*fileEntry, *os.File, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, errNotRegular
	}
	if ent := s.cache.get(name, fi); ent != nil {
		f.Close()
		return ent, nil, nil
	}
	ent := &fileEntry{name: name, modTime: fi.ModTime(), size: fi.Size(), ctype: contentType(name)}
	if fi.Size() > maxCachedFile {
		ent.etag = fmt.Sprintf(`"%x-%x"`, fi.Size(), fi.ModTime().UnixNano())
		return ent, f, nil
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxCachedFile+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(body)) != fi.Size() {
		// Written while we read: an atomic rename would not do that, so
		// the renderer is mid-write. Do not cache the torn copy.
		ent.size = int64(len(body))
	}
	sum := sha256.Sum256(body)
	ent.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
	ent.body = body
	if len(body) >= minGzipSize && compressible(ent.ctype) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			ent.gz = buf.Bytes()
		}
	}
	if ent.size == fi.Size() {
		s.cache.put(ent)
	}
	return ent, nil, nil
}

// fileCache keeps recently served files by name, least recently used
// first out, within a byte budget. An entry is valid while the file's size
// and modification time are unchanged.
type fileCache struct {
	mu    sync.Mutex
	limit int64
	used  int64
	byKey map[string]*fileEntry
	lru   *list.List // front: most recent
}

func newFileCache(limit int64) *fileCache {
	return &fileCache{limit: limit, byKey: map[string]*fileEntry{}, lru: list.New()}
}

func (c *fileCache) get(name string, fi os.FileInfo) *fileEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.byKey[name]
	if e == nil {
		return nil
	}
	if e.size != fi.Size() || !e.modTime.Equal(fi.ModTime()) {
		c.remove(e)
		return nil
	}
	c.lru.MoveToFront(e.elem)
	return e
}

func (c *fileCache) put(e *fileEntry) {
	if e.cost() > c.limit/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.byKey[e.name]; old != nil {
		c.remove(old)
	}
	e.elem = c.lru.PushFront(e)
	c.byKey[e.name] = e
	c.used += e.cost()
	for c.used > c.limit {
		c.remove(c.lru.Back().Value.(*fileEntry))
	}
}

func (c *fileCache) remove(e *fileEntry) {
	c.lru.Remove(e.elem)
	delete(c.byKey, e.name)
	c.used -= e.cost()
}
