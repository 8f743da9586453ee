package model

import "strings"

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
// written without parameters (see spec.MediaType).
func IsJSON(contentType string) bool {
	return contentType == "application/json" || strings.HasSuffix(contentType, "+json")
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
