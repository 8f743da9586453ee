package runtime

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// request builds a request with the given path values, query and headers.
func request(query string, pathValues map[string]string, header http.Header) *http.Request {
	r := httptest.NewRequest("GET", "/x?"+query, nil)
	for k, v := range pathValues {
		r.SetPathValue(k, v)
	}
	for k, vs := range header {
		r.Header[k] = vs
	}
	return r
}

func TestScalarStyles(t *testing.T) {
	for _, tc := range []struct {
		spec  Param
		r     *http.Request
		want  string
		isErr string
	}{
		{Path("id"), request("", map[string]string{"id": "5"}, nil), "5", ""},
		{Path("id").Styled(StyleLabel, false), request("", map[string]string{"id": ".5"}, nil), "5", ""},
		{Path("id").Styled(StyleLabel, false), request("", map[string]string{"id": "5"}, nil), "", `path parameter "id": "5" does not start with "." (style label)`},
		{Path("id").Styled(StyleMatrix, false), request("", map[string]string{"id": ";id=5"}, nil), "5", ""},
		{Path("id").Styled(StyleMatrix, false), request("", map[string]string{"id": ";id"}, nil), "", ""},
		{Path("item-id").Wildcard("item_id"), request("", map[string]string{"item_id": "7"}, nil), "7", ""},
		{Query("q"), request("q=a+b", nil, nil), "a b", ""},
		{Query("q").Required(), request("", nil, nil), "", `query parameter "q" is required`},
		{Query("q"), request("", nil, nil), "unset", ""},
		{Header("X-A"), request("", nil, http.Header{"X-A": {"v"}}), "v", ""},
		{Cookie("c"), request("", nil, http.Header{"Cookie": {"c=a%20b"}}), "a b", ""},
		{Cookie("c"), request("", nil, http.Header{"Cookie": {"c=a%zz"}}), "", `cookie parameter "c": "a%zz" is not percent-encoded correctly`},
	} {
		p := NewParams(tc.r)
		got := "unset"
		Scalar(p, tc.spec, &got, ParseString)
		if err := p.Err(); tc.isErr != "" || err != nil {
			if err == nil || err.Error() != tc.isErr {
				t.Errorf("%+v: error %v, want %q", tc.spec, err, tc.isErr)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.spec, got, tc.want)
		}
	}
}

func TestArrayStyles(t *testing.T) {
	path := func(v string) *http.Request { return request("", map[string]string{"a": v}, nil) }
	for _, tc := range []struct {
		spec Param
		r    *http.Request
		want []string
	}{
		{Path("a"), path("1,2"), []string{"1", "2"}},
		{Path("a").Styled(StyleLabel, false), path(".1,2"), []string{"1", "2"}},
		{Path("a").Styled(StyleLabel, true), path(".1.2"), []string{"1", "2"}},
		{Path("a").Styled(StyleMatrix, false), path(";a=1,2"), []string{"1", "2"}},
		{Path("a").Styled(StyleMatrix, true), path(";a=1;a=2"), []string{"1", "2"}},
		{Query("a"), request("a=1&a=2", nil, nil), []string{"1", "2"}},
		{Query("a").Styled(StyleForm, false), request("a=1,2", nil, nil), []string{"1", "2"}},
		{Query("a").Styled(StyleSpaceDelimited, false), request("a=1%202", nil, nil), []string{"1", "2"}},
		{Query("a").Styled(StylePipeDelimited, false), request("a=1|2", nil, nil), []string{"1", "2"}},
		{Query("a").Styled(StyleForm, false), request("a=", nil, nil), []string{}},
		{Query("a"), request("", nil, nil), nil},
		{Header("A"), request("", nil, http.Header{"A": {"1, 2", "3"}}), []string{"1", "2", "3"}},
		{Cookie("a").Styled(StyleForm, false), request("", nil, http.Header{"Cookie": {"a=1,x%2Cy"}}), []string{"1", "x,y"}},
	} {
		p := NewParams(tc.r)
		var got []string
		Array(p, tc.spec, &got, ParseString)
		if err := p.Err(); err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v: %q, %v; want %q", tc.spec, got, err, tc.want)
		}
	}
}

