package main

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ssegen/ssegen/generator"
)

// watchSpec is a small annotated API: one plain and one streaming
// operation.
const watchSpec = `openapi: 3.0.3
info: {title: Watch, version: "1.0"}
paths:
  /items:
    get:
      operationId: listItems
      responses:
        "200":
          description: The items.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Item'}
  /items/watch:
    get:
      operationId: watchItems
      x-event-stream:
        events:
          message:
            schema: {$ref: '#/components/schemas/Item'}
          deleted:
            schema: {$ref: '#/components/schemas/Deleted'}
        resume: true
      responses:
        "200": {description: Changes to the items.}
components:
  schemas:
    Item:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64}
        name: {type: string}
    Deleted:
      type: object
      required: [id]
      properties:
        id: {type: integer, format: int64}
`

// brokenSpec has two annotation errors that must both be reported.
const brokenSpec = `openapi: 3.0.3
info: {title: Broken, version: "1.0"}
paths:
  /events:
    get:
      operationId: watch
      x-event-stream:
        events:
          message:
            schema: {$ref: '#/components/schemas/Nope'}
        bogus: 1
      responses:
        "200": {description: ok}
`

// ssegen runs the command line in dir and returns its exit code, stdout
// and stderr.
func ssegen(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// tree returns every file under dir with its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // in stderr
	}{
		{nil, "Usage:"},
		{[]string{"bogus"}, `ssegen: unknown command "bogus" for "ssegen"`},
		{[]string{"generate", "--bogus", "api.yaml"}, "ssegen: unknown flag: --bogus"},
		{[]string{"generate"}, "ssegen: no spec: pass the OpenAPI document as an argument or set spec in ssegen.yaml"},
		{[]string{"check"}, "ssegen: no spec"},
		{[]string{"validate"}, "ssegen: no spec"},
		{[]string{"generate", "a.yaml", "b.yaml"}, "ssegen: accepts at most 1 arg(s), received 2"},
		{[]string{"generate", "--package", "my-pkg", "api.yaml"}, `ssegen: --package: invalid package name "my-pkg": want a Go identifier such as "mypkg"`},
		{[]string{"generate", "--package", "type", "api.yaml"}, `invalid package name "type"`},
		{[]string{"generate", "--no-client=maybe", "api.yaml"}, `invalid argument "maybe" for "--no-client"`},
		{[]string{"validate", "--out", "x", "api.yaml"}, "ssegen: unknown flag: --out"},
		{[]string{"version", "extra"}, `ssegen: unknown command "extra" for "ssegen version"`},
		{[]string{"generate", "--config", "missing.yaml", "api.yaml"}, "ssegen: config: open missing.yaml: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"api.yaml": watchSpec})
			code, stdout, stderr := ssegen(t, dir, tt.args...)
			if code != 2 {
				t.Errorf("exit code %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr:\n%s\nwant it to contain %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if got := tree(t, dir); len(got) != 1 {
				t.Errorf("files after a usage error: %v", got)
			}
		})
	}
}

