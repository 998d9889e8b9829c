package render

import (
	"bytes"
	"fmt"
	"html/template"
)

// chrome is the part of a page's layout that is the same on every page at
// one depth and with one search box: the icon and stylesheet links, the
// feed link, and the site header. Executing it takes most of the layout's
// time, so the renderer runs it once per kind of page and keeps the
// result, which html/template produced and escaped like the rest.
type chrome struct {
	Icons, Feed, Header template.HTML
}

// chromeKey says what a chrome depends on besides the render's options.
type chromeKey struct {
	root             string
	search           bool
	channel, network string
}

// chrome returns the chrome of p, from the cache when it was made before.
func (r *renderer) chrome(p *page) (*chrome, error) {
	key := chromeKey{root: p.Root}
	if p.Search != nil {
		key.search, key.channel, key.network = true, p.Search.Channel, p.Search.Network
	}
	r.chromeMu.Lock()
	c := r.chromes[key]
	r.chromeMu.Unlock()
	if c != nil {
		return c, nil
	}
	c = &chrome{}
	var buf bytes.Buffer
	for _, part := range []struct {
		name string
		dst  *template.HTML
	}{{"icons", &c.Icons}, {"feedlink", &c.Feed}, {"siteheader", &c.Header}} {
		buf.Reset()
		if err := r.tmpl.ExecuteTemplate(&buf, part.name, p); err != nil {
			return nil, fmt.Errorf("render the page layout: %w", err)
		}
		*part.dst = template.HTML(buf.String()) // html/template's own output
	}
	r.chromeMu.Lock()
	if r.chromes == nil {
		r.chromes = map[chromeKey]*chrome{}
	}
	r.chromes[key] = c
	r.chromeMu.Unlock()
	return c, nil
}
