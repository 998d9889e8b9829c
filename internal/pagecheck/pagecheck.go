// Package pagecheck holds the browser-side checks that every page of the
// site passes, whoever made it (the renderer or proceedings serve): the
// browser tests of render and web evaluate Script in headless Chromium and
// ask the result what is wrong.
package pagecheck

import (
	"fmt"
	"slices"
	"strings"
)

// Chrome is what Script finds of a page's header, footer and headings.
type Chrome struct {
	Headers, Footers, H1s int
	Home                  string   // the header's link to the front page
	Nav                   []string // the header's navigation: "label href"
	Forms, Inputs         int      // search forms in the header, their q inputs
	Action, Method        string   // of the header's first form
}

// Script is a JavaScript expression whose value is a Chrome.
const Script = `(() => {
	const hs = document.querySelectorAll('header'), h = hs[0];
	const r = {Headers: hs.length, Footers: document.querySelectorAll('footer').length, H1s: document.querySelectorAll('h1').length, Nav: []};
	if (!h) return r;
	const home = h.querySelector('a.home'); r.Home = home ? home.href : '';
	r.Nav = Array.from(h.querySelectorAll('nav a')).map(a => a.textContent.trim() + ' ' + a.href);
	const forms = h.querySelectorAll('form'); r.Forms = forms.length;
	if (forms.length) { const f = forms[0]; r.Inputs = f.querySelectorAll('input[name=q]').length; r.Action = f.action; r.Method = f.method; }
	return r; })()`

// Problem says what is wrong with the chrome of a page of the site whose
// root is at base (an absolute URL ending in "/"), or "" when nothing is:
// one header, with the site's title linking the front page, the
// navigation (Channels, Series, About, Feed) and one search form, a GET
// to the search page with a q field; one footer; one <h1>.
func (c Chrome) Problem(base string) string {
	var p []string
	if c.Headers != 1 {
		p = append(p, fmt.Sprintf("%d headers, want 1", c.Headers))
	}
	if c.Footers != 1 {
		p = append(p, fmt.Sprintf("%d footers, want 1", c.Footers))
	}
	if c.H1s != 1 {
		p = append(p, fmt.Sprintf("%d <h1>, want 1", c.H1s))
	}
	if c.Home != base+"index.html" {
		p = append(p, fmt.Sprintf("the header's title links to %q, want %sindex.html", c.Home, base))
	}
	for _, want := range []string{"Channels " + base + "index.html", "Series " + base + "series/index.html", "About " + base + "about.html", "Feed " + base + "feed.atom"} {
		if !slices.Contains(c.Nav, want) {
			p = append(p, fmt.Sprintf("the navigation %q lacks %q", c.Nav, want))
		}
	}
	if c.Forms != 1 || c.Inputs != 1 || c.Action != base+"search" || c.Method != "get" {
		p = append(p, fmt.Sprintf("the header's search: %d forms, %d q inputs, %q %q (want one GET form to %ssearch)", c.Forms, c.Inputs, c.Method, c.Action, base))
	}
	return strings.Join(p, "; ")
}