func TestObjectStyles(t *testing.T) {
	path := func(v string) *http.Request { return request("", map[string]string{"o": v}, nil) }
	want := map[string]string{"x": "1", "y": "2"}
	for _, tc := range []struct {
		spec Param
		r    *http.Request
	}{
		{Path("o"), path("x,1,y,2")},
		{Path("o").Styled(StyleSimple, true), path("x=1,y=2")},
		{Path("o").Styled(StyleLabel, false), path(".x,1,y,2")},
		{Path("o").Styled(StyleLabel, true), path(".x=1.y=2")},
		{Path("o").Styled(StyleMatrix, false), path(";o=x,1,y,2")},
		{Path("o").Styled(StyleMatrix, true), path(";x=1;y=2")},
		{Query("o"), request("x=1&y=2", nil, nil)},
		{Query("o").Styled(StyleForm, false), request("o=x,1,y,2", nil, nil)},
		{Query("o").Styled(StyleDeepObject, true), request("o[x]=1&o[y]=2&other=3&o=4", nil, nil)},
		{Header("O").Styled(StyleSimple, true), request("", nil, http.Header{"O": {"x=1, y=2"}})},
		{Cookie("o").Styled(StyleForm, false), request("", nil, http.Header{"Cookie": {"o=x,1,y,2"}})},
	} {
		p := NewParams(tc.r)
		var got map[string]string
		Map(p, tc.spec, &got, ParseString)
		if err := p.Err(); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: %q, %v; want %q", tc.spec, got, err, want)
		}
	}
}

func TestObjectFields(t *testing.T) {
	type point struct {
		X int32
		Y *int32
		Z string
	}
	decode := func(query string, spec Param) (*point, error) {
		p := NewParams(request(query, nil, nil))
		var pt *point
		if props, ok := p.Object(spec, "x", "y", "z"); ok {
			pt = new(point)
			Field(p, spec, props, "x", &pt.X, ParseInt)
			FieldPtr(p, spec, props, "y", &pt.Y, ParseInt)
			OptionalField(p, spec, props, "z", &pt.Z, ParseString)
		}
		return pt, p.Err()
	}
	// An exploded form object is there when one of its properties is.
	if pt, err := decode("limit=3", Query("pt")); pt != nil || err != nil {
		t.Errorf("absent object: %+v, %v", pt, err)
	}
	if pt, err := decode("x=1&y=2&z=s", Query("pt")); err != nil || pt.X != 1 || *pt.Y != 2 || pt.Z != "s" {
		t.Errorf("object: %+v, %v", pt, err)
	}
	if pt, err := decode("x=1", Query("pt")); err != nil || pt.Y != nil || pt.Z != "" {
		t.Errorf("optional properties: %+v, %v", pt, err)
	}
	if _, err := decode("y=2", Query("pt")); err == nil || err.Error() != `query parameter "pt" property "x" is required` {
		t.Errorf("missing property: %v", err)
	}
	if _, err := decode("pt[x]=a", Query("pt").Styled(StyleDeepObject, true)); err == nil || err.Error() != `query parameter "pt" property "x": "a" is not an integer of 32 bits` {
		t.Errorf("invalid property: %v", err)
	}
	if _, err := decode("", Query("pt").Styled(StyleDeepObject, true).Required()); err == nil || err.Error() != `query parameter "pt" is required` {
		t.Errorf("missing required object: %v", err)
	}
}

type color string

func (c color) Validate() error {
	if c != "red" {
		return errors.New("not red")
	}
	return nil
}

func TestParsers(t *testing.T) {
	if v, err := ParseInt[int8]("127"); err != nil || v != 127 {
		t.Errorf("int8 127: %v, %v", v, err)
	}
	for _, s := range []string{"128", "-129", "1.0", "", "0x1"} {
		if _, err := ParseInt[int8](s); err == nil || !strings.Contains(err.Error(), "integer of 8 bits") {
			t.Errorf("int8 %q: %v", s, err)
		}
	}
	if v, err := ParseInt[int64]("-9223372036854775808"); err != nil || v != math.MinInt64 {
		t.Errorf("int64 min: %v, %v", v, err)
	}
	if v, err := ParseUint[uint16]("65535"); err != nil || v != 65535 {
		t.Errorf("uint16: %v, %v", v, err)
	}
	if _, err := ParseUint[uint16]("65536"); err == nil {
		t.Error("uint16 overflow accepted")
	}
	if v, err := ParseFloat[float32]("1.5e3"); err != nil || v != 1500 {
		t.Errorf("float32: %v, %v", v, err)
	}
	if _, err := ParseBool[bool]("1"); err == nil {
		t.Error(`bool "1" accepted`)
	}
	if v, err := ParseTime("2026-11-23"); err != nil || !v.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date: %v, %v", v, err)
	}
	if v, err := ParseTime("2026-11-23T20:00:00.5+01:00"); err != nil || v.Nanosecond() != 5e8 {
		t.Errorf("date-time: %v, %v", v, err)
	}
	for s, want := range map[string]string{"AQID": "\x01\x02\x03", "AQI=": "\x01\x02", "-_8": "\xfb\xff"} {
		if b, err := ParseBytes(s); err != nil || string(b) != want {
			t.Errorf("bytes %q: %q, %v", s, b, err)
		}
	}
	if _, err := ParseString[color]("blue"); err == nil || err.Error() != "not red" {
		t.Errorf("enum not validated: %v", err)
	}
	if v, err := ParseString[color]("red"); err != nil || v != "red" {
		t.Errorf("enum: %v, %v", v, err)
	}
}

