package models_test

import (
	"testing"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
)

// TestTypeScriptClient runs models.test.ts, the generated TypeScript client
// against this package's echoing server.
func TestTypeScriptClient(t *testing.T) {
	goldentest.RunNode(t, []string{"models.test.ts"}, "SSEGEN_URL="+start(t))
}
