package streams_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/streams"
)

// mountUnderChi serves h under /api/v1 of a chi router, behind chi's
// middleware that wraps the ResponseWriter.
func mountUnderChi(h http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, middleware.Recoverer, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(middleware.NewWrapResponseWriter(w, r.ProtoMajor), r)
		})
	})
	r.Mount("/api/v1", http.StripPrefix("/api/v1", h))
	return r
}

// TestMountedUnderChi drives a plain operation and a resumed stream
// through the generated handler mounted under chi with the client.
func TestMountedUnderChi(t *testing.T) {
	impl, h := newServer()
	c := newClientAt(t, mountUnderChi(h), "/api/v1")

	progress, err := c.GetJobProgress(context.Background(), &streams.GetJobProgressRequest{JobID: "abc"})
	if err != nil || progress.Body.Total != 3 {
		t.Errorf("GetJobProgress: %+v, %v", progress, err)
	}

	readFeed(t, impl, c)
}

// TestNoRouteUnderChi sends requests that no operation serves through chi:
// the generated handler answers them 404 and 405, with the methods of the
// path without the prefix, as problem details.
func TestNoRouteUnderChi(t *testing.T) {
	_, h := newServer()
	ts := httptest.NewServer(mountUnderChi(h))
	t.Cleanup(ts.Close)
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/api/v1/nowhere", http.StatusNotFound, ""},
		{"DELETE", "/api/v1/jobs/abc/events", http.StatusMethodNotAllowed, "GET, HEAD"},
		{"GET", "/api/v1/jobs", http.StatusMethodNotAllowed, "DELETE, PATCH, POST, PUT"},
	} {
		resp := goldentest.Do(t, goldentest.Request{Method: tc.method, URL: ts.URL + tc.path})
		goldentest.Problem(t, resp, tc.status)
		if got := resp.Header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}
