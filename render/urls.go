package render

import (
	"net/url"
	"strings"
)

// linkHost is the host a link is counted under in the stats: lower case,
// without "www." and the port. host is a URL's Host (links.Host).
func linkHost(host string) string {
	return strings.TrimPrefix(strings.ToLower((&url.URL{Host: host}).Hostname()), "www.")
}
