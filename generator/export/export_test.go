package export_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ssegen/ssegen/generator"
	"github.com/ssegen/ssegen/generator/export"
	"github.com/ssegen/ssegen/generator/golang"
)

var update = flag.Bool("update", false, "rewrite testdata/*.out.* with the current output")

// roundTripSpecs are the annotated documents whose export must generate
// the same Go code as they do: every golden spec, the petstore and this
// package's own.
func roundTripSpecs(t *testing.T) []string {
	specs, err := filepath.Glob("../golden/*/spec.yaml")
	if err != nil || len(specs) == 0 {
		t.Fatalf("no golden specs: %v", err)
	}
	return append(specs, "../../examples/petstore/petstore.yaml", "testdata/stream.yaml")
}

// TestExport compares the export of testdata/stream.yaml, a 3.0 document
// with every key of x-event-stream, with the committed output in YAML and
// JSON. Regenerate with go test ./generator/export -run TestExport -update
// and read the diff.
func TestExport(t *testing.T) {
	for _, ext := range []string{".yaml", ".json"} {
		format, _ := export.FormatOf(ext)
		got, diags, err := generator.Export("testdata/stream.yaml", false, format)
		if err != nil || len(diags) > 0 {
			t.Fatalf("%v %v", err, diags)
		}
		again, _, _ := generator.Export("testdata/stream.yaml", false, format)
		if !bytes.Equal(got, again) {
			t.Errorf("%s: two exports differ", ext)
		}
		golden := "testdata/stream.out" + ext
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if want := mustRead(t, golden); !bytes.Equal(got, want) {
			t.Errorf("the export differs from %s (-update rewrites it):\n%s", golden, got)
		}
	}
}

// TestRoundTrip checks that generating from the exported document, in
// YAML and in JSON, gives the very Go code the annotated document gives:
// the same stream types, event types, send methods, resume, end sentinel
// and error event, read back from the OpenAPI 3.2 item schemas.
func TestRoundTrip(t *testing.T) {
	for _, path := range roundTripSpecs(t) {
		want := generate(t, path)
		for _, ext := range []string{".yaml", ".json"} {
			t.Run(filepath.Base(filepath.Dir(path))+ext, func(t *testing.T) {
				exported := exportTo(t, path, ext)
				got := generate(t, exported)
				if len(got) != len(want) {
					t.Fatalf("%d files from the export, %d from the original", len(got), len(want))
				}
				for i := range want {
					if got[i].Name != want[i].Name || !bytes.Equal(got[i].Content, want[i].Content) {
						t.Errorf("%s differs from the original's %s", got[i].Name, want[i].Name)
					}
				}
			})
		}
	}
}

// invalidExports are the golden specs whose exports are not valid 3.2:
// export raises only the streams to 3.2 and keeps the rest as written, so
// a document invalid on purpose (for a test of its own) stays invalid, and
// 3.0 keywords that 3.1 changed stay 3.0's (docs/cli.md says so).
var invalidExports = map[string]struct {
	why           string
	originalValid bool
}{
	"constraints": {"a pattern with a lookahead, which Go cannot run", false},
	"messy":       {"Swagger 2's in: formData, kept as written", false},
}

// TestValid loads every exported document with kin-openapi, as any other
// OpenAPI tool would, and validates it as OpenAPI 3.2.
func TestValid(t *testing.T) {
	for _, path := range roundTripSpecs(t) {
		name := filepath.Base(filepath.Dir(path))
		for _, ext := range []string{".yaml", ".json"} {
			t.Run(name+ext, func(t *testing.T) {
				exported := exportTo(t, path, ext)
				doc, err := openapi3.NewLoader().LoadFromFile(exported)
				if err != nil {
					t.Fatal(err)
				}
				if !doc.IsOpenAPI32OrLater() {
					t.Errorf("openapi is %q, want %s", doc.OpenAPI, export.Version)
				}
				err = doc.Validate(context.Background())
				if want, ok := invalidExports[name]; ok {
					original, lerr := openapi3.NewLoader().LoadFromFile(path)
					valid := lerr == nil && original.Validate(context.Background()) == nil
					if valid != want.originalValid {
						t.Errorf("the original's validity is %v, want %v (%s)", valid, want.originalValid, want.why)
					}
					if err == nil {
						t.Errorf("the export is valid, yet listed as invalid (%s)", want.why)
					}
				} else if err != nil {
					t.Errorf("not valid OpenAPI 3.2: %v", err)
				}
				if strings.Contains(string(mustRead(t, exported)), "x-event-stream:\n        events:") {
					t.Error("an operation still carries its annotation")
				}
			})
		}
	}
}

func generate(t *testing.T, path string) []golang.File {
	t.Helper()
	files, diags, err := generator.Generate(generator.Config{Spec: path, Package: "api", Client: true})
	if err != nil || diags.HasErrors() {
		t.Fatalf("generate %s: %v %v", path, err, diags)
	}
	return files
}

