package main

import "testing"

// TestFresh checks that the committed web/petstore.js is what bundling
// web/page.ts and the generated client gives now.
func TestFresh(t *testing.T) {
	if err := run("../..", true); err != nil {
		t.Fatal(err)
	}
}
