package runtime

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrShutdown is the cause of the context of a stream ended by
// EndOnShutdown, and what Send returns after that.
var ErrShutdown = errors.New("runtime: server shutting down")

// ErrCommitted is returned by Stream.Respond and Stream.SetHeaders once
// the stream's headers are committed.
var ErrCommitted = errors.New("runtime: event stream already committed")

// Header values of every stream.
var (
	eventStreamHeader = []string{"text/event-stream"}
	noCacheHeader     = []string{"no-cache"}
	noHeader          = []string{"no"}
)

// errEnded is the state of a stream whose handler returned.
var errEnded = errors.New("runtime: event stream ended")

// errResponded is the state of a stream whose handler answered with an
// ordinary response.
var errResponded = errors.New("runtime: handler answered with an ordinary response instead of the event stream")

// StreamConfig describes the event stream of one operation. Generated code
// holds one per streaming operation; it must not change once in use.
type StreamConfig struct {
	// DataContentType is the content type of the data of message events,
	// sent as the X-Event-Data-Mimetype header; "" sends none. It is also
	// the content type SendData uses when given none.
	DataContentType string
	// Heartbeat is the interval of the comments that keep an idle stream
	// alive through proxies; no heartbeat is sent while events flow, and
	// the first follows the last event after one to one and a quarter
	// intervals. 0 disables heartbeats; DefaultHeartbeat is the usual value.
	Heartbeat time.Duration
	// Retry, when positive, is sent as the reconnection delay when the
	// stream opens.
	Retry time.Duration
	// End, when not nil, is the data of a final message event written when
	// the handler returns nil, such as "[DONE]".
	End []byte
	// ErrorEvent is the type of the event that reports a handler error or
	// panic after the stream was committed; "" reports nothing, the stream
	// just ends.
	ErrorEvent string
	// ErrorData returns the content type and value of the data of the
	// ErrorEvent for err; a nil v sends no event (the stream just ends).
	// Nil sends an application/problem+json document with status 500 and
	// no detail, so internal errors do not leak.
	ErrorData func(err error) (contentType string, v any)
}

// Stream is the server side of one event stream, given to the handler by
// Serve. Its methods are safe for concurrent use; events from concurrent
// senders never interleave, and events that are ready together are written
// together and flushed once.
//
// Once the handler returned, Send and the other writing methods return an
// error, so goroutines that outlive the handler cannot write to a finished
// response.
//
// An idle stream holds no goroutine and no timer, and no write buffer once
// an eighth of the write timeout passed since its last event: the
// heartbeat and write deadline checks of all streams share one timer, and
// the stream learns that the client left or the server shuts down from its
// context.
type Stream struct {
	w      http.ResponseWriter
	r      *http.Request
	o      *Options
	cfg    *StreamConfig
	ctx    context.Context
	cancel context.CancelCauseFunc // nil when ctx is the request's own

	prev, next *Stream // in o.live, when o ends streams on shutdown

	mu   sync.Mutex
	cond sync.Cond // on mu; broadcast when a write ends and a sender waits
	// writing is set, with mu held, while a sender writes outside mu; only
	// it touches w. It is cleared without mu.
	writing atomic.Bool
	waiters atomic.Int32 // senders waiting in cond for the write to end
	// deadlineFresh is set while the write deadline is less than an eighth
	// of the write timeout old; timers clear it, so that writes need not
	// read the clock.
	deadlineFresh atomic.Bool
	committed     bool // headers are set; written with the first write
	ended         bool // the handler returned or panicked
	// noDeadline is set when w cannot set write deadlines.
	noDeadline bool
	noFlush    bool    // w cannot flush; only the writer uses it, without mu
	err        error   // why the stream cannot be written any more; nil while it can
	batch      int     // depth of Batch calls
	pending    *[]byte // bytes not yet written, from bufPool; nil when none
	// spare is the buffer of the last write, kept for the next events
	// while they flow (see keepBuffer); nil when none.
	spare  atomic.Pointer[[]byte]
	queued uint64 // count of enqueued writes
	// written counts the writes that reached the connection; timers read
	// it without s.mu to tell whether the stream is idle.
	written atomic.Uint64
	timer   timerState
}

