package model

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ssegen/ssegen/generator/spec"
)

// FuzzBuild builds the model of arbitrary documents that load: it must
// never panic, and it must give the same model for the same document.
func FuzzBuild(f *testing.F) {
	for _, name := range []string{"../spec/testdata/petstore.yaml", "testdata/schemas.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "api.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		build := func() *API {
			doc, diags := spec.Load(path)
			if diags.HasErrors() {
				return nil
			}
			api, _ := Build(doc)
			return api
		}
		if a, b := build(), build(); !reflect.DeepEqual(a, b) {
			t.Fatal("two builds of the same document differ")
		}
	})
}
