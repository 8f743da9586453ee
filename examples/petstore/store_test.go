package main

import (
	"slices"
	"testing"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
)

// A watcher that stops reading is cut off once lag changes wait for it, and
// the others still get every change.
func TestStoreCutsOffSlowWatcher(t *testing.T) {
	s := newStore(10, 2)
	slow, _, _, _ := s.watch("")
	fast, _, _, _ := s.watch("")
	var got []uint64
	for range 3 {
		s.create(petstoreapi.NewPet{Name: "Rex"})
		got = append(got, (<-fast.changes).id)
	}
	if want := []uint64{1, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("the fast watcher got %v, want %v", got, want)
	}
	var ids []uint64
	for c := range slow.changes { // ends: the channel was closed
		ids = append(ids, c.id)
	}
	if !slices.Equal(ids, []uint64{1, 2}) {
		t.Errorf("the slow watcher got %v before it was cut off, want [1 2]", ids)
	}
	// It resumes from the history with nothing lost.
	_, missed, _, ok := s.watch("2")
	if !ok || len(missed) != 1 || missed[0].id != 3 {
		t.Errorf("resuming after 2: missed %v, ok %v; want change 3", missed, ok)
	}
	s.unwatch(fast)
	s.unwatch(slow) // already cut off: nothing to do
}