func TestBadConfig(t *testing.T) {
	tests := []struct {
		config string
		want   string // stderr before the usage hint
	}{
		{"spec: api.yaml\noutput: x\n", `ssegen: ssegen.yaml:2:1: unknown key "output" (known keys: spec, out, package, client, strict, typescript)`},
		{"client: yes\n", `ssegen: ssegen.yaml:1:9: client: want true or false, got "yes"`},
		{"strict: 1\n", `ssegen: ssegen.yaml:1:9: strict: want true or false, got 1`},
		{"spec: [a, b]\n", `ssegen: ssegen.yaml:1:7: spec: want a non-empty string, got a list`},
		{"out: 5\n", `ssegen: ssegen.yaml:1:6: out: want a non-empty string, got 5`},
		{"package: my-pkg\n", `ssegen: ssegen.yaml:1:10: package: invalid package name "my-pkg": want a Go identifier such as "mypkg"`},
		{"out: ''\n", `ssegen: ssegen.yaml:1:6: out: want a non-empty string, got ""`},
		{"spec: a.yaml\nspec: b.yaml\n", `ssegen: ssegen.yaml:2:1: duplicate key "spec" (first at line 1)`},
		{"spec: a.yaml\nclient: yes\noutput: x\nspec: b.yaml\npackage: my-pkg\n", `ssegen: ssegen.yaml:2:9: client: want true or false, got "yes"
ssegen: ssegen.yaml:3:1: unknown key "output" (known keys: spec, out, package, client, strict, typescript)
ssegen: ssegen.yaml:4:1: duplicate key "spec" (first at line 1)
ssegen: ssegen.yaml:5:10: package: invalid package name "my-pkg": want a Go identifier such as "mypkg"`},
		{"- spec\n", `ssegen: ssegen.yaml:1:1: want a mapping of settings (spec, out, package, client, strict, typescript), got a list`},
		{"spec: 'api.yaml\n", `ssegen: ssegen.yaml:2: found unexpected end of stream`},
		{"spec: a.yaml\n---\nout: x\n", `ssegen: ssegen.yaml: want a single YAML document`},
	}
	for _, tt := range tests {
		t.Run(tt.config, func(t *testing.T) {
			for _, cmd := range [][]string{
				{"generate", "api.yaml"},
				{"check", "api.yaml"},
				{"validate", "api.yaml"},
				{"generate", "--config", "ssegen.yaml", "api.yaml"},
			} {
				dir := t.TempDir()
				writeFiles(t, dir, map[string]string{"api.yaml": watchSpec, "ssegen.yaml": tt.config})
				code, _, stderr := ssegen(t, dir, cmd...)
				if code != 2 {
					t.Errorf("%v: exit code %d, want 2; stderr:\n%s", cmd, code, stderr)
				}
				if want := tt.want + "\nRun 'ssegen help' for usage.\n"; stderr != want {
					t.Errorf("%v: stderr:\n%s\nwant:\n%s", cmd, stderr, want)
				}
				if got := tree(t, dir); len(got) != 2 {
					t.Errorf("%v: files after a config error: %v", cmd, got)
				}
			}
		})
	}
}

// TestResolve checks how the config file and the command line combine:
// flags win, paths in the file are relative to the file.
func TestResolve(t *testing.T) {
	tests := []struct {
		name   string
		config string // written to conf/ssegen.yaml when not empty
		args   []string
		want   generator.Config
		also   []generator.Config // outputs after want
	}{
		{
			name: "defaults",
			args: []string{"api.yaml"},
			want: generator.Config{Spec: "api.yaml", Out: ".", Client: true},
		},
		{
			name:   "config file",
			config: "spec: api.yaml\nout: gen\npackage: gen\nclient: false\nstrict: true\n",
			args:   []string{"--config", "conf/ssegen.yaml"},
			want:   generator.Config{Spec: "conf/api.yaml", Out: "conf/gen", Package: "gen", Client: false, Strict: true},
		},
		{
			name:   "flags override the config file",
			config: "spec: api.yaml\nout: gen\npackage: gen\nclient: false\nstrict: true\n",
			args:   []string{"--config", "conf/ssegen.yaml", "--out", "x", "--package", "x", "--no-client=false", "--strict=false", "other.yaml"},
			want:   generator.Config{Spec: "other.yaml", Out: "x", Package: "x", Client: true, Strict: false},
		},
		{
			name: "flags alone",
			args: []string{"--no-client", "--strict", "--out", "/abs/dir", "api.yaml"},
			want: generator.Config{Spec: "api.yaml", Out: "/abs/dir", Client: false, Strict: true},
		},
		{
			name:   "absolute paths in the config file",
			config: "spec: /specs/api.yaml\nout: /gen\n",
			args:   []string{"--config", "conf/ssegen.yaml"},
			want:   generator.Config{Spec: "/specs/api.yaml", Out: "/gen", Client: true},
		},
		{
			name:   "config file asking for TypeScript too",
			config: "spec: api.yaml\nout: gen\ntypescript: web/api\nstrict: true\n",
			args:   []string{"--config", "conf/ssegen.yaml"},
			want:   generator.Config{Spec: "conf/api.yaml", Out: "conf/gen", Client: true, Strict: true},
			also:   []generator.Config{{Spec: "conf/api.yaml", Out: "conf/web/api", Strict: true, Lang: generator.LangTypeScript}},
		},
		{
			name:   "--lang go leaves the config file's TypeScript out",
			config: "spec: api.yaml\ntypescript: web/api\n",
			args:   []string{"--config", "conf/ssegen.yaml", "--lang", "go"},
			want:   generator.Config{Spec: "conf/api.yaml", Out: ".", Client: true},
		},
		{
			name:   "--lang typescript writes to the config file's TypeScript directory",
			config: "spec: api.yaml\nout: gen\ntypescript: web/api\n",
			args:   []string{"--config", "conf/ssegen.yaml", "--lang", "typescript"},
			want:   generator.Config{Spec: "conf/api.yaml", Out: "conf/web/api", Lang: generator.LangTypeScript},
		},
		{
			name: "--lang typescript with --out",
			args: []string{"--lang", "typescript", "--out", "web", "api.yaml"},
			want: generator.Config{Spec: "api.yaml", Out: "web", Lang: generator.LangTypeScript},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				writeFiles(t, dir, map[string]string{"conf/ssegen.yaml": tt.config})
			}
			t.Chdir(dir)
			var o options
			cmd := &cobra.Command{}
			o.addConfigFlags(cmd)
			o.addOutputFlags(cmd)
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			got, err := o.resolve(cmd, cmd.Flags().Args())
			if err != nil {
				t.Fatal(err)
			}
			want := append([]generator.Config{tt.want}, tt.also...)
			if !slices.Equal(got, want) {
				t.Errorf("resolve = %+v, want %+v", got, want)
			}
		})
	}
}

