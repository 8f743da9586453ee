package params_test

import (
	"net/http"
	"testing"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
)

// TestMalformedQuery sends query values that do not decode and
// single-valued parameters given twice: each is answered 400 naming the
// parameter, where url.Values would drop the first kind and take the first
// value of the second.
func TestMalformedQuery(t *testing.T) {
	impl, base := start(t)
	for query, detail := range map[string]string{
		"q=%ZZ":                         `query parameter "q": "%ZZ" is not percent-encoded correctly`,
		"q=1&limit=%ZZ":                 `query parameter "limit": "%ZZ" is not percent-encoded correctly`,
		"q=1&ids=1&ids=%2":              `query parameter "ids": "%2" is not percent-encoded correctly`,
		"q=1&limit=1&limit=2":           `query parameter "limit": given 2 times, but takes one value`,
		"q=1&q=2":                       `query parameter "q": given 2 times, but takes one value`,
		"q=1&csv=a,b&csv=c":             `query parameter "csv": given 2 times, but takes one value`,
		"q=1&flat=x,1&flat=x,2":         `query parameter "flat": given 2 times, but takes one value`,
		"q=1&x=1&x=2":                   `query parameter "point" property "x": given 2 times, but takes one value`,
		"q=1&filter[color]=%ZZ":         `query parameter "filter" property "color": "%ZZ" is not percent-encoded correctly`,
		"q=1&meta[a]=1&meta[a]=2":       `query parameter "meta" property "a": given 2 times, but takes one value`,
		"q=1&filter[color]=red;limit=2": `query parameter "filter" property "color": "red;limit=2" is not percent-encoded correctly`,
	} {
		got := goldentest.Problem(t, goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/query?" + query}), http.StatusBadRequest)
		if got != detail {
			t.Errorf("%s:\ndetail %q\nwant   %q", query, got, detail)
		}
	}
	if impl.query != nil {
		t.Error("handler called with invalid parameters")
	}

	// Repeating an exploded array is its form, and a value that does not
	// decode in a parameter the operation does not take is not its problem.
	resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/query?q=1&ids=1&ids=2&unknown=%ZZ"})
	if resp.StatusCode != http.StatusNoContent || len(impl.query.IDs) != 2 {
		t.Errorf("status %d, ids %v", resp.StatusCode, impl.query.IDs)
	}
}
