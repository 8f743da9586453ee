package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
	"github.com/ssegen/ssegen/runtime"
)

const (
	// historySize is how many changes each petstore keeps for watchers
	// that reconnect. One that missed more gets a reset event and reloads
	// the list, unless the feed is in JetStream (-nats), which replays the
	// older changes it still holds.
	historySize = 1000
	// watcherLag is how many changes may wait for one watch stream before
	// it is cut off (it reconnects and catches up from the history).
	watcherLag = 256
)

// resetReason is the data of the reset event.
const resetReason = "missed events are no longer available: reload the list"

// petstore implements the generated petstoreapi.Handler on an in-memory
// store, whose changes watchers follow on a feed.
type petstore struct {
	store *store
	// pause is the time between the steps of an import or an adoption, so
	// that people can follow them in the page; 0 in tests.
	pause time.Duration
}

var _ petstoreapi.Handler = (*petstore)(nil)

// newPetstore returns a petstore whose watch feed is on bus.
func newPetstore(bus runtime.Bus, pause time.Duration) *petstore {
	return &petstore{store: newStore(petstoreapi.NewWatchPetsFeed(bus)), pause: pause}
}

// newMemoryBus returns the bus of a single petstore process.
func newMemoryBus() *runtime.MemoryBus {
	return runtime.NewMemoryBus(runtime.WithHistory(historySize), runtime.WithSubscriberQueue(watcherLag))
}

func problem(status int, title, detail string) petstoreapi.Problem {
	s := int32(status)
	return petstoreapi.Problem{Status: &s, Title: title, Detail: &detail}
}

func notFound(id int64) petstoreapi.Problem {
	return problem(http.StatusNotFound, "No such pet", fmt.Sprintf("there is no pet %d", id))
}

// checkNewPet returns why np cannot be stored, or "".
func checkNewPet(np petstoreapi.NewPet) string {
	if strings.TrimSpace(np.Name) == "" {
		return "a pet needs a name"
	}
	return ""
}

func (p *petstore) ListPets(_ context.Context, req *petstoreapi.ListPetsRequest) (petstoreapi.ListPetsResponse, error) {
	tag, limit := "", 0
	if req.Tag != nil {
		tag = *req.Tag
	}
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > 1000 {
			return petstoreapi.ListPets400Response{Body: problem(http.StatusBadRequest, "Invalid limit", "limit must be between 1 and 1000")}, nil
		}
		limit = int(*req.Limit)
	}
	return petstoreapi.ListPets200Response{Body: p.store.list(tag, limit)}, nil
}

func (p *petstore) CreatePet(ctx context.Context, req *petstoreapi.CreatePetRequest) (petstoreapi.CreatePetResponse, error) {
	if why := checkNewPet(req.Body); why != "" {
		return petstoreapi.CreatePet400Response{Body: problem(http.StatusBadRequest, "Invalid pet", why)}, nil
	}
	pet, err := p.store.create(ctx, req.Body)
	if err != nil {
		return nil, err
	}
	return petstoreapi.CreatePet201Response{Body: pet}, nil
}

func (p *petstore) GetPet(_ context.Context, req *petstoreapi.GetPetRequest) (petstoreapi.GetPetResponse, error) {
	pet, ok := p.store.get(req.PetID)
	if !ok {
		return petstoreapi.GetPet404Response{Body: notFound(req.PetID)}, nil
	}
	return petstoreapi.GetPet200Response{Body: pet}, nil
}

