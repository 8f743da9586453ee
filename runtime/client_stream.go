package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// ErrStreamClosed is returned by EventStream.Next after Close.
var ErrStreamClosed = errors.New("runtime: event stream closed")

// ErrReadTimeout is returned, wrapped, by EventStream.Next when nothing
// arrived on a stream that is not resumable for its read timeout
// (WithReadTimeout, EventStreamConfig.ReadTimeout).
var ErrReadTimeout = errors.New("runtime: event stream: read timeout")

// ErrNoEnd is returned by EventStream.Next when a stream that has an end
// sentinel ends without it: the server broke off, so events may be missing.
var ErrNoEnd = errors.New("runtime: event stream ended before its end message")

// EventStreamConfig describes the event stream of one operation.
type EventStreamConfig struct {
	// Resumable makes the stream reconnect, the way a browser's EventSource
	// does, when the connection drops or the body ends: it waits, then sends
	// the request again with Last-Event-ID. Operations whose handler resumes
	// from Last-Event-ID set it; others end at the end of the body.
	Resumable bool
	// LastEventID, when not empty, is sent on the first connection too, to
	// resume a stream read before.
	LastEventID string
	// End is the data of the message event that ends the stream (a
	// sentinel such as "[DONE]"); nil when the stream has none. The sentinel
	// is not delivered, and no reconnection follows it; a stream that is not
	// resumable and ends without it fails with ErrNoEnd, unless EndOptional.
	End []byte
	// EndOptional lets a stream end without End: an API that does not
	// declare its sentinel may or may not send it (OpenAI's "[DONE]").
	EndOptional bool
	// ReadTimeout is how long the stream waits for anything (an event, a
	// comment) before it counts the connection as dropped: generated
	// clients set two heartbeat intervals where the spec declares a
	// heartbeat. Zero means none; the client's WithReadTimeout replaces it.
	ReadTimeout time.Duration
	// ErrorResponse turns a response that is not the stream (any status
	// but 200 and 204) into an error, decoding the bodies the operation
	// declares. Nil means UnexpectedResponse. The body is closed after it.
	ErrorResponse func(*http.Response) error
}

// EventStream reads the events of one stream, decoded into T, reconnecting
// when the operation is resumable. Read it with Events or with Next and
// Close. Next must not be called concurrently; Close may be called from
// any goroutine and interrupts a blocked Next.
//
// The stream starts no goroutines: reading, waiting and reconnecting all
// happen inside Next, and cancelling the context given to the request, or
// calling Close, aborts the connection at once.
type EventStream[T any] struct {
	client *Client
	req    *http.Request // template, cloned for every connection
	cfg    EventStreamConfig
	decode func(Event) (T, error)
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu     sync.Mutex    // guards body against Close, lastID against LastEventID, header against Header
	body   io.ReadCloser // of the open connection; nil between connections
	lastID string
	header http.Header // of the response that opened the latest connection

	// connCtx is the open connection's context, cancelled with
	// ErrReadTimeout when the connection goes silent.
	connCtx    context.Context
	connCancel context.CancelCauseFunc

	reader   *Reader       // of the open connection; nil between connections
	retry    time.Duration // the server's latest retry hint
	failures int           // reconnection attempts since the last event
	lastErr  error         // why the last connection ended, for giving up
	err      error         // terminal error, returned by every later Next
}

// OpenEventStream connects to the stream that req asks for and returns it
// once the server has answered with text/event-stream. The request gets
// the headers a browser sends (Accept: text/event-stream, Cache-Control:
// no-cache, Last-Event-ID when resuming). decode turns each event into T;
// an error from it ends the stream with that error (the operation's error
// event surfaces that way).
//
// The first connection is not retried: when it fails, OpenEventStream
// returns the error. A 204 No Content answer gives a stream that ends at
// once; any other status but 200 gives cfg.ErrorResponse's error, and a
// Content-Type other than text/event-stream a *ResponseError.
func OpenEventStream[T any](c *Client, req *http.Request, cfg EventStreamConfig, decode func(Event) (T, error)) (*EventStream[T], error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	s := &EventStream[T]{client: c, req: req, cfg: cfg, decode: decode, ctx: ctx, cancel: cancel, lastID: cfg.LastEventID}
	if _, err := s.connect(); err != nil {
		if err == io.EOF {
			s.err = io.EOF
			cancel(io.EOF)
			return s, nil
		}
		cancel(err)
		return nil, err
	}
	return s, nil
}

