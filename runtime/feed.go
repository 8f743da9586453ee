package runtime

import (
	"context"
	"errors"
	"strings"
)

// Publish encodes v with the codec of contentType, as Stream.SendData
// does, and publishes it on topic of bus as an event of eventType ("" for a
// message event), returning the id the bus assigned. Generated feeds call
// it from their typed publish methods.
func Publish(ctx context.Context, bus Bus, o *Options, topic, eventType, contentType string, v any) (string, error) {
	data, err := o.eventData(eventType, contentType, v)
	if err != nil {
		return "", err
	}
	return bus.Publish(ctx, topic, Message{Name: eventType, ContentType: contentType, Data: data})
}

// Follow sends the events of topic on bus until the client goes away: those
// after the client's Last-Event-ID, replayed, then live ones, each written
// as the frame the bus made once for every subscriber. When that id cannot
// be resumed, gap is called first to send the gap event with resumeID as
// its id. Events the handler sent before should carry no id, so that the
// client's Last-Event-ID stays one of the feed's.
//
// Follow returns nil when the client went away or the server shuts down,
// and an error matching ErrSlowSubscriber when the client fell too far
// behind: returned from the handler, it ends the stream quietly (no error
// event, no end sentinel), and the client resumes from history when it
// reconnects. Other errors are the bus's or the stream's.
func (s *Stream) Follow(bus Bus, topic string, gap func(resumeID string) error) error {
	ctx := s.Context()
	sub, err := bus.Subscribe(ctx, topic, s.LastEventID())
	if err != nil {
		return s.followEnded(err)
	}
	defer sub.Close()
	if id, missed := sub.Gap(); missed {
		if err := gap(id); err != nil {
			return s.followEnded(err)
		}
	} else if err := s.Open(); err != nil { // the client knows it is following
		return s.followEnded(err)
	}
	var events []*FeedEvent
	for {
		events, err = sub.Next(ctx, events[:0])
		if err == nil {
			err = s.sendFrames(events)
		}
		if err != nil {
			return s.followEnded(err)
		}
	}
}

// followEnded returns nil for err when the stream ended because the client
// went away or the server shuts down, and err otherwise.
func (s *Stream) followEnded(err error) error {
	if s.ctx.Err() != nil && !errors.Is(err, ErrSlowSubscriber) {
		return nil
	}
	return err
}

// sendFrames writes the frames of events, which NewFeedEvent checked, and
// flushes them, as Send does.
func (s *Stream) sendFrames(events []*FeedEvent) error {
	s.mu.Lock()
	if s.state() != nil {
		return s.unlockErr()
	}
	buf := s.enqueue()
	for _, e := range events {
		*buf = append(*buf, e.Frame...)
	}
	return s.sendQueued()
}

// TopicValue returns s as it can stand in a word of a topic: letters,
// digits, _ and - as they are, and every other byte as %XX. Generated feeds
// pass the values of a topic's {param}s through it, so that a value cannot
// add words to the topic (a NATS subject is split on dots) or collide with
// another one.
func TopicValue(s string) string {
	const hex = "0123456789ABCDEF"
	if !strings.ContainsFunc(s, func(r rune) bool { return !topicByte(r) }) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if c := s[i]; topicByte(rune(c)) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func topicByte(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-'
}
