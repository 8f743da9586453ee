package params_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/params"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// server keeps the last request of each operation.
type server struct {
	mu     sync.Mutex
	path   *params.PathParamsRequest
	query  *params.QueryParamsRequest
	header *params.HeaderParamsRequest
}

func (s *server) PathParams(_ context.Context, req *params.PathParamsRequest) (params.PathParamsResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.path = req
	return params.PathParams204Response{}, nil
}

func (s *server) QueryParams(_ context.Context, req *params.QueryParamsRequest) (params.QueryParamsResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.query = req
	return params.QueryParams204Response{}, nil
}

func (s *server) HeaderParams(_ context.Context, req *params.HeaderParamsRequest) (params.HeaderParamsResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.header = req
	switch want := req.Want; {
	case want == nil:
		next := "n2"
		return params.HeaderParams200Response{XTotal: 42, XTags: []string{"a", "b"}, XNext: &next, Body: params.Point{X: 1}}, nil
	case *want == 404:
		return params.HeaderParams404Response{XReason: "gone"}, nil
	default:
		return params.HeaderParamsDefaultResponse{StatusCode: int(*want), Body: params.Problem{Title: "teapot"}}, nil
	}
}

func (s *server) QueryRaw(_ context.Context, req *params.QueryRawRequest) (params.QueryRawResponse, error) {
	return params.QueryRaw200Response{Body: "raw " + req.Q}, nil
}

func start(t *testing.T) (*server, string) {
	impl := &server{}
	ts := httptest.NewServer(params.NewHandler(impl))
	t.Cleanup(ts.Close)
	return impl, ts.URL
}

func ptr[T any](v T) *T { return &v }

func TestPathStyles(t *testing.T) {
	impl, base := start(t)
	resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/path/12/.a.b/;x=1;y=2/;mat=3,4/x,5,y,6/.red"})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d", resp.StatusCode)
	}
	want := params.PathParamsRequest{
		ItemID: 12, Tags: []string{"a", "b"}, Point: params.Point{X: 1, Y: ptr[int32](2)},
		Mat: []int32{3, 4}, Obj: params.Point{X: 5, Y: ptr[int32](6)}, Lab: params.ColorRed,
	}
	if !reflect.DeepEqual(*impl.path, want) {
		t.Errorf("decoded %+v\nwant %+v", *impl.path, want)
	}

	impl.path = nil
	for path, detail := range map[string]string{
		"/path/x/.a/;x=1/;mat=1/x,1/.red":    `path parameter "item-id": "x" is not an integer of 64 bits`,
		"/path/1/a/;x=1/;mat=1/x,1/.red":     `path parameter "tags": "a" does not start with "." (style label)`,
		"/path/1/.a/;y=1/;mat=1/x,1/.red":    `path parameter "point" property "x" is required`,
		"/path/1/.a/;x=1/;other=1/x,1/.red":  `path parameter "mat": ";other=1" does not start with ";mat=" (style matrix)`,
		"/path/1/.a/;x=1/;mat=1/x,1,y/.red":  `path parameter "obj": "x,1,y" is not a list of name,value pairs`,
		"/path/1/.a/;x=1/;mat=1/x,1/.purple": `path parameter "lab": "purple" is not a valid Color (want red, green or blue)`,
		"/path/x/a/;x=1/;mat=1/x,1/.red":     `path parameter "item-id": "x" is not an integer of 64 bits` + "\n" + `path parameter "tags": "a" does not start with "." (style label)`,
	} {
		got := goldentest.Problem(t, goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + path}), http.StatusBadRequest)
		if got != detail {
			t.Errorf("%s:\ndetail %q\nwant   %q", path, got, detail)
		}
	}
	if impl.path != nil {
		t.Error("handler called with invalid parameters")
	}
}

