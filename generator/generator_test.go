package generator

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ssegen/ssegen/generator/golang"
	"github.com/ssegen/ssegen/generator/spec"
)

// petstoreSpec is the example's annotated petstore, petstore-sized by
// definition.
var petstoreSpec = filepath.Join("..", "examples", "petstore", "petstore.yaml")

func TestDefaultPackage(t *testing.T) {
	root := t.TempDir()
	dirs := map[string]string{
		"pet-store":     "petstore",
		"PetStore_v2":   "petstorev2",
		"2fa":           "api2fa",
		"type":          "apitype",
		"---":           "api",
		"héllo":         "héllo",
		"api":           "api",
		"has-package":   "custom",
		"only-tests":    "other", // the package its external tests import
		"ignored-files": "ignoredfiles",
	}
	for dir := range dirs {
		if err := os.Mkdir(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, root, map[string]string{
		"has-package/server.go":     "package custom\n",
		"only-tests/x_test.go":      "package other_test\n",
		"ignored-files/tools.go":    "//go:build ignore\n\npackage main\n",
		"api/handwritten_nopkg.txt": "package nope\n",
	})
	for dir, want := range dirs {
		got, err := DefaultPackage(filepath.Join(root, dir))
		if err != nil || got != want {
			t.Errorf("DefaultPackage(%q) = %q, %v; want %q", dir, got, err, want)
		}
		if CheckPackageName(got) != nil {
			t.Errorf("DefaultPackage(%q) = %q is not a valid package name", dir, got)
		}
	}
	// A directory that does not exist yet is named the same way.
	if got, err := DefaultPackage(filepath.Join(root, "new-dir")); err != nil || got != "newdir" {
		t.Errorf("DefaultPackage(new-dir) = %q, %v", got, err)
	}
}

func TestCheckPackageName(t *testing.T) {
	for _, name := range []string{"api", "petstore", "v2", "_x", "héllo"} {
		if err := CheckPackageName(name); err != nil {
			t.Errorf("CheckPackageName(%q) = %v", name, err)
		}
	}
	for _, name := range []string{"", "_", "my-pkg", "2fa", "func", "a.b", "a b"} {
		if err := CheckPackageName(name); err == nil {
			t.Errorf("CheckPackageName(%q) accepted", name)
		}
	}
}

func TestGenerateConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{Spec: petstoreSpec, Package: "my-pkg"},
	} {
		files, diags, err := Generate(cfg)
		if err == nil || files != nil || diags != nil {
			t.Errorf("Generate(%+v) = %v, %v, %v; want only an error", cfg, files, diags, err)
		}
	}
}

