package styles_test

import (
	"net/http/httptest"
	"testing"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/styles"
)

// TestTypeScriptClient runs styles.test.ts, the generated TypeScript
// client against this package's server.
func TestTypeScriptClient(t *testing.T) {
	ts := httptest.NewServer(styles.NewHandler(server{}))
	defer ts.Close()
	goldentest.RunNode(t, []string{"styles.test.ts"}, "SSEGEN_URL="+ts.URL)
}