// exportTo exports the spec at path into a file of extension ext in a
// temporary directory and returns its path.
func exportTo(t *testing.T, path, ext string) string {
	t.Helper()
	format, err := export.FormatOf(ext)
	if err != nil {
		t.Fatal(err)
	}
	out, diags, err := generator.Export(path, false, format)
	if err != nil || diags.HasErrors() {
		t.Fatalf("export %s: %v %v", path, err, diags)
	}
	exported := filepath.Join(t.TempDir(), "openapi"+ext)
	if err := os.WriteFile(exported, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return exported
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestItemSchemaValidates checks the strict form with a JSON Schema
// validator: each parsed event of the exported stream matches exactly one
// oneOf branch, the end sentinel included, and an undeclared event or one
// without data matches none.
func TestItemSchemaValidates(t *testing.T) {
	out, diags, err := generator.Export("testdata/stream.yaml", false, export.JSON)
	if err != nil || diags.HasErrors() {
		t.Fatalf("%v %v", err, diags)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	item, err := c.Compile("openapi.json#/paths/~1jobs~1{id}~1events/get/responses/200/content/text~1event-stream/itemSchema")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		event string
		valid bool
	}{
		{`{"data": "{\"done\": 1}"}`, true},
		{`{"event": "message", "data": "{\"done\": 1}", "id": "7"}`, true},
		{`{"event": "log", "data": "a line", "retry": 1000}`, true},
		{`{"event": "failed", "data": "{\"title\": \"no\"}"}`, true},
		{`{"data": "[DONE]"}`, true},
		{`{"event": "nope", "data": "x"}`, false},
		{`{"event": "log"}`, false},
		{`{"event": "log", "data": "a line", "retry": -1}`, false},
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(tc.event))
		if err != nil {
			t.Fatal(err)
		}
		if err := item.Validate(v); (err == nil) != tc.valid {
			t.Errorf("%s: valid %v, want %v: %v", tc.event, err == nil, tc.valid, err)
		}
	}
}

// TestRaise30 exports a 3.0 document that uses the keywords 3.1 redefined:
// they come out meaning in 3.2 what they meant in 3.0, and data that
// merely looks like them is left alone.
func TestRaise30(t *testing.T) {
	wantInExport(t, `openapi: 3.0.3
info: {title: Raise, version: "1"}
paths: {}
components:
  schemas:
    Score:
      type: object
      properties:
        above: {type: number, minimum: 0, exclusiveMinimum: true}
        upTo: {type: number, maximum: 10, exclusiveMaximum: false}
        note: {type: string, nullable: true}
        plain: {type: string, nullable: false}
        ref: {$ref: '#/components/schemas/Tag', nullable: true}
        loose: {allOf: [{$ref: '#/components/schemas/Tag'}], nullable: true}
        nullable: {type: boolean, example: {nullable: true}}
        deep:
          type: array
          items: {type: integer, maximum: 3, exclusiveMaximum: true, nullable: true}
      x-sample: {type: string, nullable: true}
    Tag: {type: string}
`,
		"openapi: 3.2.0",
		"above: {type: number, exclusiveMinimum: 0}",
		"upTo: {type: number, maximum: 10}",
		"note: {type: [string, 'null']}",
		"plain: {type: string}",
		"ref: {$ref: '#/components/schemas/Tag'}",
		"loose: {allOf: [{$ref: '#/components/schemas/Tag'}], nullable: true}",
		"nullable: {type: boolean, example: {nullable: true}}",
		"items: {type: [integer, 'null'], exclusiveMaximum: 3}",
		"x-sample: {type: string, nullable: true}",
	)
}

// TestRaise30Names exports a 3.0 document whose schemas sit under names
// that are also keywords raise30 leaves alone as data: a default response,
// a header and a component named like an extension or a literal keyword.
// A name is never a keyword: each schema comes out in its 3.2 form, while
// an extension of the responses stays as written.
func TestRaise30Names(t *testing.T) {
	wantInExport(t, `openapi: 3.0.3
info: {title: Raise, version: "1"}
paths:
  /a:
    get:
      responses:
        default:
          description: An error.
          headers:
            x-rate-limit:
              schema: {type: integer, nullable: true}
          content:
            application/json:
              schema: {type: string, nullable: true}
        x-sample: {type: string, nullable: true}
components:
  schemas:
    enum: {type: number, maximum: 3, exclusiveMaximum: true}
    example: {type: boolean, nullable: true}
`,
		"schema: {type: [integer, 'null']}",
		"schema: {type: [string, 'null']}",
		"x-sample: {type: string, nullable: true}",
		"enum: {type: number, exclusiveMaximum: 3}",
		"example: {type: [boolean, 'null']}",
	)
}

// wantInExport exports src, a YAML document, as YAML and checks that the
// export holds each of want.
func wantInExport(t *testing.T, src string, want ...string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := string(mustRead(t, exportTo(t, path, ".yaml")))
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("the export lacks %q:\n%s", w, out)
		}
	}
}
