package model

import (
	"strings"

	"github.com/ssegen/ssegen/generator/spec"
)

// IsError tells the responses a client reports as errors: 4xx, 5xx and
// default.
func (r *Response) IsError() bool { return r.Status == 0 || r.Status >= 400 }

// Successes returns op's plain responses that are not errors.
func (op *Operation) Successes() []*Response {
	var out []*Response
	for _, r := range op.Responses {
		if !r.IsError() {
			out = append(out, r)
		}
	}
	return out
}

// IsJSON tells JSON media types, application/json and the +json ones,
// with or without parameters.
func IsJSON(contentType string) bool {
	t := spec.MediaType(contentType) // as written: "application/json; charset=utf-8"
	return t == "application/json" || strings.HasSuffix(t, "+json")
}

// AllJSON tells whether every response of rs with a body is JSON.
func AllJSON(rs []*Response) bool {
	for _, r := range rs {
		if r.Type != nil && !IsJSON(r.ContentType) {
			return false
		}
	}
	return true
}

// DocName is how generated docs name the API: its title and version, or
// "the API" when it has no title.
func (api *API) DocName() string {
	switch {
	case api.Title == "":
		return "the API"
	case api.Version == "":
		return api.Title
	}
	return api.Title + " " + api.Version
}

// PlainSuffix returns what the name of op's plain call adds to op.Name:
// nothing for an operation without a stream, "JSON" (or "Plain" when a
// success is not JSON) for one that answers a body or a stream, as its
// stream call takes op.Name. ok is false for an operation that only
// streams.
func (op *Operation) PlainSuffix() (suffix string, ok bool) {
	switch ok := op.Successes(); {
	case op.Stream == nil:
		return "", true
	case len(ok) == 0:
		return "", false
	case AllJSON(ok):
		return "JSON", true
	}
	return "Plain", true
}
