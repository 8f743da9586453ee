package params_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/params"
	"github.com/ssegen/ssegen/runtime"
)

// TestTypeScriptClient sends, through the generated TypeScript client,
// the parameters the Go client's tests send (params.test.ts), and checks
// that the server decodes the same values: the last request of each
// operation is the header test's 418 one. GET /cookie-object answers the
// properties of the object cookie "prefs", exploded unless ?explode=false,
// and GET /delimited the exploded spaceDelimited and pipeDelimited arrays
// "spaced" and "piped", as the Go runtime decodes them, for parameters no
// golden operation has.
func TestTypeScriptClient(t *testing.T) {
	impl := &server{}
	mux := http.NewServeMux()
	mux.Handle("/", params.NewHandler(impl))
	mux.HandleFunc("GET /cookie-object", func(w http.ResponseWriter, r *http.Request) {
		p := runtime.NewParams(r)
		props, _ := p.Object(runtime.Cookie("prefs").Styled(runtime.StyleForm, r.URL.Query().Get("explode") != "false"))
		if p.Failed(w) {
			return
		}
		json.NewEncoder(w).Encode(props)
	})
	mux.HandleFunc("GET /delimited", func(w http.ResponseWriter, r *http.Request) {
		p := runtime.NewParams(r)
		var spaced, piped []string
		runtime.Array(p, runtime.Query("spaced").Styled(runtime.StyleSpaceDelimited, true), &spaced, runtime.ParseString[string])
		runtime.Array(p, runtime.Query("piped").Styled(runtime.StylePipeDelimited, true), &piped, runtime.ParseString[string])
		if p.Failed(w) {
			return
		}
		json.NewEncoder(w).Encode([][]string{spaced, piped})
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	goldentest.RunNode(t, []string{"params.test.ts"}, "SSEGEN_URL="+ts.URL)

	since := time.Date(2026, 11, 23, 20, 0, 0, 123, time.UTC)
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"path", impl.path, &params.PathParamsRequest{
			ItemID: -12, Tags: []string{"a b", "c/d", "é?#%"}, Point: params.Point{X: 1, Y: ptr[int32](2)},
			Mat: []int32{3, 4}, Obj: params.Point{X: 5}, Lab: params.ColorGreen,
		}},
		{"query", impl.query, &params.QueryParamsRequest{
			Q: "hello world & more=1?#", Limit: ptr[int32](5), Ratio: ptr(0.5), Since: &since, Color: ptr(params.ColorGreen),
			IDs: []int64{1, 2}, CSV: []string{"a", "b+c"}, Spaced: []string{"a", "b"}, Piped: []params.Color{params.ColorRed, params.ColorBlue},
			Filter: &params.Filter{Color: params.ColorBlue, Min: ptr(1.5), Name: ptr("x y")}, Point: &params.Point{X: 3, Y: ptr[int32](-4)},
			Meta: map[string]string{"a": "1", "b c": "2&3"}, Flat: &params.Point{X: 7, Y: ptr[int32](8)},
		}},
		{"header", impl.header, &params.HeaderParamsRequest{
			XRequestID: "5a1c6e2e-0000-4000-8000-000000000000", XSizes: []int32{1, 2, 3}, XPoint: &params.Point{X: 4, Y: ptr[int32](5)},
			XFlag: ptr(false), Session: `s 1; "é"`, Prefs: []string{"dark", "compact mode", "a,b"}, Want: ptr[int32](418),
		}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s parameters decoded\n%+v\nwant\n%+v", c.name, c.got, c.want)
		}
	}
}
