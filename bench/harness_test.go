package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"testing"
	"time"
)

// quote is the small JSON payload of every event in every scenario.
type quote struct {
	Symbol string  `json:"symbol"`
	Price  float64 `json:"price"`
	Volume int     `json:"volume"`
}

const eventType = "quote"

var (
	sample     = quote{Symbol: "ACME", Price: 123.45, Volume: 1000}
	sampleJSON = mustJSON(sample)
	// sampleData is sampleJSON as a string, so comparing and appending it
	// costs no conversion.
	sampleData = string(sampleJSON)
	// preframed is the exact event the bare handler writes, and what ssegen
	// writes for SendData(eventType, "application/json", sample).
	preframed = []byte("event: " + eventType + "\ndata: " + sampleData + "\n\n")
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// impl is one contender: ssegen, a peer, or the bare net/http handler.
type impl struct {
	name string
	// stream returns a handler that sends n sample events, flushing after
	// every burst events (burst 1: flush per event) or using the library's
	// best API for events that are ready together, then ends the response.
	// The event data is sampleJSON, already encoded, unless the contender's
	// name says it encodes: these rows measure streaming, and encoding is
	// measured on its own by BenchmarkEncodeFrame.
	stream func(n, burst int) http.Handler
	// idle returns a handler that opens a stream and holds it, sending
	// nothing, until the client leaves; stop releases what the library keeps
	// beyond the handlers (provider goroutines and the like). Nil for a
	// variant that only differs from another contender in how it streams.
	idle func() (h http.Handler, stop func())
}

// impls lists the contenders in table order: the limit first.
var impls = []impl{bare, ssegen, ssegenEncode, goSSE, r3labs}

// bare is the limit: pre-framed bytes written straight to the
// ResponseWriter with the same flush policy as the libraries.
var bare = impl{
	name: "bare",
	stream: func(n, burst int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			setSSEHeaders(w)
			rc := http.NewResponseController(w)
			for i := 1; i <= n; i++ {
				if _, err := w.Write(preframed); err != nil {
					return
				}
				if i%burst == 0 || i == n {
					if err := rc.Flush(); err != nil {
						return
					}
				}
			}
		})
	},
	idle: func() (http.Handler, func()) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			setSSEHeaders(w)
			if err := http.NewResponseController(w).Flush(); err != nil {
				return
			}
			<-r.Context().Done()
		}), func() {}
	},
}

func setSSEHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
}

// serve runs h on a real net/http server on loopback until the test ends.
func serve(tb testing.TB, h http.Handler) (addr string) {
	tb.Helper()
	addr, stop, err := startServer(h)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop)
	return addr
}

// startServer runs h on a real net/http server on loopback until stop.
func startServer(h http.Handler) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	return ln.Addr().String(), func() {
		_ = srv.Close()
		<-done
	}, nil
}

// consume is the client of the stream scenarios, run in the client
// process: it GETs the stream and parses it with rd, checking that every
// event is the sample event. It returns the number of events read before the
// server ended the stream.
func consume(ctx context.Context, client *http.Client, url string, rd reader) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: status %s", url, resp.Status)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/event-stream" {
		return 0, fmt.Errorf("GET %s: Content-Type %q, want text/event-stream", url, mt)
	}
	n, err := rd.read(resp.Body)
	// Drain so the connection's end is seen as clean by both sides.
	_, _ = io.Copy(io.Discard, resp.Body)
	return n, err
}

// streamReader is the clients' parser in the stream benchmarks, the same for
// every server: ssegen's, the fastest conforming one here (BenchmarkRead), so
// the client limits the servers' throughput least. TestStreamExchange checks
// every server's stream with every reader.
var streamReader = ssegenReader
