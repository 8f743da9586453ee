package bench

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	genRun    = flag.Bool("gen.run", false, "run BenchmarkGenerate, which builds ssegen and oapi-codegen and times them on large documents (a minute or more per round; generate.sh runs the rounds)")
	genCorpus = flag.String("gen.corpus", filepath.Join("..", "..", "shared", "corpus"), "directory of BenchmarkGenerate's OpenAPI documents")
)

// genDocs are BenchmarkGenerate's documents: the largest real APIs of the
// corpus, one in OpenAPI 3.0 and one in 3.1.
var genDocs = []genDoc{
	{name: "stripe", file: "stripe-spec3-2023-09.yaml"},
	{name: "openai", file: "openai.yaml", overlay: filepath.Join("testdata", "openai-overlay.yaml")},
}

type genDoc struct {
	name string
	file string // in -gen.corpus
	// overlay is the path of an OpenAPI Overlay that removes what
	// oapi-codegen cannot get through; the oapi-codegen-overlay contender
	// runs with it.
	overlay string
}

// generator is one contender of BenchmarkGenerate: a tool and how it is
// told to generate Go for a document.
type generator struct {
	name string
	// command returns the arguments that generate package api from the
	// document spec into the empty directory out; work is the current
	// directory of the run, where the command may keep a config file.
	command func(tools genTools, doc genDoc, spec, work, out string) ([]string, error)
	// peer marks another project's tool: its failure on a document is a
	// result to report, not a failure of the benchmark.
	peer bool
}

// generators lists the contenders in the order each run takes them.
var generators = []generator{
	{
		name: "ssegen",
		command: func(tools genTools, _ genDoc, spec, _, out string) ([]string, error) {
			return []string{tools.ssegen, "generate", "--out", out, "--package", "api", spec}, nil
		},
	},
	{
		// The closest to what the oapi-codegen rows generate.
		name: "ssegen-no-client",
		command: func(tools genTools, _ genDoc, spec, _, out string) ([]string, error) {
			return []string{tools.ssegen, "generate", "--no-client", "--out", out, "--package", "api", spec}, nil
		},
	},
	{
		name: "oapi-codegen",
		command: func(tools genTools, _ genDoc, spec, work, out string) ([]string, error) {
			return oapiCodegenCommand(tools, spec, work, out, "")
		},
		peer: true,
	},
	{
		// Only for documents with an overlay; the same run as oapi-codegen
		// otherwise.
		name: "oapi-codegen-overlay",
		command: func(tools genTools, doc genDoc, spec, work, out string) ([]string, error) {
			if doc.overlay == "" {
				return nil, nil
			}
			overlay, err := filepath.Abs(doc.overlay)
			if err != nil {
				return nil, err
			}
			return oapiCodegenCommand(tools, spec, work, out, overlay)
		},
		peer: true,
	},
}

// oapiCodegenCommand writes the config of oapi-codegen's closest equivalent
// of ssegen's output, models and a strict net/http server, and returns the
// command that applies it; a non-empty overlay is applied to the document
// first.
func oapiCodegenCommand(tools genTools, spec, work, out, overlay string) ([]string, error) {
	// Quoted strings are JSON, which is YAML too.
	config := fmt.Sprintf("package: api\ngenerate:\n  models: true\n  std-http-server: true\n  strict-server: true\noutput: %q\n",
		filepath.Join(out, "api.gen.go"))
	if overlay != "" {
		config += fmt.Sprintf("output-options:\n  overlay:\n    path: %q\n", overlay)
	}
	name := filepath.Join(work, "oapi-codegen.yaml")
	if err := os.WriteFile(name, []byte(config), 0o644); err != nil {
		return nil, err
	}
	return []string{tools.oapiCodegen, "-config", name, spec}, nil
}

// genTools are the paths of the contenders' binaries.
type genTools struct{ ssegen, oapiCodegen string }

// buildGenTools builds ssegen from this checkout with the main module's
// dependencies, and oapi-codegen as released: at the version of go.mod's
// tool directive, with its own go.mod. Built with this module's
// dependencies instead, it would get ssegen's newer kin-openapi, which
// changes its output.
func buildGenTools(tb testing.TB) genTools {
	tb.Helper()
	dir := tb.TempDir()
	tools := genTools{ssegen: filepath.Join(dir, "ssegen"), oapiCodegen: filepath.Join(dir, "oapi-codegen")}
	goCommand(tb, "..", "build", "-o", tools.ssegen, "./cmd/ssegen")
	var oapi struct{ Dir, Version string }
	if err := json.Unmarshal(goCommand(tb, ".", "mod", "download", "-json", "github.com/oapi-codegen/oapi-codegen/v2"), &oapi); err != nil {
		tb.Fatal(err)
	}
	// Built outside its repository, oapi-codegen learns its version (which
	// it writes into its output) from this variable.
	goCommand(tb, oapi.Dir, "build", "-ldflags", "-X main.noVCSVersionOverride="+oapi.Version, "-o", tools.oapiCodegen, "./cmd/oapi-codegen")
	return tools
}

