package bench

import (
	"bytes"
	"testing"
)

// TestStreamExchange checks the stream scenarios' harness: every contender's
// server delivers exactly the events it was asked to send, each one the
// sample event, to the client the benchmarks use, flushed per event and in
// bursts (with a last, partial burst); and every reader agrees on what each
// server sent.
func TestStreamExchange(t *testing.T) {
	clients := startClientProcess(t)
	for _, rd := range readers {
		for _, im := range impls {
			for _, sc := range []struct{ n, burst int }{{1, 1}, {100, 1}, {3*burstSize + 5, burstSize}} {
				url := "http://" + serve(t, im.stream(sc.n, sc.burst)) + "/"
				got, _, err := clients.stream(rd, url)
				if err != nil {
					t.Errorf("%s server, %s reader, %d events in bursts of %d: %v", im.name, rd.name, sc.n, sc.burst, err)
				} else if got != sc.n {
					t.Errorf("%s server, %s reader, %d events in bursts of %d: read %d events", im.name, rd.name, sc.n, sc.burst, got)
				}
			}
		}
	}
}

// TestFrameExchange checks that every reader reads each framer's bytes as
// the sample event and nothing else.
func TestFrameExchange(t *testing.T) {
	for _, f := range framers {
		for _, encode := range []bool{false, true} {
			var buf bytes.Buffer
			if err := f.frame(&buf, encode); err == errNotApplicable {
				continue
			} else if err != nil {
				t.Fatalf("%s (encode %v): %v", f.name, encode, err)
			}
			for _, rd := range readers {
				if n, err := rd.read(bytes.NewReader(buf.Bytes())); err != nil || n != 1 {
					t.Errorf("%s (encode %v), %s reader: read %d events (err %v) from %q, want one sample event", f.name, encode, rd.name, n, err, buf.Bytes())
				}
			}
		}
	}
}

// TestIdleExchange checks the idle scenario's harness: the client process
// opens the streams, every handler runs until the clients leave, and the
// measurement comes back twice in a row.
func TestIdleExchange(t *testing.T) {
	clients := startClientProcess(t)
	for _, im := range impls {
		if im.idle == nil {
			continue
		}
		for range 2 {
			m, err := measureIdle(im, 50, clients, "")
			if err != nil {
				t.Fatalf("%s: %v", im.name, err)
			}
			if m.goroutines < 1 {
				t.Errorf("%s: %.2f goroutines per open stream, want at least the connection's own", im.name, m.goroutines)
			}
		}
	}
}

// TestFanOutExchange runs a short session of every fan-out contender (see
// checkFanOutSession).
func TestFanOutExchange(t *testing.T) {
	clients := startClientProcess(t)
	for _, c := range append(fanouts, ssegenStalled) {
		checkFanOutSession(t, c, clients)
	}
}

// checkFanOutSession runs a session of c with a few subscribers: every
// subscriber must receive every event of every round, exactly once (collect
// fails otherwise).
func checkFanOutSession(t *testing.T, c fanout, clients *clientProcess) {
	t.Helper()
	const subscribers = 20
	var r fanoutResult
	if err := fanoutSession(c, subscribers, clients, &r); err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	events := *fanoutRounds * *fanoutEvents
	if want := int64(events * subscribers); r.deliveries != want || len(r.latencies) != events {
		t.Errorf("%s: %d deliveries and %d latencies, want %d and %d", c.name, r.deliveries, len(r.latencies), want, events)
	}
}
