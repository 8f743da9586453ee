package export_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssegen/ssegen/generator"
	"github.com/ssegen/ssegen/generator/export"
)

// writeSpec writes files into a temporary directory and returns it.
func writeSpec(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const annotatedOp = `
      x-event-stream:
        events:
          tick: {schema: {type: string}, contentType: text/plain}
`

// TestDiagnostics checks the streams export cannot rewrite in place: each
// is an error at the place to change, and nothing is written.
func TestDiagnostics(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "annotation in another file",
			files: map[string]string{
				"api.yaml":   "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /ticks:\n    $ref: 'ticks.yaml'\n",
				"ticks.yaml": "get:\n  responses:\n    '200': {description: ok}" + strings.ReplaceAll(annotatedOp, "\n      ", "\n  "),
			},
			want: []string{"api.yaml:5:11: export: GET /ticks: its x-event-stream is in ticks.yaml, which export does not rewrite; move the path item into api.yaml"},
		},
		{
			name: "shared response",
			files: map[string]string{
				"api.yaml": "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /ticks:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Ticks'}" + annotatedOp +
					"components:\n  responses:\n    Ticks: {description: ok}\n",
			},
			want: []string{"api.yaml:7:23: export: GET /ticks: the 200 response of the stream is a $ref, which export would have to change for every operation that shares it; write the response in the operation"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeSpec(t, tc.files)
			out, diags, err := generator.Export(filepath.Join(dir, "api.yaml"), false, export.YAML)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range diags {
				got = append(got, strings.ReplaceAll(d.String(), dir+string(filepath.Separator), ""))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if out != nil {
				t.Errorf("output despite the error:\n%s", out)
			}
		})
	}
}

// TestFormats checks the encodings: a JSON document exported as YAML is
// written in block style (a 3.2 document keeps its version), and YAML
// written as JSON resolves its scalars and aliases as a YAML reader does.
func TestFormats(t *testing.T) {
	dir := writeSpec(t, map[string]string{
		"api.json": `{"openapi": "3.2.1", "info": {"title": "T", "version": "1.0"}, "paths": {}}`,
		"api.yaml": `openapi: 3.1.0
info:
  title: &title "T <&>"
  version: "1"
  x-version: 1.0
  x-numbers: [0x1F, 1e3, 7, -2.5, true, null, 2024-01-02, "012"]
x-same: *title
paths: {}
`,
	})
	for _, tc := range []struct {
		spec   string
		format export.Format
		want   string
	}{
		{"api.json", export.YAML, "openapi: 3.2.1\ninfo:\n  title: T\n  version: '1.0'\npaths: {}\n"},
		{"api.yaml", export.JSON, `{
  "openapi": "3.2.0",
  "info": {
    "title": "T <&>",
    "version": "1",
    "x-version": 1.0,
    "x-numbers": [
      31,
      1e3,
      7,
      -2.5,
      true,
      null,
      "2024-01-02",
      "012"
    ]
  },
  "x-same": "T <&>",
  "paths": {}
}
`},
	} {
		got, diags, err := generator.Export(filepath.Join(dir, tc.spec), false, tc.format)
		if err != nil || diags.HasErrors() {
			t.Fatalf("%s: %v %v", tc.spec, err, diags)
		}
		if string(got) != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.spec, got, tc.want)
		}
	}
}
