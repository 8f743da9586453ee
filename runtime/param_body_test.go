package runtime

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMaxBodySize sends bodies at and around the size limit over loopback,
// with a Content-Length and chunked: up to the limit they are decoded, past
// it they are answered 413 with a problem document.
func TestMaxBodySize(t *testing.T) {
	const limit = 100
	for _, tc := range []struct {
		name   string
		opts   []Option
		size   int
		status int
		detail string
	}{
		{"at the limit", []Option{WithMaxBodySize(limit)}, limit, http.StatusNoContent, ""},
		{"one byte over", []Option{WithMaxBodySize(limit)}, limit + 1, http.StatusRequestEntityTooLarge, "request body: larger than the limit of 100 bytes"},
		{"far over", []Option{WithMaxBodySize(limit)}, 1 << 20, http.StatusRequestEntityTooLarge, "request body: larger than the limit of 100 bytes"},
		{"no limit", []Option{WithMaxBodySize(0)}, DefaultMaxBodySize + 1, http.StatusNoContent, ""},
		{"the default", nil, DefaultMaxBodySize + 1, http.StatusRequestEntityTooLarge, "request body: larger than the limit of 4194304 bytes"},
	} {
		o := NewOptions(tc.opts...)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := NewParams(r)
			var s string
			Body(p, o, "application/json", &s)
			if p.Failed(w) {
				return
			}
			if len(s) != tc.size-2 {
				t.Errorf("%s: decoded %d bytes, want %d", tc.name, len(s), tc.size-2)
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		for _, chunked := range []bool{false, true} {
			body := `"` + strings.Repeat("a", tc.size-2) + `"`
			var r io.Reader = strings.NewReader(body)
			if chunked {
				r = io.MultiReader(r) // hides the length
			}
			resp, err := http.Post(srv.URL, "application/json", r)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var problem struct{ Detail string }
			if tc.status != http.StatusNoContent {
				if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("%s (chunked %v): content type %q", tc.name, chunked, ct)
				}
				json.Unmarshal(data, &problem)
			}
			if resp.StatusCode != tc.status || problem.Detail != tc.detail {
				t.Errorf("%s (chunked %v): %d %q, want %d %q", tc.name, chunked, resp.StatusCode, problem.Detail, tc.status, tc.detail)
			}
		}
		srv.Close()
	}
}

// TestReadBlocks reads bodies of sizes around its block sizes whole and
// up to a maximum.
func TestReadBlocks(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, 1536, 70000, 300000} {
		src := strings.Repeat("0123456789", size/10+1)[:size]
		got, err := readBlocks(io.MultiReader(strings.NewReader(src)), 1<<30)
		if err != nil || string(got) != src {
			t.Errorf("size %d: read %d bytes, %v", size, len(got), err)
		}
		got, err = readBlocks(strings.NewReader(src), 1000)
		if want := src[:min(size, 1000)]; err != nil || string(got) != want {
			t.Errorf("size %d, max 1000: read %d bytes, %v", size, len(got), err)
		}
	}
}
