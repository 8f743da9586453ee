package runtime

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// WriteData answers with status and v encoded by the codec of contentType.
// When the codec is missing or fails, nothing is written and the error is
// returned, so the caller can still answer with an error. A status that has
// no body (204, 304, 1xx), or an empty contentType with a nil v, writes none.
func WriteData(w http.ResponseWriter, o *Options, status int, contentType string, v any) error {
	data, err := encode(o, status, contentType, v)
	if err != nil {
		return err
	}
	return writeBody(w, status, contentType, data)
}

// encode encodes v as the body of a status response of contentType: nil
// when status has no body, or there is none (no contentType, nil v).
func encode(o *Options, status int, contentType string, v any) ([]byte, error) {
	if !bodyAllowed(status) || contentType == "" && v == nil {
		return nil, nil
	}
	codec, err := o.Codec(contentType)
	if err != nil {
		return nil, err
	}
	return codec.Marshal(v)
}

// writeBody answers with status and data, of contentType.
func writeBody(w http.ResponseWriter, status int, contentType string, data []byte) error {
	if !bodyAllowed(status) || contentType == "" && data == nil {
		w.WriteHeader(status)
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, err := w.Write(data)
	return err
}

// bodyAllowed tells whether a response with status may have a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// problemDetails is an RFC 9457 problem details document.
type problemDetails struct {
	Title  string `json:"title,omitempty"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// WriteProblem answers with status and an application/problem+json body
// (RFC 9457) holding title and detail; an empty title becomes the status
// text.
func WriteProblem(w http.ResponseWriter, status int, title, detail string) {
	if title == "" {
		title = http.StatusText(status)
	}
	data, _ := json.Marshal(problemDetails{Title: title, Status: status, Detail: detail}) // cannot fail
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(data)
}
