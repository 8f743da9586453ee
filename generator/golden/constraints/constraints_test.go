package constraints_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/constraints"
	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/runtime"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echo answers every operation with what it received, counting the calls.
type echo struct{ calls atomic.Int32 }

func (e *echo) Search(_ context.Context, req *constraints.SearchRequest) (constraints.SearchResponse, error) {
	e.calls.Add(1)
	out := constraints.Echo{Tag: req.Tag, Since: req.Since, Trace: req.XTrace, Step: req.Step, Offset: req.Offset}
	code := string(req.Code)
	out.Code = &code
	if req.Limit != nil {
		limit := int64(*req.Limit)
		out.Limit = &limit
	}
	out.IDs = req.IDs
	if req.Filter != nil {
		out.FilterName = req.Filter.Name
	}
	return constraints.Search200Response{Body: out}, nil
}

func (e *echo) CreateOrder(_ context.Context, req *constraints.CreateOrderRequest) (constraints.CreateOrderResponse, error) {
	e.calls.Add(1)
	return constraints.CreateOrder200Response{Body: req.Body}, nil
}

func (e *echo) CreateOrders(_ context.Context, req *constraints.CreateOrdersRequest) (constraints.CreateOrdersResponse, error) {
	e.calls.Add(1)
	return constraints.CreateOrders200Response{Body: req.Body}, nil
}

func (e *echo) PutScores(_ context.Context, req *constraints.PutScoresRequest) (constraints.PutScoresResponse, error) {
	e.calls.Add(1)
	return constraints.PutScores200Response{Body: req.Body}, nil
}

// codecs are the JSON codecs every test runs with.
var codecs = map[string][]runtime.Option{
	"default": nil,
	"number":  {runtime.WithCodec(goldentest.NumberCodec)},
}

// forEachCodec runs test against a server of each codec.
func forEachCodec(t *testing.T, test func(t *testing.T, url string, impl *echo)) {
	for name, opts := range codecs {
		t.Run(name, func(t *testing.T) {
			impl := &echo{}
			ts := httptest.NewServer(constraints.NewHandler(impl, opts...))
			t.Cleanup(ts.Close)
			test(t, ts.URL, impl)
		})
	}
}

const uuid = "5a1c6e2e-0000-4000-8000-00000000000a"

// TestParameters sends every constraint of a parameter violated, each
// answered 400 with the parameter and the rule without calling the
// handler, then all of them satisfied at their bounds.
func TestParameters(t *testing.T) {
	forEachCodec(t, func(t *testing.T, base string, impl *echo) {
		for _, tc := range []struct {
			query  string
			header string
			want   string
		}{
			{"limit=0", "", `query parameter "limit": must be at least 1`},
			{"limit=101", "", `query parameter "limit": must be at most 100`},
			{"offset=-1", "", `query parameter "offset": must be greater than -1`},
			{"offset=1000", "", `query parameter "offset": must be less than 1000`},
			{"step=0.3", "", `query parameter "step": must be a multiple of 0.5`},
			{"tag=a", "", `query parameter "tag" item [0]: must be at least 2 characters`},
			{"tag=ab&tag=abcde", "", `query parameter "tag" item [1]: must be at most 4 characters`},
			{"tag=ab&tag=cd&tag=ab", "", `query parameter "tag": must not repeat items: items 0 and 2 are equal`},
			{"tag=ab&tag=cd&tag=ef&tag=gh", "", `query parameter "tag": must have at most 3 items`},
			{"ids=", "", `query parameter "ids": must have at least 1 item`},
			{"ids=1,100", "", `query parameter "ids" item [1]: must be at most 99`},
			{"since=2026-02-29", "", `query parameter "since": must be a date (RFC 3339 full-date)`},
			{"filter[name]=abcde", "", `query parameter "filter" property "name": must be at most 4 characters`},
			{"filter[size]=-1", "", `query parameter "filter" property "size": must be at least 0`},
			{"", "not-a-uuid", `header parameter "X-Trace": must be a UUID`},
			{"limit=0&offset=1000", "", `query parameter "limit": must be at least 1` + "\n" + `query parameter "offset": must be less than 1000`},
		} {
			req := goldentest.Request{Method: "GET", URL: base + "/search/ABC?" + tc.query}
			if tc.header != "" {
				req.Header = http.Header{"X-Trace": {tc.header}}
			}
			if detail := goldentest.Problem(t, goldentest.Do(t, req), http.StatusBadRequest); detail != tc.want {
				t.Errorf("%s %s:\ndetail %q\nwant   %q", tc.query, tc.header, detail, tc.want)
			}
		}
		// The path parameter's type is a model with a pattern, written with
		// an ECMA-262 \u escape.
		resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/search/ABCD"})
		if detail, want := goldentest.Problem(t, resp, http.StatusBadRequest), `path parameter "code": must match the pattern "^\\x{0041}[A-Z]{2}$"`; detail != want {
			t.Errorf("code ABCD:\ndetail %q\nwant   %q", detail, want)
		}
		if n := impl.calls.Load(); n != 0 {
			t.Fatalf("the handler was called %d times", n)
		}

		// Every bound reached, none crossed; lengths count characters.
		q := "limit=100&offset=999&step=-1.5&tag=ab&tag=h%C3%A9%C3%A9%C3%A9&ids=1,99&since=2024-02-29&filter[name]=%C3%A9t%C3%A9s&filter[size]=0"
		resp = goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/search/ABC?" + q, Header: http.Header{"X-Trace": {uuid}}})
		var got constraints.Echo
		goldentest.JSON(t, resp, http.StatusOK, &got)
		want := `{"code":"ABC","limit":100,"offset":999,"step":-1.5,"tag":["ab","hééé"],"ids":[1,99],"since":"2024-02-29","filterName":"étés","trace":"` + uuid + `"}`
		if b, _ := json.Marshal(got); string(b) != want {
			t.Errorf("echo\n%s\nwant\n%s", b, want)
		}
		q = "offset=0"
		resp = goldentest.Do(t, goldentest.Request{Method: "GET", URL: base + "/search/ABC?" + q})
		goldentest.JSON(t, resp, http.StatusOK, &got)
	})
}

