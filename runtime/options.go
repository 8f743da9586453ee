package runtime

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultWriteTimeout is how long one write to a stream may take before the
// stream is dropped, unless WithWriteTimeout says otherwise. It is generous
// enough for a slow network and short enough that a client that stopped
// reading does not hold a connection for long.
const DefaultWriteTimeout = 30 * time.Second

// DefaultHeartbeat is the heartbeat interval the HTML standard suggests
// (about every 15 seconds), for StreamConfig.Heartbeat.
const DefaultHeartbeat = 15 * time.Second

// DefaultMaxBodySize is the largest request body a handler reads, unless
// WithMaxBodySize says otherwise: ample for JSON requests, and small enough
// that a few hundred requests at once cannot exhaust the server's memory.
const DefaultMaxBodySize = 4 << 20

// Option configures the runtime behaviour of a generated handler or client.
type Option interface {
	apply(*Options)
}

type optionFunc func(*Options)

func (f optionFunc) apply(o *Options) { f(o) }

// WithCodec makes c encode and decode c.ContentType(), replacing the
// codec for that type. A codec for application/json also serves every +json
// type that has no codec of its own.
func WithCodec(c Codec) Option {
	return optionFunc(func(o *Options) { o.codecs[mediaType(c.ContentType())] = c })
}

// WithLogger makes handlers log with l (recovered panics, failed handlers,
// streams that cannot flush) instead of slog.Default().
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(o *Options) { o.logger = l })
}

// WithWriteTimeout bounds every write to an event stream: a client that
// stops reading is dropped once a write has waited d. The deadline rolls
// with each write, so it never limits how long a stream lives (the server's
// WriteTimeout is cleared when a stream opens). 0 disables it. The default
// is DefaultWriteTimeout.
func WithWriteTimeout(d time.Duration) Option {
	return optionFunc(func(o *Options) { o.writeTimeout = d })
}

// WithMaxBodySize bounds the request bodies a handler reads: a larger one
// is answered with 413 (application/problem+json) before the operation's
// method is called, having read no more than n+1 bytes of it, or none when its
// Content-Length is over n. n <= 0 lifts the limit. The default is
// DefaultMaxBodySize. A request body that is an event stream is read one
// event at a time and is not bounded as a whole.
func WithMaxBodySize(n int64) Option {
	return optionFunc(func(o *Options) { o.maxBodySize = n })
}

// EndOnShutdown ends the open event streams when srv shuts down: it
// registers a hook with srv.RegisterOnShutdown that cancels the streams'
// contexts, so their handlers return and srv.Shutdown does not wait for
// streams that would never end on their own.
func EndOnShutdown(srv *http.Server) Option {
	return optionFunc(func(o *Options) { o.servers = append(o.servers, srv) })
}

// Options is a resolved set of options, made once per generated handler or
// client by NewOptions and shared by all its requests.
type Options struct {
	codecs       map[string]Codec
	logger       *slog.Logger
	writeTimeout time.Duration
	maxBodySize  int64
	servers      []*http.Server

	// With EndOnShutdown, streams register in live, which the shutdown
	// hooks end.
	endOnShutdown bool
	live          streamList

	// Set once a stream warned that its ResponseWriter lacks a feature.
	warnedDeadline, warnedFlush atomic.Bool
}

// NewOptions resolves opts, later options overriding earlier ones.
func NewOptions(opts ...Option) *Options {
	o := &Options{
		codecs: map[string]Codec{
			JSON.ContentType():      JSON,
			Text.ContentType():      Text,
			Bytes.ContentType():     Bytes,
			Form.ContentType():      Form,
			Multipart.ContentType(): Multipart,
		},
		writeTimeout: DefaultWriteTimeout,
		maxBodySize:  DefaultMaxBodySize,
	}
	for _, opt := range opts {
		opt.apply(o)
	}
	for _, srv := range o.servers {
		o.endOnShutdown = true
		srv.RegisterOnShutdown(o.live.shutdown)
	}
	return o
}

// Codec returns the codec for contentType, a media type that may carry
// parameters ("application/json; charset=utf-8"). A +json type without a
// codec of its own gets the application/json codec; text/event-stream, for
// a response that is not an operation's stream, is one event whose data is
// encoded with it.
func (o *Options) Codec(contentType string) (Codec, error) {
	if c, ok := o.codecs[contentType]; ok {
		return c, nil
	}
	mt := mediaType(contentType)
	if c, ok := o.codecs[mt]; ok {
		return c, nil
	}
	if strings.HasSuffix(mt, "+json") {
		return o.codecs["application/json"], nil
	}
	if mt == "text/event-stream" {
		return eventBodyCodec{o}, nil
	}
	return nil, fmt.Errorf("runtime: no codec for content type %q", contentType)
}

// Unmarshal decodes data into v with the codec of contentType.
func (o *Options) Unmarshal(contentType string, data []byte, v any) error {
	codec, err := o.Codec(contentType)
	if err != nil {
		return err
	}
	if err := codec.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", contentType, err)
	}
	return nil
}

// eventData encodes v as the data of an event of eventType with the codec
// of contentType.
func (o *Options) eventData(eventType, contentType string, v any) ([]byte, error) {
	codec, err := o.Codec(contentType)
	if err != nil {
		return nil, err
	}
	data, err := codec.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("runtime: encode %s event as %s: %w", eventTypeName(eventType), contentType, err)
	}
	return data, nil
}

// log returns the logger to use.
func (o *Options) log() *slog.Logger {
	if o.logger != nil {
		return o.logger
	}
	return slog.Default()
}

// mediaType returns contentType without parameters, trimmed and lower case.
func mediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// streamList is the list of open streams that a shutdown ends. An
// intrusive list costs a stream two pointers, where a context per stream
// would cost a few hundred bytes.
type streamList struct {
	mu     sync.Mutex
	head   *Stream
	closed bool // shutting down: new streams end at once
}

// add registers s, or ends it when the server is already shutting down.
func (l *streamList) add(s *Stream) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		s.cancel(ErrShutdown)
		return
	}
	s.next = l.head
	if l.head != nil {
		l.head.prev = s
	}
	l.head = s
}

// remove unregisters s.
func (l *streamList) remove(s *Stream) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case s.prev != nil:
		s.prev.next = s.next
	case l.head == s:
		l.head = s.next
	default:
		return // never added
	}
	if s.next != nil {
		s.next.prev = s.prev
	}
	s.prev, s.next = nil, nil
}

// shutdown ends every stream, now and from now on.
func (l *streamList) shutdown() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for s := l.head; s != nil; s = s.next {
		s.shutdown()
	}
}
