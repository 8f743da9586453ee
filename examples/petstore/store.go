package main

import (
	"cmp"
	"slices"
	"strconv"
	"sync"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
)

// store keeps the pets in memory and numbers every change to them: the
// numbers are the ids of the watch stream's events. It remembers the last
// historySize changes so that a watcher that reconnects with Last-Event-ID
// gets exactly the events it missed.
type store struct {
	historySize int
	// lag is how many changes may wait for a watcher before it is cut off;
	// it then reconnects and catches up from the history, so one slow
	// client never holds up the others.
	lag int

	mu       sync.Mutex
	pets     map[int64]petstoreapi.Pet
	lastPet  int64    // id of the last pet created
	last     uint64   // number of the last change
	history  []change // the last changes, oldest first
	watchers map[*watcher]struct{}
}

// change is one event of the watch stream. Payload is a petstoreapi.Pet
// (created or changed), a petstoreapi.PetDeleted, or a notice's text.
type change struct {
	id      uint64
	payload any
}

// watcher receives the changes made after it subscribed. Its channel is
// closed when it falls too far behind or unsubscribes.
type watcher struct {
	changes chan change
}

func newStore(historySize, lag int) *store {
	return &store{
		historySize: historySize,
		lag:         lag,
		pets:        make(map[int64]petstoreapi.Pet),
		watchers:    make(map[*watcher]struct{}),
	}
}

// publish records a change and hands it to every watcher; s.mu is held.
func (s *store) publish(payload any) {
	s.last++
	c := change{id: s.last, payload: payload}
	if len(s.history) == s.historySize {
		s.history = slices.Delete(s.history, 0, 1)
	}
	s.history = append(s.history, c)
	for w := range s.watchers {
		select {
		case w.changes <- c:
		default: // too far behind: cut it off, it resumes from the history
			s.drop(w)
		}
	}
}

func (s *store) drop(w *watcher) {
	delete(s.watchers, w)
	close(w.changes)
}

// watch subscribes to changes. lastEventID is the client's Last-Event-ID
// ("" for a new client). missed holds the changes after that id, to send
// before the live ones. When the history no longer reaches back to that id,
// or the id is not one this store gave out (the server restarted), ok is
// false and the client must reload the list; resetID is then the id to give
// that instruction so that the next reconnection resumes from here.
func (s *store) watch(lastEventID string) (w *watcher, missed []change, resetID string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w = &watcher{changes: make(chan change, s.lag)}
	s.watchers[w] = struct{}{}
	if lastEventID == "" {
		return w, nil, "", true
	}
	seen, err := strconv.ParseUint(lastEventID, 10, 64)
	oldest := s.last - uint64(len(s.history)) // the change before the first one remembered
	if err != nil || seen > s.last || seen < oldest {
		return w, nil, strconv.FormatUint(s.last, 10), false
	}
	return w, slices.Clone(s.history[len(s.history)-int(s.last-seen):]), "", true
}

// unwatch ends a subscription that was not cut off already.
func (s *store) unwatch(w *watcher) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.watchers[w]; ok {
		s.drop(w)
	}
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

func (s *store) create(np petstoreapi.NewPet) petstoreapi.Pet {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastPet++
	p := petstoreapi.Pet{ID: s.lastPet, Name: np.Name, Tag: np.Tag, Status: petstoreapi.PetStatusAvailable}
	s.pets[p.ID] = p
	s.publish(p)
	return p
}

// update applies fn to the pet with the id and publishes the result,
// unless fn reports that nothing changed.
func (s *store) update(id int64, fn func(*petstoreapi.Pet) (changed bool)) (petstoreapi.Pet, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pets[id]
	if !ok {
		return p, false
	}
	if fn(&p) {
		s.pets[id] = p
		s.publish(p)
	}
	return p, true
}

func (s *store) delete(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pets[id]; !ok {
		return false
	}
	delete(s.pets, id)
	s.publish(petstoreapi.PetDeleted{ID: id})
	return true
}

func (s *store) notice(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publish(text)
}
