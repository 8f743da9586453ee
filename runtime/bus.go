package runtime

import (
	"context"
	"errors"
)

// Bus carries the events of feeds: a generated feed publishes each event of
// its operation on a topic, and every stream that follows the topic, in
// this process or (with a distributed bus) in any other, receives it.
// Topics are created by use.
//
// A Bus guarantees, for each topic:
//
//   - Order: every subscriber receives the topic's events in one order, the
//     order in which Publish assigned their ids.
//   - Resumption: the id of an event is what a client sends back as
//     Last-Event-ID; Subscribe with it delivers exactly the events published
//     after that one (replayed from the bus's history), then live events,
//     with none missing and none repeated. An id resumes on any instance
//     sharing the bus's store.
//   - Gaps are never silent: when the id cannot be resumed (its event is
//     older than the retained history, the id is unknown or malformed, or
//     it comes from another epoch of the store, such as before a restart of
//     an in-memory bus or a recreation of a stream), the Subscription says
//     so with Gap and delivers live events only.
//   - Slow subscribers do not slow anyone: Publish never waits for
//     subscribers. A subscriber that falls more than its bounded queue
//     behind is cut off (Next returns an error matching ErrSlowSubscriber)
//     and resumes from history when its client reconnects with the last id
//     it received.
//
// Implementations are safe for concurrent use. MemoryBus is the in-process
// one; a distributed one can reuse Hub for its local fan-out.
type Bus interface {
	// Publish appends m to topic and returns the id the bus assigned to
	// it. It returns a *FieldError, and publishes nothing, when m cannot be
	// written as an SSE event (see AppendEvent). Once Publish returned, a
	// later Subscribe to topic with "" no longer sees m as live, and a
	// Subscribe with an id before m's replays it.
	Publish(ctx context.Context, topic string, m Message) (id string, err error)
	// Subscribe follows topic after lastEventID: the events published after
	// that id, then live events. An empty lastEventID means a new client:
	// live events only, without a gap. The subscription must be closed.
	// Errors are those of the bus's store (a distributed bus that cannot
	// reach it); an id that cannot be resumed is not an error but a gap.
	Subscribe(ctx context.Context, topic, lastEventID string) (Subscription, error)
}

// Subscription is one subscriber's view of a topic, from Bus.Subscribe.
// Its methods are not safe for concurrent use, except Close.
type Subscription interface {
	// Gap reports whether the Last-Event-ID given to Subscribe could not be
	// resumed, and the id to send with the gap event: resuming after it
	// delivers exactly the events this subscription delivers.
	Gap() (resumeID string, gap bool)
	// Next waits for the next events and appends them, in order, to dst,
	// at least one unless it returns an error: ctx's cause when ctx is
	// done, an error matching ErrSlowSubscriber when the subscriber fell
	// behind (it is then cut off: every later call fails too), or an error
	// of the bus. The events and their Frames are shared with the other
	// subscribers: read them, never modify them.
	Next(ctx context.Context, dst []*FeedEvent) ([]*FeedEvent, error)
	// Close releases the subscription; Next then fails. It is idempotent.
	Close() error
}

// ErrSlowSubscriber is matched (with errors.Is) by the error of a
// Subscription that fell further behind the live events than its queue
// allows, and was cut off so that it holds back neither the publisher nor
// the other subscribers. Its client resumes from history by reconnecting.
var ErrSlowSubscriber = errors.New("runtime: feed subscriber fell behind and was cut off")

// errSubscriptionClosed is what Next returns after Close.
var errSubscriptionClosed = errors.New("runtime: feed subscription closed")

// Message is an event to publish: its name (the SSE event type; "" for a
// message event), the content type of its data, and the data encoded once
// with the codec of that type.
type Message struct {
	Name        string
	ContentType string
	Data        []byte
}

// FeedEvent is a published event as subscribers receive it: shared by all
// of them, and never modified once made.
type FeedEvent struct {
	// Seq orders the events of a topic: it grows with each event of the
	// topic, not necessarily by one. Its meaning is the bus's (a JetStream
	// stream sequence, a counter of the in-memory bus); clients see ID.
	Seq uint64
	// ID is the event's id: what a client sends back as Last-Event-ID.
	ID string
	// Name, ContentType and Data are those of the published Message.
	Name        string
	ContentType string
	Data        []byte
	// Frame is the event's wire form (event, id and data fields and the
	// ending empty line), made once for all subscribers: a stream writes
	// these bytes as they are.
	Frame []byte
}

// NewFeedEvent makes the event of m with its place in the topic (seq) and
// its id, framing it once. It returns a *FieldError when m or id cannot be
// written as an SSE event.
func NewFeedEvent(seq uint64, id string, m Message) (*FeedEvent, error) {
	e := Event{Type: m.Name, ID: id, Data: m.Data}
	multiline, err := checkEvent(&e)
	if err != nil {
		return nil, err
	}
	return newFeedEvent(seq, &e, m.ContentType, multiline), nil
}

// newFeedEvent frames e, which checkEvent accepted.
func newFeedEvent(seq uint64, e *Event, contentType string, multiline bool) *FeedEvent {
	frame := appendEvent(make([]byte, 0, frameSize(e)), e, multiline)
	return &FeedEvent{Seq: seq, ID: e.ID, Name: e.Type, ContentType: contentType, Data: e.Data, Frame: frame}
}

// frameSize is the size of e's frame when its data is one line, a close
// estimate otherwise.
func frameSize(e *Event) int {
	return len("event: \nid: \ndata: \n\n") + len(e.Type) + len(e.ID) + len(e.Data)
}
