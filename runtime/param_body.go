package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// Body decodes the required request body into dst with the codec of
// contentType, and checks it: a JSON body for the required properties of
// its objects at any depth (see JSONChecker), every value that has a
// Validate method, and rules, the constraints of the body's own schema. A
// body of another content type, or of one without a codec (see
// WithCodec), is answered with 415 by Params.Failed; a request without a
// Content-Type is taken as contentType.
func Body[T any](p *Params, o *Options, contentType string, dst *T, rules ...Rule) {
	decodeBody(p, o, contentType, true, dst, rules)
}

// BodyPtr decodes an optional request body into dst, which stays nil when
// the request has none.
func BodyPtr[T any](p *Params, o *Options, contentType string, dst **T, rules ...Rule) {
	v := new(T)
	if decodeBody(p, o, contentType, false, v, rules) {
		*dst = v
	}
}

// decodeBody reports whether a body was decoded into dst.
func decodeBody(p *Params, o *Options, contentType string, required bool, dst any, rules []Rule) bool {
	spec := Param{in: InBody, required: required}
	if !p.bodyIs(spec, contentType) {
		return false
	}
	data, ok := p.readBody(spec, o.maxBodySize)
	if !ok {
		return false
	}
	if len(data) == 0 {
		return p.missing(spec)
	}
	codec, err := o.Codec(contentType)
	if err != nil { // no codec registered (runtime.WithCodec) for the declared type
		p.unsupported = true
		p.fail(spec, "", err)
		return false
	}
	target := reflect.TypeOf(dst).Elem()
	isJSON := isJSON(contentType)
	if isJSON && string(bytes.TrimSpace(data)) == "null" && !holdsNull(target) {
		p.fail(spec, "", errNull)
		return false
	}
	if err := codec.Unmarshal(data, dst); err != nil {
		if isJSON {
			err = jsonError(data, target, err)
		}
		p.failAt(spec, err)
		return false
	}
	if c := checkerOf(target); c != nil && isJSON {
		if err := checkJSON(data, c); err != nil {
			p.failAt(spec, err)
			return false
		}
	}
	if err := validateAll(reflect.ValueOf(dst)); err != nil {
		p.failAt(spec, err)
		return false
	}
	if err := Check(dst, rules...); err != nil {
		p.failAt(spec, err)
		return false
	}
	return true
}

// readBody reads the whole request body, of at most limit bytes (no limit
// when limit <= 0): a longer one is answered 413 by Params.Failed. It never
// holds more than limit+1 bytes, and a body whose Content-Length is over the
// limit is not read at all.
func (p *Params) readBody(spec Param, limit int64) ([]byte, bool) {
	if p.r.Body == nil {
		return nil, true
	}
	var data []byte
	var err error
	switch n := p.r.ContentLength; {
	case limit <= 0:
		data, err = readBlocks(p.r.Body, math.MaxInt64)
	case n > limit:
		return nil, p.tooLarge(spec, limit)
	case n >= 0: // known and within the limit: one allocation of the right size
		data = make([]byte, n)
		_, err = io.ReadFull(p.r.Body, data)
	default:
		data, err = readBlocks(p.r.Body, limit+1)
		if err == nil && int64(len(data)) > limit {
			return nil, p.tooLarge(spec, limit)
		}
	}
	if err != nil {
		p.fail(spec, "", fmt.Errorf("cannot read: %w", err))
		return nil, false
	}
	return data, true
}