func (p *petstore) UpdatePet(ctx context.Context, req *petstoreapi.UpdatePetRequest) (petstoreapi.UpdatePetResponse, error) {
	if why := checkNewPet(req.Body); why != "" {
		return petstoreapi.UpdatePet400Response{Body: problem(http.StatusBadRequest, "Invalid pet", why)}, nil
	}
	pet, ok, err := p.store.update(ctx, req.PetID, func(pet *petstoreapi.Pet) bool {
		if pet.Name == req.Body.Name && equal(pet.Tag, req.Body.Tag) {
			return false
		}
		pet.Name, pet.Tag = req.Body.Name, req.Body.Tag
		return true
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return petstoreapi.UpdatePet404Response{Body: notFound(req.PetID)}, nil
	}
	return petstoreapi.UpdatePet200Response{Body: pet}, nil
}

func equal(a, b *string) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

func (p *petstore) DeletePet(ctx context.Context, req *petstoreapi.DeletePetRequest) (petstoreapi.DeletePetResponse, error) {
	ok, err := p.store.delete(ctx, req.PetID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return petstoreapi.DeletePet404Response{Body: notFound(req.PetID)}, nil
	}
	return petstoreapi.DeletePet204Response{}, nil
}

func (p *petstore) PostNotice(ctx context.Context, req *petstoreapi.PostNoticeRequest) (petstoreapi.PostNoticeResponse, error) {
	if err := p.store.notice(ctx, req.Body.Text); err != nil {
		return nil, err
	}
	return petstoreapi.PostNotice202Response{}, nil
}

// WatchPets follows the feed: the changes the client missed (after its
// Last-Event-ID), then every change as it happens.
func (p *petstore) WatchPets(_ context.Context, _ *petstoreapi.WatchPetsRequest, stream *petstoreapi.WatchPetsStream) error {
	return stream.Follow(p.store.feed, petstoreapi.Reset{Reason: resetReason})
}

// importFailure is the data of the failed event for the pet at index i.
func importFailure(i int) petstoreapi.Problem {
	return problem(http.StatusUnprocessableEntity, "Import stopped", fmt.Sprintf("pet %d: a pet needs a name", i))
}

// ImportPets stores the pets one by one with a progress event for each,
// then sends the ids in a result event.
func (p *petstore) ImportPets(ctx context.Context, req *petstoreapi.ImportPetsRequest, stream *petstoreapi.ImportPetsStream) error {
	if len(req.Body) == 0 {
		return stream.Respond(petstoreapi.ImportPets400Response{Body: problem(http.StatusBadRequest, "Nothing to import", "the list of pets is empty")})
	}
	total := int32(len(req.Body))
	var result petstoreapi.ImportResult
	for i, np := range req.Body {
		if checkNewPet(np) != "" {
			return stream.Fail(importFailure(i))
		}
		pet, err := p.store.create(ctx, np)
		if err != nil {
			return err
		}
		result.Imported = append(result.Imported, pet.ID)
		if err := stream.SendProgress(petstoreapi.ImportProgress{Done: int32(i + 1), Total: total, Pet: pet}); err != nil {
			return err
		}
		if err := p.wait(ctx); err != nil {
			return err
		}
	}
	return stream.SendResult(result)
}

// adoptionSteps are the step events of an adoption: text over several
// lines, and not only ASCII.
func adoptionSteps(name, owner string) []string {
	return []string{
		fmt.Sprintf("%s would like to adopt %s.\nChecking the paperwork…", owner, name),
		fmt.Sprintf("Paperwork in order ✓\n%s and %s have met: it's a match ♥", name, owner),
		fmt.Sprintf("%s is going home with %s 🏡\nMerci, Danke, ありがとう!", name, owner),
	}
}

// alreadyAdopted is the step event of an adoption that already happened.
func alreadyAdopted(name, owner string) string {
	return fmt.Sprintf("%s already lives with %s.\nNothing to do ✓", name, owner)
}

// AdoptPet narrates the adoption in step events, then sends the adopted pet.
// Adopting again by the same owner narrates nothing new (PUT is idempotent).
func (p *petstore) AdoptPet(ctx context.Context, req *petstoreapi.AdoptPetRequest, stream *petstoreapi.AdoptPetStream) error {
	owner := strings.TrimSpace(req.Body.Owner)
	if owner == "" {
		return stream.Respond(petstoreapi.AdoptPet400Response{Body: problem(http.StatusBadRequest, "No owner", "an adoption needs an owner")})
	}
	pet, ok := p.store.get(req.PetID)
	switch {
	case !ok:
		return stream.Respond(petstoreapi.AdoptPet404Response{Body: notFound(req.PetID)})
	case pet.Status == petstoreapi.PetStatusAdopted && *pet.Owner == owner:
		if err := stream.SendStep(alreadyAdopted(pet.Name, owner)); err != nil {
			return err
		}
		return stream.SendMessage(pet)
	case pet.Status == petstoreapi.PetStatusAdopted:
		return stream.Respond(petstoreapi.AdoptPet409Response{Body: problem(http.StatusConflict, "Already adopted", pet.Name+" already has a home")})
	}

	steps := adoptionSteps(pet.Name, owner)
	for _, step := range steps[:len(steps)-1] {
		if err := stream.SendStep(step); err != nil {
			return err
		}
		if err := p.wait(ctx); err != nil {
			return err
		}
	}
	adopted, ok, err := p.store.update(ctx, req.PetID, func(pet *petstoreapi.Pet) bool {
		if pet.Status == petstoreapi.PetStatusAdopted {
			return false
		}
		pet.Status, pet.Owner = petstoreapi.PetStatusAdopted, &owner
		return true
	})
	switch { // someone may have been quicker while we narrated
	case err != nil:
		return err
	case !ok:
		return stream.SendStep(fmt.Sprintf("Sorry: %s left the store in the meantime.", pet.Name))
	case *adopted.Owner != owner:
		return stream.SendStep(fmt.Sprintf("Sorry: %s adopted %s in the meantime.", *adopted.Owner, pet.Name))
	}
	if err := stream.SendStep(steps[len(steps)-1]); err != nil {
		return err
	}
	return stream.SendMessage(adopted)
}

// wait pauses between steps, or returns ctx's error when the client leaves.
func (p *petstore) wait(ctx context.Context) error {
	if p.pause == 0 {
		return nil
	}
	t := time.NewTimer(p.pause)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
