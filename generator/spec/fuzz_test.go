package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary documents to Load: it must never panic, and it
// must report the same diagnostics for the same input.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"testdata/petstore.yaml", "testdata/multifile/paths.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(withStream("events:\n  message: {schema: {type: string}, contentType: text/plain}\nerror: message\nend: '[DONE]'\nretry: 1s")))
	f.Add([]byte(withStream("events: {a: {schema: {$ref: '#/components/schemas/Pet'}}, \"\": 1}\nheartbeat: 1h2m3.5s")))
	f.Add([]byte(`{"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {"/a": {"$ref": "#/paths/~1a"}}}`))
	f.Add([]byte("openapi: 3.0.0\npaths:\n  /a: &a\n    get: *a\n"))
	// Broken references and repeated keys, which are patched out for
	// kin-openapi: quoted, in JSON, after multi-byte characters.
	f.Add([]byte(withStream("events: {é: {schema: {'$ref': '#/components/schemas/Gone'}}}\nheartbeat: 1s\n\"heartbeat\": 2s")))
	f.Add([]byte(`{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/nope"}}}, "get": {}}, "/{x}": {"get": {}}, "/{y}": {"get": {}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "api.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		render := func() []string {
			doc, diags := Load(path)
			if doc == nil && !diags.HasErrors() {
				t.Fatal("no document and no error")
			}
			var out []string
			for _, d := range diags {
				out = append(out, strings.ReplaceAll(d.String(), dir, ""))
			}
			return out
		}
		if first, second := render(), render(); !slices.Equal(first, second) {
			t.Fatalf("diagnostics differ between runs:\n%s\n---\n%s", strings.Join(first, "\n"), strings.Join(second, "\n"))
		}
	})
}
