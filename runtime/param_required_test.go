package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

// The checkers a generator writes for:
//
//	order:  {id (required), note (required, nullable), lines: [line], tags: {string: tag}, parent: order}
//	line:   {sku (required), qty}
//	tag:    {name (required)}
type order struct {
	ID     string          `json:"id"`
	Note   *string         `json:"note"`
	Lines  []line          `json:"lines,omitempty"`
	Tags   map[string]tag  `json:"tags,omitempty"`
	Parent *order          `json:"parent,omitempty"`
	Extra  json.RawMessage `json:"extra,omitempty"`
}

type line struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

type tag struct {
	Name string `json:"name"`
}

func (order) CheckJSON(v *JSONValue) {
	v.Require("id")
	v.RequireNullable("note")
	v.Property("lines", Items(line{}))
	v.Property("tags", Values(tag{}))
	v.Property("parent", order{})
}

func (line) CheckJSON(v *JSONValue) { v.Require("sku") }

func (tag) CheckJSON(v *JSONValue) { v.Require("name") }

// record keeps additional properties, each a tag.
type record struct{}

func (record) CheckJSON(v *JSONValue) {
	v.Require("id")
	v.Values(tag{}, "id", "lines")
	v.Property("lines", Items(line{}))
}

// part is a union of line and tag, selected by its "type".
type part struct{}

func (part) CheckJSON(v *JSONValue) {
	switch v.Discriminator("type") {
	case "line":
		line{}.CheckJSON(v)
	case "tag":
		tag{}.CheckJSON(v)
	}
}

func TestCheckJSON(t *testing.T) {
	for _, tc := range []struct {
		m    JSONChecker
		body string
		want string // "" when the body is fine
	}{
		{order{}, `{"id":"1","note":null}`, ""},
		{order{}, ` { "note" : "n" , "id" : "1" } `, ""},
		{order{}, `{"note":null}`, `request body property "id" is required`},
		{order{}, `{"id":"1"}`, `request body property "note" is required`},
		{order{}, `{"id":null,"note":null}`, `request body property "id": must not be null`},
		{order{}, `{"ID":"1","note":null}`, `request body property "id" is required`},
		{order{}, `{"\u0069d":"1","note":null}`, ""},
		{order{}, `{"id":"1","note":null,"lines":[{"sku":"a"},{"sku":"b","qty":2}]}`, ""},
		{order{}, `{"id":"1","note":null,"lines":[{"sku":"a"},{"qty":2}]}`, `request body property "lines[1].sku" is required`},
		{order{}, `{"id":"1","note":null,"lines":null,"tags":null,"parent":null}`, ""},
		{order{}, `{"id":"1","note":null,"tags":{"a":{"name":"x"},"b c":{}}}`, `request body property "tags[\"b c\"].name" is required`},
		{order{}, `{"id":"1","note":null,"parent":{"id":"0","note":"x","parent":{"note":null}}}`, `request body property "parent.parent.id" is required`},
		// Values that are not checked are skipped whatever they hold.
		{order{}, `{"extra":{"id":[1,"}",{"x":"\"]"}]},"id":"1","note":null}`, ""},
		{record{}, `{"id":"1","a":{"name":"x"},"lines":[]}`, ""},
		{record{}, `{"id":"1","a":{}}`, `request body property "[\"a\"].name" is required`},
		{record{}, `{"id":"1","lines":[{}]}`, `request body property "lines[0].sku" is required`},
		{Items(line{}), `[{"sku":"a"},{}]`, `request body item [1] property "sku" is required`},
		{Items(part{}), `[{"type":"line","sku":"a"},{"name":"x","type":"tag"},{"sku":"b","type":"tag"}]`, `request body item [2] property "name" is required`},
		{Items(part{}), `[{"type":"other"},{"type":1},{"type":"tag","type":"line","sku":"a"}]`, ""},
		{order{}, strings.Repeat(`{"id":"1","note":null,"parent":`, maxCheckDepth+1), `request body: nested too deeply`},
	} {
		if err := checkJSON([]byte(tc.body), tc.m); tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want) {
			t.Errorf("%T %s: %v, want %q", tc.m, tc.body, err, tc.want)
		}
	}
}

