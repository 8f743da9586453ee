package constraints30_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/constraints30"
	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/runtime"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type echo struct{}

func (echo) Rate(_ context.Context, req *constraints30.RateRequest) (constraints30.RateResponse, error) {
	return constraints30.Rate200Response{Body: req.Body}, nil
}

// TestExclusiveBounds checks 3.0's boolean exclusiveMinimum and
// exclusiveMaximum on a parameter and in a body, with two JSON codecs:
// the bound itself is refused, a value just inside it taken.
func TestExclusiveBounds(t *testing.T) {
	for _, opts := range [][]runtime.Option{nil, {runtime.WithCodec(goldentest.NumberCodec)}} {
		ts := httptest.NewServer(constraints30.NewHandler(echo{}, opts...))
		defer ts.Close()
		for _, tc := range []struct{ query, body, want string }{
			{"weight=0", `{"stars":1}`, `query parameter "weight": must be greater than 0`},
			{"weight=1", `{"stars":1}`, `query parameter "weight": must be less than 1`},
			{"", `{"stars":0}`, `request body property "stars": must be greater than 0`},
			{"", `{"stars":6}`, `request body property "stars": must be at most 5`},
			{"", `{"stars":1,"score":10}`, `request body property "score": must be less than 10`},
		} {
			resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: ts.URL + "/ratings?" + tc.query, Body: tc.body})
			if detail := goldentest.Problem(t, resp, http.StatusBadRequest); detail != tc.want {
				t.Errorf("%s %s:\ndetail %q\nwant   %q", tc.query, tc.body, detail, tc.want)
			}
		}
		body := `{"stars":5,"score":9.99}`
		var got constraints30.Rating
		goldentest.JSON(t, goldentest.Do(t, goldentest.Request{Method: "POST", URL: ts.URL + "/ratings?weight=0.999", Body: body}), http.StatusOK, &got)
		if b, _ := json.Marshal(got); string(b) != body {
			t.Errorf("echo %s, want %s", b, body)
		}
	}
}