// Serve runs handler with a stream on w, handling the whole lifecycle:
//
//   - The response headers (Content-Type: text/event-stream,
//     Cache-Control: no-cache, X-Accel-Buffering: no, and
//     X-Event-Data-Mimetype) are committed with the first event, or by
//     Open. Until then the handler can still answer otherwise with
//     Respond.
//   - At commit the server's write deadline is cleared, so
//     http.Server.WriteTimeout does not cut the stream; each write then
//     gets its own deadline (WithWriteTimeout), so a client that stopped
//     reading is dropped.
//   - Heartbeat comments keep an idle stream alive.
//   - The stream's context ends when the client goes away, the server
//     shuts down (EndOnShutdown), or the request ends; Send then returns
//     an error.
//   - When the handler returns nil, the End sentinel is written, if any.
//     When it returns an error or panics before the commit, Serve answers
//     500 with an application/problem+json body; after the commit it sends
//     the ErrorEvent, if any, and ends the stream. Panics are recovered and
//     logged, and so are errors while the client is still there.
//     http.ErrAbortHandler is passed on to net/http.
//
// Serve returns when the handler has returned and no write is in flight.
func Serve(w http.ResponseWriter, r *http.Request, o *Options, cfg *StreamConfig, handler func(*Stream) error) {
	// Serve's frame stays on the stack of every idle stream: keep it small.
	s := newStream(w, r, o, cfg)
	defer s.recoverPanic()
	s.end(handler(s))
}

// AcceptsEventStream reports whether r's Accept header names
// text/event-stream with a quality above zero, as EventSource and the
// generated clients' stream calls send it. Wildcards such as */* do not
// count: a client that takes anything is given an operation's ordinary
// answer, not a stream it may not read.
func AcceptsEventStream(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for elem := range strings.SplitSeq(v, ",") {
			mt, params, err := mime.ParseMediaType(elem)
			if err != nil || mt != "text/event-stream" {
				continue
			}
			if q, err := strconv.ParseFloat(params["q"], 64); err != nil || q > 0 {
				return true
			}
		}
	}
	return false
}

// newStream returns the stream of a new request.
func newStream(w http.ResponseWriter, r *http.Request, o *Options, cfg *StreamConfig) *Stream {
	s := &Stream{w: w, r: r, o: o, cfg: cfg, ctx: r.Context()}
	s.timer.index = [timerKinds]int32{-1, -1}
	s.cond.L = &s.mu
	if o.endOnShutdown {
		s.ctx, s.cancel = context.WithCancelCause(s.ctx)
		o.live.add(s)
	}
	return s
}

// panicError is a recovered handler panic.
type panicError struct{ value any }

func (e *panicError) Error() string {
	return fmt.Sprintf("runtime: event stream handler panicked: %v", e.value)
}

// recoverPanic, deferred by Serve, ends the stream of a panicking handler.
func (s *Stream) recoverPanic() {
	p := recover()
	switch {
	case p == nil:
	case s.ended: // end itself panicked, e.g. in ErrorData; it cleaned up
		panic(p)
	case p == http.ErrAbortHandler:
		s.ended = true
		s.close()
		panic(p)
	default:
		s.o.log().Error("runtime: event stream handler panicked",
			"method", s.r.Method, "path", s.r.URL.Path, "panic", p, "stack", string(debug.Stack()))
		s.end(&panicError{p})
	}
}

// end finishes the stream after the handler returned err.
func (s *Stream) end(err error) {
	s.ended = true
	defer s.close()
	s.mu.Lock()
	committed, healthy := s.committed, s.state() == nil
	s.mu.Unlock()
	switch {
	case !healthy:
	case errors.Is(err, ErrSlowSubscriber):
		// Not a failure of the handler: the client resumes from history.
		s.o.log().Info("runtime: event stream cut off", "method", s.r.Method, "path", s.r.URL.Path, "err", err)
	case err == nil && s.cfg.End != nil:
		s.Send(&Event{Data: s.cfg.End})
	case err == nil:
		s.Open()
	case !committed:
		s.logFailure(err)
		s.mu.Lock()
		s.err = errEnded // a straggling Send must not commit now
		s.mu.Unlock()
		WriteProblem(s.w, http.StatusInternalServerError, "", "")
	default:
		// An error that ErrorData turns into the event's data (the
		// operation's Fail) is the API's answer, not a server failure.
		if s.report(err) {
			s.o.log().Info("runtime: event stream ended with its error event", "method", s.r.Method, "path", s.r.URL.Path, "err", err)
		} else {
			s.logFailure(err)
		}
	}
}

