package params_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/params"
	"github.com/ssegen/ssegen/runtime"
)

// newClient starts the generated server on impl and returns a generated
// client of it; the test fails if a goroutine outlives it.
func newClient(t *testing.T, impl params.Handler) *params.Client {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	ts := httptest.NewServer(params.NewHandler(impl))
	t.Cleanup(ts.Close)
	return params.NewClient(ts.URL, runtime.WithHTTPClient(ts.Client()))
}

// The client must send every parameter so that the server decodes exactly
// the request it was given, awkward characters included.
func TestClientPathParams(t *testing.T) {
	impl := &server{}
	c := newClient(t, impl)
	want := params.PathParamsRequest{
		ItemID: -12, Tags: []string{"a b", "c/d", "é?#%"}, Point: params.Point{X: 1, Y: ptr[int32](2)},
		Mat: []int32{3, 4}, Obj: params.Point{X: 5}, Lab: params.ColorGreen,
	}
	if err := c.PathParams(context.Background(), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*impl.path, want) {
		t.Errorf("decoded %+v\nwant    %+v", *impl.path, want)
	}
}

func TestClientQueryParams(t *testing.T) {
	impl := &server{}
	c := newClient(t, impl)
	since := time.Date(2026, 11, 23, 20, 0, 0, 123, time.UTC)
	for _, want := range []params.QueryParamsRequest{
		{
			Q: "hello world & more=1?#", Limit: ptr[int32](5), Ratio: ptr(0.5), Since: &since, Color: ptr(params.ColorGreen),
			IDs: []int64{1, 2}, CSV: []string{"a", "b+c"}, Spaced: []string{"a", "b"}, Piped: []params.Color{params.ColorRed, params.ColorBlue},
			Filter: &params.Filter{Color: params.ColorBlue, Min: ptr(1.5), Name: ptr("x y")}, Point: &params.Point{X: 3, Y: ptr[int32](-4)},
			Meta: map[string]string{"a": "1", "b c": "2&3"}, Flat: &params.Point{X: 7, Y: ptr[int32](8)},
		},
		{Q: ""}, // absent optional parameters stay absent
	} {
		if err := c.QueryParams(context.Background(), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*impl.query, want) {
			t.Errorf("decoded %+v\nwant    %+v", *impl.query, want)
		}
	}

	// A path with a fixed query is a different operation.
	got, err := c.QueryRaw(context.Background(), &params.QueryRawRequest{Q: "a&b"})
	if err != nil || got.Body != "raw a&b" {
		t.Errorf("QueryRaw: %+v, %v", got, err)
	}
}

func TestClientHeaderParams(t *testing.T) {
	impl := &server{}
	c := newClient(t, impl)
	want := params.HeaderParamsRequest{
		XRequestID: "5a1c6e2e-0000-4000-8000-000000000000", XSizes: []int32{1, 2, 3}, XPoint: &params.Point{X: 4, Y: ptr[int32](5)},
		XFlag: ptr(false), Session: `s 1; "é"`, Prefs: []string{"dark", "compact mode", "a,b"},
	}
	got, err := c.HeaderParams(context.Background(), &want)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*impl.header, want) {
		t.Errorf("decoded %+v\nwant    %+v", *impl.header, want)
	}
	// The declared response headers and body are decoded.
	wantResp := params.HeaderParams200Response{XTotal: 42, XTags: []string{"a", "b"}, XNext: ptr("n2"), Body: params.Point{X: 1}}
	if !reflect.DeepEqual(got, wantResp) {
		t.Errorf("response %+v\nwant     %+v", got, wantResp)
	}

	// Declared error responses come back as errors of their types.
	want.Want = ptr[int32](404)
	_, err = c.HeaderParams(context.Background(), &want)
	var notFound params.HeaderParams404Response
	if !errors.As(err, &notFound) || notFound.XReason != "gone" || err.Error() != "HeaderParams: 404 Not Found" {
		t.Errorf("404: got %#v (%v)", err, err)
	}
	want.Want = ptr[int32](418)
	_, err = c.HeaderParams(context.Background(), &want)
	var other params.HeaderParamsDefaultResponse
	if !errors.As(err, &other) || other.StatusCode != 418 || other.Body.Title != "teapot" || err.Error() != "HeaderParams: 418 I'm a teapot" {
		t.Errorf("default: got %#v (%v)", err, err)
	}
}
