package streams_test

import (
	"context"
	"net/http"
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

	readFeed(t, impl, c)
}