// Next returns the next event. At the end of the stream (the body ended
// and the stream is not resumable, the end sentinel arrived, or the server
// answered 204) it returns io.EOF; when a stream that has an end sentinel
// ends without it, ErrNoEnd; after Close, ErrStreamClosed; when the
// context is done, its error. Once Next returned an error it returns the
// same error forever and the connection is closed.
func (s *EventStream[T]) Next() (T, error) {
	var zero T
	if s.err != nil {
		return zero, s.err
	}
	if s.ctx.Err() != nil { // closed between calls: drop buffered events too
		s.err = context.Cause(s.ctx)
		s.drop()
		return zero, s.err
	}
	ev, err := s.next()
	if err == nil {
		var v T
		if v, err = s.decode(ev); err == nil {
			return v, nil
		}
	}
	s.err = err
	s.cancel(err)
	s.drop()
	return zero, err
}

// Events returns an iterator over the events. The iteration ends normally
// at the end of the stream; any other error is yielded once, last. The
// stream is closed when the loop ends, also when it ends early.
func (s *EventStream[T]) Events() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		defer s.Close()
		for {
			v, err := s.Next()
			if err == io.EOF {
				return
			}
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}

// Close ends the stream and closes its connection. It is safe to call more
// than once and concurrently with Next.
func (s *EventStream[T]) Close() error {
	s.cancel(ErrStreamClosed)
	s.mu.Lock()
	body := s.body
	s.body = nil
	s.mu.Unlock()
	if body != nil {
		return body.Close()
	}
	return nil
}

// LastEventID returns the ID of the last event received, the position a
// later stream can resume from (EventStreamConfig.LastEventID). It may be
// called from any goroutine.
func (s *EventStream[T]) LastEventID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastID
}

// Header returns the headers of the response that opened the stream, or
// of the latest reconnection: a server may answer each connection with
// other values (the position it resumed from). It is nil for a stream
// answered with 204 No Content. It may be called from any goroutine; the
// result must not be modified.
func (s *EventStream[T]) Header() http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.header
}

// next reads the next event, reconnecting as the configuration says.
func (s *EventStream[T]) next() (Event, error) {
	for {
		if s.reader == nil {
			if err := s.reconnect(); err != nil {
				return Event{}, err
			}
		}
		ev, err := s.reader.Next()
		s.mu.Lock()
		s.lastID = s.reader.LastEventID() // also set by events without data
		s.mu.Unlock()
		if err == nil {
			s.failures = 0
			if s.cfg.End != nil && ev.Type == "message" && bytes.Equal(ev.Data, s.cfg.End) {
				return Event{}, io.EOF
			}
			return ev, nil
		}
		if d, ok := s.reader.Retry(); ok {
			s.retry = d
		}
		err = s.connErr(err)
		s.drop()
		if s.ctx.Err() != nil {
			return Event{}, context.Cause(s.ctx)
		}
		if err == io.EOF && !s.cfg.Resumable {
			if s.cfg.End != nil && !s.cfg.EndOptional {
				return Event{}, ErrNoEnd
			}
			return Event{}, io.EOF
		}
		switch {
		case errors.Is(err, ErrEventTooLarge), errors.Is(err, ErrReadTimeout) && !s.cfg.Resumable:
			return Event{}, err // says what it is already
		case !s.cfg.Resumable:
			return Event{}, fmt.Errorf("runtime: event stream: %w", err)
		}
		if err == io.EOF {
			err = errors.New("server ended the stream")
		}
		s.lastErr = err
	}
}

// reconnect connects again after a dropped connection, waiting between
// attempts, until one succeeds, one fails for good, or the attempts run
// out.
func (s *EventStream[T]) reconnect() error {
	policy := s.client.reconnect
	for {
		if policy.maxAttempts >= 0 && s.failures >= policy.maxAttempts {
			return fmt.Errorf("runtime: event stream: gave up after %d reconnection attempts: %w", s.failures, s.lastErr)
		}
		s.failures++
		delay := policy.delay(s.failures, s.retry, rand.Int64N)
		if hook := s.client.onReconnect; hook != nil {
			hook(Reconnect{Attempt: s.failures, Delay: delay, LastEventID: s.lastID, Err: s.lastErr})
		}
		if err := s.wait(delay); err != nil {
			return err
		}
		retry, err := s.connect()
		if err == nil || !retry {
			return err
		}
		s.lastErr = err
	}
}