// close makes the stream unusable, waits for a write in flight and releases
// the stream's resources.
func (s *Stream) close() {
	s.mu.Lock()
	if s.state() == nil && s.written.Load() != s.queued {
		// Queued by a Batch that outlives the handler, maybe the End
		// sentinel: write them now.
		s.flush(s.queued)
		s.mu.Lock()
	}
	if s.state() == nil {
		s.err = errEnded
	}
	for s.writing.Load() {
		s.awaitWrite()
	}
	timers.cancel(s)
	if s.pending != nil {
		putBuffer(s.pending)
		s.pending = nil
	}
	s.releaseSpare()
	clearDeadline := s.committed && s.o.writeTimeout > 0 && !s.noDeadline // set by the writes
	s.mu.Unlock()
	if s.cancel != nil {
		s.o.live.remove(s)
		s.cancel(errEnded)
	}
	if clearDeadline {
		// A keep-alive connection must not carry the deadline to its next request.
		http.NewResponseController(s.w).SetWriteDeadline(time.Time{})
	}
}

// shutdown ends the stream because the server shuts down, aborting a write
// in flight.
func (s *Stream) shutdown() {
	s.cancel(ErrShutdown)
	s.mu.Lock()
	s.state()
	if s.writing.Load() && !s.noDeadline {
		http.NewResponseController(s.w).SetWriteDeadline(time.Now())
	}
	s.mu.Unlock()
}

// logFailure logs a handler error (panics are logged when recovered).
func (s *Stream) logFailure(err error) {
	if _, ok := err.(*panicError); !ok {
		s.o.log().Error("runtime: event stream handler failed", "method", s.r.Method, "path", s.r.URL.Path, "err", err)
	}
}

// report sends the ErrorEvent for err, if the stream has one, and tells
// whether err carried the event's data (it came from the operation's Fail).
func (s *Stream) report(err error) (declared bool) {
	if s.cfg.ErrorEvent == "" {
		return false
	}
	contentType, v := "application/problem+json", any(problemDetails{Title: http.StatusText(http.StatusInternalServerError), Status: http.StatusInternalServerError})
	if s.cfg.ErrorData != nil {
		if contentType, v = s.cfg.ErrorData(err); v == nil {
			return false
		}
		declared = true
	}
	if err := s.SendData(s.cfg.ErrorEvent, contentType, v); err != nil {
		s.o.log().Error("runtime: cannot report event stream handler failure", "method", s.r.Method, "path", s.r.URL.Path, "err", err)
	}
	return declared
}

// Context returns the stream's context: the request's context, which is
// done when the client goes away or the connection fails, and also, with
// EndOnShutdown, when the server shuts down (the cause is then
// ErrShutdown) or the handler returned.
func (s *Stream) Context() context.Context { return s.ctx }

// LastEventID returns the request's Last-Event-ID header: the ID of the
// last event the client received, to resume after, or "" for a new stream.
func (s *Stream) LastEventID() string { return s.r.Header.Get("Last-Event-ID") }

// Requested reports whether the request asks for the event stream, by its
// Accept header (see AcceptsEventStream). An operation that can also answer
// without a stream may choose from it.
func (s *Stream) Requested() bool { return AcceptsEventStream(s.r) }

// Open commits the response headers and flushes them, with the Retry hint
// when configured, without waiting for the first event. It does nothing
// when the stream is already open.
func (s *Stream) Open() error {
	s.mu.Lock()
	if s.state() != nil {
		return s.unlockErr()
	}
	if s.committed && s.pending == nil {
		s.mu.Unlock()
		return nil
	}
	s.enqueue()
	s.queued++
	return s.flush(s.queued)
}

