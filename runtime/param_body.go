package runtime

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
)

// Body decodes the required request body into dst with the codec of
// contentType. A body of another content type, or of one without a codec
// (see WithCodec), is answered with 415 by Params.Failed; a request without
// a Content-Type is taken as contentType.
func Body[T any](p *Params, o *Options, contentType string, dst *T) {
	decodeBody(p, o, contentType, true, dst)
}

// BodyPtr decodes an optional request body into dst, which stays nil when
// the request has none.
func BodyPtr[T any](p *Params, o *Options, contentType string, dst **T) {
	v := new(T)
	if decodeBody(p, o, contentType, false, v) {
		*dst = v
	}
}

// decodeBody reports whether a body was decoded into dst.
func decodeBody(p *Params, o *Options, contentType string, required bool, dst any) bool {
	spec := Param{in: InBody, required: required}
	if !p.bodyIs(spec, contentType) {
		return false
	}
	var data []byte
	if p.r.Body != nil {
		var err error
		if data, err = io.ReadAll(p.r.Body); err != nil {
			p.fail(spec, "", fmt.Errorf("cannot read: %w", err))
			return false
		}
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
	if err := codec.Unmarshal(data, dst); err != nil {
		p.failBody(spec, err)
		return false
	}
	if c, ok := dst.(JSONChecker); ok && isJSON(contentType) {
		if err := checkJSON(data, c); err != nil {
			p.errs = append(p.errs, err)
			return false
		}
	}
	if _, err := validate(dst); err != nil {
		p.failBody(spec, err)
		return false
	}
	return true
}

// failBody records a problem of the body, at the place in it that a
// PathError or a ParamError of the body names.
func (p *Params) failBody(spec Param, err error) {
	var pe *PathError
	var located *ParamError
	switch {
	case errors.As(err, &located) && located.In == InBody:
		p.errs = append(p.errs, located)
	case errors.As(err, &pe):
		p.fail(spec, pe.Path, pe.Err)
	default:
		p.fail(spec, "", err)
	}
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
