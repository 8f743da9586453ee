package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/ssegen/ssegen/runtime"
)

// largePet is the JSON of a new pet whose tag is n bytes long, written as
// it is read so that the client does not hold it: the server's
// allocations are what the tests measure.
func largePet(n int64) io.Reader {
	return io.MultiReader(
		strings.NewReader(`{"name":"","tag":"`),
		io.LimitReader(repeatReader('a'), n),
		strings.NewReader(`"}`))
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// postLargePet posts a pet with a tag of n bytes to POST /pets, with a
// Content-Length or chunked, and returns the answer's status, its problem
// detail and the bytes the process allocated from sending the request to
// reading the answer.
func postLargePet(tb testing.TB, baseURL string, n int64, chunked bool) (status int, detail string, allocated uint64) {
	tb.Helper()
	size := n + int64(len(`{"name":"","tag":""}`))
	req, err := http.NewRequest("POST", baseURL+"/pets", largePet(n))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if !chunked {
		req.ContentLength = size
	}
	var before, after goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&before)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	goruntime.ReadMemStats(&after)
	if err != nil {
		tb.Fatal(err)
	}
	var problem struct{ Detail string }
	if resp.Header.Get("Content-Type") == "application/problem+json" {
		json.Unmarshal(body, &problem)
	}
	return resp.StatusCode, problem.Detail, after.TotalAlloc - before.TotalAlloc
}

// TestLargeBody posts a 50 MB pet: it is answered 413 with a problem
// document, and the whole process allocates about the size limit for it
// (without the limit it allocated some 200 MiB), whether the request says
// its length or is chunked. A body just under the limit is still read.
func TestLargeBody(t *testing.T) {
	srv := startPetstore(t)
	const limit = runtime.DefaultMaxBodySize
	for _, chunked := range []bool{false, true} {
		status, detail, allocated := postLargePet(t, srv.URL, 50<<20, chunked)
		want := fmt.Sprintf("request body: larger than the limit of %d bytes", limit)
		if status != http.StatusRequestEntityTooLarge || detail != want {
			t.Errorf("chunked %v: %d %q, want 413 %q", chunked, status, detail, want)
		}
		// Reading to the limit allocates it once with a Content-Length,
		// about twice in growing steps without one.
		if allocated > 3*limit {
			t.Errorf("chunked %v: %d bytes allocated for a 50 MB body over a limit of %d", chunked, allocated, limit)
		}
		t.Logf("chunked %v: %.1f MiB allocated", chunked, float64(allocated)/(1<<20))
	}

	// Just under the limit the body is decoded, and the handler refuses
	// the pet for its empty name.
	status, detail, _ := postLargePet(t, srv.URL, limit-100, true)
	if status != http.StatusBadRequest || !strings.Contains(detail, "name") {
		t.Errorf("a body under the limit: %d %q, want 400 about the name", status, detail)
	}
}

// BenchmarkLargeBody measures the memory a 50 MB body to POST /pets costs
// the server, as allocated bytes per request (alloc-MiB/op), with the
// default limit and without any.
func BenchmarkLargeBody(b *testing.B) {
	for _, bc := range []struct {
		name    string
		limit   int64
		chunked bool
	}{
		{"limit/length", runtime.DefaultMaxBodySize, false},
		{"limit/chunked", runtime.DefaultMaxBodySize, true},
		{"unlimited/length", 0, false},
		{"unlimited/chunked", 0, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := startPetstore(b, runtime.WithMaxBodySize(bc.limit))
			var total uint64
			for b.Loop() {
				_, _, allocated := postLargePet(b, srv.URL, 50<<20, bc.chunked)
				total += allocated
			}
			b.ReportMetric(float64(total)/float64(b.N)/(1<<20), "alloc-MiB/op")
		})
	}
}