// Send writes e and flushes it, unless a Batch is running; then it only
// queues e. It returns a *FieldError for an event that cannot be written
// (see AppendEvent), and an error once the stream has ended (see Context).
func (s *Stream) Send(e *Event) error {
	s.mu.Lock()
	if s.state() != nil {
		return s.unlockErr()
	}
	multiline, err := checkEvent(e)
	if err != nil {
		s.mu.Unlock()
		return err // before enqueue, which commits the stream
	}
	buf := s.enqueue()
	*buf = appendEvent(*buf, e, multiline)
	return s.sendQueued()
}

// sendQueued counts what the caller queued and flushes it, unless a Batch
// is running; it is called with s.mu held, and releases it.
func (s *Stream) sendQueued() error {
	s.queued++
	if s.batch > 0 {
		s.mu.Unlock()
		return nil
	}
	return s.flush(s.queued)
}

// EventOption sets an optional field of an event sent with SendData.
type EventOption func(*Event)

// WithEventID sets the event's ID, which a client sends back as
// Last-Event-ID to resume after it.
func WithEventID(id string) EventOption { return func(e *Event) { e.ID = id } }

// WithEventType sets the event's type, for a stream whose API leaves event
// names open (a payload schema without x-event-stream): the data stays that
// of the send method.
func WithEventType(name string) EventOption { return func(e *Event) { e.Type = name } }

// WithEventRetry sets the event's reconnection delay hint.
func WithEventRetry(d time.Duration) EventOption { return func(e *Event) { e.Retry = d } }

// SendData encodes v with the codec of contentType (the stream's
// DataContentType when "") and sends it as an event of eventType ("" for a
// message event).
func (s *Stream) SendData(eventType, contentType string, v any, opts ...EventOption) error {
	if contentType == "" {
		contentType = s.cfg.DataContentType
	}
	data, err := s.o.eventData(eventType, contentType, v)
	if err != nil {
		return err
	}
	if len(opts) == 0 {
		// Without options the event does not escape to the heap.
		return s.Send(&Event{Type: eventType, Data: data})
	}
	e := Event{Type: eventType, Data: data}
	for _, opt := range opts {
		opt(&e)
	}
	return s.Send(&e)
}

func eventTypeName(eventType string) string {
	if eventType == "" {
		return "message"
	}
	return eventType
}

// Batch calls fn and then writes everything sent meanwhile at once, with
// one flush: a burst of events costs one write instead of one per event.
// While fn runs, Send only queues events (from any goroutine) and reports
// only invalid events; Batch returns fn's error, or else the write's.
// Batches nest; the outermost one writes.
func (s *Stream) Batch(fn func() error) error {
	s.mu.Lock()
	s.batch++
	s.mu.Unlock()
	done := false
	defer func() {
		if !done { // fn panicked
			s.mu.Lock()
			s.batch--
			s.mu.Unlock()
		}
	}()
	err := fn()
	done = true
	s.mu.Lock()
	s.batch--
	if written := s.written.Load(); s.batch > 0 || written == s.queued {
		werr := s.err
		s.mu.Unlock()
		if err == nil && written != s.queued {
			err = werr
		}
		return err
	}
	if werr := s.flush(s.queued); err == nil {
		err = werr
	}
	return err
}

// SetHeaders lets set add response headers, such as those the operation
// declares on its stream, before the stream commits them with its first
// event (or Open). After that it returns ErrCommitted, and set is not
// called.
func (s *Stream) SetHeaders(set func(http.Header)) error {
	if err := s.lockUncommitted(); err != nil {
		return err
	}
	set(s.w.Header())
	s.mu.Unlock()
	return nil
}

// lockUncommitted locks s.mu for what must happen before the stream
// commits its headers; when it is too late it returns ErrCommitted, or
// why the stream ended, with s.mu unlocked.
func (s *Stream) lockUncommitted() error {
	s.mu.Lock()
	if s.committed {
		s.mu.Unlock()
		return ErrCommitted
	}
	if s.state() != nil {
		return s.unlockErr()
	}
	return nil
}

