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

// errTopicStopped is what joining a topic that has just stopped returns:
// Subscribe then follows it anew.
var errTopicStopped = errors.New("natsbus: topic stopped")

// replayBatch bounds the events one Next replays from the stream.
const replayBatch = 64

// startTimeout bounds the JetStream requests that start following a topic.
const startTimeout = 10 * time.Second

// topic is a topic followed by this process: one consumer of its subject
// feeding a Hub, and the subscribers reading it.
type topic struct {
	bus     *Bus
	name    string
	subject string

	// ready is closed once start returned; startErr is why it failed.
	ready    chan struct{}
	startErr error

	// Set by start, before ready is closed.
	epoch int64
	hub   *runtime.Hub
	// delivered is the consumer's sequence of the last message received,
	// used by receive only (JetStream calls it from one goroutine).
	delivered uint64

	mu       sync.Mutex
	cc       jetstream.ConsumeContext // nil until started
	consumer string
	subs     map[*subscription]struct{}
	stopErr  error // set once stopped
}

// start reads the stream's epoch and last sequence, and consumes the
// topic's events after that sequence into a new Hub.
//
// The topic is shared: its start does not end with the context of the
// subscriber that happened to start it, or a consumer could be made on
// the server without the topic knowing it.
func (t *topic) start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), startTimeout)
	defer cancel()
	b := t.bus
	info, err := b.streamInfo(ctx)
	if err != nil {
		return err
	}
	t.epoch = epochOf(info.Created)
	t.hub = runtime.NewHub(info.State.LastSeq, b.cfg.hub...)
	c, err := b.js.CreateConsumer(ctx, b.cfg.stream, jetstream.ConsumerConfig{
		Description:       "ssegen feed " + t.name,
		DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:       info.State.LastSeq + 1,
		FilterSubject:     t.subject,
		AckPolicy:         jetstream.AckNonePolicy,
		MemoryStorage:     true,
		Replicas:          1,
		InactiveThreshold: time.Minute,
	})
	if err != nil {
		return fmt.Errorf("natsbus: consumer of %s: %w", t.name, err)
	}
	cc, err := c.Consume(t.receive, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		t.stop(fmt.Errorf("natsbus: consumer of %s: %w", t.name, err))
	}))
	if err != nil {
		return fmt.Errorf("natsbus: consumer of %s: %w", t.name, err)
	}
	t.mu.Lock()
	t.cc, t.consumer = cc, c.CachedInfo().Name
	stopped := t.stopErr != nil
	t.mu.Unlock()
	if stopped { // stopped while starting: stop was not told of cc
		cc.Stop()
		b.removeConsumer(cc, t.consumer)
	}
	return nil
}

// receive hands a message of the consumer to the hub. A message missing
// in the consumer's sequence (dropped by a slow connection) stops the
// topic: its subscribers resume from the stream.
func (t *topic) receive(msg jetstream.Msg) {
	meta, err := msg.Metadata()
	if err == nil && meta.Sequence.Consumer != t.delivered+1 {
		err = fmt.Errorf("natsbus: consumer of %s: message %d after %d", t.name, meta.Sequence.Consumer, t.delivered)
	}
	if err == nil {
		t.delivered = meta.Sequence.Consumer
		var e *runtime.FeedEvent
		if e, err = t.event(meta.Sequence.Stream, msg.Headers(), msg.Data()); err == nil {
			err = t.hub.Publish(e)
		}
	}
	if err != nil {
		t.stop(err)
	}
}

// event makes the feed event of the stream's message seq.
func (t *topic) event(seq uint64, h nats.Header, data []byte) (*runtime.FeedEvent, error) {
	return runtime.NewFeedEvent(seq, eventID{epoch: t.epoch, seq: seq}.String(), runtime.Message{
		Name:        h.Get(headerEvent),
		ContentType: h.Get(headerContentType),
		Data:        data,
	})
}

// stop stops following the topic, cutting off its subscribers with err
// (nil when the last one left). Later calls do nothing.
func (t *topic) stop(err error) {
	if err == nil {
		err = errTopicStopped
	}
	t.mu.Lock()
	if t.stopErr != nil {
		t.mu.Unlock()
		return
	}
	t.stopErr = err
	subs := t.subs
	t.subs = nil
	cc, consumer := t.cc, t.consumer
	t.mu.Unlock()
	t.bus.forget(t)
	for s := range subs {
		s.hs.Close()
	}
	if cc != nil {
		cc.Stop()
		t.bus.removeConsumer(cc, consumer)
	}
}

// subscribe starts a subscription after lastEventID (see runtime.Bus).
func (t *topic) subscribe(ctx context.Context, lastEventID string) (*subscription, error) {
	s := &subscription{topic: t}
	after, resume := t.hub.Last(), false
	if lastEventID != "" {
		id, ok := parseID(lastEventID)
		resume = ok && id.epoch == t.epoch
		s.gap = !resume
		if resume {
			after = id.seq
		}
	}
	hs, from := t.hub.Subscribe(after)
	if resume {
		gap, err := s.prepareReplay(ctx, after, from)
		if err != nil {
			hs.Close()
			t.leave(nil) // the topic may have no other subscriber
			return nil, err
		}
		if gap { // live events only
			hs.Close()
			s.gap = true
			hs, from = t.hub.Subscribe(t.hub.Last())
			after = from
		}
	}
	s.hs, s.pos, s.until = hs, after, from
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopErr != nil {
		hs.Close()
		return nil, errTopicStopped
	}
	t.subs[s] = struct{}{}
	return s, nil
}