// order returns a valid order with the properties of patch replaced, or
// removed when null, as JSON.
func order(t *testing.T, patch string) string {
	t.Helper()
	base := map[string]any{
		"name": "héllo", "code": "ABC", "quantity": 100, "price": 999.99, "discount": 0.75,
		"email": "ann@example.com", "site": "https://example.com/x?y#z", "ref": uuid, "day": "2024-02-29",
		"lines": []any{map[string]any{"sku": "a", "qty": 1, "grid": [][]int{{0, 9}, {}}, "note": "x"}},
		"tags":  []string{"a", "abc"}, "attrs": map[string]string{"k": "véry", "l": ""},
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(patch), &p); err != nil {
		t.Fatal(err)
	}
	for k, v := range p {
		if v == nil {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	b, err := json.Marshal(base)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBody sends orders that violate each constraint, at every depth, and
// values of the wrong type: each is answered 400 with the property's path
// and the rule, without calling the handler. A valid order at every bound
// is echoed.
func TestBody(t *testing.T) {
	forEachCodec(t, func(t *testing.T, base string, impl *echo) {
		for _, tc := range []struct{ patch, want string }{
			{`{"name":""}`, `property "name": must be at least 1 character`},
			{`{"name":"héllo!"}`, `property "name": must be at most 5 characters`},
			{`{"code":"abc"}`, `property "code": must match the pattern "^\\x{0041}[A-Z]{2}$"`},
			{`{"quantity":0}`, `property "quantity": must be at least 1`},
			{`{"quantity":101}`, `property "quantity": must be at most 100`},
			{`{"price":0}`, `property "price": must be greater than 0`},
			{`{"price":1000}`, `property "price": must be less than 1000`},
			{`{"discount":0.3}`, `property "discount": must be a multiple of 0.25`},
			{`{"email":"Ann <ann@example.com>"}`, `property "email": must be an email address`},
			{`{"site":"/relative"}`, `property "site": must be an absolute URI (RFC 3986)`},
			{`{"ref":"5a1c6e2e"}`, `property "ref": must be a UUID`},
			{`{"day":"2026-1-2"}`, `property "day": must be a date (RFC 3339 full-date)`},
			{`{"lines":[]}`, `property "lines": must have at least 1 item`},
			{`{"lines":[{"sku":"a"},{"sku":"b"},{"sku":"c"},{"sku":"d"}]}`, `property "lines": must have at most 3 items`},
			{`{"lines":[{"sku":"a"},{"sku":"B"}]}`, `property "lines[1].sku": must match the pattern "^[a-z]+$"`},
			{`{"lines":[{"sku":"a","qty":0}]}`, `property "lines[0].qty": must be at least 1`},
			{`{"lines":[{"sku":"a","grid":[[1],[2,10]]}]}`, `property "lines[0].grid[1][1]": must be at most 9`},
			{`{"lines":[{"sku":"a","grid":[[-1]]}]}`, `property "lines[0].grid[0][0]": must be at least 0`},
			{`{"tags":["a","b","a"]}`, `property "tags": must not repeat items: items 0 and 2 are equal`},
			{`{"tags":["abcd"]}`, `property "tags[0]": must be at most 3 characters`},
			{`{"attrs":{}}`, `property "attrs": must have at least 1 property`},
			{`{"attrs":{"a":"","b":"","c":""}}`, `property "attrs": must have at most 2 properties`},
			{`{"attrs":{"k":"longer"}}`, `property "attrs[\"k\"]": must be at most 4 characters`},
			{`{"name":"a","code":null,"quantity":null,"price":null,"discount":null,"email":null,"site":null,"ref":null,"day":null,"tags":null,"attrs":null}`, `: must have at least 3 properties`},
			{`{"extra":1}`, `: must have at most 12 properties`},
			{`{"name":5}`, `property "name": expected string, got number`},
			{`{"quantity":"5"}`, `property "quantity": expected integer, got string`},
			{`{"quantity":1.5}`, `property "quantity": expected integer of 64 bits, got number 1.5`},
			{`{"lines":[{"sku":"a"},{"sku":"b","grid":[[1],[true]]}]}`, `property "lines[1].grid[1][0]": expected integer, got boolean`},
			{`{"attrs":{"k":[]}}`, `property "attrs[\"k\"]": expected string, got array`},
		} {
			body := order(t, tc.patch)
			resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: base + "/orders", Body: body})
			want := "request body " + tc.want
			if strings.HasPrefix(tc.want, ":") {
				want = "request body" + tc.want
			}
			if detail := goldentest.Problem(t, resp, http.StatusBadRequest); detail != want {
				t.Errorf("%s:\ndetail %q\nwant   %q", tc.patch, detail, want)
			}
		}
		if n := impl.calls.Load(); n != 0 {
			t.Fatalf("the handler was called %d times", n)
		}

		// At every bound; the pattern Go cannot run is not checked.
		body := order(t, `{}`)
		var got constraints.Order
		goldentest.JSON(t, goldentest.Do(t, goldentest.Request{Method: "POST", URL: base + "/orders", Body: body}), http.StatusOK, &got)
		if b, _ := json.Marshal(got); !jsonEqual(t, string(b), body) {
			t.Errorf("echo\n%s\nwant\n%s", b, body)
		}
		for _, patch := range []string{
			`{"quantity":1,"price":0.01,"discount":-0.25,"lines":[{"sku":"a"},{"sku":"b"},{"sku":"c"}],"attrs":{"k":"v"}}`,
			`{"code":null,"quantity":null,"price":null,"discount":null,"email":null,"site":null,"ref":null,"day":null,"tags":null}`,
		} {
			resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: base + "/orders", Body: order(t, patch)})
			goldentest.JSON(t, resp, http.StatusOK, &got)
		}
	})
}