// TestBodyRequired decodes request bodies through Body: a missing property
// is a 400 that names it, whatever JSON codec decodes the body.
func TestBodyRequired(t *testing.T) {
	strict := NewJSONCodec(json.Marshal, func(data []byte, v any) error {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	})
	for _, o := range []*Options{NewOptions(), NewOptions(WithCodec(strict))} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(`{"id":"1","note":null,"lines":[{}]}`))
		p := NewParams(r)
		var got order
		Body(p, o, "application/json", &got)
		w := httptest.NewRecorder()
		if !p.Failed(w) || w.Code != 400 || !strings.Contains(w.Body.String(), `request body property \"lines[0].sku\" is required`) {
			t.Errorf("%d %s", w.Code, w.Body)
		}

		r = httptest.NewRequest("POST", "/", strings.NewReader(`{"id":"1","note":null,"lines":[{"sku":"a"}]}`))
		p = NewParams(r)
		BodyPtr(p, o, "application/json", new(*order))
		if err := p.Err(); err != nil {
			t.Error(err)
		}
	}
}

// A body whose Go type is a pointer to a model, as a nullable body is, is
// checked as the model is: its checker is the model's, not a method called
// on a nil pointer, which panicked.
func TestBodyRequiredPointer(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"note":null}`))
	p := NewParams(r)
	var got *order
	Body(p, NewOptions(), "application/json", &got)
	if err := p.Err(); err == nil || err.Error() != `request body property "id" is required` {
		t.Errorf("pointer body without its required property: %v", err)
	}
}

// FuzzCheckJSON checks that any text, JSON or not, is read without panic.
func FuzzCheckJSON(f *testing.F) {
	f.Add(`{"id":"1","note":null,"lines":[{"sku":"a"}],"tags":{"a":{"name":"x"}}}`)
	f.Add(`{"id":"1","note":null,"lines":[{"sku":"a"},{`)
	f.Add(`[{"sku":"a"},"\`)
	f.Add(`{"parent":{"parent":{"parent":`)
	f.Fuzz(func(t *testing.T, body string) {
		err := checkJSON([]byte(body), order{})
		if err != nil && !strings.HasPrefix(err.Error(), "request body") {
			t.Fatalf("%s: %v", body, err)
		}
	})
}

// BenchmarkCheckJSON compares the check of a body of 100 lines with its
// decoding by encoding/json, which Body does first.
func BenchmarkCheckJSON(b *testing.B) {
	var body strings.Builder
	body.WriteString(`{"id":"1","note":"a note","tags":{"x":{"name":"x"}},"lines":[`)
	for i := range 100 {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(`{"sku":"sku-` + strings.Repeat("x", i%10) + `","qty":12}`)
	}
	body.WriteString(`]}`)
	data := []byte(body.String())
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if err := checkJSON(data, order{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var o order
			if err := json.Unmarshal(data, &o); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestAt(t *testing.T) {
	bad := errors.New("bad")
	err := At("lines[2]", At("basket", At(`["x"]`, At("kind", bad))))
	var pe *PathError
	if !errors.As(err, &pe) || pe.Path != `lines[2].basket["x"].kind` || pe.Err != bad || !errors.Is(err, bad) {
		t.Errorf("%#v", err)
	}
	if got := err.Error(); got != `lines[2].basket["x"].kind: bad` {
		t.Errorf("Error() = %q", got)
	}
}

// A parameter sent as JSON, or a union's variant, that is an array or a
// map of models is checked as a body of that type is: each item and map
// value for its required properties and by its Validate method.
func TestParseJSONChecksItems(t *testing.T) {
	if _, err := ParseJSON[[]line](`[{"sku":"a"},{"qty":1}]`); err == nil || !strings.Contains(err.Error(), `"[1].sku" is required`) {
		t.Errorf("array item without its required property: %v", err)
	}
	if _, err := ParseJSON[map[string]tag](`{"a":{}}`); err == nil || !strings.Contains(err.Error(), `"[\"a\"].name" is required`) {
		t.Errorf("map value without its required property: %v", err)
	}
	if _, err := ParseJSON[[]color](`["red","blue"]`); err == nil || err.Error() != "[1]: not red" {
		t.Errorf("array item its type refuses: %v", err)
	}
	if v, err := ParseJSON[[]line](`[{"sku":"a","qty":2}]`); err != nil || len(v) != 1 || v[0].Qty != 2 {
		t.Errorf("valid array: %v, %v", v, err)
	}
	var lines []line
	var s string
	if i, err := UnmarshalOneOf("U", []byte(`[{"qty":1}]`), Variant{"Lines", &lines}, Variant{"S", &s}); err == nil || !strings.Contains(err.Error(), `not Lines: property "[0].sku" is required`) {
		t.Errorf("UnmarshalOneOf of an array item without its required property: %d, %v", i, err)
	}
}
