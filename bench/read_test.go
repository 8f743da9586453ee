package bench

import (
	"bytes"
	"fmt"
	"io"
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
		n := 0
		for ev, err := range gosse.Read(r, nil) {
			if err != nil {
				return n, err
			}
			if err := checkEvent(n, ev.Type, ev.Data); err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}},
}

// checkEvent reports whether the i-th event read is not the sample event.
func checkEvent[D string | []byte](i int, typ string, data D) error {
	if typ != eventType || string(data) != sampleData {
		return fmt.Errorf("event %d: got type %q data %q, want %q %q", i, typ, data, eventType, sampleData)
	}
	return nil
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
