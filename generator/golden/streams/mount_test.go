package streams_test

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/ssegen/ssegen/generator/golden/streams"
)

// TestMountedUnderChi serves the generated handler under a prefix of a chi
// router, behind chi's middleware that wraps the ResponseWriter, and drives
// a plain operation and a resumed stream through it with the client.
func TestMountedUnderChi(t *testing.T) {
	impl, h := newServer()
	r := chi.NewRouter()
	r.Use(middleware.RequestID, middleware.Recoverer, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(middleware.NewWrapResponseWriter(w, r.ProtoMajor), r)
		})
	})
	r.Mount("/api/v1", http.StripPrefix("/api/v1", h))
	c := newClientAt(t, r, "/api/v1")

	progress, err := c.GetJobProgress(context.Background(), &streams.GetJobProgressRequest{JobID: "abc"})
	if err != nil || progress.Body.Total != 3 {
		t.Errorf("GetJobProgress: %+v, %v", progress, err)
	}

	s, err := c.WatchJob(context.Background(), &streams.WatchJobRequest{JobID: "feed"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []streams.WatchJobEvent
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
		if _, done := ev.(streams.WatchJobDone); done {
			break
		}
	}
	if !reflect.DeepEqual(got, feed) {
		t.Errorf("events\n%#v\nwant\n%#v", got, feed)
	}
	impl.mu.Lock()
	defer impl.mu.Unlock()
	if want := []string{"", "3"}; !reflect.DeepEqual(impl.lastEventID, want) {
		t.Errorf("Last-Event-ID of the requests: %q, want %q", impl.lastEventID, want)
	}
}
