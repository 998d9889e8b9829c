package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
)

// chrome is the part of a page's layout that is the same on every page at
// one depth and with one search box: the icon and stylesheet links, the
// feed link, the site header (title, navigation, search box) and the
// footer. Every page of the site, and the pages proceedings serve makes
// itself (PageChrome), wear the same one, from the templates of
// layout.html. Executing it takes most of the layout's time, so the
// renderer runs it once per kind of page and keeps the result, which
// html/template produced and escaped like the rest.
type chrome struct {
	Icons, Feed, Header, Footer template.HTML
}

// chromeKey says what a chrome depends on besides the render's options.
type chromeKey struct {
	root             string
	channel, network string
}

// chrome returns the chrome of p, from the cache when it was made before.
func (r *renderer) chrome(p *page) (*chrome, error) {
	if p.Search == nil {
		p.withSearch("", "")
	}
	key := chromeKey{root: p.Root, channel: p.Search.Channel, network: p.Search.Network}
	r.chromeMu.Lock()
	c := r.chromes[key]
	r.chromeMu.Unlock()
	if c != nil {
		return c, nil
	}
	c, err := makeChrome(r.tmpl, p)
	if err != nil {
		return nil, err
	}
	r.chromeMu.Lock()
	if r.chromes == nil {
		r.chromes = map[chromeKey]*chrome{}
	}
	r.chromes[key] = c
	r.chromeMu.Unlock()
	return c, nil
}

// makeChrome executes the shared parts of the layout for p.
func makeChrome(tmpl *template.Template, p *page) (*chrome, error) {
	c := &chrome{}
	var buf bytes.Buffer
	for _, part := range []struct {
		name string
		dst  *template.HTML
	}{{"icons", &c.Icons}, {"feedlink", &c.Feed}, {"siteheader", &c.Header}, {"sitefooter", &c.Footer}} {
		buf.Reset()
		if err := tmpl.ExecuteTemplate(&buf, part.name, p); err != nil {
			return nil, fmt.Errorf("render the page layout: %w", err)
		}
		*part.dst = template.HTML(buf.String()) // html/template's own output
	}
	return c, nil
}

// Chrome is the shared header and footer of the site, for a page that
// proceedings serve makes itself (the search page, its errors, a 404): the
// same markup, from the same templates, as every rendered page.
type Chrome struct {
	// Head goes into <head>: the icon, the stylesheet and the feed link.
	Head template.HTML
	// Header opens <body>: the skip link and the site header with the
	// site's title, the navigation and a search box.
	Header template.HTML
	// Footer closes <body>, after </main>.
	Footer template.HTML
}

// SiteInfo is what the chrome shows of the site: its title, the timezone
// its times are in and the extra pages of the navigation. Render writes it
// into the output directory (SiteInfoFile), so that the
// pages proceedings serve makes wear the header of the rendered site.
type SiteInfo struct {
	Title string
	Zone  string
	Pages []string // names of Options.Pages ("commands" for commands.html), in navigation order
}

// SiteInfoFile is where Render leaves the SiteInfo, in Out, as JSON
// (ParseSiteInfo reads it).
const SiteInfoFile = ".proceedings-site.json"

// ParseSiteInfo decodes the contents of SiteInfoFile. Names of pages that
// could not have been rendered are dropped.
func ParseSiteInfo(data []byte) (SiteInfo, error) {
	var si SiteInfo
	if err := json.Unmarshal(data, &si); err != nil {
		return SiteInfo{}, fmt.Errorf("read the site's %s: %w (render the site again)", SiteInfoFile, err)
	}
	var pages []string
	for _, name := range si.Pages {
		if validPageName(name) {
			pages = append(pages, name)
		}
	}
	si.Pages = pages
	return si, nil
}

// PageChrome makes the chrome of a page whose links to the site go through
// root ("./" from a page at the top of the site, "/" from anywhere on a
// site served at the host's root). Its search box searches every channel.
func PageChrome(si SiteInfo, root string) (Chrome, error) {
	if si.Title == "" {
		si.Title = "IRC Proceedings"
	}
	p := &page{Site: si.Title, Zone: si.Zone, Root: root}
	for _, name := range si.Pages {
		if validPageName(name) {
			p.Nav = append(p.Nav, navLink{name + ".html", pageLabel(name)})
		}
	}
	p.withSearch("", "")
	c, err := makeChrome(templates, p)
	if err != nil {
		return Chrome{}, err
	}
	return Chrome{Head: c.Icons + "\n" + c.Feed, Header: c.Header, Footer: c.Footer}, nil
}

// writeSiteInfo leaves the SiteInfo of this render in Out.
func (r *renderer) writeSiteInfo() error {
	data, err := json.Marshal(SiteInfo{Title: r.opt.Title, Zone: r.loc.String(), Pages: r.opt.pageNames()})
	if err != nil {
		return err
	}
	return r.writeFile(SiteInfoFile, false, data)
}