// TestListAndMapBodies checks bodies whose top level is an array of a
// model or a map: their own constraints, and those of their items,
// required properties included.
func TestListAndMapBodies(t *testing.T) {
	forEachCodec(t, func(t *testing.T, base string, impl *echo) {
		valid := order(t, `{}`)
		for _, tc := range []struct{ path, body, want string }{
			{"/orders/batch", `[]`, `request body: must have at least 1 item`},
			{"/orders/batch", "[" + valid + "," + valid + "," + valid + "]", `request body: must have at most 2 items`},
			{"/orders/batch", "[" + valid + "," + order(t, `{"name":""}`) + "]", `request body item [1] property "name": must be at least 1 character`},
			{"/orders/batch", "[" + valid + `,{"name":"a","tags":[]}]`, `request body item [1] property "lines" is required`},
			{"/orders/batch", "[" + valid + `,{"name":"a","lines":[{}],"tags":[]}]`, `request body item [1] property "lines[0].sku" is required`},
			{"/orders/batch", "[" + valid + `,{"name":"a","lines":[{"sku":"a"}],"tags":"x"}]`, `request body item [1] property "tags": expected array, got string`},
			{"/orders/batch", `null`, `request body: must not be null`},
			{"/orders/batch", `[null]`, `request body item [0]: must not be null`},
			{"/scores", `{"a":1,"b":2,"c":3}`, `request body: must have at most 2 properties`},
			{"/scores", `{"a":10,"b":10.5}`, `request body property "[\"b\"]": must be at most 10`},
			{"/scores", `{"a":-1}`, `request body property "[\"a\"]": must be at least 0`},
			{"/scores", `{"a":"1"}`, `request body property "[\"a\"]": expected number, got string`},
			{"/scores", `null`, `request body: must not be null`},
		} {
			method := "POST"
			if tc.path == "/scores" {
				method = "PUT"
			}
			resp := goldentest.Do(t, goldentest.Request{Method: method, URL: base + tc.path, Body: tc.body})
			if detail := goldentest.Problem(t, resp, http.StatusBadRequest); detail != tc.want {
				t.Errorf("%s %.60s:\ndetail %q\nwant   %q", tc.path, tc.body, detail, tc.want)
			}
		}
		if n := impl.calls.Load(); n != 0 {
			t.Fatalf("the handler was called %d times", n)
		}
		var list []constraints.Order
		goldentest.JSON(t, goldentest.Do(t, goldentest.Request{Method: "POST", URL: base + "/orders/batch", Body: "[" + valid + "," + valid + "]"}), http.StatusOK, &list)
		var scores map[string]float64
		goldentest.JSON(t, goldentest.Do(t, goldentest.Request{Method: "PUT", URL: base + "/scores", Body: `{"a":0,"b":10}`}), http.StatusOK, &scores)
		if len(list) != 2 || !reflect.DeepEqual(scores, map[string]float64{"a": 0, "b": 10}) {
			t.Errorf("echo %v %v", list, scores)
		}
	})
}