func TestFormatters(t *testing.T) {
	type level int32
	for got, want := range map[string]string{
		FormatInt(level(-3)):       "-3",
		FormatUint(uint8(255)):     "255",
		FormatFloat(float32(0.1)):  "0.1",
		FormatFloat(1e21):          "1e+21",
		FormatBool(true):           "true",
		FormatString(color("red")): "red",
		FormatTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)): "2026-01-02T03:04:05Z",
		FormatBytes([]byte{1, 2, 3}):                            "AQID",
		FormatList([]int32{1, 2}, FormatInt[int32]):             "1,2",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestBody(t *testing.T) {
	type body struct {
		Name color `json:"name"`
	}
	o := NewOptions()
	post := func(ct, data string) *http.Request {
		r := httptest.NewRequest("POST", "/", strings.NewReader(data))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		return r
	}
	for _, tc := range []struct {
		r      *http.Request
		status int
		detail string
	}{
		{post("application/json", `{"name":"red"}`), 0, ""},
		{post("", `{"name":"red"}`), 0, ""},
		{post("application/json; charset=utf-8", `{"name":"red"}`), 0, ""},
		{post("application/json", ``), 400, "request body is required"},
		{post("application/json", `{"name":`), 400, "request body: is not valid JSON: unexpected end of JSON input (at byte 8)"},
		{post("text/plain", `x`), 415, `request body: content type "text/plain" is not application/json`},
		{post("application/xml", `<a/>`), 415, `request body: runtime: no codec for content type "application/xml"`},
	} {
		p := NewParams(tc.r)
		var b body
		declared := "application/json"
		if ct := tc.r.Header.Get("Content-Type"); ct == "application/xml" {
			declared = ct // an operation taking a type no codec handles
		}
		Body(p, o, declared, &b)
		w := httptest.NewRecorder()
		if failed := p.Failed(w); failed != (tc.status != 0) {
			t.Errorf("%v: failed = %v", tc.r.Header, failed)
			continue
		}
		if tc.status == 0 {
			if b.Name != "red" {
				t.Errorf("decoded %+v", b)
			}
			continue
		}
		var problem struct{ Detail string }
		json.Unmarshal(w.Body.Bytes(), &problem)
		if w.Code != tc.status || problem.Detail != tc.detail || w.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("got %d %q, want %d %q", w.Code, problem.Detail, tc.status, tc.detail)
		}
	}

	// Body validates what it decoded; BodyPtr leaves an absent body nil.
	p := NewParams(post("application/json", `{"name":"blue"}`))
	var b body
	Body(p, o, "application/json", &b.Name)
	if err := p.Err(); err == nil {
		t.Error("invalid enum body accepted")
	}
	p = NewParams(post("", ""))
	var opt *body
	BodyPtr(p, o, "application/json", &opt)
	if p.Err() != nil || opt != nil {
		t.Errorf("absent optional body: %v, %v", opt, p.Err())
	}
}

