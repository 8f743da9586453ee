// Package nodetest finds what the TypeScript tests run: Node, and the
// TypeScript compiler that npm ci installs in generator/typescript/testdata.
package nodetest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Harness returns the absolute path of harness, the folder of the npm
// packages, and the path of node. It skips t when Node or the packages are
// missing, and fails it instead when SSEGEN_REQUIRE_NODE=1, as in CI.
func Harness(t testing.TB, harness string) (dir, node string) {
	t.Helper()
	dir, err := filepath.Abs(harness)
	if err != nil {
		t.Fatal(err)
	}
	node, nodeErr := exec.LookPath("node")
	_, tscErr := os.Stat(filepath.Join(dir, "node_modules", ".bin", "tsc"))
	if err := errors.Join(nodeErr, tscErr); err != nil {
		if os.Getenv("SSEGEN_REQUIRE_NODE") == "1" {
			t.Fatalf("SSEGEN_REQUIRE_NODE=1 but Node or the harness's packages are missing (run npm ci in %s): %v", dir, err)
		}
		t.Skipf("needs node and npm ci in %s (SSEGEN_REQUIRE_NODE=1 turns this skip into a failure): %v", dir, err)
	}
	return dir, node
}
