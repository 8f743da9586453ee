package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	gosse "github.com/tmaxmax/go-sse"
)

// framer frames one sample event into buf with a library's own API. With
// encode set it also JSON-encodes sample, as a handler with a value does;
// otherwise it frames the already-encoded sampleJSON.
type framer struct {
	name  string
	frame func(buf *bytes.Buffer, encode bool) error
}

var framers = []framer{
	{"bare", func(buf *bytes.Buffer, encode bool) error {
		if encode {
			return errNotApplicable
		}
		buf.Write(preframed)
		return nil
	}},
	ssegenFramer,
	{"go-sse", func(buf *bytes.Buffer, encode bool) error {
		data := sampleData
		if encode {
			b, err := json.Marshal(sample)
			if err != nil {
				return err
			}
			data = string(b)
		}
		m := &gosse.Message{Type: gosse.Type(eventType)}
		m.AppendData(data)
		_, err := m.WriteTo(buf)
		return err
	}},
	// r3labs exports no framing function: this is the write sequence of its
	// (*Server).ServeHTTP (v2.10.0) for an event with data and a type.
	{"r3labs", func(buf *bytes.Buffer, encode bool) error {
		ev := r3labsEvent{Event: []byte(eventType), Data: sampleJSON}
		if encode {
			b, err := json.Marshal(sample)
			if err != nil {
				return err
			}
			ev.Data = b
		}
		fmt.Fprintf(buf, "id: %s\n", ev.ID)
		fmt.Fprintf(buf, "data: %s\n", ev.Data)
		fmt.Fprintf(buf, "event: %s\n", ev.Event)
		fmt.Fprint(buf, "\n")
		return nil
	}},
}

// r3labsEvent mirrors the fields of r3labs' sse.Event that ServeHTTP writes.
type r3labsEvent struct{ ID, Data, Event []byte }

var errNotApplicable = fmt.Errorf("not applicable")

// BenchmarkFrame frames one small event whose data is already JSON; one op is
// one event. The buffer is reused, as a stream's write buffer is.
func BenchmarkFrame(b *testing.B) { benchFrame(b, false) }

// BenchmarkEncodeFrame JSON-encodes a small value and frames it; one op is
// one event.
func BenchmarkEncodeFrame(b *testing.B) { benchFrame(b, true) }

func benchFrame(b *testing.B, encode bool) {
	for _, f := range framers {
		b.Run(f.name, func(b *testing.B) {
			var buf bytes.Buffer
			if err := f.frame(&buf, encode); err == errNotApplicable {
				b.Skip("the bare handler writes pre-framed bytes and encodes nothing")
			}
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := f.frame(&buf, encode); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
