package runtime

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchStream measures one stream over loopback HTTP: the handler sends b.N
// events, the client reads them all. One op is one event.
func benchStream(b *testing.B, handler http.HandlerFunc) {
	srv := httptest.NewServer(handler)
	defer srv.Close()
	frame, _ := AppendEvent(nil, &sampleEvent)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	b.ResetTimer()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || n < int64(b.N*len(frame)) {
		b.Fatalf("read %d bytes, %v", n, err)
	}
}

const burst = 16

func BenchmarkStream(b *testing.B) {
	frame, _ := AppendEvent(nil, &sampleEvent)
	o := NewOptions()
	cfg := &StreamConfig{Heartbeat: DefaultHeartbeat}
	b.Run("bare", func(b *testing.B) {
		benchStream(b, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			rc := http.NewResponseController(w)
			for range b.N {
				w.Write(frame)
				rc.Flush()
			}
		})
	})
	b.Run("Send", func(b *testing.B) {
		benchStream(b, func(w http.ResponseWriter, r *http.Request) {
			Serve(w, r, o, cfg, func(s *Stream) error {
				for range b.N {
					if err := s.Send(&sampleEvent); err != nil {
						return err
					}
				}
				return nil
			})
		})
	})
	b.Run("bare-burst", func(b *testing.B) {
		benchStream(b, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			rc := http.NewResponseController(w)
			for i := range b.N {
				w.Write(frame)
				if i%burst == burst-1 {
					rc.Flush()
				}
			}
		})
	})
	b.Run("Batch", func(b *testing.B) {
		benchStream(b, func(w http.ResponseWriter, r *http.Request) {
			Serve(w, r, o, cfg, func(s *Stream) error {
				for i := 0; i < b.N; i += burst {
					err := s.Batch(func() error {
						for range min(burst, b.N-i) {
							if err := s.Send(&sampleEvent); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						return err
					}
				}
				return nil
			})
		})
	})
}
