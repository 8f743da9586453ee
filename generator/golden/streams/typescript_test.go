package streams_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/streams"
	"github.com/ssegen/ssegen/runtime"
)

// tsServer is the server of the TypeScript client's tests: clientServer's
// feed, server's chat completions, and an "idle" job that counts the
// clients that left it.
type tsServer struct {
	*clientServer
	chat *server
	gone atomic.Int32
}

func (s *tsServer) WatchJob(ctx context.Context, req *streams.WatchJobRequest, stream *streams.WatchJobStream) error {
	if req.JobID != "idle" {
		return s.clientServer.WatchJob(ctx, req, stream)
	}
	if err := stream.SendMessage(streams.Progress{}); err != nil {
		return err
	}
	<-ctx.Done()
	s.gone.Add(1)
	return ctx.Err()
}

func (s *tsServer) CreateChatCompletion(ctx context.Context, req *streams.CreateChatCompletionRequest, stream *streams.CreateChatCompletionStream) error {
	return s.chat.CreateChatCompletion(ctx, req, stream)
}

// TestTypeScriptClient compiles the TypeScript client generated from
// spec.yaml (ts/) with the tests of generator/typescript/testdata and runs
// them with node --test against this package's server on loopback, also
// through proxies that cut or silence connections at random points.
func TestTypeScriptClient(t *testing.T) {
	impl, _ := newServer()
	srv := &tsServer{clientServer: impl, chat: &server{heartbeat: make(chan struct{})}}
	mux := http.NewServeMux()
	mux.Handle("/", streams.NewHandler(srv, runtime.WithLogger(slog.New(slog.DiscardHandler))))
	mux.HandleFunc("GET /gone", func(w http.ResponseWriter, r *http.Request) {
		want, _ := strconv.Atoi(r.URL.Query().Get("want"))
		for deadline := time.Now().Add(10 * time.Second); int(srv.gone.Load()) < want && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		fmt.Fprint(w, srv.gone.Load())
	})
	api := httptest.NewServer(mux)
	defer api.Close()
	var cuts, stalls atomic.Int32
	cut := httptest.NewServer(breaker(api.URL, false, &cuts))
	defer cut.Close()
	stall := httptest.NewServer(breaker(api.URL, true, &stalls))
	defer stall.Close()

	// Answers the stream fails with before the server gets the request:
	// retried, after Retry-After where there is one, and not retried.
	flaky := httptest.NewServer(failFirst(api.URL, []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusRequestTimeout}))
	defer flaky.Close()
	refused := httptest.NewServer(failFirst(api.URL, []int{http.StatusBadRequest, http.StatusBadRequest}))
	defer refused.Close()

	goldentest.RunNode(t, []string{"parser.test.ts", "streams.test.ts"},
		"SSEGEN_URL="+api.URL, "SSEGEN_CUT_URL="+cut.URL, "SSEGEN_STALL_URL="+stall.URL,
		"SSEGEN_FLAKY_URL="+flaky.URL, "SSEGEN_REFUSED_URL="+refused.URL)
	t.Logf("through %d cut and %d silenced connections", cuts.Load(), stalls.Load())
}

// breaker proxies to target, passing a random 1 to 79 bytes of each
// answer's body, then cutting the connection, or, when stall is set,
// sending nothing more until the client leaves. It counts the connections
// it broke in n.
func breaker(target string, stall bool, n *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp := forward(w, r, target)
		defer resp.Body.Close()
		io.CopyN(w, resp.Body, 1+rand.Int64N(79))
		w.(http.Flusher).Flush()
		n.Add(1)
		if stall {
			<-r.Context().Done()
			return
		}
		panic(http.ErrAbortHandler)
	})
}

// failFirst answers its first requests with the statuses given, the 429
// with Retry-After: 1, then proxies to target. GET /count tells how many
// requests it failed.
func failFirst(target string, statuses []int) http.Handler {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/count" {
			fmt.Fprint(w, min(int(n.Load()), len(statuses)))
			return
		}
		if i := int(n.Add(1)) - 1; i < len(statuses) {
			if statuses[i] == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			http.Error(w, http.StatusText(statuses[i]), statuses[i])
			return
		}
		resp := forward(w, r, target)
		defer resp.Body.Close()
		rc := http.NewResponseController(w)
		buf := make([]byte, 4096)
		for {
			k, err := resp.Body.Read(buf)
			w.Write(buf[:k])
			rc.Flush()
			if err != nil {
				return
			}
		}
	})
}

// forward sends r on to target and writes the answer's status and headers
// to w, leaving its body to the caller; it cuts the client's connection
// when target cannot be reached.
func forward(w http.ResponseWriter, r *http.Request, target string) *http.Response {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	return resp
}