func TestQueryStyles(t *testing.T) {
	impl, base := start(t)
	q := "q=hello+world&limit=5&ratio=0.5&since=2026-11-23T20:00:00Z&color=green&ids=1&ids=2&csv=a,b&spaced=a%20b&piped=red|blue" +
		"&filter[color]=blue&filter[min]=1.5&x=3&meta[a]=1&meta[b]=2&flat=x,7,y,8"
	resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/query?" + q})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d", resp.StatusCode)
	}
	since := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	want := params.QueryParamsRequest{
		Q: "hello world", Limit: ptr[int32](5), Ratio: ptr(0.5), Since: &since, Color: ptr(params.ColorGreen),
		IDs: []int64{1, 2}, CSV: []string{"a", "b"}, Spaced: []string{"a", "b"}, Piped: []params.Color{params.ColorRed, params.ColorBlue},
		Filter: &params.Filter{Color: params.ColorBlue, Min: ptr(1.5)}, Point: &params.Point{X: 3},
		Meta: map[string]string{"a": "1", "b": "2"}, Flat: &params.Point{X: 7, Y: ptr[int32](8)},
	}
	if !reflect.DeepEqual(*impl.query, want) {
		t.Errorf("decoded %+v\nwant    %+v", *impl.query, want)
	}

	// Absent optional parameters stay nil.
	goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/query?q="})
	if got := *impl.query; !reflect.DeepEqual(got, params.QueryParamsRequest{}) {
		t.Errorf("decoded %+v, want the zero request", got)
	}

	impl.query = nil
	for query, detail := range map[string]string{
		"":                    `query parameter "q" is required`,
		"q=1&limit=1.5":       `query parameter "limit": "1.5" is not an integer of 32 bits`,
		"q=1&ratio=x":         `query parameter "ratio": "x" is not a number`,
		"q=1&since=yesterday": `query parameter "since": "yesterday" is not an RFC 3339 date-time or date`,
		"q=1&color=pink":      `query parameter "color": "pink" is not a valid Color (want red, green or blue)`,
		"q=1&ids=1&ids=x":     `query parameter "ids": "x" is not an integer of 64 bits`,
		"q=1&piped=red|pink":  `query parameter "piped": "pink" is not a valid Color (want red, green or blue)`,
		"q=1&filter[min]=2":   `query parameter "filter" property "color" is required`,
		"q=1&filter[color]=x": `query parameter "filter" property "color": "x" is not a valid Color (want red, green or blue)`,
		"q=1&y=2":             `query parameter "point" property "x" is required`,
		"q=1&flat=x":          `query parameter "flat": "x" is not a list of name,value pairs`,
		"limit=x":             `query parameter "q" is required` + "\n" + `query parameter "limit": "x" is not an integer of 32 bits`,
	} {
		got := goldentest.Problem(t, goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/query?" + query}), http.StatusBadRequest)
		if got != detail {
			t.Errorf("%s:\ndetail %q\nwant   %q", query, got, detail)
		}
	}
	if impl.query != nil {
		t.Error("handler called with invalid parameters")
	}
}

func TestHeadersCookiesAndResponses(t *testing.T) {
	impl, base := start(t)
	req := goldentest.Request{Method: "GET", URL: base + "/headers", Header: http.Header{
		"X-Request-Id": {"5a1c6e2e-0000-4000-8000-000000000000"},
		"X-Sizes":      {"1, 2", "3"},
		"X-Point":      {"x=4,y=5"},
		"X-Flag":       {"true"},
		"Cookie":       {"session=s1; prefs=dark,compact%20mode"},
	}}
	resp := goldentest.Do(t, req)
	var body params.Point
	goldentest.JSON(t, resp, http.StatusOK, &body)
	want := params.HeaderParamsRequest{
		XRequestID: "5a1c6e2e-0000-4000-8000-000000000000", XSizes: []int32{1, 2, 3}, XPoint: &params.Point{X: 4, Y: ptr[int32](5)},
		XFlag: ptr(true), Session: "s1", Prefs: []string{"dark", "compact mode"},
	}
	if !reflect.DeepEqual(*impl.header, want) {
		t.Errorf("decoded %+v\nwant    %+v", *impl.header, want)
	}
	if h := resp.Header; h.Get("X-Total") != "42" || h.Get("X-Tags") != "a,b" || h.Get("X-Next") != "n2" || body.X != 1 {
		t.Errorf("200 headers %v body %+v", h, body)
	}

	req.URL = base + "/headers?want=404"
	resp = goldentest.Do(t, req)
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("X-Reason") != "gone" || resp.Header.Get("Content-Type") != "" {
		t.Errorf("404: %d %v", resp.StatusCode, resp.Header)
	}
	req.URL = base + "/headers?want=418"
	var problem params.Problem
	goldentest.JSON(t, goldentest.Do(t, req), http.StatusTeapot, &problem)
	if problem.Title != "teapot" {
		t.Errorf("default response %+v", problem)
	}

	for name, tc := range map[string]struct {
		header http.Header
		detail string
	}{
		"missing": {http.Header{}, `header parameter "X-Request-ID" is required` + "\n" + `cookie parameter "session" is required`},
		"invalid": {http.Header{"X-Request-Id": {"r"}, "Cookie": {"session=s"}, "X-Sizes": {"1,x"}, "X-Flag": {"yes"}, "X-Point": {"x"}},
			`header parameter "X-Request-ID": must be a UUID` + "\n" +
				`header parameter "X-Sizes": "x" is not an integer of 32 bits` + "\n" +
				`header parameter "X-Point": "x" is not a name=value pair` + "\n" +
				`header parameter "X-Flag": "yes" is not true or false`},
	} {
		got := goldentest.Problem(t, goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/headers", Header: tc.header}), http.StatusBadRequest)
		if got != tc.detail {
			t.Errorf("%s:\ndetail %q\nwant   %q", name, got, tc.detail)
		}
	}
}

func TestRouteByQuery(t *testing.T) {
	impl, base := start(t)
	resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/query?mode=raw&q=x"})
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(b) != "raw x" {
		t.Errorf("?mode=raw: %d %q", resp.StatusCode, b)
	}
	if impl.query != nil {
		t.Error("?mode=raw reached QueryParams")
	}
	if resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/query?mode=other&q=x"}); resp.StatusCode != http.StatusNoContent || impl.query == nil {
		t.Errorf("?mode=other: %d, want QueryParams's 204", resp.StatusCode)
	}
}
