package models_test

import (
	"context"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/models"
	"github.com/ssegen/ssegen/runtime"
)

// newClient starts the generated server on the echo handler and returns a
// generated client of it; the test fails if a goroutine outlives it.
func newClient(t *testing.T) *models.Client {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	ts := httptest.NewServer(models.NewHandler(echo{}))
	t.Cleanup(ts.Close)
	return models.NewClient(ts.URL, runtime.WithHTTPClient(ts.Client()))
}

func ptrTo[T any](v T) *T { return &v }

// Every model goes through the generated client and server and comes back
// the same.
func TestClientEchoesModels(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	born := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	pets := []models.Pet{
		{
			ID: 7, Name: "rex", Kind: models.KindGuineaPig, Size: ptrTo(models.Size2), Tags: []string{"a"}, Likes: []models.Kind{models.KindCat},
			Labels: map[string]string{"k": "v"}, Age: 3, Weight: ptrTo(1.5), Ratio: ptrTo[float32](0.25), Born: &born, Photo: []byte{1, 2, 3},
			ChipID: ptrTo("5a1c6e2e-0000-4000-8000-000000000000"), Nickname: ptrTo("R"), Owner: &models.PetOwner{Name: "ann", EMail: ptrTo("a@b.c")},
			Type: ptrTo("good"), N2fa: ptrTo(true), HTTPURL: ptrTo("http://x"),
		},
		{ID: 1, Name: "a", Kind: models.KindCat, Tags: []string{}},
	}
	for _, pet := range pets {
		got, err := c.EchoPet(ctx, &models.EchoPetRequest{Body: pet})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Body, pet) {
			t.Errorf("pet %+v\nwant %+v", got.Body, pet)
		}
	}

	for _, shape := range []models.Shape{models.ShapeFromCircle(models.Circle{Radius: 2}), models.ShapeFromSquare(models.Square{Side: 3})} {
		got, err := c.EchoShape(ctx, &models.EchoShapeRequest{Body: shape})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Body, shape) {
			t.Errorf("shape %+v, want %+v", got.Body, shape)
		}
	}

	tree := models.Tree{Value: 1, Children: []models.Tree{{Value: 2}, {Value: 3, Parent: &models.Tree{Value: 1}}}}
	if got, err := c.EchoTree(ctx, &models.EchoTreeRequest{Body: tree}); err != nil || !reflect.DeepEqual(got.Body, tree) {
		t.Errorf("tree %+v (%v), want %+v", got.Body, err, tree)
	}

	note := "two\nlines, ü"
	if got, err := c.EchoNote(ctx, &models.EchoNoteRequest{Body: note}); err != nil || got.Body != note {
		t.Errorf("note %q (%v), want %q", got.Body, err, note)
	}
}

// An optional body is sent when set, left out when nil; each answer comes
// back as its own response type.
func TestClientOptionalBody(t *testing.T) {
	c := newClient(t)
	record := models.Record{ID: "r1", Note: ptrTo("n"), AdditionalProperties: map[string]int64{"extra": 5}}
	resp, err := c.EchoRecord(context.Background(), &models.EchoRecordRequest{Body: &record})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := resp.(models.EchoRecord200Response); !ok || !reflect.DeepEqual(got.Body, record) {
		t.Errorf("got %#v, want the record", resp)
	}
	resp, err = c.EchoRecord(context.Background(), &models.EchoRecordRequest{})
	if _, ok := resp.(models.EchoRecord204Response); err != nil || !ok {
		t.Errorf("without a body: %#v, %v; want EchoRecord204Response", resp, err)
	}
}

// Each event of the feed arrives as its own type.
func TestClientFeed(t *testing.T) {
	c := newClient(t)
	s, err := c.Feed(context.Background(), &models.FeedRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var got []models.FeedEvent
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
	}
	want := []models.FeedEvent{
		models.FeedPet{Data: models.Pet{ID: 1, Name: "rex", Kind: models.KindDog, Tags: []string{}, Nickname: ptrTo("Rex")}},
		models.FeedShape{Data: models.ShapeFromSquare(models.Square{Side: 2})},
		models.FeedValue{Data: models.ValueFromInt64(42)},
		models.FeedInline{Data: models.FeedInlineEvent{At: time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events\n%#v\nwant\n%#v", got, want)
	}
}