// wait sleeps for d, or until the stream is closed or its context done.
func (s *EventStream[T]) wait(d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-s.ctx.Done():
		return context.Cause(s.ctx)
	}
}

// connect sends the request once. On success the stream has a reader;
// otherwise retry tells whether the failure is one to reconnect after (a
// network error), and io.EOF means the server said to stop (204).
func (s *EventStream[T]) connect() (retry bool, err error) {
	s.connCtx, s.connCancel = context.WithCancelCause(s.ctx)
	var silence *time.Timer
	timeout := s.readTimeout()
	if timeout > 0 {
		cause := fmt.Errorf("%w: nothing received for %v", ErrReadTimeout, timeout)
		silence = time.AfterFunc(timeout, func() { s.connCancel(cause) })
	}
	defer func() {
		if s.reader == nil { // no connection came of it
			if silence != nil {
				silence.Stop()
			}
			s.connCancel(nil)
		}
	}()
	req := s.req.Clone(s.connCtx)
	if s.req.GetBody != nil {
		if req.Body, err = s.req.GetBody(); err != nil {
			return false, fmt.Errorf("runtime: event stream: request body: %w", err)
		}
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	if s.lastID != "" {
		req.Header.Set("Last-Event-ID", s.lastID)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		if s.ctx.Err() != nil {
			return false, context.Cause(s.ctx)
		}
		return true, s.connErr(err)
	}
	switch {
	case resp.StatusCode == http.StatusNoContent:
		resp.Body.Close()
		return false, io.EOF
	case resp.StatusCode != http.StatusOK:
		defer resp.Body.Close()
		if s.cfg.ErrorResponse != nil {
			return false, s.cfg.ErrorResponse(resp)
		}
		return false, UnexpectedResponse(resp)
	case !isEventStream(resp.Header.Get("Content-Type")):
		defer resp.Body.Close()
		return false, fmt.Errorf("runtime: event stream: %w", UnexpectedResponse(resp))
	}
	body := resp.Body
	if silence != nil {
		body = &watchedBody{ReadCloser: body, silence: silence, timeout: timeout}
	}
	s.mu.Lock()
	closed := s.ctx.Err() != nil
	if !closed {
		s.body, s.header = body, resp.Header
	}
	s.mu.Unlock()
	if closed {
		resp.Body.Close()
		return false, context.Cause(s.ctx)
	}
	s.reader = NewReader(body, append(s.client.readerOptions, withLastEventID(s.lastID))...)
	return false, nil
}

// connErr returns why the connection failed: its read timeout when that
// is what cut it off (the error of the read it broke says less), else err.
func (s *EventStream[T]) connErr(err error) error {
	if cause := context.Cause(s.connCtx); errors.Is(cause, ErrReadTimeout) {
		return cause
	}
	return err
}

// readTimeout is the stream's read timeout, 0 for none.
func (s *EventStream[T]) readTimeout() time.Duration {
	if s.client.readTimeout != 0 {
		return max(s.client.readTimeout, 0)
	}
	return s.cfg.ReadTimeout
}

// watchedBody is a response body whose reads push back the timer that
// declares the connection silent.
type watchedBody struct {
	io.ReadCloser
	silence *time.Timer
	timeout time.Duration
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.silence.Reset(b.timeout)
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.silence.Stop()
	return b.ReadCloser.Close()
}

// drop closes the connection, if one is open.
func (s *EventStream[T]) drop() {
	s.reader = nil
	s.mu.Lock()
	body := s.body
	s.body = nil
	s.mu.Unlock()
	if body != nil {
		body.Close()
	}
	if s.connCancel != nil {
		s.connCancel(nil)
	}
}

// reconnectPolicy is the client's reconnection setting.
type reconnectPolicy struct {
	maxAttempts int           // consecutive attempts without an event; < 0: no limit
	base, max   time.Duration // exponential backoff
}

// delay returns how long to wait before reconnection attempt n (from 1),
// given the server's retry hint (0 when none): the hint, or base, doubled
// for every attempt after the first and capped at max, then jittered down
// to as little as half, but never below the hint. randN returns a random
// number in [0, n).
func (p reconnectPolicy) delay(n int, hint time.Duration, randN func(int64) int64) time.Duration {
	d := p.base
	if hint > 0 {
		d = hint
	}
	for i := 1; i < n && d < p.max; i++ {
		d *= 2
	}
	d = min(d, p.max)
	if half := int64(d / 2); half > 0 {
		d = time.Duration(half + randN(int64(d)-half+1))
	}
	return max(d, hint)
}