// TestBrokenSpec checks that every problem is reported, located, with
// exit status 1, and that nothing is written or changed.
func TestBrokenSpec(t *testing.T) {
	diagLine := regexp.MustCompile(`^broken\.yaml:\d+:\d+: \S`)
	for _, cmd := range []string{"generate", "check", "validate"} {
		t.Run(cmd, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"broken.yaml":    brokenSpec,
				"api/api.go":     "package api\n",
				"api/old.gen.go": "// Code generated by ssegen. DO NOT EDIT.\n\npackage api\n",
			})
			before := tree(t, dir)
			args := []string{cmd, "broken.yaml"}
			if cmd != "validate" {
				args = append(args, "--out", "api")
			}
			code, stdout, stderr := ssegen(t, dir, args...)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(lines) < 2 {
				t.Errorf("stderr:\n%s\nwant both problems reported", stderr)
			}
			for _, l := range lines {
				if !diagLine.MatchString(l) {
					t.Errorf("stderr line %q is not file:line:col: message", l)
				}
			}
			for _, want := range []string{"Nope", "bogus"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr:\n%s\nwant a problem mentioning %q", stderr, want)
				}
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if after := tree(t, dir); !reflect.DeepEqual(after, before) {
				t.Errorf("files changed:\n%v\nwere\n%v", after, before)
			}
		})
	}
}

func TestMissingSpec(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"conf/ssegen.yaml": "spec: api.yaml\n"})
	code, _, stderr := ssegen(t, dir, "generate", "--config", "conf/ssegen.yaml")
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	// The spec path is relative to the config file.
	if !strings.HasPrefix(stderr, filepath.Join("conf", "api.yaml")+": ") {
		t.Errorf("stderr:\n%s\nwant a problem located at conf/api.yaml", stderr)
	}
}

