package runtime

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	type name string
	type count int32
	n := 7
	for _, tc := range []struct {
		v     any
		rules []Rule
		want  string // "" when v satisfies rules
	}{
		{5, []Rule{Minimum(5), Maximum(5)}, ""},
		{4, []Rule{Minimum(5)}, "must be at least 5"},
		{count(101), []Rule{Maximum(100)}, "must be at most 100"},
		{5.0, []Rule{ExclusiveMinimum(5)}, "must be greater than 5"},
		{uint8(9), []Rule{ExclusiveMaximum(9)}, "must be less than 9"},
		{0.3, []Rule{MultipleOf(0.1)}, ""},
		{0.35, []Rule{MultipleOf(0.1)}, "must be a multiple of 0.1"},
		{-12, []Rule{MultipleOf(4)}, ""},
		{&n, []Rule{Maximum(6)}, "must be at most 6"},
		{(*int)(nil), []Rule{Maximum(6)}, ""},
		{"héé", []Rule{MaxLength(3)}, ""}, // characters, not bytes
		{name("héé!"), []Rule{MaxLength(3)}, "must be at most 3 characters"},
		{"", []Rule{MinLength(1)}, "must be at least 1 character"},
		{"abc", []Rule{Pattern(`^[a-z]+$`)}, ""},
		{"ab1", []Rule{Pattern(`^[a-z]+$`)}, `must match the pattern "^[a-z]+$"`},
		{"2026-02-30", []Rule{Format("date")}, "must be a date (RFC 3339 full-date)"},
		{"x", []Rule{Format("no-such-format")}, ""},
		{[]string{"a"}, []Rule{MinItems(2)}, "must have at least 2 items"},
		{[]string{"a", "b"}, []Rule{MaxItems(1)}, "must have at most 1 item"},
		{[]int{1, 2, 1}, []Rule{UniqueItems()}, "must not repeat items: items 0 and 2 are equal"},
		{[]map[string]int{{"a": 1, "b": 2}, {"b": 2, "a": 1}}, []Rule{UniqueItems()}, "must not repeat items: items 0 and 1 are equal"},
		{map[string]int{}, []Rule{MinProperties(1)}, "must have at least 1 property"},
		{map[string]int{"a": 1, "b": 2}, []Rule{MaxProperties(1)}, "must have at most 1 property"},
		{[]string{"ok", "toolong"}, []Rule{EachItem(MaxLength(3))}, "[1]: must be at most 3 characters"},
		{map[string][]int{"b": {1}, "a": {1, 50}}, []Rule{EachValue(EachItem(Maximum(10)))}, `["a"][1]: must be at most 10`},
		{"text", []Rule{Minimum(10), MinItems(3)}, ""}, // rules of other kinds do not apply
		{[]byte("xyz"), []Rule{MaxItems(1)}, ""},       // bytes are a string on the wire
	} {
		err := Check(tc.v, tc.rules...)
		if got := errString(err); got != tc.want {
			t.Errorf("Check(%#v): %q, want %q", tc.v, got, tc.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestCheckFormat(t *testing.T) {
	for format, values := range map[string][2][]string{
		"date-time": {{"2026-12-03T05:06:07Z", "2026-12-03T05:06:07.5+01:00"}, {"2026-12-03", "2026-12-03T25:00:00Z", "2026-12-03 05:06:07Z"}},
		"date":      {{"2024-02-29"}, {"2023-02-29", "2026-1-2", "2026-01-02T00:00:00Z"}},
		"time":      {{"05:06:07Z", "23:59:59.999-08:00"}, {"05:06", "24:00:00Z", "05:06:07"}},
		"uuid":      {{"5a1c6e2e-0000-4000-8000-00000000000A"}, {"5a1c6e2e00004000800000000000000a", "5a1c6e2e-0000-4000-8000-00000000000g"}},
		"email":     {{"ann@example.com", "a.b+c@d.e"}, {"ann", "Ann <ann@example.com>", "@example.com"}},
		"uri":       {{"https://example.com/a?b=c#d", "urn:isbn:0451450523"}, {"/relative", "http://a b", "https://例え.jp"}},
		"ipv4":      {{"192.0.2.1"}, {"192.0.2", "::1"}},
		"ipv6":      {{"::1", "2001:db8::1"}, {"192.0.2.1", "2001:db8:::1"}},
	} {
		for _, s := range values[0] {
			if err := CheckFormat(format, s); err != nil {
				t.Errorf("%s %q: %v", format, s, err)
			}
		}
		for _, s := range values[1] {
			if err := CheckFormat(format, s); err == nil || !strings.HasPrefix(err.Error(), "must be ") {
				t.Errorf("%s %q: %v, want an error", format, s, err)
			}
		}
	}
}

// FuzzCheckFormat checks that no string makes a format checker panic, and
// that what the date and date-time checkers accept is a time.
func FuzzCheckFormat(f *testing.F) {
	for _, s := range []string{"2026-12-03T05:06:07Z", "2024-02-29", "05:06:07Z", "5a1c6e2e-0000-4000-8000-00000000000a", "a@b.c", "http://x/y", "::1", "", "\x00", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name := range formats {
			if err := CheckFormat(name, s); err == nil && (name == "date" || name == "date-time") {
				if _, perr := ParseTime(s); perr != nil {
					t.Errorf("%s accepts %q, which ParseTime rejects: %v", name, s, perr)
				}
			}
		}
	})
}

func TestParamCheck(t *testing.T) {
	r := httptest.NewRequest("GET", "/?limit=101&tag=ok&tag=toolong&limit2=5", nil)
	p := NewParams(r)
	var limit *int32
	var tags []string
	var limit2 int64
	ScalarPtr(p, Query("limit").Check(Maximum(100)), &limit, ParseInt)
	Array(p, Query("tag").Check(MaxItems(3), EachItem(MaxLength(3))), &tags, ParseString)
	Scalar(p, Query("limit2").Check(Minimum(1)), &limit2, ParseInt)
	want := `query parameter "limit": must be at most 100` + "\n" + `query parameter "tag" item [1]: must be at most 3 characters`
	if got := errString(p.Err()); got != want {
		t.Errorf("errors\n%s\nwant\n%s", got, want)
	}
	if tags != nil || limit2 != 5 {
		t.Errorf("tags %q, limit2 %d", tags, limit2)
	}
}

type item struct {
	Name string `json:"name"`
	Kind color  `json:"kind,omitempty"`
}

func (item) CheckJSON(v *JSONValue) { v.Require("name") }

func (i item) Validate() error {
	if err := i.Kind.Validate(); i.Kind != "" && err != nil {
		return At("kind", err)
	}
	return nil
}

// TestBodyShapes checks bodies whose top level is an array or a map of a
// model, null, and values of the wrong type, which are answered in the
// API's terms at their path.
func TestBodyShapes(t *testing.T) {
	o := NewOptions()
	for _, tc := range []struct {
		decode func(p *Params)
		body   string
		want   string
	}{
		{func(p *Params) { var v []item; Body(p, o, "application/json", &v) }, `[{"name":"a"},{"kind":"red"}]`, `request body item [1] property "name" is required`},
		{func(p *Params) { var v []item; Body(p, o, "application/json", &v) }, `[{"name":"a"},{"name":"b","kind":"blue"}]`, `request body item [1] property "kind": not red`},
		{func(p *Params) { var v [][]item; Body(p, o, "application/json", &v) }, `[[],[{"name":"a"},{}]]`, `request body item [1][1] property "name" is required`},
		{func(p *Params) { var v map[string]item; Body(p, o, "application/json", &v) }, `{"x":{"name":"a"},"y":{}}`, `request body property "[\"y\"].name" is required`},
		{func(p *Params) { var v item; Body(p, o, "application/json", &v) }, `null`, `request body: must not be null`},
		{func(p *Params) { var v []item; Body(p, o, "application/json", &v) }, ` null `, `request body: must not be null`},
		{func(p *Params) { var v item; Body(p, o, "application/json", &v) }, `{"name":1}`, `request body property "name": expected string, got number`},
		{func(p *Params) { var v []item; Body(p, o, "application/json", &v) }, `[{"name":"a"},{"name":true}]`, `request body item [1] property "name": expected string, got boolean`},
		{func(p *Params) { var v map[string][]item; Body(p, o, "application/json", &v) }, `{"a":[{"name":"x"}],"b":[{"name":[]}]}`, `request body property "[\"b\"][0].name": expected string, got array`},
		{func(p *Params) { var v struct{ N int8 }; Body(p, o, "application/json", &v) }, `{"N":300}`, `request body property "N": expected integer of 8 bits, got number 300`},
		{func(p *Params) { var v []int32; Body(p, o, "application/json", &v, MaxItems(1), EachItem(Minimum(0))) }, `[1,"2"]`, `request body item [1]: expected integer, got string`},
		{func(p *Params) { var v []int32; Body(p, o, "application/json", &v, MaxItems(2), EachItem(Minimum(0))) }, `[1,-2]`, `request body item [1]: must be at least 0`},
		{func(p *Params) { var v []int32; Body(p, o, "application/json", &v, MaxItems(1)) }, `[1,2]`, `request body: must have at most 1 item`},
		{func(p *Params) { var v *item; Body(p, o, "application/json", &v) }, `null`, ``},
		{func(p *Params) { var v json.RawMessage; Body(p, o, "application/json", &v) }, `null`, ``},
	} {
		p := NewParams(httptest.NewRequest("POST", "/", strings.NewReader(tc.body)))
		tc.decode(p)
		if got := errString(p.Err()); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.body, got, tc.want)
		}
	}
}