// Respond answers the request with an ordinary response instead of the
// stream: status and v encoded by the codec of contentType, as WriteData
// does. It is how a handler reports, say, 404 before streaming. After the
// stream was committed it returns ErrCommitted; after Respond the stream
// cannot be used.
func (s *Stream) Respond(status int, contentType string, v any) error {
	if err := s.lockUncommitted(); err != nil {
		return err
	}
	// Encode first: when that fails the stream stays usable, and a handler
	// that returns the error gets the usual 500.
	data, err := encode(s.o, status, contentType, v)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.err = errResponded
	s.mu.Unlock()
	return writeBody(s.w, status, contentType, data)
}

// state returns why the stream cannot be written any more, or nil; s.mu is
// held. A done context (the client left, the server shuts down) ends the
// stream.
func (s *Stream) state() error {
	if s.err == nil && s.ctx.Err() != nil {
		if s.err = context.Cause(s.ctx); s.err != ErrShutdown {
			s.err = fmt.Errorf("runtime: event stream ended: %w", s.err)
		}
	}
	return s.err
}

// unlockErr unlocks s.mu and returns s.err.
func (s *Stream) unlockErr() error {
	err := s.err
	s.mu.Unlock()
	return err
}

// enqueue commits the headers if needed and returns the pending buffer;
// s.mu is held.
func (s *Stream) enqueue() *[]byte {
	if s.pending == nil {
		if s.pending = s.spare.Swap(nil); s.pending == nil {
			s.pending = getBuffer()
		}
	}
	if !s.committed {
		s.commit()
	}
	return s.pending
}

// commit sets the response headers, clears the server's write deadline and
// starts the heartbeat; s.mu is held. Nothing has been written yet, so no
// writer can be using w.
func (s *Stream) commit() {
	s.committed = true
	h := s.w.Header()
	// Shared values save each stream three allocations; net/http only reads them.
	h["Content-Type"] = eventStreamHeader
	h["Cache-Control"] = noCacheHeader
	h["X-Accel-Buffering"] = noHeader
	h.Del("Content-Length")
	if s.cfg.DataContentType != "" {
		h.Set("X-Event-Data-Mimetype", s.cfg.DataContentType)
	}
	s.w.WriteHeader(http.StatusOK)
	if err := http.NewResponseController(s.w).SetWriteDeadline(time.Time{}); err != nil {
		s.noDeadline = true
		s.o.warnOnce(&s.o.warnedDeadline, "runtime: event streams cannot set write deadlines; a client that stops reading is not dropped, and the server's WriteTimeout cuts streams", err)
	}
	if s.cfg.Retry > 0 {
		*s.pending = append(appendRetry(*s.pending, s.cfg.Retry), '\n')
	}
	if s.cfg.Heartbeat > 0 {
		timers.watchHeartbeat(s, monotime(), s.queued+1) // quiet after the first write
	}
}

// flush returns once the writes up to number gen reached the connection,
// writing them itself unless another sender is already writing (the
// others' events are then written together by whichever sender writes
// next). s.mu is held and released.
func (s *Stream) flush(gen uint64) error {
	for s.written.Load() < gen && s.state() == nil {
		if s.writing.Load() {
			s.awaitWrite()
			continue
		}
		if s.write(); s.written.Load() >= gen {
			return nil
		}
		s.mu.Lock()
	}
	if s.written.Load() >= gen {
		s.mu.Unlock()
		return nil
	}
	return s.unlockErr()
}

// awaitWrite waits for the write in flight, if any, to end; s.mu is held.
func (s *Stream) awaitWrite() {
	// The writer clears writing and then looks for waiters, without s.mu:
	// counting itself first, a waiter either sees writing cleared or is
	// seen, and then woken once it waits.
	s.waiters.Add(1)
	if s.writing.Load() {
		s.cond.Wait()
	}
	s.waiters.Add(-1)
}

