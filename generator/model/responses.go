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
