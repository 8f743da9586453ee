package goldentest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ssegen/ssegen/generator/internal/nodetest"
)

// RunNode compiles the TypeScript clients of the golden packages with the
// named tests of generator/typescript/testdata (such as "params.test.ts")
// and runs those with node --test, env added to their environment. The
// test fails with node's report when one of them does, and is skipped when
// Node or the harness's npm packages are missing, unless
// SSEGEN_REQUIRE_NODE=1. It must run in a golden package's directory.
func RunNode(t *testing.T, tests []string, env ...string) {
	t.Helper()
	harness, node := nodetest.Harness(t, "../../typescript/testdata")

	out := t.TempDir()
	generator := filepath.Dir(filepath.Dir(harness))
	var include, compiled []string
	for _, name := range tests {
		include = append(include, filepath.Join(harness, name))
		compiled = append(compiled, filepath.Join(out, "typescript", "testdata", name[:len(name)-len(".ts")]+".js"))
	}
	include = append(include, filepath.Join(generator, "golden", "*", "ts", "*.ts"))
	list, err := json.Marshal(include)
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`{"extends": %q, "compilerOptions": {"noEmit": false, "rootDir": %q, "outDir": %q, "types": ["node"], "typeRoots": [%q]}, "include": %s}`,
		filepath.Join(harness, "tsconfig.base.json"), generator, out, filepath.Join(harness, "node_modules", "@types"), list)
	for name, content := range map[string]string{"tsconfig.json": config, "package.json": `{"type": "module"}`} {
		if err := os.WriteFile(filepath.Join(out, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if msg, err := exec.Command(filepath.Join(harness, "node_modules", ".bin", "tsc"), "-p", filepath.Join(out, "tsconfig.json")).CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, msg)
	}
	// Each test has a timeout: a hang fails it, with the others' results.
	cmd := exec.Command(node, append([]string{"--test", "--test-reporter=spec", "--test-timeout=60000"}, compiled...)...)
	cmd.Env = append(os.Environ(), env...)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, msg)
	}
	t.Logf("node --test:\n%s", msg)
}
