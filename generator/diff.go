package generator

import (
	"bytes"

	udiff "github.com/aymanbagabas/go-udiff"
)

// unifiedDiff returns the unified diff that turns old into new, with the
// given file labels, or nil when they are equal. go-udiff is the differ of
// gopls: its edit scripts are shortest ones, so hunks are as small as
// diff -u makes them, with three lines of context.
func unifiedDiff(oldLabel, newLabel string, old, new []byte) []byte {
	if bytes.Equal(old, new) {
		return nil
	}
	return []byte(udiff.Unified(oldLabel, newLabel, string(old), string(new)))
}
