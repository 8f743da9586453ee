package runtime

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"time"
	"unicode/utf8"
)

// Event is one Server-Sent Events message: what a handler sends and what a
// Reader returns.
type Event struct {
	// Type is the event type (the "event" field). The empty string and
	// "message" both mean the default type and write no event line; a
	// Reader reports the default type as "message".
	Type string
	// Data is the already-encoded data. Line breaks in it (CR, LF or CRLF)
	// reach the client as LF, the only line break SSE can carry; anything
	// else arrives byte for byte. Empty data is still a message.
	Data []byte
	// ID is the event ID (the "id" field), written when not empty. A client
	// resumes from it with the Last-Event-ID header. A Reader reports the
	// stream's last event ID, which stays set until the server changes it.
	ID string
	// Retry is the reconnection delay hint (the "retry" field, in whole
	// milliseconds, rounded up), written when positive. A Reader reports the hint sent
	// with this event, or 0.
	Retry time.Duration
	// Comment is written as comment lines before the fields when not
	// empty; EventSource ignores it, a Reader passes it to its comment
	// handler (WithCommentHandler).
	Comment string
}

// FieldError reports a value that cannot be written as an SSE field without
// changing the meaning of the stream, such as a line break in an event type
// (which would let the value forge new fields or events). Values are never
// silently rewritten.
type FieldError struct {
	Field  string // "event", "id" or "data"
	Value  string // the offending value
	Reason string // what is wrong with it
}

func (e *FieldError) Error() string {
	return "runtime: invalid SSE " + e.Field + " " + strconv.Quote(e.Value) + ": " + e.Reason
}

// checkField reports why s cannot be the value of field, or returns nil.
// Every value a Reader decodes is UTF-8, so invalid UTF-8 could not be read
// back as sent.
func checkField(field, s string, nul bool) error {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n' || c == '\r':
			return &FieldError{Field: field, Value: s, Reason: "contains a line break"}
		case c == 0 && nul:
			return &FieldError{Field: field, Value: s, Reason: "contains U+0000"}
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	if !ascii && !utf8.ValidString(s) {
		return &FieldError{Field: field, Value: s, Reason: "is not valid UTF-8"}
	}
	return nil
}

// AppendEvent appends the wire form of e to dst and returns the extended
// buffer, or dst unchanged and a *FieldError when e.Type or e.ID holds a
// line break, e.ID holds U+0000, or a field is not valid UTF-8. It does not
// allocate when dst has room.
//
// The event ends with an empty line, so a client dispatches it: one "data"
// line per line of e.Data, an empty "data" line for empty data, and an extra
// empty one when the data ends with a line break, so that break survives.
func AppendEvent(dst []byte, e *Event) ([]byte, error) {
	multiline, err := checkEvent(e)
	if err != nil {
		return dst, err
	}
	return appendEvent(dst, e, multiline), nil
}

// checkEvent returns the *FieldError AppendEvent returns for e, or nil,
// and whether e.Data has line breaks.
func checkEvent(e *Event) (multiline bool, err error) {
	if e.Type != "" {
		if err := checkField("event", e.Type, false); err != nil {
			return false, err
		}
	}
	if e.ID != "" {
		if err := checkField("id", e.ID, true); err != nil {
			return false, err
		}
	}
	valid, multiline := scanData(e.Data)
	if !valid {
		return false, &FieldError{Field: "data", Value: string(e.Data), Reason: "is not valid UTF-8"}
	}
	return multiline, nil
}

// scanData reports whether data is valid UTF-8 and whether it holds a CR or
// LF, in one pass over ASCII data, eight bytes at a time and without
// branches.
func scanData(data []byte) (valid, breaks bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	var all, marks uint64 // all the bytes ORed; a high bit per CR or LF byte
	i := 0
	for ; i+8 <= len(data); i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		// A byte of w^(ones*c) is zero where w holds c; (x-ones)&^x sets the
		// high bit of each zero byte (exact when no byte of x exceeds 0x7f,
		// and otherwise all is not ASCII and marks is not used).
		lf, cr := w^(ones*'\n'), w^(ones*'\r')
		all |= w
		marks |= (lf-ones)&^lf | (cr-ones)&^cr
	}
	for _, c := range data[i:] {
		all |= uint64(c)
		if c == '\n' || c == '\r' {
			marks |= highs
		}
	}
	if all&highs != 0 { // not ASCII: let the standard library check it
		return utf8.Valid(data), bytes.IndexByte(data, '\n') >= 0 || bytes.IndexByte(data, '\r') >= 0
	}
	return true, marks&highs != 0
}

// appendEvent appends e, which checkEvent accepted; multiline tells whether
// e.Data has line breaks.
func appendEvent(dst []byte, e *Event, multiline bool) []byte {
	if e.Comment != "" {
		dst = AppendComment(dst, e.Comment)
	}
	if e.Type != "" && e.Type != "message" {
		dst = append(dst, "event: "...)
		dst = append(dst, e.Type...)
		dst = append(dst, '\n')
	}
	if e.ID != "" {
		dst = append(dst, "id: "...)
		dst = append(dst, e.ID...)
		dst = append(dst, '\n')
	}
	if e.Retry > 0 {
		dst = appendRetry(dst, e.Retry)
	}
	if multiline {
		dst = appendLines(dst, "data", e.Data)
	} else {
		dst = appendLine(dst, "data", e.Data)
	}
	return append(dst, '\n')
}

// appendRetry appends a retry field for d, in whole milliseconds rounded
// up: a positive delay written as 0 would ask for reconnecting at once.
func appendRetry(dst []byte, d time.Duration) []byte {
	dst = append(dst, "retry: "...)
	ms := d.Milliseconds()
	if d%time.Millisecond > 0 {
		ms++
	}
	dst = strconv.AppendInt(dst, ms, 10)
	return append(dst, '\n')
}

// appendLines appends one name line per line of text, split on CR, LF and
// CRLF.
func appendLines[T string | []byte](dst []byte, name string, text T) []byte {
	for {
		i := indexBreak(text)
		if i < 0 {
			return appendLine(dst, name, text)
		}
		dst = appendLine(dst, name, text[:i])
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
	}
}

// indexBreak returns the index of the first CR or LF in s, or -1.
func indexBreak[T string | []byte](s T) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == '\r' {
			return i
		}
	}
	return -1
}

// appendLine appends the field line "name: value", or "name:" for an empty
// value. value holds no line break.
func appendLine[T string | []byte](dst []byte, name string, value T) []byte {
	dst = append(dst, name...)
	if len(value) == 0 {
		return append(dst, ':', '\n')
	}
	dst = append(dst, ':', ' ')
	dst = append(dst, value...)
	return append(dst, '\n')
}

// AppendComment appends text as comment lines (one per line of text, split
// on CR, LF and CRLF) to dst and returns the extended buffer. Clients ignore
// comments; they keep idle connections alive through proxies.
func AppendComment(dst []byte, text string) []byte {
	return appendLines(dst, "", text)
}