// write writes and flushes the pending bytes; s.mu is held, and released.
// Unless the write fails or a sender waits for it, write takes s.mu no
// more.
func (s *Stream) write() {
	buf, upto := s.pending, s.queued
	s.pending = nil
	s.writing.Store(true)
	fresh := s.deadlineFresh.Load()
	if !fresh {
		s.setDeadline()
	}
	s.mu.Unlock()

	var err error
	if buf != nil {
		if len(*buf) > 0 {
			_, err = s.w.Write(*buf)
		}
		s.keepBuffer(buf, fresh)
	}
	if err == nil && !s.noFlush {
		if err = http.NewResponseController(s.w).Flush(); errors.Is(err, http.ErrNotSupported) {
			s.noFlush = true
			s.o.warnOnce(&s.o.warnedFlush, "runtime: event streams cannot flush; events wait in buffers", err)
			err = nil
		}
	}

	if err != nil {
		s.mu.Lock()
		// A failed write also cancels the request context; the write error
		// says more than that, but not more than a shutdown.
		if s.err == nil || errors.Is(s.err, context.Canceled) {
			s.err = fmt.Errorf("runtime: write event stream: %w", err)
		}
		if s.cancel != nil { // net/http cancels the request's context itself
			s.cancel(s.err)
		}
		s.writing.Store(false)
		s.cond.Broadcast()
		s.mu.Unlock()
		return
	}
	s.written.Store(upto)
	s.writing.Store(false)
	if s.waiters.Load() > 0 {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	}
}

// setDeadline moves the write deadline to now plus the write timeout; s.mu
// is held. Moving it costs a timer update, so it only moves once an eighth
// of the timeout has passed (timers then clear s.deadlineFresh): every
// write still gets at least 7/8 of it.
func (s *Stream) setDeadline() {
	d := s.o.writeTimeout
	if d <= 0 || s.noDeadline {
		return
	}
	now := monotime()
	if err := http.NewResponseController(s.w).SetWriteDeadline(epoch.Add(now + d)); err != nil {
		s.noDeadline = true
		return
	}
	s.deadlineFresh.Store(true)
	timers.watchDeadline(s, now+d/8)
}

// beat sends a heartbeat comment, which timers found due when the stream's
// count of writes was seen, and schedules the next check.
func (s *Stream) beat(seen uint64) {
	s.mu.Lock()
	if s.state() != nil {
		s.mu.Unlock()
		return
	}
	if s.written.Load() != seen || s.writing.Load() || s.batch > 0 {
		// Written since, or busy but not writing to the client yet: check
		// again in a quarter interval, as while events flow.
		timers.watchHeartbeat(s, monotime()-s.cfg.Heartbeat+s.cfg.Heartbeat/4, seen)
		s.mu.Unlock()
		return
	}
	buf := s.enqueue()
	*buf = append(*buf, ':', '\n')
	s.queued++
	timers.watchHeartbeat(s, monotime(), s.queued)
	s.flush(s.queued)
}

// warnOnce logs msg the first time flag is set.
func (o *Options) warnOnce(flag *atomic.Bool, msg string, err error) {
	if !flag.Swap(true) {
		o.log().Warn(msg, "err", err)
	}
}

// keepBuffer keeps buf, just written, as the spare for the next events when
// they flow: when the write came within an eighth of the write timeout of
// the last move of the deadline (fresh). The next deadline check releases
// it, so a stream that went idle soon holds no buffer, and one that writes
// now and then never keeps one.
func (s *Stream) keepBuffer(buf *[]byte, fresh bool) {
	if !fresh || cap(*buf) > maxBuffer {
		putBuffer(buf)
		return
	}
	*buf = (*buf)[:0]
	if old := s.spare.Swap(buf); old != nil {
		putBuffer(old)
	}
	// The check clears deadlineFresh and then releases the spare: either
	// it sees buf, or this sees the flag cleared.
	if !s.deadlineFresh.Load() {
		s.releaseSpare()
	}
}

// releaseSpare returns the spare buffer, if any, to bufPool.
func (s *Stream) releaseSpare() {
	if b := s.spare.Swap(nil); b != nil {
		putBuffer(b)
	}
}

// epoch is the origin of monotime.
var epoch = time.Now()

// monotime returns the time on the monotonic clock.
func monotime() time.Duration { return time.Since(epoch) }

// bufPool holds write buffers, so idle streams hold none.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func getBuffer() *[]byte { return bufPool.Get().(*[]byte) }

// maxBuffer is the capacity of the largest buffer kept for reuse: a
// burst's larger buffer is let go.
const maxBuffer = 64 << 10

func putBuffer(b *[]byte) {
	if cap(*b) > maxBuffer {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}
