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
	// historySize is how many changes the store remembers for watchers that
	// reconnect. One that missed more gets a reset event and reloads the list.
	historySize = 1000
	// watcherLag is how many changes may queue for one watch stream before
	// it is cut off (it reconnects and catches up from the history).
	watcherLag = 256
)

// resetReason is the data of the reset event.
const resetReason = "missed events are no longer available: reload the list"

// petstore implements the generated petstoreapi.Handler on an in-memory store.
type petstore struct {
	store *store
	// pause is the time between the steps of an import or an adoption, so
	// that people can follow them in the page; 0 in tests.
	pause time.Duration
}

var _ petstoreapi.Handler = (*petstore)(nil)

func newPetstore(pause time.Duration) *petstore {
	return &petstore{store: newStore(historySize, watcherLag), pause: pause}
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

func (p *petstore) CreatePet(_ context.Context, req *petstoreapi.CreatePetRequest) (petstoreapi.CreatePetResponse, error) {
	if why := checkNewPet(req.Body); why != "" {
		return petstoreapi.CreatePet400Response{Body: problem(http.StatusBadRequest, "Invalid pet", why)}, nil
	}
	return petstoreapi.CreatePet201Response{Body: p.store.create(req.Body)}, nil
}

func (p *petstore) GetPet(_ context.Context, req *petstoreapi.GetPetRequest) (petstoreapi.GetPetResponse, error) {
	pet, ok := p.store.get(req.PetID)
	if !ok {
		return petstoreapi.GetPet404Response{Body: notFound(req.PetID)}, nil
	}
	return petstoreapi.GetPet200Response{Body: pet}, nil
}

func (p *petstore) UpdatePet(_ context.Context, req *petstoreapi.UpdatePetRequest) (petstoreapi.UpdatePetResponse, error) {
	if why := checkNewPet(req.Body); why != "" {
		return petstoreapi.UpdatePet400Response{Body: problem(http.StatusBadRequest, "Invalid pet", why)}, nil
	}
	pet, ok := p.store.update(req.PetID, func(pet *petstoreapi.Pet) bool {
		if pet.Name == req.Body.Name && equal(pet.Tag, req.Body.Tag) {
			return false
		}
		pet.Name, pet.Tag = req.Body.Name, req.Body.Tag
		return true
	})
	if !ok {
		return petstoreapi.UpdatePet404Response{Body: notFound(req.PetID)}, nil
	}
	return petstoreapi.UpdatePet200Response{Body: pet}, nil
}

func equal(a, b *string) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

func (p *petstore) DeletePet(_ context.Context, req *petstoreapi.DeletePetRequest) (petstoreapi.DeletePetResponse, error) {
	if !p.store.delete(req.PetID) {
		return petstoreapi.DeletePet404Response{Body: notFound(req.PetID)}, nil
	}
	return petstoreapi.DeletePet204Response{}, nil
}

func (p *petstore) PostNotice(_ context.Context, req *petstoreapi.PostNoticeRequest) (petstoreapi.PostNoticeResponse, error) {
	p.store.notice(req.Body.Text)
	return petstoreapi.PostNotice202Response{}, nil
}

// WatchPets sends the changes the client missed (after its Last-Event-ID),
// then every change as it happens, each with its number as the event id.
func (p *petstore) WatchPets(ctx context.Context, req *petstoreapi.WatchPetsRequest, stream *petstoreapi.WatchPetsStream) error {
	w, missed, resetID, ok := p.store.watch(req.LastEventID)
	defer p.store.unwatch(w)
	err := stream.Batch(func() error {
		if !ok {
			return stream.SendReset(petstoreapi.Reset{Reason: resetReason}, runtime.WithEventID(resetID))
		}
		for _, c := range missed {
			if err := sendChange(stream, c); err != nil {
				return err
			}
		}
		// With nothing to catch up on, the client still sees the stream start.
		return stream.Open()
	})
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case c, ok := <-w.changes:
			if !ok { // cut off for falling behind: the client resumes from the history
				return nil
			}
			if err := sendChange(stream, c); err != nil {
				return err
			}
		}
	}
}

func sendChange(stream *petstoreapi.WatchPetsStream, c change) error {
	id := runtime.WithEventID(fmt.Sprint(c.id))
	switch v := c.payload.(type) {
	case petstoreapi.Pet:
		return stream.SendMessage(v, id)
	case petstoreapi.PetDeleted:
		return stream.SendDeleted(v, id)
	case string:
		return stream.SendNotice(v, id)
	}
	panic(fmt.Sprintf("petstore: change %d has a payload of type %T", c.id, c.payload))
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
		pet := p.store.create(np)
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
	adopted, ok := p.store.update(req.PetID, func(pet *petstoreapi.Pet) bool {
		if pet.Status == petstoreapi.PetStatusAdopted {
			return false
		}
		pet.Status, pet.Owner = petstoreapi.PetStatusAdopted, &owner
		return true
	})
	switch { // someone was quicker while we narrated
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
