package runtime

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Defaults of the history and queue bounds of a Hub.
const (
	DefaultHistory         = 1024
	DefaultSubscriberQueue = 256
)

// maxBatch bounds the events one call of Next returns, so that a
// subscriber replaying a long history writes it in pieces.
const maxBatch = 256

// HubOption sets a bound of a Hub (or of every Hub of a MemoryBus).
type HubOption func(*hubConfig)

type hubConfig struct {
	history int           // events kept; at least queue
	age     time.Duration // 0: no limit
	queue   int
}

// WithHistory keeps the last n events of each topic (at least 1) for
// subscribers to resume from. The default is DefaultHistory.
func WithHistory(n int) HubOption { return func(c *hubConfig) { c.history = max(n, 1) } }

// WithHistoryAge also drops events older than d from the history; 0, the
// default, keeps them until WithHistory's count drops them.
func WithHistoryAge(d time.Duration) HubOption { return func(c *hubConfig) { c.age = max(d, 0) } }

// WithSubscriberQueue sets how many live events a subscriber may have
// pending before it is cut off with ErrSlowSubscriber (at least 1). The
// default is DefaultSubscriberQueue; it is capped at the history count, so
// that a subscriber cut off can resume from history.
func WithSubscriberQueue(n int) HubOption { return func(c *hubConfig) { c.queue = max(n, 1) } }

func newHubConfig(opts []HubOption) hubConfig {
	c := hubConfig{history: DefaultHistory, queue: DefaultSubscriberQueue}
	for _, opt := range opts {
		opt(&c)
	}
	c.queue = min(c.queue, c.history)
	return c
}

// Hub is the local fan-out of one topic: it keeps the topic's recent
// events and delivers them to the subscribers in this process. MemoryBus
// is a Hub per topic; a distributed bus feeds a Hub with the events it
// receives once per topic from its store, so that the store sees one
// consumer per instance and topic, not one per client.
//
// Publishing costs the same for one subscriber as for ten thousand: the
// event joins the history and wakes the waiting subscribers, which each
// read it from there. No subscriber holds a queue of its own; its queue is
// the history past its position, bounded by WithSubscriberQueue.
type Hub struct {
	cfg hubConfig

	mu sync.RWMutex
	// events is the history, in Seq order. With an age limit, at[i] is
	// when events[i] joined; without one, nothing reads the clock.
	events []*FeedEvent
	at     []time.Time
	// base is the Seq after which the hub holds every event of its topic
	// it was given: events trimmed from the history raise it.
	base uint64
	last uint64        // Seq of the last event, or base
	wake chan struct{} // closed, and replaced, by each Publish
}

// NewHub returns a hub that holds the events of its topic with a Seq above
// base (those the caller will Publish).
func NewHub(base uint64, opts ...HubOption) *Hub {
	return &Hub{cfg: newHubConfig(opts), base: base, last: base, wake: make(chan struct{})}
}

// Publish adds e to the history, dropping what exceeds the bounds, and
// wakes the subscribers. Events must come in Seq order: Publish returns an
// error for an e.Seq not above the last one.
func (h *Hub) Publish(e *FeedEvent) error {
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if e.Seq <= h.last {
		return fmt.Errorf("runtime: hub event %d published after %d", e.Seq, h.last)
	}
	h.last = e.Seq
	h.events = append(h.events, e)
	if h.cfg.age > 0 {
		h.at = append(h.at, now)
	}
	h.trim(now)
	close(h.wake)
	h.wake = make(chan struct{})
	return nil
}

// now returns the time that ages the history: without an age limit, the
// zero time, which nothing reads.
func (h *Hub) now() time.Time {
	if h.cfg.age > 0 {
		return time.Now()
	}
	return time.Time{}
}

// trim drops the events beyond the bounds at now; h.mu is held.
func (h *Hub) trim(now time.Time) {
	n := max(len(h.events)-h.cfg.history, 0)
	if h.cfg.age > 0 {
		cutoff := now.Add(-h.cfg.age)
		for n < len(h.at) && h.at[n].Before(cutoff) {
			n++
		}
		h.at = h.at[n:]
	}
	if n == 0 {
		return
	}
	h.base = h.events[n-1].Seq
	clear(h.events[:n]) // the array outlives the slice until append moves it
	h.events = h.events[n:]
}

// Subscribe returns a subscription to the events after the one with Seq
// after, replayed from the history and then live, and from: the Seq after
// which it delivers them. from is above after when the history no longer
// holds all the events after after (the hub was told of none of them or
// trimmed them): a bus then reports a gap or replays the events up to from
// from its store.
func (h *Hub) Subscribe(after uint64) (sub *HubSubscription, from uint64) {
	now := h.now()
	h.mu.Lock()
	h.trim(now)
	from = max(after, h.base)
	s := &HubSubscription{hub: h, pos: from, joined: h.last, closed: make(chan struct{})}
	h.mu.Unlock()
	return s, from
}

// Last returns the Seq of the last event published, or the hub's base.
func (h *Hub) Last() uint64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.last
}

// HubSubscription is one subscriber of a Hub. It holds no goroutine and no
// queue: Next reads the hub's history past the subscriber's position.
type HubSubscription struct {
	hub    *Hub
	pos    uint64 // Seq of the last event delivered
	joined uint64 // the hub's last Seq at Subscribe: later events are live
	err    error  // set once cut off or closed
	closed chan struct{}
	once   sync.Once
}

// Next waits for the events after the last one delivered and appends them
// (at most 256 at once) to dst, as Subscription.Next does. A subscriber
// whose pending live events exceed the hub's queue bound, or whose next
// event left the history, is cut off with ErrSlowSubscriber.
func (s *HubSubscription) Next(ctx context.Context, dst []*FeedEvent) ([]*FeedEvent, error) {
	select {
	case <-s.closed:
		s.err = errSubscriptionClosed
	default:
	}
	if s.err != nil {
		return dst, s.err
	}
	h := s.hub
	for {
		h.mu.RLock()
		wake := h.wake
		events := h.events
		i := sort.Search(len(events), func(i int) bool { return events[i].Seq > s.pos })
		if i == 0 && s.pos < h.base {
			h.mu.RUnlock()
			s.err = fmt.Errorf("%w (its next event left the history)", ErrSlowSubscriber)
			return dst, s.err
		}
		if i < len(events) {
			live := len(events) - i
			if s.pos < s.joined { // replaying: only live events count
				live = len(events) - sort.Search(len(events), func(i int) bool { return events[i].Seq > s.joined })
			}
			if live > h.cfg.queue {
				h.mu.RUnlock()
				s.err = fmt.Errorf("%w (%d live events pending)", ErrSlowSubscriber, live)
				return dst, s.err
			}
			batch := events[i:min(len(events), i+maxBatch)]
			dst = append(dst, batch...)
			s.pos = batch[len(batch)-1].Seq
			h.mu.RUnlock()
			return dst, nil
		}
		h.mu.RUnlock()
		select {
		case <-wake:
		case <-s.closed:
			s.err = errSubscriptionClosed
			return dst, s.err
		case <-ctx.Done():
			return dst, context.Cause(ctx)
		}
	}
}

// Close ends the subscription: a Next waiting returns, and later calls
// fail. It is safe to call from any goroutine, and more than once.
func (s *HubSubscription) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}
