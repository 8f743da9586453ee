package runtime

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFollowCutsOffSlowClient publishes more than a client that does not
// read can take: publishing never waits for it, its stream is cut off
// quietly once it reads again, and it resumes from history with the last
// id it received, missing nothing.
func TestFollowCutsOffSlowClient(t *testing.T) {
	checkLeaks(t)
	bus := NewMemoryBus(WithHistory(1000), WithSubscriberQueue(4))
	o := NewOptions(WithLogger(slog.New(slog.DiscardHandler)))
	ended := make(chan error, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Serve(w, r, o, &StreamConfig{ErrorEvent: "failed"}, func(s *Stream) error {
			err := s.Follow(bus, "t", func(string) error { return errors.New("unexpected gap") })
			ended <- err
			return err
		})
	}))
	defer srv.Close()

	first, err := bus.Publish(t.Context(), "t", Message{Name: "e", Data: []byte("0")})
	if err != nil {
		t.Fatal(err)
	}
	get := func(lastID string) *http.Response {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
		req.Header.Set("Last-Event-ID", lastID)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get(first)
	defer resp.Body.Close()

	// 200 events of 128 KiB fill the connection's buffers many times over.
	const n = 200
	data := []byte(strings.Repeat("x", 128<<10))
	var ids []string
	for range n {
		id, err := bus.Publish(context.Background(), "t", Message{Name: "e", Data: data})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}

	got, err := readAll(NewReader(resp.Body, WithMaxEventSize(1<<20)))
	if err != io.EOF {
		t.Fatalf("the slow client's stream ended with %v, want its end", err)
	}
	if err := <-ended; !errors.Is(err, ErrSlowSubscriber) {
		t.Fatalf("Follow = %v, want ErrSlowSubscriber", err)
	}
	if len(got) == 0 || len(got) == n {
		t.Fatalf("the slow client got %d of %d events before the cut", len(got), n)
	}
	for i, ev := range got {
		if ev.ID != ids[i] || ev.Type != "e" {
			t.Fatalf("event %d = %s %s, want e %s (the stream ends quietly, without an error event)", i, ev.Type, ev.ID, ids[i])
		}
	}

	again := get(got[len(got)-1].ID)
	defer again.Body.Close()
	rest := readN(t, again.Body, n-len(got))
	for i, ev := range rest {
		if want := ids[len(got)+i]; ev.ID != want {
			t.Fatalf("resumed event %d = %s, want %s", i, ev.ID, want)
		}
	}
}

func readN(t *testing.T, body io.Reader, n int) []Event {
	t.Helper()
	rd := NewReader(body, WithMaxEventSize(1<<20))
	var got []Event
	for len(got) < n {
		ev, err := rd.Next()
		if err != nil {
			t.Fatalf("after %d of %d events: %v", len(got), n, err)
		}
		got = append(got, ev)
	}
	return got
}

func TestTopicValue(t *testing.T) {
	for in, want := range map[string]string{
		"":         "",
		"abc-_XY9": "abc-_XY9",
		"a.b":      "a%2Eb",
		"a b*>%":   "a%20b%2A%3E%25",
		"é":        "%C3%A9",
	} {
		if got := TopicValue(in); got != want {
			t.Errorf("TopicValue(%q) = %q, want %q", in, got, want)
		}
	}
}