func TestWriteError(t *testing.T) {
	r := httptest.NewRequest("GET", "/things", nil)
	w := httptest.NewRecorder()
	WriteError(w, r, NewOptions(WithLogger(discardLogger())), ErrNotImplemented)
	if w.Code != 501 || !strings.Contains(w.Body.String(), "GET /things is not implemented") {
		t.Errorf("not implemented: %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	WriteError(w, r, NewOptions(WithLogger(discardLogger())), errors.New("secret"))
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret") {
		t.Errorf("internal error: %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	WriteResponse(w, r, NewOptions(WithLogger(discardLogger())), 200, "application/json", func() {})
	if w.Code != 500 {
		t.Errorf("unencodable body: %d", w.Code)
	}
}

func TestUnionHelpers(t *testing.T) {
	data, err := MarshalObject(struct {
		A int `json:"a"`
	}{1}, map[string]int{"b": 2})
	if err != nil || string(data) != `{"a":1,"b":2}` {
		t.Errorf("MarshalObject: %s, %v", data, err)
	}
	if data, _ := MarshalObject(struct{}{}, map[string]int{"b": 2}); string(data) != `{"b":2}` {
		t.Errorf("MarshalObject of an empty struct: %s", data)
	}
	extra, err := UnmarshalAdditional[int]([]byte(`{"a":1,"b":2}`), "a")
	if err != nil || !reflect.DeepEqual(extra, map[string]int{"b": 2}) {
		t.Errorf("UnmarshalAdditional: %v, %v", extra, err)
	}
	if tag, err := Discriminator([]byte(`{"k":"v"}`), "k"); err != nil || tag != "v" {
		t.Errorf("Discriminator: %q, %v", tag, err)
	}
	if _, err := Discriminator([]byte(`{"k":1}`), "k"); err == nil {
		t.Error("a number discriminator accepted")
	}
	var s string
	var n int
	if i, err := UnmarshalOneOf("U", []byte(`3`), Variant{"S", &s}, Variant{"N", &n}); err != nil || i != 1 || n != 3 {
		t.Errorf("UnmarshalOneOf: %d, %v", i, err)
	}
	var f float64
	if _, err := UnmarshalOneOf("U", []byte(`3`), Variant{"N", &n}, Variant{"F", &f}); err == nil || err.Error() != "U: the value is ambiguous: it matches each of N, F" {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := UnmarshalOneOf("U", []byte(`true`), Variant{"S", &s}, Variant{"N", &n}); err == nil || !strings.HasPrefix(err.Error(), "U: the value matches none of its variants: not S: ") {
		t.Errorf("no match: %v", err)
	}
	// A value its type does not accept (an enum's) does not match.
	var c color
	if i, err := UnmarshalOneOf("U", []byte(`"teal"`), Variant{"Color", &c}, Variant{"S", &s}); err != nil || i != 1 || s != "teal" {
		t.Errorf("UnmarshalOneOf of a non-member: %d, %v", i, err)
	}
	// anyOf takes the first variant that matches.
	if i, err := UnmarshalAnyOf("U", []byte(`"red"`), Variant{"Color", &c}, Variant{"S", &s}); err != nil || i != 0 || c != "red" {
		t.Errorf("UnmarshalAnyOf: %d, %v", i, err)
	}
	if _, err := UnmarshalAnyOf("U", []byte(`true`), Variant{"Color", &c}, Variant{"S", &s}); err == nil || !strings.HasPrefix(err.Error(), "U: the value matches none of its variants: not Color: ") {
		t.Errorf("UnmarshalAnyOf, no match: %v", err)
	}
}

// FuzzParams feeds arbitrary values to every style: decoding never panics
// and either succeeds or reports a ParamError.
func FuzzParams(f *testing.F) {
	for _, s := range []string{"1,2", ".a.b", ";x=1;y=2", "x,1,y", "a%zz", "", ";", "=", ".=", ";p=,"} {
		f.Add(s)
	}
	styles := []Style{StyleSimple, StyleForm, StyleLabel, StyleMatrix, StyleSpaceDelimited, StylePipeDelimited, StyleDeepObject}
	f.Fuzz(func(t *testing.T, v string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.SetPathValue("p", v)
		r.Header.Set("P", v)
		r.AddCookie(&http.Cookie{Name: "p", Value: v, Quoted: false})
		for _, style := range styles {
			for _, explode := range []bool{false, true} {
				for _, spec := range []Param{Path("p"), Header("p"), Cookie("p"), Query("p")} {
					spec = spec.Styled(style, explode)
					p := NewParams(r)
					var s string
					var a []int
					var m map[string]string
					Scalar(p, spec, &s, ParseString)
					Array(p, spec, &a, ParseInt)
					Map(p, spec, &m, ParseString)
					for _, err := range unwrapJoined(p.Err()) {
						var pe *ParamError
						if !errors.As(err, &pe) {
							t.Fatalf("%+v: %T %v", spec, err, err)
						}
					}
				}
			}
		}
	})
}

func unwrapJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestWriteDataWithoutBody(t *testing.T) {
	// A declared response without content: the status alone, no Content-Type.
	w := httptest.NewRecorder()
	if err := WriteData(w, NewOptions(), http.StatusNotFound, "", nil); err != nil || w.Code != 404 || w.Body.Len() != 0 || w.Header().Get("Content-Type") != "" {
		t.Errorf("got %d %q %v, %v", w.Code, w.Body, w.Header(), err)
	}
}

// TestWithin serves /files/{name}.json, a parameter inside a segment,
// through a ServeMux wildcard for the whole segment.
func TestWithin(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /files/{name}", func(w http.ResponseWriter, r *http.Request) {
		p := NewParams(r)
		var name string
		Scalar(p, Path("name").Within("f-", ".json"), &name, ParseString)
		if p.Failed(w) {
			return
		}
		io.WriteString(w, name)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for path, want := range map[string]string{
		"/files/f-report.json":   "200 report",
		"/files/f-a%2Fb.json":    "200 a/b",
		"/files/f-.json":         "200 ",
		"/files/report.json":     "404",
		"/files/f-report.xml":    "404",
		"/files/f-.jso":          "404",
		"/files/f-report.json.x": "404",
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		got := strconv.Itoa(resp.StatusCode)
		if resp.StatusCode == http.StatusOK {
			got += " " + string(body)
		}
		if got != want {
			t.Errorf("GET %s: %s, want %s", path, got, want)
		}
	}
}