// FuzzJSONError checks that a value of the wrong type, anywhere in a
// body, is located: the path found names the properties encoding/json
// names, with the indexes and keys it leaves out.
func FuzzJSONError(f *testing.F) {
	f.Add(`{"id":1}`)
	f.Add(`[{"id":"1","lines":[{"sku":"a"},{"sku":2}]}]`)
	f.Add(`[{"id":"1","tags":{"a":{"name":"x"},"b":{"name":[]}}}]`)
	f.Add(`[{"parent":{"parent":{"lines":[{"qty":"x"}]}}}]`)
	f.Add(`{"id":"1"}`)
	brackets := regexp.MustCompile(`\[(\d+|"(\\.|[^"\\])*")\]`)
	f.Fuzz(func(t *testing.T, body string) {
		var v []order
		err := json.Unmarshal([]byte(body), &v)
		te, ok := err.(*json.UnmarshalTypeError)
		if !ok {
			return
		}
		got := jsonError([]byte(body), reflect.TypeFor[[]order](), err)
		if !strings.HasPrefix(strings.TrimPrefix(got.Error(), pathOf(got)+": "), "expected ") {
			t.Fatalf("%s: %v", body, got)
		}
		if path := strings.TrimPrefix(brackets.ReplaceAllString(pathOf(got), ""), "."); !strings.EqualFold(path, te.Field) {
			t.Fatalf("%s: %v at %q, encoding/json says %q", body, got, pathOf(got), te.Field)
		}
	})
}

