package bench

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"testing"

	gosse "github.com/tmaxmax/go-sse"
)

// reader parses a stream of sample events with a library's own parser and
// returns how many it read, failing on any event that is not the sample.
// r3labs has none: its parser is unexported client internals.
type reader struct {
	name string
	read func(r io.Reader) (int, error)
}

var readers = []reader{
	ssegenReader,
	{"go-sse", func(r io.Reader) (int, error) {
		return countSamples(gosse.Read(r, nil), func(e gosse.Event) (string, string) { return e.Type, e.Data })
	}},
}

// countSamples counts the events of a reader's iterator until its end,
// failing on an error or an event that is not the sample event; fields
// returns an event's type and data.
func countSamples[E any, D string | []byte](events iter.Seq2[E, error], fields func(E) (string, D)) (int, error) {
	n := 0
	for ev, err := range events {
		if err != nil {
			return n, err
		}
		if typ, data := fields(ev); typ != eventType || string(data) != sampleData {
			return n, fmt.Errorf("event %d: got type %q data %q, want %q %q", n, typ, data, eventType, sampleData)
		}
		n++
	}
	return n, nil
}

const readBatch = 1000

// BenchmarkRead parses readBatch pre-framed sample events from memory; one
// op is one event.
func BenchmarkRead(b *testing.B) {
	stream := bytes.Repeat(preframed, readBatch)
	for _, rd := range readers {
		b.Run(rd.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(preframed)))
			r := bytes.NewReader(stream)
			for i := 0; i < b.N; i += readBatch {
				r.Reset(stream)
				n, err := rd.read(io.LimitReader(r, int64(min(readBatch, b.N-i)*len(preframed))))
				if err != nil {
					b.Fatal(err)
				}
				if n != min(readBatch, b.N-i) {
					b.Fatalf("read %d events, want %d", n, min(readBatch, b.N-i))
				}
			}
		})
	}
}

// TestReadExchange checks that every reader reads exactly the events of a
// pre-framed stream.
func TestReadExchange(t *testing.T) {
	for _, rd := range readers {
		n, err := rd.read(bytes.NewReader(bytes.Repeat(preframed, 7)))
		if err != nil || n != 7 {
			t.Errorf("%s: read %d events (err %v), want 7", rd.name, n, err)
		}
	}
}
