// Package natsbus is a runtime.Bus on NATS JetStream, for feeds shared by
// several instances of a service: an event published on one reaches the
// subscribers of every instance, and a client resumes on any of them with
// the Last-Event-ID it got from another.
//
// All topics are stored in one stream (created or updated by New, with the
// retention its options set), topic T on subject PREFIX.T. Each instance
// follows a topic it serves with one JetStream consumer, however many
// clients follow it there, and fans the events out to them with a
// runtime.Hub, whose recent history also serves most resumptions. A client
// whose Last-Event-ID is older than that history is replayed from the
// stream by sequence before it joins the live events.
//
// An event's id is the stream's creation time (its epoch) and the event's
// sequence in the stream, so ids stay valid across a restart of nats-server
// with file storage, and an id from a stream that was deleted and created
// again, or whose store was wiped, resumes with a gap rather than with
// another event's sequence. A gap is also reported when the events after
// an id may have left the stream (its first sequence is past the id).
//
// When the connection to NATS is lost, or a topic's consumer fails, the
// instance's subscribers of the topic are cut off with an error: their
// clients reconnect with their Last-Event-ID and resume from the stream,
// neither missing nor repeating an event.
package natsbus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ssegen/ssegen/runtime"
)

// Headers of a stored event besides its data.
const (
	headerEvent       = "Ssegen-Event"
	headerContentType = "Content-Type"
)

// ErrClosed is returned by Publish and Subscribe after Close.
var ErrClosed = errors.New("natsbus: bus closed")

// Bus is a runtime.Bus storing events in a JetStream stream.
type Bus struct {
	js     jetstream.JetStream
	cfg    config
	stream jetstream.StreamConfig
	handle jetstream.Stream // to read messages of the stream by sequence
	epoch  atomic.Int64     // of the stream as last seen, for the ids Publish returns

	status chan nats.Status // the connection's losses
	done   chan struct{}    // closed by Close
	wg     sync.WaitGroup   // watchConnection and the removal of consumers

	mu     sync.Mutex
	topics map[string]*topic
	closed bool
}

var _ runtime.Bus = (*Bus)(nil)

// New returns a bus on js, creating its stream or updating the stream's
// retention to the options'. Close it before closing js's connection.
func New(ctx context.Context, js jetstream.JetStream, opts ...Option) (*Bus, error) {
	cfg := newConfig(opts)
	b := &Bus{
		js:  js,
		cfg: cfg,
		stream: jetstream.StreamConfig{
			Name:        cfg.stream,
			Description: "ssegen feeds",
			Subjects:    []string{cfg.prefix + ".>"},
			Retention:   jetstream.LimitsPolicy,
			Discard:     jetstream.DiscardOld,
			MaxMsgs:     limit(cfg.maxMsgs),
			MaxAge:      max(cfg.maxAge, 0), // 0: no limit
			MaxBytes:    limit(cfg.maxBytes),
			Replicas:    cfg.replicas,
			AllowDirect: true,
		},
		done:   make(chan struct{}),
		topics: make(map[string]*topic),
	}
	if cfg.memory {
		b.stream.Storage = jetstream.MemoryStorage
	}
	s, err := js.CreateOrUpdateStream(ctx, b.stream)
	if err != nil {
		return nil, fmt.Errorf("natsbus: stream %s: %w", cfg.stream, err)
	}
	b.handle = s
	b.epoch.Store(epochOf(s.CachedInfo().Created))
	b.status = js.Conn().StatusChanged(nats.DISCONNECTED, nats.RECONNECTING, nats.CLOSED)
	b.wg.Add(1)
	go b.watchConnection()
	return b, nil
}

// limit is n as a JetStream limit: -1 when n sets none.
func limit(n int64) int64 {
	if n <= 0 {
		return -1
	}
	return n
}

// Close stops following topics, cutting off their subscribers, and waits
// for the consumers to be removed. It does not close the connection.
func (b *Bus) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	for _, t := range b.stopAll(ErrClosed) {
		<-t.ready // a topic starting stops once started
	}
	b.js.Conn().RemoveStatusListener(b.status)
	close(b.done)
	b.wg.Wait()
	return nil
}

// watchConnection cuts off every subscriber when the connection is lost:
// events published meanwhile may be missed by the consumers, which resume
// from the stream instead, as their clients reconnect.
func (b *Bus) watchConnection() {
	defer b.wg.Done()
	for {
		select {
		case <-b.done:
			return
		case st := <-b.status:
			b.stopAll(fmt.Errorf("natsbus: connection to NATS %s", st))
		}
	}
}

