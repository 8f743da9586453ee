package noroute_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/noroute"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// server serves every operation with 204.
type server struct{}

func (server) GetRoot(context.Context, *noroute.GetRootRequest) (noroute.GetRootResponse, error) {
	return noroute.GetRoot204Response{}, nil
}

func (server) GetVideoContent(context.Context, *noroute.GetVideoContentRequest) (noroute.GetVideoContentResponse, error) {
	return noroute.GetVideoContent204Response{}, nil
}

func (server) DeleteVideoContent(context.Context, *noroute.DeleteVideoContentRequest) (noroute.DeleteVideoContentResponse, error) {
	return noroute.DeleteVideoContent204Response{}, nil
}

func (server) GetCharacter(context.Context, *noroute.GetCharacterRequest) (noroute.GetCharacterResponse, error) {
	return noroute.GetCharacter204Response{}, nil
}

func (server) PutThumbnail(context.Context, *noroute.PutThumbnailRequest) (noroute.PutThumbnailResponse, error) {
	return noroute.PutThumbnail204Response{}, nil
}

func (server) PurgeCache(context.Context, *noroute.PurgeCacheRequest) (noroute.PurgeCacheResponse, error) {
	return noroute.PurgeCache204Response{}, nil
}

// TestNoRoute sends requests that no operation serves, at the root and
// under a prefix: each is answered 404, or 405 with the methods the path
// takes, as problem details, where http.ServeMux answers text/plain.
// Through the route the two GET operations share, a path of neither is
// 405 when another method takes it, and 404 otherwise, as if each
// operation had its own route.
func TestNoRoute(t *testing.T) {
	h := noroute.NewHandler(server{})
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", h))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	for _, prefix := range []string{"", "/api"} {
		base := ts.URL + prefix
		if prefix == "" {
			root := httptest.NewServer(h)
			t.Cleanup(root.Close)
			base = root.URL
		}
		for _, tc := range []struct {
			method, path string
			status       int
			allow        string
		}{
			{"GET", "/", http.StatusNoContent, ""},
			{"GET", "/videos/v1/content", http.StatusNoContent, ""},
			{"GET", "/videos/characters/c1", http.StatusNoContent, ""},
			{"GET", "/nowhere", http.StatusNotFound, ""},
			{"GET", "/videos/v1", http.StatusNotFound, ""},
			{"PUT", "/videos/v1/content/more", http.StatusNotFound, ""},
			{"POST", "/", http.StatusMethodNotAllowed, "GET, HEAD"},
			{"POST", "/videos/v1/content", http.StatusMethodNotAllowed, "DELETE, GET, HEAD"},
			{"GET", "/cache", http.StatusMethodNotAllowed, "PURGE"},
			{"HEAD", "/cache", http.StatusMethodNotAllowed, "PURGE"},
			// By the shared route: the path is another method's, or the
			// shared route's by another method, or no one's.
			{"GET", "/videos/v1/thumbnail", http.StatusMethodNotAllowed, "PUT"},
			{"HEAD", "/videos/v1/thumbnail", http.StatusMethodNotAllowed, "PUT"},
			{"DELETE", "/videos/characters/c1", http.StatusMethodNotAllowed, "GET, HEAD"},
			{"GET", "/videos/v1/poster", http.StatusNotFound, ""},
			{"PUT", "/videos/v1/poster", http.StatusNotFound, ""},
		} {
			resp := goldentest.Do(t, goldentest.Request{Method: tc.method, URL: base + tc.path})
			what := tc.method + " " + prefix + tc.path
			if got := resp.Header.Get("Allow"); got != tc.allow {
				t.Errorf("%s: Allow %q, want %q", what, got, tc.allow)
			}
			if tc.status == http.StatusNoContent || tc.method == "HEAD" {
				ct := resp.Header.Get("Content-Type")
				if resp.StatusCode != tc.status || tc.method == "HEAD" && ct != "application/problem+json" {
					t.Errorf("%s: %d %s, want %d", what, resp.StatusCode, ct, tc.status)
				}
				continue
			}
			detail := goldentest.Problem(t, resp, tc.status)
			if want := tc.method + " is not one of " + tc.allow; tc.allow != "" && detail != want {
				t.Errorf("%s: detail %q, want %q", what, detail, want)
			}
		}
	}
}
