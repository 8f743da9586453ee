package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestArgsRoundTrip sends parameters of every location, style and explode
// setting, serialized by Args, to a server that decodes them with Params,
// and checks they arrive as sent.
func TestArgsRoundTrip(t *testing.T) {
	checkLeaks(t)
	type param struct {
		spec Param
		kind string // value, list or object
	}
	var params []param
	for _, explode := range []bool{false, true} {
		for _, style := range []Style{StyleSimple, StyleLabel, StyleMatrix} {
			for _, kind := range []string{"value", "list", "object"} {
				params = append(params, param{Path("p").Styled(style, explode), kind})
			}
		}
		for _, kind := range []string{"value", "list", "object"} {
			params = append(params,
				param{Query("p").Styled(StyleForm, explode), kind},
				param{Header("P").Styled(StyleSimple, explode), kind},
				param{Cookie("p").Styled(StyleForm, explode), kind})
		}
		params = append(params,
			param{Query("p").Styled(StyleSpaceDelimited, explode), "list"},
			param{Query("p").Styled(StylePipeDelimited, explode), "list"})
	}
	params = append(params, param{Query("p").Styled(StyleDeepObject, true), "object"})

	for _, tc := range params {
		value := "x/ é%y"
		list := []string{"a", "b+c", "é&d"}
		object := map[string]string{"R": "100", "G": "2 0/0", "B": ""}
		name := fmt.Sprintf("%s/%s/explode=%v/%s", tc.spec.in, tc.spec.style, tc.spec.explode, tc.kind)
		t.Run(name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/x/{p}/y", func(w http.ResponseWriter, r *http.Request) {
				p := NewParams(r)
				var got any
				switch tc.kind {
				case "value":
					var v string
					Scalar(p, tc.spec, &v, ParseString[string])
					got = v
				case "list":
					var v []string
					Array(p, tc.spec, &v, ParseString[string])
					got = v
				case "object":
					var v map[string]string
					Map(p, tc.spec, &v, ParseString[string])
					got = v
				}
				if p.Failed(w) {
					return
				}
				json.NewEncoder(w).Encode(got)
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)

			var args Args
			switch tc.kind {
			case "value":
				args.Value(tc.spec, value)
			case "list":
				args.List(tc.spec, list)
			case "object":
				args.Object(tc.spec, FormatMap(object, FormatString)...)
			}
			if tc.spec.in != InPath {
				args.Value(Path("p"), "-")
			}
			c := NewClient(srv.URL, WithHTTPClient(srv.Client()))
			req, err := c.NewRequest(context.Background(), http.MethodGet, "/x/{p}/y", &args, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %v", req.URL, UnexpectedResponse(resp))
			}
			switch tc.kind {
			case "value":
				var got string
				if err := c.Decode(resp, "application/json", &got); err != nil || got != value {
					t.Errorf("%s: got %q (%v), want %q", req.URL, got, err, value)
				}
			case "list":
				var got []string
				if err := c.Decode(resp, "application/json", &got); err != nil || !slices.Equal(got, list) {
					t.Errorf("%s: got %q (%v), want %q", req.URL, got, err, list)
				}
			case "object":
				var got map[string]string
				if err := c.Decode(resp, "application/json", &got); err != nil || !maps.Equal(got, object) {
					t.Errorf("%s: got %q (%v), want %q", req.URL, got, err, object)
				}
			}
		})
	}
}

func TestArgsPath(t *testing.T) {
	var args Args
	args.Value(Path("a"), "1/2")
	args.Value(Path("b"), "x")
	for template, want := range map[string]string{
		"/p/{a}/q/{b}":  "/p/1%2F2/q/x",
		"/p/{a}{b}":     "/p/1%2F2x",
		"/p/{unknown}":  "/p/{unknown}",
		"/p/{a":         "/p/{a",
		"/plain/path}{": "/plain/path}{",
	} {
		if got := args.expandPath(template); got != want {
			t.Errorf("%s: got %s, want %s", template, got, want)
		}
	}
	if got := (*Args)(nil).expandPath("/p/{a}"); got != "/p/{a}" {
		t.Errorf("nil Args: %s", got)
	}
}

func TestArgsCookieError(t *testing.T) {
	var args Args
	args.Object(Cookie("session"), "ü", "1")
	_, err := NewClient("http://127.0.0.1:1").NewRequest(context.Background(), http.MethodGet, "/", &args, "", nil)
	if err == nil || err.Error() != `runtime: cookie parameter "session": property name "ü" cannot be sent in a cookie` {
		t.Errorf("got %v", err)
	}
}
