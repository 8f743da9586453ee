package runtime

import (
	"net/http"
	"net/url"
	"testing"
)

// TestMalformedParams checks that a value that does not decode, or a
// single-valued one given more than once, is an error naming the
// parameter (and the property), never silently absent or the first one.
func TestMalformedParams(t *testing.T) {
	type point struct{ X, Y string }
	decodePoint := func(p *Params, spec Param) {
		if props, ok := p.Object(spec, "x", "y"); ok {
			var pt point
			OptionalField(p, spec, props, "x", &pt.X, ParseString)
			OptionalField(p, spec, props, "y", &pt.Y, ParseString)
		}
	}
	scalar := func(spec Param) func(*Params) {
		return func(p *Params) {
			var s string
			Scalar(p, spec, &s, ParseString)
		}
	}
	array := func(spec Param) func(*Params) {
		return func(p *Params) {
			var items []string
			Array(p, spec, &items, ParseString)
		}
	}
	object := func(spec Param) func(*Params) { return func(p *Params) { decodePoint(p, spec) } }
	free := func(spec Param) func(*Params) {
		return func(p *Params) {
			var m map[string]string
			Map(p, spec, &m, ParseString)
		}
	}
	for _, tc := range []struct {
		query  string
		header http.Header
		decode func(*Params)
		want   string // "" for no error
	}{
		{"tag=%ZZ", nil, scalar(Query("tag")), `query parameter "tag": "%ZZ" is not percent-encoded correctly`},
		{"tag=%ZZ", nil, scalar(Query("tag").Required()), `query parameter "tag": "%ZZ" is not percent-encoded correctly`},
		{"tag=a&tag=%ZZ", nil, array(Query("tag")), `query parameter "tag": "%ZZ" is not percent-encoded correctly`},
		{"tag=a,%ZZ", nil, array(Query("tag").Styled(StyleForm, false)), `query parameter "tag": "a,%ZZ" is not percent-encoded correctly`},
		{"tag=a;b", nil, scalar(Query("tag")), `query parameter "tag": "a;b" is not percent-encoded correctly`},
		{"tag=a%3Bb", nil, scalar(Query("tag")), ""},
		{"other=%ZZ&tag=a", nil, scalar(Query("tag")), ""}, // another parameter's problem
		{"%ZZ=1&tag=a", nil, scalar(Query("tag")), ""},     // a name that is no parameter's
		{"limit=1&limit=2", nil, scalar(Query("limit")), `query parameter "limit": given 2 times, but takes one value`},
		{"limit=1&limit=1", nil, scalar(Query("limit")), `query parameter "limit": given 2 times, but takes one value`},
		{"tag=a&tag=b", nil, array(Query("tag")), ""}, // exploded: one item each
		{"tag=a,b&tag=c", nil, array(Query("tag").Styled(StyleForm, false)), `query parameter "tag": given 2 times, but takes one value`},
		{"tag=a|b&tag=c", nil, array(Query("tag").Styled(StylePipeDelimited, false)), `query parameter "tag": given 2 times, but takes one value`},
		{"pt=x,1&pt=y,2", nil, object(Query("pt").Styled(StyleForm, false)), `query parameter "pt": given 2 times, but takes one value`},
		{"x=1&x=2", nil, object(Query("pt")), `query parameter "pt" property "x": given 2 times, but takes one value`},
		{"x=%ZZ", nil, object(Query("pt")), `query parameter "pt" property "x": "%ZZ" is not percent-encoded correctly`},
		{"x=1&tag=a&tag=b", nil, object(Query("pt")), ""}, // another parameter repeats
		{"pt[x]=1&pt[x]=2", nil, object(Query("pt").Styled(StyleDeepObject, true)), `query parameter "pt" property "x": given 2 times, but takes one value`},
		{"pt[y]=%ZZ", nil, object(Query("pt").Styled(StyleDeepObject, true)), `query parameter "pt" property "y": "%ZZ" is not percent-encoded correctly`},
		{"a=1&a=2", nil, free(Query("m")), `query parameter "m" property "a": given 2 times, but takes one value`},
		// A property named with brackets is not an item: "[a" without its
		// "]" made the message loop forever.
		{"%5Ba=1&%5Ba=2", nil, free(Query("m")), `query parameter "m" property "[a": given 2 times, but takes one value`},
		{"%5Bx%5D=1&%5Bx%5D=2", nil, free(Query("m")), `query parameter "m" property "[x]": given 2 times, but takes one value`},
		// Header lines repeated are one list (RFC 9110): a scalar sees
		// both values, and rejects them when they do not parse as one.
		{"", http.Header{"X-Limit": {"1", "2"}}, func(p *Params) {
			var n int32
			Scalar(p, Header("X-Limit"), &n, ParseInt)
		}, `header parameter "X-Limit": "1,2" is not an integer of 32 bits`},
		{"", http.Header{"Cookie": {"c=%ZZ"}}, scalar(Cookie("c")), `cookie parameter "c": "%ZZ" is not percent-encoded correctly`},
	} {
		p := NewParams(request(tc.query, nil, tc.header))
		tc.decode(p)
		got := ""
		if err := p.Err(); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("?%s %v: error %q, want %q", tc.query, tc.header, got, tc.want)
		}
	}
}

// FuzzQuery checks that any query decodes without panicking, and that a
// scalar either fails or is the one value url.ParseQuery sees for it.
func FuzzQuery(f *testing.F) {
	for _, q := range []string{"tag=a", "tag=%ZZ", "tag=1&tag=2", "tag=a;b", "=&&tag", "tag[x]=1&tag[x]=%", "%zz=1&tag=+"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := request("", nil, nil)
		r.URL.RawQuery = query
		p := NewParams(r)
		var s string
		Scalar(p, Query("tag"), &s, ParseString)
		var m map[string]string
		Map(p, Query("tag").Styled(StyleDeepObject, true), &m, ParseString)
		Map(p, Query("m"), &m, ParseString)
		var items []string
		Array(p, Query("tag"), &items, ParseString)
		if err := p.Err(); err != nil {
			_ = err.Error() // ends, naming the query's names whatever they are
		}
		p = NewParams(r)
		Scalar(p, Query("tag"), &s, ParseString)
		if p.Err() != nil {
			return
		}
		if vs, err := url.ParseQuery(query); err == nil && len(vs["tag"]) > 0 && vs["tag"][0] != s {
			t.Errorf("?%s: tag %q, url.ParseQuery %q", query, s, vs["tag"])
		}
	})
}
