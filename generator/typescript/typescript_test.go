package typescript_test

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssegen/ssegen/generator"
	"github.com/ssegen/ssegen/generator/golang"
	"github.com/ssegen/ssegen/generator/internal/nodetest"
)

var update = flag.Bool("update", false, "rewrite the TypeScript of generator/golden/*/ts")

// goldenSpecs returns the golden specs and the directories their committed
// TypeScript lives in.
func goldenSpecs(t *testing.T) map[string]string {
	t.Helper()
	specs, err := filepath.Glob("../golden/*/spec.yaml")
	if err != nil || len(specs) == 0 {
		t.Fatalf("no golden specs: %v", err)
	}
	dirs := map[string]string{}
	for _, s := range specs {
		dirs[s] = filepath.Join(filepath.Dir(s), "ts")
	}
	return dirs
}

// TestGolden regenerates the TypeScript client of every golden spec and
// compares it with the committed files, which TestTypeScript type-checks
// and the Node tests run against the golden Go servers.
func TestGolden(t *testing.T) {
	for spec, dir := range goldenSpecs(t) {
		t.Run(filepath.Base(filepath.Dir(spec)), func(t *testing.T) {
			files := generate(t, spec)
			again := generate(t, spec)
			for i := range files {
				if !bytes.Equal(files[i].Content, again[i].Content) {
					t.Errorf("%s: output differs between two runs on the same input", files[i].Name)
				}
			}
			if *update {
				if err := generator.Write(dir, files); err != nil {
					t.Fatal(err)
				}
				return
			}
			diff, err := generator.Check(dir, files)
			if err != nil {
				t.Fatal(err)
			}
			if len(diff) > 0 {
				t.Errorf("%s is stale: regenerate with go test ./generator/typescript -run TestGolden -update\n%s", dir, diff)
			}
		})
	}
}

func generate(t *testing.T, spec string) []golang.File {
	t.Helper()
	files, diags, err := generator.Generate(generator.Config{Spec: spec, Lang: generator.LangTypeScript})
	if err != nil || diags.HasErrors() {
		t.Fatalf("generate %s: %v\n%v", spec, err, diags)
	}
	return files
}

// TestTypeScript runs tsc --strict --noEmit over the TypeScript generated
// for every golden spec and every corpus document ssegen can load, and the
// petstore example's page module, all in one compilation.
func TestTypeScript(t *testing.T) {
	h, _ := nodetest.Harness(t, "testdata")
	out := t.TempDir()
	var dirs []string
	// The example page's module that uses its generated client, too.
	for _, dir := range append(slices.Collect(maps.Values(goldenSpecs(t))), "../../examples/petstore/web") {
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, abs)
	}
	corpus := filepath.Join("..", "..", "..", "shared", "corpus")
	entries, err := os.ReadDir(corpus)
	switch {
	case errors.Is(err, fs.ErrNotExist) && os.Getenv("SSEGEN_REQUIRE_CORPUS") == "1":
		t.Fatalf("SSEGEN_REQUIRE_CORPUS=1 but the corpus of OpenAPI documents is missing: %v", err)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		t.Fatal(err)
	}
	// The ssegen command, built without the race detector, which would make
	// the largest documents take minutes, writes the corpus clients.
	var ssegen string
	if len(entries) > 0 {
		ssegen = filepath.Join(t.TempDir(), "ssegen")
		if msg, err := exec.Command("go", "build", "-o", ssegen, "../../cmd/ssegen").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, msg)
		}
	}
	loaded := 0
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".yaml", ".yml", ".json":
		default:
			continue
		}
		dir := filepath.Join(out, strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())))
		if exec.Command(ssegen, "generate", "--lang", "typescript", "--out", dir, filepath.Join(corpus, e.Name())).Run() != nil {
			continue // the corpus test checks why a document does not load
		}
		dirs = append(dirs, dir)
		loaded++
	}
	t.Logf("type-checking %d golden and example and %d corpus clients", len(dirs)-loaded, loaded)
	var include []string
	for _, d := range dirs {
		include = append(include, `"`+filepath.ToSlash(d)+`/*.ts"`)
	}
	config := `{"extends": "` + filepath.ToSlash(filepath.Join(h, "tsconfig.base.json")) + `", "include": [` + strings.Join(include, ", ") + `]}`
	if err := os.WriteFile(filepath.Join(out, "tsconfig.json"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(h, "node_modules", ".bin", "tsc"), "--strict", "--noEmit", "-p", filepath.Join(out, "tsconfig.json"))
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, msg)
	}
}

// TestEnumHeaderShapes checks that a stream's enum response header is read
// as the JSON type of its values, also when the schema names no type.
func TestEnumHeaderShapes(t *testing.T) {
	client := generateClient(t, `openapi: 3.1.0
info: {title: H, version: "1"}
paths:
  /events:
    get:
      operationId: watch
      responses:
        "200":
          description: events
          headers:
            X-Level: {schema: {type: integer, enum: [1, 2]}}
            X-Ratio: {schema: {type: number, enum: [0.5, 1.5]}}
            X-Mode: {schema: {type: string, enum: [a, b]}}
            X-On: {schema: {type: boolean, enum: [true]}}
            X-Any: {schema: {enum: [1, 2]}}
          content:
            text/event-stream:
              schema: {type: string}
`)
	for header, shape := range map[string]string{"X-Level": "number", "X-Ratio": "number", "X-Mode": "string", "X-On": "boolean", "X-Any": "number"} {
		if want := `rt.responseHeader(h, "` + header + `", "` + shape + `")`; !strings.Contains(client, want) {
			t.Errorf("client.gen.ts does not read %s with %s", header, want)
		}
	}
}

// TestUntitled checks that the client of a document without a title is
// "the API's", its version alone naming nothing.
func TestUntitled(t *testing.T) {
	client := generateClient(t, `openapi: 3.1.0
info: {title: "", version: "1"}
paths: {}
`)
	for _, want := range []string{"// The typed client of the API: ", "/** Client calls the operations of the API over fetch"} {
		if !strings.Contains(client, want) {
			t.Errorf("client.gen.ts lacks %q:\n%s", want, client)
		}
	}
}

// generateClient returns the client.gen.ts generated from the OpenAPI
// document doc.
func generateClient(t *testing.T, doc string) string {
	t.Helper()
	spec := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(spec, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range generate(t, spec) {
		if f.Name == "client.gen.ts" {
			return string(f.Content)
		}
	}
	t.Fatal("no client.gen.ts generated")
	return ""
}
