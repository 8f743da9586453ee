package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// corpusFailures are the corpus documents ssegen must reject, each with
// text that its diagnostics must contain.
var corpusFailures = map[string]string{
	// Its "#/$defs/..." references name $defs the document root does not
	// have (they sit in an enclosing schema without an $id).
	"mistral-public-doc.yaml": `mistral-public-doc.yaml:740:27: $ref "#/$defs/SpeechStreamEventTypes" does not resolve: the document has no "$defs"; an enclosing schema's $defs (line 751) has it`,
	// Interrupt is declared under components/responses, not schemas.
	"langgraph.json": `langgraph.json:5112:29: $ref "#/components/schemas/Interrupt" does not resolve: #/components/schemas has no "Interrupt" (#/components/responses has one)`,
}

// TestCorpus runs ssegen generate over the real-world OpenAPI documents in
// ../shared/corpus, next to the checkout: each one it can load must
// generate code that compiles and passes go vet, the same bytes every
// time, the same Go API from its export when it has event streams, and a
// NewHandler that registers its routes without a panic; each one in
// corpusFailures must fail with its error, exit code 1, and nothing
// written. The ssegen binary is built without the race detector, which
// would make the largest documents take minutes.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("generates code for the corpus and vets it; skipped with -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	corpus := filepath.Join(root, "..", "shared", "corpus")
	docs := corpusDocuments(t, corpus)
	for name := range corpusFailures {
		if !slices.Contains(docs, filepath.Join(corpus, name)) {
			t.Errorf("%s is listed but not in %s", name, corpus)
		}
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed: %v", err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	goRun := func(dir string, env []string, args ...string) {
		t.Helper()
		cmd := exec.Command(goCmd, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	bin := filepath.Join(t.TempDir(), "ssegen")
	goRun(".", os.Environ(), "build", "-o", bin, ".")
	// One module holds a package per document, so that one go vet
	// compiles them all.
	mod := t.TempDir()
	writeFiles(t, mod, map[string]string{
		"go.mod": "module example.com/corpus\n\ngo 1.25.0\n\nrequire github.com/ssegen/ssegen v0.0.0-00010101000000-000000000000\n\nreplace github.com/ssegen/ssegen => " + root + "\n",
		"go.sum": string(sum),
	})

	t.Run("generate", func(t *testing.T) {
		for _, doc := range docs {
			name := filepath.Base(doc)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				pkg := packageName(name)
				if want, ok := corpusFailures[name]; ok {
					out := filepath.Join(t.TempDir(), pkg)
					code, stderr := runSSEGen(t, bin, mod, "generate", "--out", out, "--package", pkg, doc)
					if code != 1 || !strings.Contains(stderr, want) {
						t.Errorf("exit code %d, want 1; stderr:\n%s\nwant it to contain %s", code, stderr, want)
					}
					for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
						if !strings.HasPrefix(line, doc+":") {
							t.Errorf("diagnostic not located in the document: %s", line)
						}
					}
					if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("a failed generate created %s: %v", out, tree(t, out))
					}
					return
				}
				out := filepath.Join(mod, pkg)
				start := time.Now()
				code, stderr := runSSEGen(t, bin, mod, "generate", "--out", out, "--package", pkg, doc)
				if code != 0 {
					t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
				}
				t.Logf("generated in %v, %d warnings", time.Since(start).Round(10*time.Millisecond), strings.Count(stderr, ": warning: "))
				again := filepath.Join(t.TempDir(), pkg)
				if code, stderr := runSSEGen(t, bin, mod, "generate", "--out", again, "--package", pkg, doc); code != 0 {
					t.Fatalf("second run: exit code %d; stderr:\n%s", code, stderr)
				}
				first, second := tree(t, out), tree(t, again)
				if !slices.Equal(slices.Sorted(maps.Keys(first)), slices.Sorted(maps.Keys(second))) {
					t.Errorf("two runs wrote different files: %v and %v", slices.Sorted(maps.Keys(first)), slices.Sorted(maps.Keys(second)))
				}
				for file, content := range first {
					if second[file] != content {
						t.Errorf("%s differs between two runs", file)
					}
				}
				if data, err := os.ReadFile(doc); err != nil || bytes.Contains(data, []byte("text/event-stream")) {
					exportRoundTrip(t, bin, mod, doc, pkg, first)
				}
			})
		}
	})
	if t.Failed() {
		return
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	goRun(mod, env, "vet", "./...")
	// http.ServeMux checks the routes when NewHandler registers them: one
	// program builds the handler of every package. Compiling the packages
	// is most of its time; -trimpath keeps them in the build cache across
	// temporary modules while the generated code stays the same.
	start := time.Now()
	chat, err := os.ReadFile(filepath.Join("testdata", "openai_chat.go"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, mod, map[string]string{
		"new_handlers/main.go":        newHandlersProgram(docs),
		"new_handlers/openai_chat.go": string(chat),
	})
	goRun(mod, env, "run", "-trimpath", "./new_handlers")
	t.Logf("built and ran NewHandler of every package, and a chat completion of openai.yaml both ways, in %v", time.Since(start).Round(10*time.Millisecond))
}

// exportRoundTrip exports a document that has event streams and checks
// that the export generates the Go API the document does. Only the doc
// comments may differ: a 3.0 document raised to 3.2 shows the descriptions
// written next to its $refs, which 3.0 ignores.
func exportRoundTrip(t *testing.T, bin, mod, doc, pkg string, want map[string]string) {
	t.Helper()
	exported := filepath.Join(t.TempDir(), "openapi"+filepath.Ext(doc))
	if code, stderr := runSSEGen(t, bin, mod, "export", "--out", exported, doc); code != 0 {
		t.Fatalf("export: exit code %d; stderr:\n%s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), pkg)
	if code, stderr := runSSEGen(t, bin, mod, "generate", "--out", out, "--package", pkg, exported); code != 0 {
		t.Fatalf("generate from the export: exit code %d; stderr:\n%s", code, stderr)
	}
	got := tree(t, out)
	if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
		t.Fatalf("the export generates the files %v, the document %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	var differ []string
	for _, file := range slices.Sorted(maps.Keys(want)) {
		if withoutComments(t, file, got[file]) != withoutComments(t, file, want[file]) {
			differ = append(differ, file)
		}
	}
	if len(differ) > 0 {
		t.Errorf("the export generates a different Go API in %v", differ)
	}
}

// withoutComments returns Go source without its comments, and with every
// run of white space a single space: where the comments were, the printer
// leaves blank lines and aligns fields differently.
func withoutComments(t *testing.T, name, src string) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// newHandlersProgram is a program that calls NewHandler of the package
// generated for each document expected to generate, and fails naming
// every document whose NewHandler panics; it then runs checkOpenAIChat
// (testdata/openai_chat.go).
func newHandlersProgram(docs []string) string {
	var imports, calls strings.Builder
	for _, doc := range docs {
		name := filepath.Base(doc)
		if _, ok := corpusFailures[name]; ok {
			continue
		}
		pkg := packageName(name)
		fmt.Fprintf(&imports, "\t%q\n", "example.com/corpus/"+pkg)
		fmt.Fprintf(&calls, "\t\t{%q, func() { %s.NewHandler(%s.UnimplementedHandler{}) }},\n", name, pkg, pkg)
	}
	return `package main

import (
	"fmt"
	"os"

` + imports.String() + `)

func main() {
	failed := false
	for _, h := range []struct {
		doc        string
		newHandler func()
	}{
` + calls.String() + `	} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					fmt.Printf("%s: NewHandler panics: %v\n", h.doc, p)
					failed = true
				}
			}()
			h.newHandler()
		}()
	}
	if err := checkOpenAIChat(); err != nil {
		fmt.Println("openai.yaml: chat completion:", err)
		failed = true
	}
	if failed {
		os.Exit(1)
	}
}
`
}

// corpusDocuments lists the OpenAPI documents in dir, largest first so
// that the longest runs start first. It skips the test when dir is absent,
// unless SSEGEN_REQUIRE_CORPUS=1.
func corpusDocuments(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("SSEGEN_REQUIRE_CORPUS") == "1" {
			t.Fatalf("SSEGEN_REQUIRE_CORPUS=1 but the corpus of OpenAPI documents is missing: %v", err)
		}
		t.Skipf("no corpus of OpenAPI documents at %s (SSEGEN_REQUIRE_CORPUS=1 turns this skip into a failure)", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	var docs []string
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".yaml", ".yml", ".json":
			info, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, e.Name())
			docs = append(docs, path)
			sizes[path] = info.Size()
		}
	}
	if len(docs) == 0 {
		t.Fatalf("no OpenAPI documents in %s", dir)
	}
	slices.SortFunc(docs, func(a, b string) int { return cmp.Or(cmp.Compare(sizes[b], sizes[a]), cmp.Compare(a, b)) })
	return docs
}

// runSSEGen runs the ssegen binary bin in dir and returns its exit code
// and stderr.
func runSSEGen(t *testing.T, bin, dir string, args ...string) (code int, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), errOut.String()
}

// packageName makes a Go package name of a file name: "oai-3.2-mega.yaml"
// -> oai32megayaml.
func packageName(file string) string {
	name := strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLower(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, strings.ToLower(file))
	if name == "" || unicode.IsDigit(rune(name[0])) {
		name = "p" + name
	}
	return name
}