func TestGenerateBrokenSpec(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"api.yaml": `openapi: 3.0.3
info: {title: Broken, version: "1"}
paths:
  /events:
    get:
      x-event-stream:
        events: {}
      responses:
        "200": {description: ok}
`})
	path := filepath.Join(dir, "api.yaml")
	files, diags, err := Generate(Config{Spec: path, Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	if files != nil || !diags.HasErrors() {
		t.Fatalf("Generate = %d files, %v; want errors and no files", len(files), diags)
	}
	for _, d := range diags {
		if d.Pos.File != path || d.Pos.Line == 0 {
			t.Errorf("diagnostic %q is not located in %s", d, path)
		}
	}
}

func TestStrictly(t *testing.T) {
	diags := spec.Diagnostics{
		{Pos: spec.Position{File: "a.yaml", Line: 1}, Severity: spec.Warning, Message: "w"},
		{Pos: spec.Position{File: "a.yaml", Line: 2}, Severity: spec.Error, Message: "e"},
	}
	if got := strictly(false, diags); !reflect.DeepEqual(got, diags) {
		t.Errorf("strictly(false) changed the diagnostics: %v", got)
	}
	got := strictly(true, diags)
	if got[0].Severity != spec.Error || got[1].Severity != spec.Error || got[0].Message != "w" {
		t.Errorf("strictly(true) = %#v", got)
	}
	if diags[0].Severity != spec.Warning {
		t.Error("strictly modified its argument")
	}
}

// TestGenerateRoundTrip checks that output is deterministic, carries the
// header, and that Write followed by Check finds nothing to change.
func TestGenerateRoundTrip(t *testing.T) {
	out := filepath.Join(t.TempDir(), "petstoreapi")
	cfg := Config{Spec: petstoreSpec, Out: out, Client: true}
	files, diags, err := Generate(cfg)
	if err != nil || diags.HasErrors() {
		t.Fatalf("Generate: %v %v", err, diags)
	}
	again, _, _ := Generate(cfg)
	if !reflect.DeepEqual(files, again) {
		t.Error("two runs of Generate gave different files")
	}
	for _, f := range files {
		if !ownedBySsegen(f.Name, f.Content) {
			t.Errorf("%s lacks the header", f.Name)
		}
		if !bytes.Contains(f.Content, []byte("\npackage petstoreapi\n")) {
			t.Errorf("%s is not in the package named after the output directory", f.Name)
		}
	}
	if err := Write(out, files); err != nil {
		t.Fatal(err)
	}
	if diff, err := Check(out, files); err != nil || diff != nil {
		t.Errorf("Check after Write = %s, %v", diff, err)
	}
	// Without the client there is less code.
	noClient, _, err := Generate(Config{Spec: petstoreSpec, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if size(noClient) >= size(files) {
		t.Errorf("Client: false gives %d bytes, Client: true %d", size(noClient), size(files))
	}
}

func size(files []golang.File) int {
	n := 0
	for _, f := range files {
		n += len(f.Content)
	}
	return n
}

// BenchmarkGenerate measures the whole pipeline, spec to formatted Go, on
// the petstore and on the largest spec of the golden tests.
func BenchmarkGenerate(b *testing.B) {
	specs := []struct{ name, path string }{
		{"petstore", petstoreSpec},
		{"largest-golden", largestGoldenSpec()},
	}
	for _, s := range specs {
		b.Run(s.name, func(b *testing.B) {
			info, err := os.Stat(s.path)
			if err != nil {
				b.Skip(err)
			}
			b.Logf("%s: %d bytes", s.path, info.Size())
			b.SetBytes(info.Size())
			cfg := Config{Spec: s.path, Package: "api", Client: true}
			for b.Loop() {
				if _, diags, err := Generate(cfg); err != nil || diags.HasErrors() {
					b.Fatal(err, diags)
				}
			}
		})
	}
}

// largestGoldenSpec returns the largest OpenAPI document under golden/, or
// the expanded petstore of the shared corpus when there is none.
func largestGoldenSpec() string {
	best, bestSize := filepath.Join("..", "..", "shared", "corpus", "oai-petstore-expanded.yaml"), int64(-1)
	filepath.WalkDir("golden", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		ext := filepath.Ext(path)
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(src), "openapi") {
			return nil
		}
		if int64(len(src)) > bestSize {
			best, bestSize = path, int64(len(src))
		}
		return nil
	})
	return best
}

// TestGenerateEach checks that the outputs generated from one load of a
// spec are those Generate makes of each, and that outputs of different
// specs are refused.
func TestGenerateEach(t *testing.T) {
	cfgs := []Config{
		{Spec: petstoreSpec, Package: "petstoreapi", Client: true},
		{Spec: petstoreSpec, Lang: LangTypeScript},
	}
	each, diags, err := GenerateEach(cfgs)
	if err != nil || diags.HasErrors() || len(each) != len(cfgs) {
		t.Fatalf("GenerateEach: %d outputs, %v, %v", len(each), diags, err)
	}
	for i, cfg := range cfgs {
		alone, _, err := Generate(cfg)
		if err != nil || !reflect.DeepEqual(each[i], alone) {
			t.Errorf("output %d (%s) differs from Generate's: %v", i, cfg.Lang, err)
		}
	}
	other := []Config{cfgs[0], {Spec: largestGoldenSpec(), Lang: LangTypeScript}}
	if files, diags, err := GenerateEach(other); err == nil || files != nil || diags != nil {
		t.Errorf("GenerateEach of two specs = %v, %v, %v; want only an error", files, diags, err)
	}
}
