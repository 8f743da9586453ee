package messy_test

import (
	"testing"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
)

// TestTypeScriptClient runs messy.test.ts, the generated TypeScript client
// sending forms, multipart and text bodies to this package's server.
func TestTypeScriptClient(t *testing.T) {
	ts, _ := newServer(t)
	goldentest.RunNode(t, []string{"messy.test.ts"}, "SSEGEN_URL="+ts.URL)
}
