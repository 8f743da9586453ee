package runtime

import (
	"bytes"
	"errors"
	"io"
	"iter"
	"math"
	"time"
	"unicode/utf8"
)

// ErrEventTooLarge is returned by a Reader for an event, or a line, larger
// than its maximum event size (WithMaxEventSize).
var ErrEventTooLarge = errors.New("runtime: event stream: event exceeds the maximum event size")

// DefaultMaxEventSize is a Reader's maximum event size unless
// WithMaxEventSize says otherwise.
const DefaultMaxEventSize = 1 << 20

// Reader parses a Server-Sent Events stream the way the HTML standard's
// EventSource does: UTF-8 whatever the declared charset, with an optional
// leading byte order mark and invalid bytes decoded as U+FFFD; lines ending
// in CRLF, LF or CR, also when a CRLF is split between reads; unknown
// fields ignored; events without data not dispatched; the last event ID
// changed only when an event is dispatched; and an event cut off by the end
// of the stream discarded, its ID included. Comments go to the comment
// handler, if any (WithCommentHandler). Memory is bounded by the maximum
// event size.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	src     io.Reader
	buf     []byte // buf[start:end] is read but not yet parsed
	start   int
	end     int
	err     error // from src; reported once buf has no complete line left
	max     int
	bomDone bool // the start of the stream was checked for a byte order mark
	skipLF  bool // the last line ended in CR: a following LF belongs to it
	scratch []byte

	lastID   string // set when an event is dispatched
	idBuf    string // the id field of the event being read; lastID until then
	comment  func(text string)
	retry    time.Duration
	hasRetry bool
	lastType string // the previous event type, reused to save allocations
}

// ReaderOption configures a Reader.
type ReaderOption func(*Reader)

// WithMaxEventSize bounds the size of one event's data, and of one line, to
// n bytes (default DefaultMaxEventSize). A larger event makes the Reader
// fail with ErrEventTooLarge instead of buffering it.
func WithMaxEventSize(n int) ReaderOption {
	return func(r *Reader) { r.max = max(n, 1) }
}

// WithCommentHandler makes the Reader call fn with the text of every
// comment line (a line starting with a colon, which EventSource ignores),
// without the colon and one following space. Servers send comments as
// heartbeats to keep idle connections open; fn lets a caller see them.
func WithCommentHandler(fn func(text string)) ReaderOption {
	return func(r *Reader) { r.comment = fn }
}

// withLastEventID starts the reader with id as the last event ID, as a
// reconnection continues the stream before it.
func withLastEventID(id string) ReaderOption {
	return func(r *Reader) { r.lastID, r.idBuf = id, id }
}

// NewReader returns a Reader of the stream src.
func NewReader(src io.Reader, opts ...ReaderOption) *Reader {
	r := &Reader{src: src, max: DefaultMaxEventSize}
	for _, opt := range opts {
		opt(r)
	}
	return r
}

// LastEventID returns the last event ID the stream set, which a client
// sends as Last-Event-ID when it reconnects. As in EventSource, an id field
// takes effect when its event is dispatched (at the blank line that ends
// it, even when the event has no data), never for an event the end of the
// stream cut off.
func (r *Reader) LastEventID() string { return r.lastID }

// Retry returns the last reconnection delay the stream asked for, and
// whether it asked for one.
func (r *Reader) Retry() (time.Duration, bool) { return r.retry, r.hasRetry }

// Next returns the next event. Its Type is "message" when the stream set
// none, its ID the last event ID so far, and its Retry the reconnection
// delay sent with it, if any. Its Data is a new slice the caller may keep.
// At the end of the stream Next returns io.EOF; a partial event before it
// is discarded. Errors are final: Next returns the same error after one.
func (r *Reader) Next() (Event, error) {
	var (
		data  []byte
		typ   string
		retry time.Duration
	)
	for {
		line, err := r.line()
		if err != nil {
			return Event{}, err
		}
		if len(line) == 0 { // dispatch
			r.lastID = r.idBuf
			if len(data) == 0 {
				typ, retry = "", 0
				continue
			}
			if typ == "" {
				typ = "message"
			}
			return Event{Type: typ, Data: data[:len(data)-1], ID: r.lastID, Retry: retry}, nil
		}
		if line[0] == ':' {
			if r.comment != nil {
				r.comment(r.commentText(line[1:]))
			}
			continue
		}
		if !utf8.Valid(line) {
			r.scratch = appendDecodedUTF8(r.scratch[:0], line)
			line = r.scratch
		}
		name, value := line, line[len(line):]
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			name, value = line[:i], line[i+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(name) {
		case "data":
			if len(data)+len(value)+1 > r.max+1 { // the final LF is not data
				r.err = ErrEventTooLarge
				return Event{}, r.err
			}
			data = append(data, value...)
			data = append(data, '\n')
		case "event":
			if string(value) != r.lastType {
				r.lastType = string(value)
			}
			typ = r.lastType
		case "id":
			if bytes.IndexByte(value, 0) < 0 && string(value) != r.idBuf {
				r.idBuf = string(value)
			}
		case "retry":
			if ms, ok := parseRetry(value); ok {
				r.retry, r.hasRetry = ms, true
				retry = ms
			}
		}
	}
}

// Events returns an iterator over the events, for use in a range loop. It
// ends at the end of the stream; another error is yielded once, last.
func (r *Reader) Events() iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		for {
			e, err := r.Next()
			if err == io.EOF || !yield(e, err) || err != nil {
				return
			}
		}
	}
}

