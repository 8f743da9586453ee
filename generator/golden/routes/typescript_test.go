package routes_test

import (
	"testing"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
)

// TestTypeScriptClient runs routes.test.ts, the generated TypeScript client
// against this package's server.
func TestTypeScriptClient(t *testing.T) {
	goldentest.RunNode(t, []string{"routes.test.ts"}, "SSEGEN_URL="+newServer(t).URL)
}
