package fidelity_test

import (
	"testing"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
)

// TestTypeScriptClient runs fidelity.test.ts: the generated TypeScript
// client reads what the Go server writes, unions, ends, response headers
// and JSON parameters, as the Go client's tests do.
func TestTypeScriptClient(t *testing.T) {
	srv, _ := start(t)
	goldentest.RunNode(t, []string{"fidelity.test.ts"}, "SSEGEN_URL="+srv.URL)
}