// commentText returns the text of a comment line after its colon, decoded
// as UTF-8 like every other line, without one leading space.
func (r *Reader) commentText(text []byte) string {
	if !utf8.Valid(text) {
		text = appendDecodedUTF8(nil, text)
	}
	if len(text) > 0 && text[0] == ' ' {
		text = text[1:]
	}
	return string(text)
}

// parseRetry parses a retry value: ASCII digits only, in milliseconds.
func parseRetry(value []byte) (time.Duration, bool) {
	if len(value) == 0 {
		return 0, false
	}
	const limit = math.MaxInt64 / int64(time.Millisecond)
	var ms int64
	for _, c := range value {
		if c < '0' || c > '9' {
			return 0, false
		}
		ms = min(ms*10+int64(c-'0'), limit)
	}
	return time.Duration(ms) * time.Millisecond, true
}

// utf8BOM is the byte order mark a stream may start with.
const utf8BOM = "\uFEFF"

// line returns the next line without its line break. It is valid until the
// next call.
func (r *Reader) line() ([]byte, error) {
	for {
		unread := r.buf[r.start:r.end]
		switch {
		case !r.bomDone:
			// Read until the start of the stream is, or cannot be, a BOM.
			if len(unread) < len(utf8BOM) && bytes.HasPrefix([]byte(utf8BOM), unread) && r.err == nil {
				r.fill()
				continue
			}
			r.bomDone = true
			if bytes.HasPrefix(unread, []byte(utf8BOM)) {
				r.start += len(utf8BOM)
			}
			continue
		case r.skipLF:
			if len(unread) == 0 && r.err == nil {
				r.fill()
				continue
			}
			r.skipLF = false
			if len(unread) > 0 && unread[0] == '\n' {
				r.start++
			}
			continue
		}
		i := bytes.IndexByte(unread, '\n')
		crSearch := unread
		if i >= 0 {
			crSearch = unread[:i]
		}
		if j := bytes.IndexByte(crSearch, '\r'); j >= 0 {
			i = j
			r.skipLF = true
		}
		if i >= 0 {
			r.start += i + 1
			return unread[:i], nil
		}
		if r.err != nil {
			return nil, r.err // an unterminated last line is discarded
		}
		if len(unread) > r.max {
			r.err = ErrEventTooLarge
			return nil, r.err
		}
		r.fill()
	}
}

// fill reads more of the stream into buf.
func (r *Reader) fill() {
	if r.start > 0 {
		r.end = copy(r.buf, r.buf[r.start:r.end])
		r.start = 0
	}
	if r.end == len(r.buf) {
		// A line may take max bytes plus a CRLF; the buffer never grows beyond.
		size := min(max(2*len(r.buf), 4096), r.max+2)
		if size <= len(r.buf) {
			size = len(r.buf) + 1
		}
		buf := make([]byte, size)
		copy(buf, r.buf[:r.end])
		r.buf = buf
	}
	for range 100 {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		if err != nil {
			r.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.err = io.ErrNoProgress
}

// appendDecodedUTF8 appends src to dst with every invalid UTF-8 sequence
// replaced by U+FFFD the way the WHATWG encoding standard does it: one
// replacement per maximal subpart of a sequence, so a browser and a Reader
// see the same text.
func appendDecodedUTF8(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		if r, size := utf8.DecodeRune(src[i:]); r != utf8.RuneError || size > 1 {
			dst = append(dst, src[i:i+size]...)
			i += size
			continue
		}
		// The bytes the lead byte c allows next, and how many follow it.
		need, lo, hi := 0, byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			need = 1
		case c == 0xE0:
			need, lo = 2, 0xA0
		case c == 0xED:
			need, hi = 2, 0x9F
		case c >= 0xE1 && c <= 0xEF:
			need = 2
		case c == 0xF0:
			need, lo = 3, 0x90
		case c == 0xF4:
			need, hi = 3, 0x8F
		case c >= 0xF1 && c <= 0xF3:
			need = 3
		}
		n := 1
		for ; need > 0 && i+n < len(src); need-- {
			if b := src[i+n]; b < lo || b > hi {
				break
			}
			n++
			lo, hi = 0x80, 0xBF
		}
		dst = utf8.AppendRune(dst, utf8.RuneError)
		i += n
	}
	return dst
}