// leave removes s (nil: none), stopping the topic when no subscriber is
// left.
func (t *topic) leave(s *subscription) {
	t.mu.Lock()
	delete(t.subs, s)
	idle := t.stopErr == nil && len(t.subs) == 0
	t.mu.Unlock()
	if idle {
		t.stop(nil)
	}
}

// subscription is a runtime.Subscription of a topic: the events after pos
// up to until replayed from the stream, then those of the hub.
type subscription struct {
	topic *topic
	hs    *runtime.HubSubscription
	gap   bool
	// pos is the Seq of the last event delivered; until the Seq after
	// which the hub delivers. next is the stream's message after pos,
	// fetched ahead by prepareReplay.
	pos, until uint64
	next       *jetstream.RawStreamMsg
	closeOnce  sync.Once
	closed     atomic.Bool
}

// prepareReplay checks that the events of the topic after after, up to
// from (those the hub no longer holds, or never did), can be replayed from
// the stream: the id is not past the stream's end, and none of those
// events left the stream. It returns true when they cannot: a gap.
func (s *subscription) prepareReplay(ctx context.Context, after, from uint64) (gap bool, err error) {
	t := s.topic
	if from == after && after <= t.hub.Last() {
		return false, nil // all in the hub
	}
	if from > after {
		// Fetched first: if the stream's first sequence is then still at
		// most after+1, nothing after after left it before this message.
		if s.next, err = s.fetch(ctx, after+1); err != nil {
			return false, err
		}
	}
	info, err := t.bus.streamInfo(ctx)
	if err != nil {
		return false, err
	}
	if epochOf(info.Created) != t.epoch {
		// The stream was made anew under this topic's consumer.
		t.stop(fmt.Errorf("natsbus: stream %s was recreated", t.bus.cfg.stream))
		return false, errTopicStopped
	}
	return after > info.State.LastSeq || (from > after && info.State.FirstSeq > after+1), nil
}

// fetch returns the topic's first message at or after seq in the stream,
// or nil when there is none.
func (s *subscription) fetch(ctx context.Context, seq uint64) (*jetstream.RawStreamMsg, error) {
	t := s.topic
	msg, err := t.bus.handle.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(t.subject))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("natsbus: replaying %s: %w", t.name, err)
	}
	return msg, nil
}

// Gap implements runtime.Subscription.
func (s *subscription) Gap() (string, bool) {
	if !s.gap {
		return "", false
	}
	return eventID{epoch: s.topic.epoch, seq: s.pos}.String(), true
}

// Next implements runtime.Subscription.
func (s *subscription) Next(ctx context.Context, dst []*runtime.FeedEvent) ([]*runtime.FeedEvent, error) {
	if s.pos < s.until {
		return s.replay(ctx, dst)
	}
	dst, err := s.hs.Next(ctx, dst)
	if err != nil && !s.closed.Load() && ctx.Err() == nil {
		t := s.topic
		t.mu.Lock()
		stopErr := t.stopErr
		t.mu.Unlock()
		if stopErr != nil {
			return dst, stopErr
		}
	}
	return dst, err
}

// replay appends the next events up to until, read from the stream. An
// error after some events (reading the stream, or a stored event that
// cannot be sent) is left for the next call, which meets it again.
func (s *subscription) replay(ctx context.Context, dst []*runtime.FeedEvent) ([]*runtime.FeedEvent, error) {
	start := len(dst)
	for n := 0; n < replayBatch && s.pos < s.until; n++ {
		msg, err := s.nextReplayed(ctx)
		var e *runtime.FeedEvent
		if err == nil && msg != nil && msg.Sequence <= s.until {
			e, err = s.topic.event(msg.Sequence, msg.Header, msg.Data)
		}
		if err != nil {
			if len(dst) > start {
				return dst, nil
			}
			return dst, err
		}
		if e == nil { // none left up to until
			s.pos = s.until
			break
		}
		dst = append(dst, e)
		s.pos = e.Seq
	}
	if len(dst) == start {
		return s.Next(ctx, dst)
	}
	return dst, nil
}

// nextReplayed returns the topic's message after pos in the stream (nil
// when there is none), making sure that none was trimmed in between.
func (s *subscription) nextReplayed(ctx context.Context) (*jetstream.RawStreamMsg, error) {
	if msg := s.next; msg != nil { // checked by prepareReplay
		s.next = nil
		return msg, nil
	}
	msg, err := s.fetch(ctx, s.pos+1)
	if err != nil || msg != nil && msg.Sequence == s.pos+1 {
		return msg, err
	}
	// Skipped: other topics' events, or ours trimmed since. Trimming
	// starts from the first sequence, which tells.
	info, err := s.topic.bus.streamInfo(ctx)
	if err != nil {
		return nil, err
	}
	if info.State.FirstSeq > s.pos+1 {
		return nil, fmt.Errorf("%w (its next event left the stream during replay)", runtime.ErrSlowSubscriber)
	}
	return msg, nil
}

// Close implements runtime.Subscription.
func (s *subscription) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.hs.Close()
		s.topic.leave(s)
	})
	return nil
}