// goCommand runs the go command with args in dir and returns its output.
func goCommand(tb testing.TB, dir string, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// BenchmarkGenerate runs each generator as a child process on each of
// genDocs, into an empty directory. One op is one run; ns/op is its wall
// time, cpu-ns/op its user plus system CPU time, max-rss-bytes its peak
// resident memory, and out-bytes and out-lines the size of the Go files it
// wrote, which are checked to parse. A peer that fails on a document is
// skipped, and logged with the end of its error output (shown with -v).
//
// It needs -gen.run, as it takes minutes. Its leaves run one after the
// other, so the tools alternate within a run (with -count N each leaf would
// repeat N times in a row instead); generate.sh runs several rounds, one
// process each, and summarises them.
func BenchmarkGenerate(b *testing.B) {
	if !*genRun {
		b.Skip("needs -gen.run")
	}
	tools := buildGenTools(b)
	for _, doc := range genDocs {
		spec, err := filepath.Abs(filepath.Join(*genCorpus, doc.file))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := os.Stat(spec); err != nil {
			b.Skipf("no corpus (-gen.corpus): %v", err)
		}
		b.Run(doc.name, func(b *testing.B) {
			for _, g := range generators {
				work, out := genWorkDir(b)
				args, err := g.command(tools, doc, spec, work, out)
				if err != nil {
					b.Fatal(err)
				}
				if args == nil {
					continue
				}
				b.Run(g.name, func(b *testing.B) {
					benchGenerate(b, g, args, work, out)
				})
			}
		})
	}
}

func benchGenerate(b *testing.B, g generator, args []string, work, out string) {
	var (
		cpu    time.Duration
		maxRSS int64
		rssOK  bool
		size   outputSize
	)
	for range b.N {
		b.StopTimer()
		if err := emptyDir(out); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		ps, err := runGenerator(args, work)
		b.StopTimer()
		if err != nil {
			if g.peer {
				b.Logf("%s fails: %v", g.name, err)
				b.SkipNow()
			}
			b.Fatalf("%s: %v", g.name, err)
		}
		cpu += ps.UserTime() + ps.SystemTime()
		var rss int64
		if rss, rssOK = peakRSS(ps); rss > maxRSS {
			maxRSS = rss
		}
		if size, err = goOutput(out); err != nil {
			b.Fatalf("%s: %v", g.name, err)
		}
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	if rssOK {
		b.ReportMetric(float64(maxRSS), "max-rss-bytes")
	}
	b.ReportMetric(float64(size.bytes), "out-bytes")
	b.ReportMetric(float64(size.lines), "out-lines")
}

// genWorkDir returns a directory to run a generator in, with a go.mod as in
// a real project (oapi-codegen reads it to check the Go version its server
// needs), and the path of the output directory in it.
func genWorkDir(tb testing.TB) (work, out string) {
	work = tb.TempDir()
	if err := os.WriteFile(filepath.Join(work, "go.mod"), []byte("module example.com/api\n\ngo 1.25.0\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	return work, filepath.Join(work, "out")
}

// emptyDir makes dir an empty directory. Every run writes into one:
// ssegen leaves files that are already up to date alone.
func emptyDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Mkdir(dir, 0o755)
}

// runGenerator runs the command args in dir and returns its exit state, or
// an error with the end of its error output.
func runGenerator(args []string, dir string) (*os.ProcessState, error) {
	var stderr bytes.Buffer
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v:\n%s", err, lastLines(stderr.String(), 5))
	}
	return cmd.ProcessState, nil
}

type outputSize struct{ files, bytes, lines int }

// goOutput measures the Go files in dir and checks that each parses and
// belongs to package api.
func goOutput(dir string) (outputSize, error) {
	var size outputSize
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return size, err
	}
	if len(names) == 0 {
		return size, fmt.Errorf("no Go files written in %s", dir)
	}
	fset := token.NewFileSet()
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			return size, err
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return size, err
		}
		if f.Name.Name != "api" {
			return size, fmt.Errorf("%s: package %s, want api", name, f.Name.Name)
		}
		size.files++
		size.bytes += len(src)
		size.lines += bytes.Count(src, []byte("\n"))
	}
	return size, nil
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestGenerators runs every generator on the petstore example and checks
// that each writes Go of package api, so that BenchmarkGenerate's commands
// do the work it claims to time.
func TestGenerators(t *testing.T) {
	tools := buildGenTools(t)
	spec, err := filepath.Abs(filepath.Join("..", "examples", "petstore", "petstore.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// oapi-codegen applies overlays strictly: an action whose target is
	// not in the document fails the run.
	overlay := filepath.Join(t.TempDir(), "overlay.yaml")
	if err := os.WriteFile(overlay, []byte("overlay: 1.0.0\ninfo: {title: test, version: 1.0.0}\nactions:\n  - target: $.info.description\n    remove: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := genDoc{name: "petstore", overlay: overlay}
	for _, g := range generators {
		t.Run(g.name, func(t *testing.T) {
			work, out := genWorkDir(t)
			args, err := g.command(tools, doc, spec, work, out)
			if err != nil {
				t.Fatal(err)
			}
			if err := emptyDir(out); err != nil {
				t.Fatal(err)
			}
			if _, err := runGenerator(args, work); err != nil {
				t.Fatal(err)
			}
			size, err := goOutput(out)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d files, %d bytes, %d lines", size.files, size.bytes, size.lines)
		})
	}
}
