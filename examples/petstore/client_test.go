package main

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"testing"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
	"github.com/ssegen/ssegen/runtime"
)

// TestClient drives every operation of the petstore, and every event of its
// streams, through the generated client against the real implementation.
func TestClient(t *testing.T) {
	srv := startPetstore(t)
	ep := epochOf(t, srv.URL)
	c := petstoreapi.NewClient(srv.URL, runtime.WithHTTPClient(srv.Client()))
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	dog := "dog"

	// The watch sees every change made below, in order.
	watch, err := c.WatchPets(ctx, &petstoreapi.WatchPetsRequest{})
	must(err)
	defer watch.Close()

	created, err := c.CreatePet(ctx, &petstoreapi.CreatePetRequest{Body: petstoreapi.NewPet{Name: "Rex", Tag: &dog}})
	must(err)
	rex := created.Body
	if rex.Name != "Rex" || rex.Status != petstoreapi.PetStatusAvailable {
		t.Errorf("created %+v", rex)
	}
	var invalid petstoreapi.CreatePet400Response
	if _, err := c.CreatePet(ctx, &petstoreapi.CreatePetRequest{Body: petstoreapi.NewPet{Name: " "}}); !errors.As(err, &invalid) || invalid.Body.Title != "Invalid pet" {
		t.Errorf("nameless pet: %v", err)
	}

	list, err := c.ListPets(ctx, &petstoreapi.ListPetsRequest{Tag: &dog})
	must(err)
	if !reflect.DeepEqual(list.Body, []petstoreapi.Pet{rex}) {
		t.Errorf("list %+v", list.Body)
	}
	var badLimit petstoreapi.ListPets400Response
	if _, err := c.ListPets(ctx, &petstoreapi.ListPetsRequest{Limit: new(int32)}); !errors.As(err, &badLimit) {
		t.Errorf("limit 0: %v", err)
	}

	got, err := c.GetPet(ctx, &petstoreapi.GetPetRequest{PetID: rex.ID})
	if err != nil || !reflect.DeepEqual(got.Body, rex) {
		t.Errorf("get: %+v, %v", got.Body, err)
	}
	var missing petstoreapi.GetPet404Response
	if _, err := c.GetPet(ctx, &petstoreapi.GetPetRequest{PetID: 999}); !errors.As(err, &missing) || *missing.Body.Detail != "there is no pet 999" {
		t.Errorf("get 999: %v", err)
	}

	updated, err := c.UpdatePet(ctx, &petstoreapi.UpdatePetRequest{PetID: rex.ID, Body: petstoreapi.NewPet{Name: "Max"}})
	if err != nil || updated.Body.Name != "Max" {
		t.Errorf("update: %+v, %v", updated.Body, err)
	}

	adoption, err := c.AdoptPet(ctx, &petstoreapi.AdoptPetRequest{PetID: rex.ID, Body: petstoreapi.Adoption{Owner: "Ann"}})
	must(err)
	var steps int
	var adopted petstoreapi.Pet
	for ev, err := range adoption.Events() {
		must(err)
		switch ev := ev.(type) {
		case petstoreapi.AdoptPetStep:
			steps++
		case petstoreapi.AdoptPetMessage:
			adopted = ev.Data
		default:
			t.Errorf("adoption event %#v", ev)
		}
	}
	if steps != 3 || adopted.Status != petstoreapi.PetStatusAdopted || *adopted.Owner != "Ann" {
		t.Errorf("adoption: %d steps, then %+v", steps, adopted)
	}
	var taken petstoreapi.AdoptPet409Response
	if _, err := c.AdoptPet(ctx, &petstoreapi.AdoptPetRequest{PetID: rex.ID, Body: petstoreapi.Adoption{Owner: "Bob"}}); !errors.As(err, &taken) {
		t.Errorf("second adoption: %v", err)
	}

	imported, err := c.ImportPets(ctx, &petstoreapi.ImportPetsRequest{Body: []petstoreapi.NewPet{{Name: "a"}, {Name: "b"}}})
	must(err)
	var events []petstoreapi.ImportPetsEvent
	for ev, err := range imported.Events() { // ends at the [DONE] sentinel
		must(err)
		events = append(events, ev)
	}
	if len(events) != 3 {
		t.Fatalf("import events %#v", events)
	}
	if result, ok := events[2].(petstoreapi.ImportPetsResult); !ok || len(result.Data.Imported) != 2 {
		t.Errorf("import result %#v", events[2])
	}
	failing, err := c.ImportPets(ctx, &petstoreapi.ImportPetsRequest{Body: []petstoreapi.NewPet{{Name: "c"}, {Name: " "}}})
	must(err)
	_, err = failing.Next()
	must(err)
	var failed petstoreapi.ImportPetsFailed
	if _, err := failing.Next(); !errors.As(err, &failed) || *failed.Data.Detail != "pet 1: a pet needs a name" {
		t.Errorf("failing import: %v", err)
	}
	var empty petstoreapi.ImportPets400Response
	if _, err := c.ImportPets(ctx, &petstoreapi.ImportPetsRequest{Body: []petstoreapi.NewPet{}}); !errors.As(err, &empty) {
		t.Errorf("empty import: %v", err)
	}

	must(c.PostNotice(ctx, &petstoreapi.PostNoticeRequest{Body: petstoreapi.Notice{Text: "closing\nsoon"}}))
	must(c.DeletePet(ctx, &petstoreapi.DeletePetRequest{PetID: rex.ID}))
	var gone petstoreapi.DeletePet404Response
	if err := c.DeletePet(ctx, &petstoreapi.DeletePetRequest{PetID: rex.ID}); !errors.As(err, &gone) {
		t.Errorf("second delete: %v", err)
	}

	// Rex created, renamed, adopted; a, b and c imported; the notice; Rex deleted.
	want := []string{"message", "message", "message", "message", "message", "message", "notice", "deleted"}
	for i, kind := range want {
		ev, err := watch.Next()
		must(err)
		var id, got string
		switch ev := ev.(type) {
		case petstoreapi.WatchPetsMessage:
			id, got = ev.ID, "message"
		case petstoreapi.WatchPetsNotice:
			id, got = ev.ID, "notice"
			if ev.Data != "closing\nsoon" {
				t.Errorf("notice %q", ev.Data)
			}
		case petstoreapi.WatchPetsDeleted:
			id, got = ev.ID, "deleted"
			if ev.Data.ID != rex.ID {
				t.Errorf("deleted %d", ev.Data.ID)
			}
		}
		if got != kind || id != ep+strconv.Itoa(i+1) {
			t.Errorf("change %d: %s event with id %s, want %s", i+1, got, id, kind)
		}
	}

	// A watcher whose position the store does not know starts over.
	late, err := c.WatchPets(ctx, &petstoreapi.WatchPetsRequest{LastEventID: "12345"})
	must(err)
	defer late.Close()
	if ev, err := late.Next(); err != nil {
		t.Error(err)
	} else if _, ok := ev.(petstoreapi.WatchPetsReset); !ok {
		t.Errorf("unknown position: %#v, want a reset", ev)
	}
}
