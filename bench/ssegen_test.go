package bench

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/ssegen/ssegen/runtime"
)

// ssegen streams through runtime.Serve, as generated handlers do, with the
// settings a production stream has: 15 s heartbeats and the default
// per-write deadline. Events that are ready together go in one Stream.Batch.
var ssegen = impl{
	name:   "ssegen",
	stream: ssegenStream(func(s *runtime.Stream) error { return s.Send(&runtime.Event{Type: eventType, Data: sampleJSON}) }),
	idle: func() (http.Handler, func()) {
		opts := runtime.NewOptions()
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			runtime.Serve(w, r, opts, ssegenConfig, func(s *runtime.Stream) error {
				if err := s.Open(); err != nil {
					return err
				}
				<-s.Context().Done()
				return nil
			})
		}), func() {}
	},
}

// ssegenEncode is ssegen sending values, as generated code does: SendData
// encodes each one with the options' JSON codec.
var ssegenEncode = impl{
	name:   "ssegen-encode",
	stream: ssegenStream(func(s *runtime.Stream) error { return s.SendData(eventType, "application/json", sample) }),
}

var ssegenConfig = &runtime.StreamConfig{DataContentType: "application/json", Heartbeat: 15 * time.Second}

// ssegenStream returns the stream scenario's handler for ssegen, which sends
// each event with send.
func ssegenStream(send func(*runtime.Stream) error) func(n, burst int) http.Handler {
	return func(n, burst int) http.Handler {
		opts := runtime.NewOptions()
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			runtime.Serve(w, r, opts, ssegenConfig, func(s *runtime.Stream) error {
				for sent := 0; sent < n; {
					k := min(burst, n-sent)
					sent += k
					if k == 1 {
						if err := send(s); err != nil {
							return err
						}
						continue
					}
					if err := s.Batch(func() error {
						for range k {
							if err := send(s); err != nil {
								return err
							}
						}
						return nil
					}); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
}

var ssegenFramer = framer{"ssegen", func(buf *bytes.Buffer, encode bool) error {
	ev := runtime.Event{Type: eventType, Data: sampleJSON}
	if encode {
		data, err := runtime.JSON.Marshal(sample)
		if err != nil {
			return err
		}
		ev.Data = data
	}
	b, err := runtime.AppendEvent(buf.AvailableBuffer(), &ev)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}}

var ssegenReader = reader{"ssegen", func(r io.Reader) (int, error) {
	return countSamples(runtime.NewReader(r).Events(), func(e runtime.Event) (string, []byte) { return e.Type, e.Data })
}}
