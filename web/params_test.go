package web

import (
	"testing"

	"proceedings/archive"
)

// TestHasNext: a next page is offered while matches are left, within
// MaxPage, and by relevance only within the newest RelevanceWindow
// matches, which are all that are ranked (page 21 of 100 would be empty).
func TestHasNext(t *testing.T) {
	many := archive.SearchResult{Total: 1000, TotalMore: true}
	for _, c := range []struct {
		order       archive.Order
		page, limit int
		res         archive.SearchResult
		hits        int
		want        bool
	}{
		{archive.Relevance, 19, 100, many, 100, true},
		{archive.Relevance, 20, 100, many, 100, false},
		{archive.Relevance, 20, 99, many, 99, true},
		{archive.Relevance, 21, 99, many, 20, false},
		{archive.Newest, 20, 100, many, 100, true},
		{archive.Newest, MaxPage, 20, many, 20, false},
		{archive.Newest, 2, 20, archive.SearchResult{Total: 40}, 20, false},
		{archive.Newest, 2, 20, archive.SearchResult{Total: 41}, 20, true},
		{archive.Newest, 1, 20, archive.SearchResult{Total: 30}, 19, false},
	} {
		f := searchForm{Page: c.page, Limit: c.limit, order: c.order}
		c.res.Hits = make([]archive.Hit, c.hits)
		if got := f.hasNext(c.res); got != c.want {
			t.Errorf("order %v, page %d of %d, %+v, %d hits: next %v, want %v", c.order, c.page, c.limit, c.res, c.hits, got, c.want)
		}
	}
}
