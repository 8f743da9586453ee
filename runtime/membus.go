package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
)

// MemoryBus is the in-process Bus: a Hub per topic, and ids made of an
// epoch drawn at random when the bus is made and a counter. A client
// resuming with an id from before a restart (another epoch) gets a gap, as
// the events it missed are gone. Instances do not share events: for more
// than one process, use a distributed bus.
//
// Each topic keeps its Hub, and so its bounded history, for the life of
// the bus.
type MemoryBus struct {
	epoch string // "<epoch>-", the prefix of every id
	opts  []HubOption

	mu   sync.Mutex
	seq  uint64 // Seq of the last event published, on any topic
	hubs map[string]*Hub
}

var _ Bus = (*MemoryBus)(nil)

// NewMemoryBus returns an empty bus whose topics have the bounds opts set
// (see Hub).
func NewMemoryBus(opts ...HubOption) *MemoryBus {
	var epoch [6]byte
	rand.Read(epoch[:])
	return &MemoryBus{epoch: hex.EncodeToString(epoch[:]) + "-", opts: opts, hubs: make(map[string]*Hub)}
}

// Publish implements Bus; ctx is not used, as publishing never waits.
func (b *MemoryBus) Publish(_ context.Context, topic string, m Message) (string, error) {
	e := Event{Type: m.Name, Data: m.Data}
	multiline, err := checkEvent(&e)
	if err != nil {
		return "", err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	e.ID = b.id(b.seq) // an id holds no line break: no need to check again
	b.hub(topic).Publish(newFeedEvent(b.seq, &e, m.ContentType, multiline))
	return e.ID, nil
}

// Subscribe implements Bus; ctx is not used, as subscribing never waits.
func (b *MemoryBus) Subscribe(_ context.Context, topic, lastEventID string) (Subscription, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	after, ok := b.seq, true
	if lastEventID != "" {
		after, ok = b.parse(lastEventID)
	}
	if !ok {
		after = b.seq
	}
	h := b.hub(topic)
	hs, from := h.Subscribe(after)
	if from != after { // trimmed: live events only
		hs.Close()
		hs, from = h.Subscribe(b.seq)
		ok = false
	}
	return &memorySubscription{HubSubscription: hs, resumeID: b.id(from), gap: !ok}, nil
}

// hub returns the hub of topic, making it; b.mu is held.
func (b *MemoryBus) hub(topic string) *Hub {
	h := b.hubs[topic]
	if h == nil {
		h = NewHub(b.seq, b.opts...)
		b.hubs[topic] = h
	}
	return h
}

func (b *MemoryBus) id(seq uint64) string { return b.epoch + strconv.FormatUint(seq, 10) }

// parse returns the Seq of an id of this bus's epoch, if not one to come;
// b.mu is held.
func (b *MemoryBus) parse(id string) (uint64, bool) {
	digits, ok := strings.CutPrefix(id, b.epoch)
	if !ok {
		return 0, false
	}
	seq, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || seq > b.seq || strconv.FormatUint(seq, 10) != digits {
		return 0, false
	}
	return seq, true
}

// memorySubscription is a Hub subscription with the outcome of resuming.
type memorySubscription struct {
	*HubSubscription
	resumeID string
	gap      bool
}

func (s *memorySubscription) Gap() (string, bool) { return s.resumeID, s.gap }
