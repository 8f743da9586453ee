package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Codec encodes and decodes the values of one content type. The codec that
// encodes an API's ordinary responses of a content type also encodes the
// data of the events of that type, so a client parses both the same way.
type Codec interface {
	// ContentType is the media type the codec handles, without parameters,
	// e.g. "application/json".
	ContentType() string
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON encodes with encoding/json as application/json. Options also use it
// for every structured-syntax +json type (application/problem+json, ...)
// that has no codec of its own. Replace it with NewJSONCodec and WithCodec
// to plug in a faster encoder.
var JSON Codec = NewJSONCodec(json.Marshal, json.Unmarshal)

// Text is the text/plain codec. It marshals a string or []byte (or a
// pointer to either) as is, and unmarshals into a *string or *[]byte.
var Text Codec = rawCodec{contentType: "text/plain"}

// Bytes is the application/octet-stream codec. Like Text it passes a
// string or []byte through unchanged. Event data must be valid UTF-8, so
// binary payloads do not fit in events; encode them (e.g. base64) instead.
var Bytes Codec = rawCodec{contentType: "application/octet-stream"}

// NewJSONCodec returns an application/json codec that calls marshal and
// unmarshal, such as the functions of a faster JSON package. Register it
// with WithCodec.
func NewJSONCodec(marshal func(any) ([]byte, error), unmarshal func([]byte, any) error) Codec {
	return &jsonCodec{marshal: marshal, unmarshal: unmarshal}
}

type jsonCodec struct {
	marshal   func(any) ([]byte, error)
	unmarshal func([]byte, any) error
}

func (*jsonCodec) ContentType() string                  { return "application/json" }
func (c *jsonCodec) Marshal(v any) ([]byte, error)      { return c.marshal(v) }
func (c *jsonCodec) Unmarshal(data []byte, v any) error { return c.unmarshal(data, v) }

// rawCodec passes strings and byte slices through unchanged.
type rawCodec struct{ contentType string }

func (c rawCodec) ContentType() string { return c.contentType }

func (c rawCodec) Marshal(v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return []byte(v), nil
	case []byte:
		return v, nil
	case *string:
		if v != nil {
			return []byte(*v), nil
		}
	case *[]byte:
		if v != nil {
			return *v, nil
		}
	}
	return nil, fmt.Errorf("runtime: %s codec cannot marshal %T: want string or []byte", c.contentType, v)
}

func (c rawCodec) Unmarshal(data []byte, v any) error {
	switch v := v.(type) {
	case *string:
		if v != nil {
			*v = string(data)
			return nil
		}
	case *[]byte:
		if v != nil {
			*v = append((*v)[:0], data...)
			return nil
		}
	}
	return fmt.Errorf("runtime: %s codec cannot unmarshal into %T: want *string or *[]byte", c.contentType, v)
}

// eventBodyCodec encodes a body of content type text/event-stream that is
// not an operation's stream, such as the event stream TGI declares for its
// error statuses: one message event whose data is the value, as text when
// it is a string and with the API's JSON codec otherwise.
type eventBodyCodec struct{ o *Options }

func (eventBodyCodec) ContentType() string { return "text/event-stream" }

func (c eventBodyCodec) data(v any) Codec {
	switch v.(type) {
	case string, []byte, *string, *[]byte:
		return Text
	}
	return c.o.codecs["application/json"]
}

func (c eventBodyCodec) Marshal(v any) ([]byte, error) {
	data, err := c.data(v).Marshal(v)
	if err != nil {
		return nil, err
	}
	return AppendEvent(nil, &Event{Data: data})
}

// Unmarshal decodes the data of the first event.
func (c eventBodyCodec) Unmarshal(data []byte, v any) error {
	ev, err := NewReader(bytes.NewReader(data)).Next()
	if err == io.EOF {
		return errors.New("runtime: the event stream has no event")
	}
	if err != nil {
		return err
	}
	return c.data(v).Unmarshal(ev.Data, v)
}
