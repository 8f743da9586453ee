package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
	"github.com/ssegen/ssegen/internal/natstest"
)

// instanceEnv makes the test binary run the petstore's main instead of the
// tests (see TestMain), so that an instance is a process of its own.
const instanceEnv = "SSEGEN_PETSTORE_INSTANCE"

// startInstance runs a petstore process on a free loopback port with the
// JetStream bus on natsURL, and returns its base URL. It is interrupted,
// as with Ctrl-C, when the test ends.
func startInstance(t *testing.T, natsURL string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-addr", "127.0.0.1:0", "-nats", natsURL)
	cmd.Env = append(os.Environ(), instanceEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("petstore instance's stderr:\n%s", stderr.String())
		}
	})
	// The first line names the address: "petstore: open http://ADDR/ ...".
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	go func() {
		io.Copy(io.Discard, out)
		cmd.Wait()
		close(done)
	}()
	_, url, found := strings.Cut(line, "open ")
	url, _, _ = strings.Cut(url, "/ ")
	if err != nil || !found || !strings.HasPrefix(url, "http://") {
		t.Fatalf("petstore instance did not print its address (%q, %v); stderr:\n%s", line, err, stderr.String())
	}
	return url
}

// readPet reads the next event of s, which must be a pet created.
func readPet(t *testing.T, s *stream) (id string, pet petstoreapi.Pet) {
	t.Helper()
	e := s.next()
	if e.Type != "message" {
		t.Fatalf("got event %q id %q data %q, want a pet", e.Type, e.ID, e.Data)
	}
	if err := json.Unmarshal(e.Data, &pet); err != nil {
		t.Fatalf("event %s: %v", e.ID, err)
	}
	return e.ID, pet
}

// Two petstore processes share their feed through one nats-server: a pet
// created on either reaches the watchers of both, and a watcher dropped
// from one resumes on the other, and across a restart of nats-server,
// missing nothing and repeating nothing.
func TestInstancesOverNATS(t *testing.T) {
	srv := natstest.Start(t)
	instances := []string{startInstance(t, srv.URL), startInstance(t, srv.URL)}
	a, b := instances[0], instances[1]

	onB := openStream(t, "GET", b+"/pets/events", nil, "")
	rex := createPet(t, a, "Rex", nil)
	rexID, got := readPet(t, onB)
	lastID := rexID
	if got != rex {
		t.Fatalf("watcher on B got %+v, want %+v created on A", got, rex)
	}
	onB.close()

	// Pets are created on both instances in turn, one after the other, so
	// the feed's order is the order of their names, while one client reads
	// a few events at a time, each time from an instance drawn at random,
	// resuming after the last event it read. A watcher on A reads them all
	// without a drop.
	const events = 500
	steady := openStream(t, "GET", a+"/pets/events", nil, lastID)
	created := make(chan error, 1)
	go func() {
		created <- func() error {
			for i := range events {
				body := fmt.Sprintf(`{"name": "p%d"}`, i)
				resp, err := http.Post(instances[i%2]+"/pets", "application/json", strings.NewReader(body))
				if err != nil {
					return err
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					return fmt.Errorf("creating p%d: %s", i, resp.Status)
				}
			}
			return nil
		}()
	}()
	var names []string
	drops := 0
	for len(names) < events {
		s := openStream(t, "GET", instances[rand.IntN(2)]+"/pets/events", nil, lastID)
		for range rand.IntN(4) { // sometimes none at all
			if len(names) == events {
				break
			}
			var pet petstoreapi.Pet
			lastID, pet = readPet(t, s)
			names = append(names, pet.Name)
		}
		s.close()
		drops++
	}
	if err := <-created; err != nil {
		t.Fatal(err)
	}
	checkNames(t, "the client dropped "+fmt.Sprint(drops)+" times", names, 0, events)
	var steadyNames []string
	for range events {
		_, pet := readPet(t, steady)
		steadyNames = append(steadyNames, pet.Name)
	}
	checkNames(t, "the steady watcher on A", steadyNames, 0, events)
	t.Logf("%d events read over %d connections", events, drops)

	// nats-server restarts: the watchers are cut off, and resume.
	srv.Restart()
	// The instances reconnect: a watch that opens and a pet created on
	// each tell they did.
	resumed := make([]*stream, 2)
	for i, inst := range instances {
		resumed[i] = openWhenReady(t, inst, lastID)
	}
	for i := range 2 {
		createPet(t, instances[i], fmt.Sprintf("p%d", events+i), nil)
	}
	for i, s := range resumed {
		var names []string
		for range 2 {
			_, pet := readPet(t, s)
			names = append(names, pet.Name)
		}
		checkNames(t, fmt.Sprintf("a watcher resuming on instance %d after the restart", i), names, events, events+2)
	}
	// The id of the first event, from before the restart, is still valid.
	replay := openStream(t, "GET", b+"/pets/events", nil, rexID)
	var all []string
	for range events + 2 {
		_, pet := readPet(t, replay)
		all = append(all, pet.Name)
	}
	checkNames(t, "a replay of everything after Rex", all, 0, events+2)

	// An id that cannot be resumed gets the reset event.
	for _, id := range []string{"bogus", "1-1"} {
		lost := openStream(t, "GET", b+"/pets/events", nil, id)
		if e := lost.next(); e.Type != "reset" {
			t.Errorf("Last-Event-ID %q: first event %q %q, want reset", id, e.Type, e.Data)
		}
	}
}

// openWhenReady opens a watch on inst after lastID, retrying while the
// instance reconnects to NATS.
func openWhenReady(t *testing.T, inst, lastID string) *stream {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s, err := tryStream(t, "GET", inst+"/pets/events", nil, lastID)
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("watching %s after the restart of nats-server: %v", inst, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkNames checks that names are p<from> to p<to-1>, in order.
func checkNames(t *testing.T, who string, names []string, from, to int) {
	t.Helper()
	if len(names) != to-from {
		t.Fatalf("%s: got %d events, want %d", who, len(names), to-from)
	}
	for k, name := range names {
		if want := fmt.Sprintf("p%d", from+k); name != want {
			t.Fatalf("%s: event %d is %s, want %s (lost or repeated events: %v)", who, k, name, want, names[max(k-3, 0):min(k+3, len(names))])
		}
	}
}