// TestGenerateCheckValidate runs the commands the way CI does: generate,
// then check passes; any edit, removal or stray generated file makes check
// fail with a diff; generate again makes it pass.
func TestGenerateCheckValidate(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"api.yaml": watchSpec, "watch/doc.go": "// Package watch is hand-written.\npackage watch\n"})

	if code, stdout, stderr := ssegen(t, dir, "validate", "api.yaml"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("validate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if got := tree(t, dir); len(got) != 2 {
		t.Fatalf("validate wrote files: %v", got)
	}

	code, _, stderr := ssegen(t, dir, "check", "--out", "watch", "api.yaml")
	if code != 1 || !strings.Contains(stderr, "ssegen: watch is out of date; run ssegen generate") {
		t.Fatalf("check before generate: exit %d, stderr %q; want 1 and out of date", code, stderr)
	}

	if code, stdout, stderr := ssegen(t, dir, "generate", "--out", "watch", "api.yaml"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("generate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	generated := tree(t, filepath.Join(dir, "watch"))
	if len(generated) < 2 {
		t.Fatalf("generate wrote %v", generated)
	}
	var first string
	for name, content := range generated {
		if name == "doc.go" {
			if content != "// Package watch is hand-written.\npackage watch\n" {
				t.Errorf("generate changed doc.go: %q", content)
			}
			continue
		}
		if !strings.HasPrefix(content, "// Code generated by ssegen. DO NOT EDIT.\n") {
			t.Errorf("%s lacks the header", name)
		}
		if !strings.Contains(content, "\npackage watch\n") {
			t.Errorf("%s is not in package watch", name)
		}
		if first == "" || name < first {
			first = name
		}
	}

	if code, stdout, stderr := ssegen(t, dir, "check", "--out", "watch", "api.yaml"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("check after generate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// Edit a generated file and add a stray one.
	path := filepath.Join(dir, "watch", first)
	edited := strings.Replace(generated[first], "\npackage watch\n", "\npackage watch\n\n// edited by hand\n", 1)
	writeFiles(t, dir, map[string]string{
		"watch/" + first:     edited,
		"watch/stray.gen.go": "// Code generated by ssegen. DO NOT EDIT.\n\npackage watch\n",
	})
	code, stdout, stderr := ssegen(t, dir, "check", "--out", "watch", "api.yaml")
	if code != 1 {
		t.Errorf("check after an edit: exit %d, want 1", code)
	}
	for _, want := range []string{
		"--- watch/" + first + "\n+++ watch/" + first + "\n@@ ",
		"\n-// edited by hand\n",
		"--- watch/stray.gen.go\n+++ /dev/null\n@@ -1,3 +0,0 @@\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check diff:\n%s\nwant it to contain %q", stdout, want)
		}
	}
	if !strings.Contains(stderr, "watch is out of date") {
		t.Errorf("check stderr %q", stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != edited {
		t.Error("check changed a file")
	}

	if code, _, stderr := ssegen(t, dir, "generate", "--out", "watch", "api.yaml"); code != 0 {
		t.Fatalf("generate again: exit %d, stderr %q", code, stderr)
	}
	if got := tree(t, filepath.Join(dir, "watch")); !reflect.DeepEqual(got, generated) {
		t.Errorf("generate again did not restore the output: %v", got)
	}
	if code, _, _ := ssegen(t, dir, "check", "--out", "watch", "api.yaml"); code != 0 {
		t.Errorf("check after generate again: exit %d", code)
	}
}

// TestConfigFile generates from ssegen.yaml found in the current directory.
func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"spec/api.yaml": watchSpec,
		"ssegen.yaml":   "# ssegen settings\nspec: spec/api.yaml\nout: internal/gen\npackage: watchapi\n",
	})
	if code, _, stderr := ssegen(t, dir, "generate"); code != 0 {
		t.Fatalf("generate: exit %d, stderr %q", code, stderr)
	}
	got := tree(t, filepath.Join(dir, "internal", "gen"))
	if len(got) == 0 {
		t.Fatal("nothing generated into internal/gen")
	}
	for name, content := range got {
		if !strings.Contains(content, "\npackage watchapi\n") {
			t.Errorf("%s is not in package watchapi", name)
		}
	}
	if code, _, stderr := ssegen(t, dir, "check"); code != 0 {
		t.Errorf("check: exit %d, stderr %q", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, stderr := ssegen(t, t.TempDir(), "version")
	if code != 0 || stderr != "" || !regexp.MustCompile(`^ssegen \S+\n$`).MatchString(stdout) {
		t.Errorf("version: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "(devel)"},
		{"built in the repository", &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}}, "(devel)"},
		{"installed", &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.2.3"}}, "v1.2.3"},
		{"go tool in another module", &debug.BuildInfo{
			Main: debug.Module{Path: "example.com/app", Version: "v9.9.9"},
			Deps: []*debug.Module{{Path: "github.com/spf13/cobra", Version: "v1.10.2"}, {Path: modulePath, Version: "v0.4.0"}},
		}, "v0.4.0"},
		{"replaced by a directory", &debug.BuildInfo{
			Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{{Path: modulePath, Version: "v0.4.0", Replace: &debug.Module{Path: "../ssegen"}}},
		}, "(devel)"},
		{"replaced by a version", &debug.BuildInfo{
			Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{{Path: modulePath, Version: "v0.4.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v0.4.1"}}},
		}, "v0.4.1"},
	}
	for _, tt := range tests {
		if got := version(tt.info); got != tt.want {
			t.Errorf("%s: version = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestStrict checks that warnings are printed and pass, and that --strict
// or strict: true makes them fail without writing anything.
func TestStrict(t *testing.T) {
	const warnSpec = `openapi: 3.0.3
info: {title: W, version: "1.0"}
paths:
  /items:
    get:
      operationId: listItems
      responses:
        "200":
          description: The items.
          content:
            application/json:
              schema: {type: array, items: {type: string}}
        "5XX":
          description: Server trouble.
`
	tests := []struct {
		config string
		args   []string
		code   int
	}{
		{"", []string{"generate", "--out", "gen", "api.yaml"}, 0},
		{"", []string{"generate", "--strict", "--out", "gen", "api.yaml"}, 1},
		{"strict: true\n", []string{"generate", "--out", "gen", "api.yaml"}, 1},
		{"strict: true\n", []string{"generate", "--strict=false", "--out", "gen", "api.yaml"}, 0},
		{"", []string{"validate", "api.yaml"}, 0},
		{"", []string{"validate", "--strict", "api.yaml"}, 1},
		{"", []string{"check", "--strict", "--out", "gen", "api.yaml"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.config+strings.Join(tt.args, " "), func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"api.yaml": warnSpec}
			if tt.config != "" {
				files["ssegen.yaml"] = tt.config
			}
			writeFiles(t, dir, files)
			code, _, stderr := ssegen(t, dir, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			want := `api.yaml:13:9: warning: response "5XX" is skipped`
			if tt.code == 1 {
				want = `api.yaml:13:9: response "5XX" is skipped`
			}
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr:\n%s\nwant it to contain %q", stderr, want)
			}
			_, err := os.Stat(filepath.Join(dir, "gen"))
			if wrote := err == nil; wrote != (tt.code == 0 && tt.args[0] == "generate") {
				t.Errorf("output directory exists: %v", wrote)
			}
		})
	}
}

// TestTypeScriptOutput checks generate and check with a config file asking
// for both languages: Go and TypeScript go to their own directories, check
// reports a stale TypeScript file, --lang picks one output, and a Go
// generate into the TypeScript directory leaves the .ts files alone.
func TestTypeScriptOutput(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"api.yaml":    watchSpec,
		"ssegen.yaml": "spec: api.yaml\nout: watch\ntypescript: web/api\n",
	})
	if code, stdout, stderr := ssegen(t, dir, "generate"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("generate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	ts := tree(t, filepath.Join(dir, "web", "api"))
	if len(ts) != 2 || !strings.Contains(ts["client.gen.ts"], "export class Client {") || !strings.Contains(ts["runtime.gen.ts"], "export class EventParser {") {
		t.Fatalf("TypeScript output: %v", slices.Sorted(maps.Keys(ts)))
	}
	if _, ok := tree(t, filepath.Join(dir, "watch"))["server.gen.go"]; !ok {
		t.Fatal("no Go output next to the TypeScript")
	}
	if code, _, stderr := ssegen(t, dir, "check"); code != 0 {
		t.Fatalf("check after generate: exit %d, stderr %q", code, stderr)
	}

	writeFiles(t, dir, map[string]string{"web/api/client.gen.ts": ts["client.gen.ts"] + "// edited\n"})
	code, stdout, stderr := ssegen(t, dir, "check")
	if code != 1 || !strings.Contains(stdout, "\n-// edited\n") || !strings.Contains(stderr, "web/api is out of date") {
		t.Errorf("check after an edit: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := ssegen(t, dir, "check", "--lang", "go"); code != 0 {
		t.Errorf("check --lang go looked at the TypeScript: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := ssegen(t, dir, "generate", "--lang", "typescript"); code != 0 {
		t.Fatalf("generate --lang typescript: exit %d, stderr %q", code, stderr)
	}
	if got := tree(t, filepath.Join(dir, "web", "api")); got["client.gen.ts"] != ts["client.gen.ts"] {
		t.Error("generate --lang typescript did not restore client.gen.ts")
	}

	if code, _, stderr := ssegen(t, dir, "generate", "--lang", "go", "--out", "web/api", "--package", "api"); code != 0 {
		t.Fatalf("generate --lang go into the TypeScript directory: exit %d, stderr %q", code, stderr)
	}
	both := tree(t, filepath.Join(dir, "web", "api"))
	if both["client.gen.ts"] != ts["client.gen.ts"] || both["server.gen.go"] == "" {
		t.Errorf("Go and TypeScript output sharing a directory: %v", slices.Sorted(maps.Keys(both)))
	}
	if code, _, stderr := ssegen(t, dir, "generate", "--lang", "rust"); code != 2 || !strings.Contains(stderr, `unknown language "rust"`) {
		t.Errorf("--lang rust: exit %d, stderr %q", code, stderr)
	}
}
