package export_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssegen/ssegen/generator/export"
	"github.com/ssegen/ssegen/generator/spec"
)

// FuzzExport exports arbitrary documents that load: it must never panic,
// and it must write the same bytes twice.
func FuzzExport(f *testing.F) {
	for _, name := range []string{"testdata/stream.yaml", "../../examples/petstore/petstore.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a: &a\n    get:\n      responses: {'200': null}\n      x-event-stream: {events: {m: {schema: {type: string}}}, resume: true}\n  /b: *a\n"))
	f.Add([]byte(`{"openapi": "3.0.0", "info": {"title": "T", "version": "1"}, "paths": {"/a": {"post": {"x-event-stream": {"events": {"x": {"schema": {}}}, "end": ""}, "responses": {"201": {"description": "d", "content": {"text/event-stream; charset=utf-8": {"schema": {"type": "string"}}}}}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "api.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		doc, diags := spec.Load(path)
		if doc == nil || diags.HasErrors() {
			return
		}
		for _, f := range []export.Format{export.YAML, export.JSON} {
			first, diags := export.Document(doc, f)
			second, _ := export.Document(doc, f)
			if !bytes.Equal(first, second) {
				t.Fatalf("two exports differ:\n%s\n---\n%s", first, second)
			}
			if first == nil && !diags.HasErrors() {
				t.Fatal("no output and no error")
			}
		}
	})
}
