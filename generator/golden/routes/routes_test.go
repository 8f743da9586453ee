package routes_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/routes"
	"github.com/ssegen/ssegen/runtime"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// server answers with the operation it ran and the parameters it decoded.
type server struct{}

func (server) GetVideo(_ context.Context, req *routes.GetVideoRequest) (routes.GetVideoResponse, error) {
	return routes.GetVideo200Response{Body: fmt.Sprintf("video %q", req.VideoID)}, nil
}

func (server) GetVideoContent(_ context.Context, req *routes.GetVideoContentRequest) (routes.GetVideoContentResponse, error) {
	variant := ""
	if req.Variant != nil {
		variant = " variant " + *req.Variant
	}
	return routes.GetVideoContent200Response{Body: fmt.Sprintf("content of %q%s", req.VideoID, variant)}, nil
}

func (server) GetCharacter(_ context.Context, req *routes.GetCharacterRequest) (routes.GetCharacterResponse, error) {
	return routes.GetCharacter200Response{Body: fmt.Sprintf("character %q", req.CharacterID)}, nil
}

func (server) GetBetaCharacter(_ context.Context, req *routes.GetBetaCharacterRequest) (routes.GetBetaCharacterResponse, error) {
	return routes.GetBetaCharacter200Response{Body: fmt.Sprintf("beta character %q", req.ID)}, nil
}

func newServer(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(routes.NewHandler(server{}))
	t.Cleanup(ts.Close)
	return ts
}

// TestConflictingRoutes sends raw requests to the operations whose
// patterns http.ServeMux cannot register together: each is reachable with
// its parameters, a path both match goes to the one whose literal segment
// comes first, and a path none matches is not found.
func TestConflictingRoutes(t *testing.T) {
	ts := newServer(t)
	for _, tc := range []struct {
		path string
		want string // status and body
	}{
		{"/videos/v1/content", `200 content of "v1"`},
		{"/videos/v1/content?variant=thumbnail", `200 content of "v1" variant thumbnail`},
		{"/videos/a%2Fb/content", `200 content of "a/b"`},
		{"/videos/characters/c1", `200 character "c1"`},
		{"/videos/characters/c%201", `200 character "c 1"`},
		{"/videos/characters/c1?beta=true", `200 beta character "c1"`},
		{"/videos/characters/content", `200 character "content"`},
		{"/videos/characters/content?beta=true", `200 beta character "content"`},
		{"/videos/v1", `200 video "v1"`},
		{"/videos/characters", `200 video "characters"`},
		{"/videos/v1/poster", "404"},
		{"/videos/v1/content/more", "404"},
		{"/videos/characters/", "404"},
	} {
		resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: ts.URL + tc.path})
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(resp.StatusCode)
		if resp.StatusCode < 300 {
			got += " " + strings.TrimSpace(string(body))
		}
		if got != tc.want {
			t.Errorf("GET %s: %s, want %s", tc.path, got, tc.want)
		}
	}
}

// TestClient calls each operation of the shared route through the
// generated client.
func TestClient(t *testing.T) {
	ts := newServer(t)
	c := routes.NewClient(ts.URL, runtime.WithHTTPClient(ts.Client()))
	ctx := context.Background()
	variant := "thumbnail"
	content, err := c.GetVideoContent(ctx, &routes.GetVideoContentRequest{VideoID: "v/1", Variant: &variant})
	if err != nil || content.Body != `content of "v/1" variant thumbnail` {
		t.Errorf("GetVideoContent: %+v, %v", content, err)
	}
	character, err := c.GetCharacter(ctx, &routes.GetCharacterRequest{CharacterID: "content"})
	if err != nil || character.Body != `character "content"` {
		t.Errorf("GetCharacter: %+v, %v", character, err)
	}
	beta, err := c.GetBetaCharacter(ctx, &routes.GetBetaCharacterRequest{ID: "c1"})
	if err != nil || beta.Body != `beta character "c1"` {
		t.Errorf("GetBetaCharacter: %+v, %v", beta, err)
	}
	video, err := c.GetVideo(ctx, &routes.GetVideoRequest{VideoID: "v1"})
	if err != nil || video.Body != `video "v1"` {
		t.Errorf("GetVideo: %+v, %v", video, err)
	}
}
