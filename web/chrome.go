package web

import (
	"io"
	"sync"
	"time"

	"proceedings/render"
)

// chromeCache keeps the site's header and footer for the pages the server
// makes (chrome), made from the site info the renderer left in the site
// directory (render.SiteInfoFile), while that file is unchanged.
type chromeCache struct {
	mu      sync.Mutex
	size    int64
	modTime time.Time
	found   bool
	info    render.SiteInfo
	byRoot  map[string]render.Chrome
}

// maxSiteInfo bounds the site info file read.
const maxSiteInfo = 64 << 10

// siteInfo is what the rendered site says of itself (its title, zone and
// navigation pages), or, before anything was rendered, the server's
// options.
func (s *Server) siteInfo() render.SiteInfo {
	info, _ := s.siteState()
	return info
}

// siteState is siteInfo and the chromes made of it so far, by root.
func (s *Server) siteState() (render.SiteInfo, map[string]render.Chrome) {
	c := &s.chromes
	fallback := render.SiteInfo{Title: s.title, Zone: s.loc.String()}
	root := s.site.open()
	var fi interface {
		Size() int64
		ModTime() time.Time
	}
	if root != nil {
		if st, err := root.Stat(render.SiteInfoFile); err == nil && st.Mode().IsRegular() {
			fi = st
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case fi == nil:
		if c.found || c.byRoot == nil {
			c.found, c.info, c.byRoot = false, fallback, map[string]render.Chrome{}
		}
	case !c.found || fi.Size() != c.size || !fi.ModTime().Equal(c.modTime):
		info, err := s.readSiteInfo()
		if err != nil {
			s.log.Warn("read the site info; the search page shows the server's title", "file", render.SiteInfoFile, "err", err)
			info = fallback
		}
		if info.Title == "" {
			info.Title = s.title
		}
		if info.Zone == "" {
			info.Zone = fallback.Zone
		}
		c.found, c.size, c.modTime, c.info, c.byRoot = true, fi.Size(), fi.ModTime(), info, map[string]render.Chrome{}
	}
	return c.info, c.byRoot
}

func (s *Server) readSiteInfo() (render.SiteInfo, error) {
	root := s.site.open()
	if root == nil {
		return render.SiteInfo{}, io.ErrUnexpectedEOF
	}
	f, err := root.Open(render.SiteInfoFile)
	if err != nil {
		return render.SiteInfo{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSiteInfo))
	if err != nil {
		return render.SiteInfo{}, err
	}
	return render.ParseSiteInfo(data)
}

// chrome is the site's header and footer for a page of ours whose links
// to the site go through root.
func (s *Server) chrome(root string) (render.Chrome, error) {
	info, made := s.siteState()
	c := &s.chromes
	c.mu.Lock()
	ch, ok := made[root]
	c.mu.Unlock()
	if ok {
		return ch, nil
	}
	ch, err := render.PageChrome(info, root)
	if err != nil {
		return render.Chrome{}, err
	}
	c.mu.Lock()
	made[root] = ch // a map replaced since by newer site info takes no harm
	c.mu.Unlock()
	return ch, nil
}
