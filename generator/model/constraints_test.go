package model

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestConstraints checks the constraints the model carries: both forms of
// exclusive bounds, lengths, patterns rewritten for Go, formats the
// runtime checks, sizes of arrays, maps and objects; and that a pattern Go
// cannot run is a warning at its place, not an error.
func TestConstraints(t *testing.T) {
	for _, version := range []string{"3.0.3", "3.1.0"} {
		exclusive := "{type: integer, minimum: 1, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: true}"
		if version == "3.1.0" {
			exclusive = "{type: integer, minimum: 0, exclusiveMinimum: 1, exclusiveMaximum: 9}"
		}
		api, diags := buildText(t, `openapi: `+version+`
info: {title: T, version: '1'}
paths:
  /things:
    post:
      operationId: addThing
      parameters:
        - {name: n, in: query, schema: `+exclusive+`}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '204': {description: done}
components:
  schemas:
    Thing:
      type: object
      minProperties: 1
      properties:
        code: {type: string, pattern: '^\u00e9\d+$', minLength: 2, maxLength: 3}
        bad: {type: string, pattern: '(a)\1'}
        day: {type: string, format: date}
        made: {type: string, format: date-time, maxLength: 2}
        odd: {type: string, format: no-such-format}
        half: {type: number, multipleOf: 0.5}
        tags: {type: array, minItems: 1, maxItems: 2, uniqueItems: true, items: {type: string, minLength: 1}}
        labels: {type: object, maxProperties: 3, additionalProperties: {type: integer, maximum: 7}}
`)
		if want := []string{`api.yaml:22:29: warning: pattern "(a)\\1" is not checked: Go's regular expressions do not support it (invalid escape sequence: \1)`}; !reflect.DeepEqual(onlyOurs(diags), want) {
			t.Errorf("%s: diagnostics\n%s\nwant\n%s", version, strings.Join(diags, "\n"), strings.Join(want, "\n"))
		}
		one, nine := 1.0, 9.0
		if c := api.Operations[0].Params[0].Type.Elem.Constraints; !reflect.DeepEqual(c, &Constraints{Minimum: &one, ExclusiveMinimum: true, Maximum: &nine, ExclusiveMaximum: true}) {
			t.Errorf("%s: exclusive bounds %+v", version, c)
		}
		thing := typeNamed(t, api, "Thing")
		if c := thing.Constraints; c == nil || *c.MinProperties != 1 {
			t.Errorf("%s: Thing constraints %+v", version, c)
		}
		fields := map[string]*TypeRef{}
		for _, fd := range thing.Fields {
			fields[fd.JSONName] = fd.Type
		}
		code := fields["code"].Elem.Constraints
		if code.Pattern != `^\x{00e9}\d+$` || *code.MinLength != 2 || *code.MaxLength != 3 || !regexp.MustCompile(code.Pattern).MatchString("é12") {
			t.Errorf("%s: code %+v", version, code)
		}
		if fields["bad"].Elem.Constraints != nil || fields["made"].Elem.Constraints != nil || fields["odd"].Elem.Constraints != nil {
			t.Errorf("%s: constraints where none can be checked: %+v %+v %+v", version, fields["bad"].Elem.Constraints, fields["made"].Elem.Constraints, fields["odd"].Elem.Constraints)
		}
		if c := fields["day"].Elem.Constraints; c.Format != "date" {
			t.Errorf("%s: day %+v", version, c)
		}
		if c := fields["half"].Elem.Constraints; *c.MultipleOf != 0.5 {
			t.Errorf("%s: half %+v", version, c)
		}
		if tags := fields["tags"]; *tags.Constraints.MinItems != 1 || *tags.Constraints.MaxItems != 2 || !tags.Constraints.UniqueItems || *tags.Elem.Constraints.MinLength != 1 {
			t.Errorf("%s: tags %+v %+v", version, tags.Constraints, tags.Elem.Constraints)
		}
		if labels := fields["labels"]; *labels.Constraints.MaxProperties != 3 || *labels.Elem.Constraints.Maximum != 7 {
			t.Errorf("%s: labels %+v %+v", version, labels.Constraints, labels.Elem.Constraints)
		}
	}
}

// onlyOurs drops the loader's own findings about the document.
func onlyOurs(diags []string) []string {
	var out []string
	for _, d := range diags {
		if strings.Contains(d, "is not checked") {
			out = append(out, d)
		}
	}
	return out
}

// FuzzGoPattern checks that rewriting any pattern for Go never panics and
// changes only \u escapes.
func FuzzGoPattern(f *testing.F) {
	for _, p := range []string{`^\u00e9$`, `\u{1F600}`, `\\u0041`, `\u12`, `\u{}`, `a\`, `[\u0041-\u005A]+`, ""} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := goPattern(p)
		if !strings.Contains(p, `\u`) && got != p {
			t.Errorf("goPattern(%q) = %q, want it unchanged", p, got)
		}
		if strings.Count(got, `\u`) > strings.Count(p, `\u`) {
			t.Errorf("goPattern(%q) = %q adds \\u escapes", p, got)
		}
	})
}
