package runtime

import (
	"fmt"
	"io"
	"iter"
)

// UnknownEvent is the error for an event of a name the operation does not
// declare.
func UnknownEvent(ev Event) error {
	return fmt.Errorf("runtime: unknown event %q", eventTypeName(ev.Type))
}

// EventBody returns a text/event-stream request body that writes the
// events of seq as the request is sent, each described by event (its type,
// "" for a message; its ID; the content type and value of its data) and
// encoded with the client's codecs. An error from seq, or from encoding,
// ends the request with it.
//
// The events are pulled from seq as the transport reads the body, so no
// goroutine is left behind: the transport closes the body, which stops seq.
func EventBody[E any](c *Client, seq iter.Seq2[E, error], event func(E) (eventType, id, contentType string, v any)) io.ReadCloser {
	return &eventBody[E]{c: c, seq: seq, event: event}
}

type eventBody[E any] struct {
	c     *Client
	seq   iter.Seq2[E, error]
	event func(E) (eventType, id, contentType string, v any)
	next  func() (E, error, bool)
	stop  func()
	buf   []byte
	err   error
}

func (b *eventBody[E]) Read(p []byte) (int, error) {
	if b.seq == nil {
		return 0, io.EOF
	}
	if b.next == nil && b.err == nil {
		b.next, b.stop = iter.Pull2(b.seq)
	}
	for len(b.buf) == 0 && b.err == nil {
		b.buf, b.err = b.encodeNext(b.buf[:0])
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	if len(b.buf) == 0 && b.err != nil {
		return n, b.err
	}
	return n, nil
}

// encodeNext appends the next event to dst; io.EOF at the end of seq.
func (b *eventBody[E]) encodeNext(dst []byte) ([]byte, error) {
	e, err, ok := b.next()
	switch {
	case !ok:
		return dst, io.EOF
	case err != nil:
		return dst, err
	}
	eventType, id, contentType, v := b.event(e)
	data, err := b.c.options.eventData(eventType, contentType, v)
	if err != nil {
		return dst, err
	}
	return AppendEvent(dst, &Event{Type: eventType, ID: id, Data: data})
}

func (b *eventBody[E]) Close() error {
	if b.stop != nil {
		b.stop()
	}
	if b.err == nil {
		b.err = io.ErrClosedPipe
	}
	return nil
}