// readBlocks reads r to its end, or to max bytes. It reads into blocks, the
// first small and each next one twice as large up to 64 KiB, and joins them
// once: it allocates about twice the data's size, where io.ReadAll, which
// grows one slice by a quarter at a time, allocates about five times.
func readBlocks(r io.Reader, max int64) ([]byte, error) {
	var blocks [][]byte
	size := int64(512)
	for n := int64(0); n < max; size = min(2*size, 64<<10) {
		b := make([]byte, min(size, max-n))
		m, err := io.ReadFull(r, b)
		blocks = append(blocks, b[:m])
		n += int64(m)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(blocks) == 1 {
		return blocks[0], nil
	}
	return bytes.Join(blocks, nil), nil
}

// tooLarge records a body over limit and reports false.
func (p *Params) tooLarge(spec Param, limit int64) bool {
	p.bodyTooLarge = true
	p.fail(spec, "", fmt.Errorf("larger than the limit of %d bytes", limit))
	return false
}

// bodyIs reports whether the request body is of contentType (or does not
// say); otherwise Params.Failed answers 415.
func (p *Params) bodyIs(spec Param, contentType string) bool {
	if got := p.r.Header.Get("Content-Type"); got != "" && mediaType(got) != mediaType(contentType) {
		p.unsupported = true
		p.fail(spec, "", fmt.Errorf("content type %q is not %s", got, contentType))
		return false
	}
	return true
}

// BodyEvents returns the events of a text/event-stream request body as
// they arrive, each turned into its type by decode with the handler's
// codecs. It ends at the end of the body; a read or decode error is
// yielded, last. A body of another content type is answered with 415 by
// Params.Failed.
func BodyEvents[E any](p *Params, o *Options, decode func(*Options, Event) (E, error)) iter.Seq2[E, error] {
	if !p.bodyIs(Param{in: InBody, required: true}, "text/event-stream") {
		return nil
	}
	body := p.r.Body
	return func(yield func(E, error) bool) {
		if body == nil {
			return
		}
		for ev, err := range NewReader(body).Events() {
			var e E
			if err == nil {
				e, err = decode(o, ev)
			}
			if !yield(e, err) || err != nil {
				return
			}
		}
	}
}

// PathError is a problem at Path inside a value, such as an enum value
// that is not one of its type's: "lines[2].kind", relative to the value.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string { return e.Path + ": " + e.Err.Error() }

func (e *PathError) Unwrap() error { return e.Err }

// At returns err, found in the property or item path of a value, as a
// *PathError: the Validate methods of generated models wrap the errors of
// their parts with it, so that At("lines[2]", At("kind", err)) is at
// "lines[2].kind".
func At(path string, err error) error {
	pe, ok := err.(*PathError)
	if !ok {
		return &PathError{Path: path, Err: err}
	}
	if !strings.HasPrefix(pe.Path, "[") {
		path += "."
	}
	return &PathError{Path: path + pe.Path, Err: pe.Err}
}

// itemPath and keyPath are the paths of an array's item and of a map's
// value in a PathError (and a ParamError's Property), as At joins them.
func itemPath(i int) string   { return "[" + strconv.Itoa(i) + "]" }
func keyPath(k string) string { return "[" + strconv.Quote(k) + "]" }

// ErrNotImplemented is what an operation's handler returns when it does not
// implement it; it is answered with 501 Not Implemented.
var ErrNotImplemented = errors.New("not implemented")

// WriteResponse answers a plain operation with status, response headers
// already set on w, and v encoded by the codec of contentType (no body when
// contentType is "" and v nil). A body that cannot be encoded is logged and
// answered with 500.
func WriteResponse(w http.ResponseWriter, r *http.Request, o *Options, status int, contentType string, v any) {
	if err := WriteData(w, o, status, contentType, v); err != nil {
		WriteError(w, r, o, fmt.Errorf("write %d response: %w", status, err))
	}
}

// WriteError answers the error a handler returned: 501 for
// ErrNotImplemented; anything else is logged and answered with 500 and an
// application/problem+json body without detail, so that internal errors do
// not leak.
func WriteError(w http.ResponseWriter, r *http.Request, o *Options, err error) {
	if errors.Is(err, ErrNotImplemented) {
		WriteProblem(w, http.StatusNotImplemented, "", r.Method+" "+r.URL.Path+" is not implemented")
		return
	}
	o.log().Error("runtime: handler failed", "method", r.Method, "path", r.URL.Path, "err", err)
	WriteProblem(w, http.StatusInternalServerError, "", "")
}

// NotImplemented answers a streaming operation with 501 Not Implemented
// instead of the stream.
func NotImplemented(s *Stream) error {
	return s.Respond(http.StatusNotImplemented, "application/problem+json", problemDetails{
		Title:  http.StatusText(http.StatusNotImplemented),
		Status: http.StatusNotImplemented,
		Detail: s.r.Method + " " + s.r.URL.Path + " is not implemented",
	})
}
