package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// checkLeaks fails t if a goroutine started during the test outlives it.
// Call it first so that its cleanup runs after the test's servers closed.
func checkLeaks(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

type pet struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func TestClientRoundTrip(t *testing.T) {
	checkLeaks(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/pets/7" || r.URL.Query().Get("tag") != "a b" {
			http.Error(w, "bad url "+r.URL.String(), http.StatusBadRequest)
			return
		}
		for name, want := range map[string]string{
			"Content-Type":  "application/json",
			"User-Agent":    "ssegen-test",
			"Authorization": "Bearer t0k3n",
		} {
			if got := r.Header.Get(name); got != want {
				http.Error(w, name+": "+got, http.StatusBadRequest)
				return
			}
		}
		var p pet
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p.ID = 7
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(p)
	}))
	t.Cleanup(srv.Close)

	c := NewClient(srv.URL+"/v1/",
		WithHTTPClient(srv.Client()),
		WithHeader("User-Agent", "ssegen-test"),
		WithRequestEditor(func(ctx context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer t0k3n")
			return nil
		}))
	var args Args
	args.Value(Path("petId"), FormatInt(int64(7)))
	args.Value(Query("tag"), "a b")
	req, err := c.NewRequest(context.Background(), http.MethodPut, "/pets/{petId}", &args, "application/json", pet{Name: "Rex"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatal(UnexpectedResponse(resp))
	}
	var got pet
	if err := c.Decode(resp, "application/json", &got); err != nil {
		t.Fatal(err)
	}
	if got != (pet{ID: 7, Name: "Rex"}) {
		t.Fatalf("got %+v", got)
	}
}

func TestClientUnexpectedResponse(t *testing.T) {
	checkLeaks(t)
	long := strings.Repeat("x", 3*maxErrorBody)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "short and stout "+long)
	}))
	t.Cleanup(srv.Close)

	c := NewClient(srv.URL, WithHTTPClient(srv.Client()))
	req, err := c.NewRequest(context.Background(), http.MethodGet, "/", nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	err = UnexpectedResponse(resp)
	var re *ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("got %T, want *ResponseError", err)
	}
	if re.StatusCode != http.StatusTeapot || re.ContentType != "text/plain" || len(re.Body) != maxErrorBody {
		t.Errorf("got status %d, content type %q, %d body bytes", re.StatusCode, re.ContentType, len(re.Body))
	}
	if msg := err.Error(); !strings.HasPrefix(msg, `unexpected response: 418 I'm a teapot (Content-Type text/plain): "short and stout xxx`) {
		t.Errorf("message %q", msg)
	}
}

func TestClientRequestErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := NewClient("http://[::1]:namedport").NewRequest(ctx, http.MethodGet, "/", nil, "", nil); err == nil || !strings.Contains(err.Error(), "base URL") {
		t.Errorf("bad base URL: got %v", err)
	}
	c := NewClient("http://127.0.0.1:1")
	if _, err := c.NewRequest(ctx, http.MethodPost, "/x", nil, "application/json", func() {}); err == nil || !strings.Contains(err.Error(), "encode request body as application/json") {
		t.Errorf("unencodable body: got %v", err)
	}
	if _, err := c.NewRequest(ctx, http.MethodPost, "/x", nil, "image/png", []byte{1}); err == nil || !strings.Contains(err.Error(), "image/png") {
		t.Errorf("content type without codec: got %v", err)
	}

	boom := errors.New("no token")
	c = NewClient("http://127.0.0.1:1", WithRequestEditor(func(context.Context, *http.Request) error { return boom }))
	req, err := c.NewRequest(ctx, http.MethodGet, "/x", nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(req); !errors.Is(err, boom) {
		t.Errorf("failing editor: got %v", err)
	}
}

func TestClientFixedQuery(t *testing.T) {
	c := NewClient("http://example.com/v1")
	var args Args
	args.Value(Query("limit"), "5")
	req, err := c.NewRequest(context.Background(), http.MethodPost, "/responses/compact?beta=true", &args, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := req.URL.String(); got != "http://example.com/v1/responses/compact?beta=true&limit=5" {
		t.Errorf("got %s", got)
	}
	req, err = c.NewRequest(context.Background(), http.MethodPost, "/audio#stream", nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := req.URL.String(); got != "http://example.com/v1/audio" {
		t.Errorf("got %s", got)
	}
}

func TestClientDecodeError(t *testing.T) {
	checkLeaks(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"id":"seven"}`)
	}))
	t.Cleanup(srv.Close)
	c := NewClient(srv.URL, WithHTTPClient(srv.Client()))
	req, err := c.NewRequest(context.Background(), http.MethodGet, "/pets/7", nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p pet
	err = c.Decode(resp, "application/json", &p)
	if want := "runtime: GET /pets/7: decode 200 response: application/json: json: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got  %v\nwant %s...", err, want)
	}
}

// TestClientDecodeEventStream checks that Decode does not wait for an
// event stream, which may never end, but reports it as an answer the
// operation does not declare.
func TestClientDecodeEventStream(t *testing.T) {
	checkLeaks(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		io.WriteString(w, "data: {}\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done() // until the client closes the body
	}))
	t.Cleanup(srv.Close)
	c := NewClient(srv.URL, WithHTTPClient(srv.Client()))
	req, err := c.NewRequest(context.Background(), http.MethodPost, "/chat", nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p pet
	err = c.Decode(resp, "application/json", &p)
	var re *ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusOK || re.ContentType != "text/event-stream; charset=utf-8" {
		t.Fatalf("got %v, want a *ResponseError for the 200 event stream", err)
	}
	if want := "runtime: POST /chat: decode 200 response: unexpected response: 200 OK (Content-Type text/event-stream; charset=utf-8)"; err.Error() != want {
		t.Errorf("message %q\nwant    %q", err, want)
	}
}
