package methods_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/methods"
	"github.com/ssegen/ssegen/runtime"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// server answers with what it was asked, to show what it decoded.
type server struct{}

func (server) SearchFlights(_ context.Context, req *methods.SearchFlightsRequest) (methods.SearchFlightsResponse, error) {
	return methods.SearchFlights200Response{Body: []string{req.Body.From + "-" + req.Body.To}}, nil
}

func (server) BookFlight(context.Context, *methods.BookFlightRequest) (methods.BookFlightResponse, error) {
	return methods.BookFlight201Response{}, nil
}

func (server) PurgeFlights(context.Context, *methods.PurgeFlightsRequest) (methods.PurgeFlightsResponse, error) {
	return methods.PurgeFlights204Response{}, nil
}

func (server) GetReport(_ context.Context, req *methods.GetReportRequest) (methods.GetReportResponse, error) {
	return methods.GetReport200Response{Body: fmt.Sprintf("report %q of %d", req.Name, req.Year)}, nil
}

func (server) GetLatestReport(_ context.Context, req *methods.GetLatestReportRequest) (methods.GetLatestReportResponse, error) {
	return methods.GetLatestReport200Response{Body: fmt.Sprintf("latest of %d", req.Year)}, nil
}

func newServer(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(methods.NewHandler(server{}))
	t.Cleanup(ts.Close)
	return ts
}

// TestRoutes sends raw requests: QUERY and PURGE are routed by method like
// GET and POST, and a path parameter inside a segment matches only a
// segment with the text around it.
func TestRoutes(t *testing.T) {
	ts := newServer(t)
	for _, tc := range []struct {
		method, path, body string
		want               string // status and body
	}{
		{"QUERY", "/flights", `{"from":"CDG","to":"JFK"}`, `200 ["CDG-JFK"]`},
		{"GET", "/flights", "", "405"},
		{"PURGE", "/flights", "", "204 "},
		{"GET", "/reports/2026/r-q1%20sales.json", "", `200 report "q1 sales" of 2026`},
		{"GET", "/reports/2026/r-.json", "", `200 report "" of 2026`},
		{"GET", "/reports/2026/latest", "", "200 latest of 2026"},
		{"GET", "/reports/2026/q1.json", "", "404"},
		{"GET", "/reports/2026/r-q1.xml", "", "404"},
		{"GET", "/reports/x/r-q1.json", "", "400"},
	} {
		resp := goldentest.Do(t, goldentest.Request{Method: tc.method, URL: ts.URL + tc.path, Body: tc.body})
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(resp.StatusCode)
		if resp.StatusCode < 300 {
			got += " " + strings.TrimSpace(string(body))
		}
		if got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.method, tc.path, got, tc.want)
		}
	}
}

// TestClient calls every operation through the generated client.
func TestClient(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	ts := newServer(t)
	c := methods.NewClient(ts.URL, runtime.WithHTTPClient(ts.Client()))
	ctx := context.Background()

	flights, err := c.SearchFlights(ctx, &methods.SearchFlightsRequest{Body: methods.Search{From: "CDG", To: "JFK"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"CDG-JFK"}; !reflect.DeepEqual(flights.Body, want) {
		t.Errorf("SearchFlights: %v, want %v", flights.Body, want)
	}
	if err := c.PurgeFlights(ctx, &methods.PurgeFlightsRequest{}); err != nil {
		t.Errorf("PurgeFlights: %v", err)
	}
	if err := c.BookFlight(ctx, &methods.BookFlightRequest{Body: methods.Search{From: "CDG", To: "JFK"}}); err != nil {
		t.Errorf("BookFlight: %v", err)
	}
	report, err := c.GetReport(ctx, &methods.GetReportRequest{Year: 2026, Name: "a/b.json?#"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `report "a/b.json?#" of 2026`; report.Body != want {
		t.Errorf("GetReport: %q, want %q", report.Body, want)
	}
}
