// Package natstest runs a real nats-server process with JetStream for tests:
// file storage in a temporary directory, loopback ports chosen free, and a
// restart that keeps both, as an operator restarting the server would.
//
// The binary is $SSEGEN_NATS_SERVER, or nats-server on $PATH. When it is
// missing the test is skipped with a message saying how to get it, unless
// SSEGEN_REQUIRE_NATS=1 (set by .ci/run), which makes it a failure.
package natstest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Version is the nats-server release the tests are written against; .ci/run
// installs it.
const Version = "v2.15.3"

// Server is a nats-server process with JetStream enabled.
type Server struct {
	// URL is the client URL, nats://127.0.0.1:PORT; it stays the same
	// across Restart.
	URL string

	t        testing.TB
	bin      string
	storeDir string
	port     int
	httpPort int
	log      bytes.Buffer // the server's output, read once it exited

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Binary returns the path of the nats-server binary, skipping (or failing,
// with SSEGEN_REQUIRE_NATS=1) t when there is none.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("SSEGEN_NATS_SERVER")
	if bin == "" {
		bin = "nats-server"
	}
	path, err := exec.LookPath(bin)
	if err == nil {
		return path
	}
	msg := fmt.Sprintf("nats-server not found (%v): install it with "+
		"`go install github.com/nats-io/nats-server/v2@%s` and put it on PATH or in SSEGEN_NATS_SERVER", err, Version)
	if os.Getenv("SSEGEN_REQUIRE_NATS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Start starts a nats-server with JetStream and file storage, and stops it
// when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:        t,
		bin:      Binary(t),
		storeDir: t.TempDir(),
		port:     freePort(t),
		httpPort: freePort(t),
	}
	s.URL = "nats://127.0.0.1:" + strconv.Itoa(s.port)
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("nats-server output:\n%s", s.log.String())
		}
	})
	s.start()
	return s
}

// Restart stops the server gracefully and starts it again on the same port
// with the same store, returning once JetStream is ready.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.start()
}

// Stop stops the server gracefully (SIGTERM) and waits for it to exit. It
// does nothing when the server is not running.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

func (s *Server) start() {
	s.t.Helper()
	cmd := exec.Command(s.bin,
		"-a", "127.0.0.1", "-p", strconv.Itoa(s.port),
		"-m", strconv.Itoa(s.httpPort),
		"-js", "-sd", s.storeDir)
	// Written by one goroutine of cmd's, which Wait (in Stop) waits for.
	cmd.Stdout = &s.log
	cmd.Stderr = &s.log
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("starting nats-server: %v", err)
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	// /healthz answers 200 once the server, JetStream included, is ready.
	health := fmt.Sprintf("http://127.0.0.1:%d/healthz", s.httpPort)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("nats-server not ready after 20s (last: %v)", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a loopback TCP port nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