// pathOf returns the path of a *PathError, "" for other errors.
func pathOf(err error) string {
	if pe, ok := err.(*PathError); ok {
		return pe.Path
	}
	return ""
}

// A generated Validate method builds its rules on every call: a value
// that satisfies them costs no allocation, the messages of failures being
// written only when one fails.
func TestCheckAllocs(t *testing.T) {
	qty, name := new(int32), new(string)
	*qty, *name = 5, "abc"
	allocs := testing.AllocsPerRun(100, func() {
		if Check(qty, Minimum(1), Maximum(100), ExclusiveMinimum(0), ExclusiveMaximum(101), MultipleOf(1)) != nil ||
			Check(name, MinLength(1), MaxLength(5)) != nil {
			t.Fatal("a valid value refused")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per check of a valid value, want none", allocs)
	}
}

// BenchmarkCheck measures the rules of a model's fields as its Validate
// method applies them.
func BenchmarkCheck(b *testing.B) {
	qty, name := new(int32), new(string)
	*qty, *name = 5, "abc"
	b.ReportAllocs()
	for b.Loop() {
		if Check(qty, Minimum(1), Maximum(100)) != nil || Check(name, MinLength(1), MaxLength(5)) != nil {
			b.Fatal("a valid value refused")
		}
	}
}
