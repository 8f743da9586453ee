package runtime

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
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

func TestArgsPathSegmentError(t *testing.T) {
	c := NewClient("http://127.0.0.1:1")
	for _, tc := range []struct {
		spec  Param
		value string
	}{
		{Path("id"), ""},
		{Path("id"), ".."},
		{Path("id").Styled(StyleLabel, false), "."},
	} {
		var args Args
		args.Value(tc.spec, tc.value)
		_, err := c.NewRequest(context.Background(), http.MethodGet, "/pets/{id}/photos", &args, "", nil)
		if err == nil || !strings.Contains(err.Error(), `path parameter "id"`) || !strings.Contains(err.Error(), "cannot be a path segment") {
			t.Errorf("%s %q: got %v", tc.spec.style, tc.value, err)
		}
	}
}

// FuzzArgsValue checks that a single value of any text, serialized by Args
// in each location and style, reaches a server that decodes it with Params
// as it was: the request goes through its wire form and a ServeMux.
func FuzzArgsValue(f *testing.F) {
	for _, s := range []string{"a", "a b", "x/ é%y", ";,.=&?#[]", "%zz", "\x7f\xff", "..."} {
		f.Add(s)
	}
	specs := []Param{
		Path("p"), Path("p").Styled(StyleLabel, false), Path("p").Styled(StyleMatrix, false),
		Query("p"), Query("p").Styled(StyleForm, false), Cookie("p"),
	}
	c := NewClient("http://example.com/base")
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) {
			return // parameters are text
		}
		for _, spec := range specs {
			var args Args
			args.Value(spec, v)
			if spec.in != InPath {
				args.Value(Path("p"), "x")
			}
			req, err := c.NewRequest(context.Background(), http.MethodGet, "/{p}/end", &args, "", nil)
			if err != nil {
				if spec.in == InPath && (v == "" || v == "." || v == "..") {
					continue
				}
				t.Fatalf("%s %s %q: %v", spec.in, spec.style, v, err)
			}
			var wire bytes.Buffer
			if err := req.Write(&wire); err != nil {
				t.Fatal(err)
			}
			sreq, err := http.ReadRequest(bufio.NewReader(&wire))
			if err != nil {
				t.Fatalf("%s %s %q: the server cannot read the request: %v", spec.in, spec.style, v, err)
			}
			if spec.in == InPath && path.Clean(sreq.URL.Path) != sreq.URL.Path {
				// http.ServeMux cleans the unescaped path: it redirects a
				// value such as "a/" (sent as a%2F), which other routers
				// take as it is.
				continue
			}
			var got string
			var decodeErr error
			mux := http.NewServeMux()
			mux.HandleFunc("/base/{p}/end", func(w http.ResponseWriter, r *http.Request) {
				p := NewParams(r)
				Scalar(p, spec, &got, ParseString[string])
				decodeErr = p.Err()
			})
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, sreq)
			if rec.Code != http.StatusOK || decodeErr != nil || got != v {
				t.Errorf("%s %s %q: sent as %s, status %d, decoded %q (%v)", spec.in, spec.style, v, sreq.RequestURI, rec.Code, got, decodeErr)
			}
		}
	})
}
