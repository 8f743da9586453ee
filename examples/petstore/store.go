package main

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
)

// store keeps the pets in memory and publishes every change to them on the
// watch feed, whose bus numbers the changes and keeps the history that
// watchers resume from.
//
// A change is published while the store is locked, so that the feed's order
// is the order in which the pets changed.
type store struct {
	feed *petstoreapi.WatchPetsFeed

	mu      sync.Mutex
	pets    map[int64]petstoreapi.Pet
	lastPet int64 // id of the last pet created
}

func newStore(feed *petstoreapi.WatchPetsFeed) *store {
	return &store{feed: feed, pets: make(map[int64]petstoreapi.Pet)}
}

// list returns the pets with the tag (any tag when "") in the order they
// were created, at most limit of them (all when limit <= 0).
func (s *store) list(tag string, limit int) []petstoreapi.Pet {
	s.mu.Lock()
	defer s.mu.Unlock()
	pets := make([]petstoreapi.Pet, 0, len(s.pets))
	for _, p := range s.pets {
		if tag == "" || (p.Tag != nil && *p.Tag == tag) {
			pets = append(pets, p)
		}
	}
	slices.SortFunc(pets, func(a, b petstoreapi.Pet) int { return cmp.Compare(a.ID, b.ID) })
	if limit > 0 && len(pets) > limit {
		pets = pets[:limit]
	}
	return pets
}

func (s *store) get(id int64) (petstoreapi.Pet, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pets[id]
	return p, ok
}

// create stores a new pet. The error is the feed's: the pet is stored, but
// watchers were not told.
func (s *store) create(ctx context.Context, np petstoreapi.NewPet) (petstoreapi.Pet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastPet++
	p := petstoreapi.Pet{ID: s.lastPet, Name: np.Name, Tag: np.Tag, Status: petstoreapi.PetStatusAvailable}
	s.pets[p.ID] = p
	_, err := s.feed.PublishMessage(ctx, p)
	return p, err
}

// update applies fn to the pet with the id and publishes the result,
// unless fn reports that nothing changed. ok is false when there is no such
// pet.
func (s *store) update(ctx context.Context, id int64, fn func(*petstoreapi.Pet) (changed bool)) (pet petstoreapi.Pet, ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pets[id]
	if !ok {
		return p, false, nil
	}
	if fn(&p) {
		s.pets[id] = p
		_, err = s.feed.PublishMessage(ctx, p)
	}
	return p, true, err
}

func (s *store) delete(ctx context.Context, id int64) (ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pets[id]; !ok {
		return false, nil
	}
	delete(s.pets, id)
	_, err = s.feed.PublishDeleted(ctx, petstoreapi.PetDeleted{ID: id})
	return true, err
}

func (s *store) notice(ctx context.Context, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.feed.PublishNotice(ctx, text)
	return err
}