// TestClient goes through the generated client: what satisfies the spec
// comes back as sent, what does not is the server's 400 with the place
// and the rule.
func TestClient(t *testing.T) {
	forEachCodec(t, func(t *testing.T, base string, impl *echo) {
		c := constraints.NewClient(base)
		ctx := context.Background()
		limit, name := int32(100), "abcd"
		res, err := c.Search(ctx, &constraints.SearchRequest{Code: "ABC", Limit: &limit, Tag: []string{"ab", "cd"}, IDs: []int64{1}, Filter: &constraints.SearchFilter{Name: &name}})
		if err != nil || *res.Body.Limit != 100 || len(res.Body.Tag) != 2 || *res.Body.FilterName != "abcd" {
			t.Errorf("Search: %+v, %v", res.Body, err)
		}
		limit = 101
		_, err = c.Search(ctx, &constraints.SearchRequest{Code: "ABC", Limit: &limit})
		wantRejected(t, err, `query parameter "limit": must be at most 100`)
		_, err = c.Search(ctx, &constraints.SearchRequest{Code: "ABC", IDs: []int64{}})
		wantRejected(t, err, `query parameter "ids": must have at least 1 item`)

		qty := int64(3)
		o := constraints.Order{Name: "Zoë", Quantity: &qty, Lines: []constraints.Line{{Sku: "a", Grid: [][]int64{{1, 2}}}}}
		got, err := c.CreateOrder(ctx, &constraints.CreateOrderRequest{Body: o})
		if err != nil || !reflect.DeepEqual(got.Body, o) {
			t.Errorf("CreateOrder: %+v, %v", got.Body, err)
		}
		o.Lines[0].Grid[0][1] = 12
		_, err = c.CreateOrder(ctx, &constraints.CreateOrderRequest{Body: o})
		wantRejected(t, err, `request body property "lines[0].grid[0][1]": must be at most 9`)
		_, err = c.CreateOrders(ctx, &constraints.CreateOrdersRequest{Body: []constraints.Order{}})
		wantRejected(t, err, `request body: must have at least 1 item`)
	})
}

// wantRejected checks that err is a 400 answer whose problem detail is
// want.
func wantRejected(t *testing.T, err error, want string) {
	t.Helper()
	var re *runtime.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusBadRequest {
		t.Errorf("error %v, want a 400 response", err)
		return
	}
	var p struct{ Detail string }
	if json.Unmarshal(re.Body, &p); p.Detail != want {
		t.Errorf("detail %q, want %q", p.Detail, want)
	}
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(va, vb)
}
