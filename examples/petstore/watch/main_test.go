package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
	"github.com/ssegen/ssegen/runtime"
)

// feed serves a watch stream that drops the connection once, after two
// changes, and ends the test's watch by leaving the connection open after
// a final notice.
type feed struct {
	petstoreapi.UnimplementedHandler
	mu      sync.Mutex
	resumed []string // the Last-Event-ID of each request
	done    chan struct{}
}

func (f *feed) WatchPets(ctx context.Context, req *petstoreapi.WatchPetsRequest, s *petstoreapi.WatchPetsStream) error {
	f.mu.Lock()
	f.resumed = append(f.resumed, req.LastEventID)
	f.mu.Unlock()
	if req.LastEventID == "" {
		s.SendMessage(petstoreapi.Pet{ID: 1, Name: "Rex", Status: petstoreapi.PetStatusAvailable}, runtime.WithEventID("1"))
		s.SendDeleted(petstoreapi.PetDeleted{ID: 2}, runtime.WithEventID("2"))
		return nil // the connection drops; the client comes back
	}
	s.SendReset(petstoreapi.Reset{Reason: "history lost"}, runtime.WithEventID("9"))
	s.SendNotice("closing\ntime", runtime.WithEventID("10"))
	<-ctx.Done()
	close(f.done)
	return nil
}

func (f *feed) ListPets(context.Context, *petstoreapi.ListPetsRequest) (petstoreapi.ListPetsResponse, error) {
	return petstoreapi.ListPets200Response{Body: []petstoreapi.Pet{{ID: 1}, {ID: 3}}}, nil
}

// lines is an io.Writer that cancels the watch once it has n lines.
type lines struct {
	b      strings.Builder
	n      int
	cancel context.CancelFunc
}

func (l *lines) Write(p []byte) (int, error) {
	l.b.Write(p)
	if strings.Count(l.b.String(), "\n") >= l.n {
		l.cancel()
	}
	return len(p), nil
}

func TestWatch(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := &feed{done: make(chan struct{})}
	ts := httptest.NewServer(petstoreapi.NewHandler(f))
	defer ts.Close()
	c := petstoreapi.NewClient(ts.URL, runtime.WithHTTPClient(ts.Client()))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lines{n: 5, cancel: cancel}
	if err := watch(ctx, c, out); !errors.Is(err, context.Canceled) {
		t.Fatalf("watch ended with %v", err)
	}
	<-f.done
	want := "pet 1 Rex: available\npet 2 deleted\nreset (history lost): 2 pets\nnotice: closing\ntime\n"
	if got := out.b.String(); got != want {
		t.Errorf("printed\n%s\nwant\n%s", got, want)
	}
	if got := strings.Join(f.resumed, ","); got != ",2" {
		t.Errorf("Last-Event-ID of the requests: %q, want \"\" then 2", got)
	}
}
