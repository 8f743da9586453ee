package streams_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

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
	harness, err := filepath.Abs("../../typescript/testdata")
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(harness, "node_modules", ".bin", "tsc"))
	}
	if err != nil {
		if os.Getenv("SSEGEN_REQUIRE_NODE") == "1" {
			t.Fatalf("SSEGEN_REQUIRE_NODE=1 but Node or the harness's packages are missing (run npm ci in %s): %v", harness, err)
		}
		t.Skipf("needs node and npm ci in %s (SSEGEN_REQUIRE_NODE=1 turns this skip into a failure): %v", harness, err)
	}

	out := t.TempDir()
	generatorDir := filepath.Dir(filepath.Dir(harness))
	config := fmt.Sprintf(`{"extends": %q, "compilerOptions": {"noEmit": false, "rootDir": %q, "outDir": %q, "types": ["node"], "typeRoots": [%q]}, "include": [%q, %q]}`,
		filepath.Join(harness, "tsconfig.base.json"), generatorDir, out, filepath.Join(harness, "node_modules", "@types"),
		filepath.Join(harness, "*.test.ts"), filepath.Join(generatorDir, "golden", "streams", "ts", "*.ts"))
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(out, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tsconfig.json", config)
	write("package.json", `{"type": "module"}`)
	if msg, err := exec.Command(filepath.Join(harness, "node_modules", ".bin", "tsc"), "-p", filepath.Join(out, "tsconfig.json")).CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, msg)
	}

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
	cut := httptest.NewServer(breaker(t, api.URL, false, &cuts))
	defer cut.Close()
	stall := httptest.NewServer(breaker(t, api.URL, true, &stalls))
	defer stall.Close()

	tests, _ := filepath.Glob(filepath.Join(out, "typescript", "testdata", "*.test.js"))
	// Each test has a timeout: a hang fails it, with the others' results.
	cmd := exec.Command(node, append([]string{"--test", "--test-reporter=spec", "--test-timeout=60000"}, tests...)...)
	cmd.Env = append(os.Environ(), "SSEGEN_URL="+api.URL, "SSEGEN_CUT_URL="+cut.URL, "SSEGEN_STALL_URL="+stall.URL)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, msg)
	}
	t.Logf("node --test, through %d cut and %d silenced connections:\n%s", cuts.Load(), stalls.Load(), msg)
}

// breaker proxies to target, passing a random 1 to 79 bytes of each
// answer's body, then cutting the connection, or, when stall is set,
// sending nothing more until the client leaves. It counts the connections
// it broke in n.
func breaker(t *testing.T, target string, stall bool, n *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
		if err != nil {
			t.Error(err)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
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