// stopAll stops the topics followed and returns them.
func (b *Bus) stopAll(err error) []*topic {
	b.mu.Lock()
	topics := make([]*topic, 0, len(b.topics))
	for _, t := range b.topics {
		topics = append(topics, t)
	}
	b.mu.Unlock()
	for _, t := range topics {
		t.stop(err)
	}
	return topics
}

// Publish implements runtime.Bus: it stores m in the stream and returns its
// id once JetStream acknowledged it.
func (b *Bus) Publish(ctx context.Context, topic string, m runtime.Message) (string, error) {
	if _, err := runtime.NewFeedEvent(0, "", m); err != nil {
		return "", err
	}
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return "", ErrClosed
	}
	msg := &nats.Msg{Subject: subject(b.cfg.prefix, topic), Data: m.Data, Header: nats.Header{}}
	if m.Name != "" {
		msg.Header.Set(headerEvent, m.Name)
	}
	if m.ContentType != "" {
		msg.Header.Set(headerContentType, m.ContentType)
	}
	ack, err := b.js.PublishMsg(ctx, msg, jetstream.WithExpectStream(b.cfg.stream))
	if errors.Is(err, jetstream.ErrNoStreamResponse) {
		// The stream was deleted: make it again, in a new epoch.
		if _, err = b.streamInfo(ctx); err == nil {
			ack, err = b.js.PublishMsg(ctx, msg, jetstream.WithExpectStream(b.cfg.stream))
		}
	}
	if err != nil {
		return "", fmt.Errorf("natsbus: publishing on %s: %w", topic, err)
	}
	return eventID{epoch: b.epoch.Load(), seq: ack.Sequence}.String(), nil
}

// streamInfo returns the stream's current state, creating the stream if it
// is missing.
func (b *Bus) streamInfo(ctx context.Context) (*jetstream.StreamInfo, error) {
	s, err := b.js.Stream(ctx, b.cfg.stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		s, err = b.js.CreateOrUpdateStream(ctx, b.stream)
	}
	if err != nil {
		return nil, fmt.Errorf("natsbus: stream %s: %w", b.cfg.stream, err)
	}
	info := s.CachedInfo()
	b.epoch.Store(epochOf(info.Created))
	return info, nil
}

// Subscribe implements runtime.Bus. The first subscriber of a topic in this
// process starts its consumer; the last one to close stops it.
func (b *Bus) Subscribe(ctx context.Context, topic, lastEventID string) (runtime.Subscription, error) {
	// A topic stopping (its last subscriber left, or it failed) while we
	// join it is followed anew; more than a few times is a failure.
	for range 3 {
		t, err := b.follow(ctx, topic)
		if err != nil {
			return nil, err
		}
		s, err := t.subscribe(ctx, lastEventID)
		if !errors.Is(err, errTopicStopped) {
			return s, err
		}
	}
	return nil, fmt.Errorf("natsbus: topic %s keeps stopping", topic)
}

// follow returns the topic, started.
func (b *Bus) follow(ctx context.Context, name string) (*topic, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, ErrClosed
	}
	t := b.topics[name]
	if t == nil {
		t = &topic{bus: b, name: name, subject: subject(b.cfg.prefix, name), ready: make(chan struct{}), subs: make(map[*subscription]struct{})}
		b.topics[name] = t
		b.mu.Unlock()
		if t.startErr = t.start(ctx); t.startErr != nil {
			t.stop(t.startErr)
		}
		close(t.ready)
	} else {
		b.mu.Unlock()
	}
	select {
	case <-t.ready:
	case <-ctx.Done():
		t.leave(nil) // the topic may have no subscriber yet
		return nil, context.Cause(ctx)
	}
	if err := t.startErr; err != nil {
		return nil, err
	}
	return t, nil
}

// forget removes t from the topics followed, unless it was replaced.
func (b *Bus) forget(t *topic) {
	b.mu.Lock()
	if b.topics[t.name] == t {
		delete(b.topics, t.name)
	}
	b.mu.Unlock()
}

// removeConsumer deletes a consumer once its delivery stopped, rather
// than leaving it to JetStream's inactivity threshold.
func (b *Bus) removeConsumer(cc jetstream.ConsumeContext, name string) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		<-cc.Closed()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		b.js.DeleteConsumer(ctx, b.cfg.stream, name)
	}()
}
