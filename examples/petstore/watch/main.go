// Command watch follows the petstore's change feed with the generated
// client: each change arrives as its own Go type, and a dropped connection
// resumes where it left off without a line of code here.
//
//	go run ./examples/petstore             # in one terminal
//	go run ./examples/petstore/watch       # in another
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "base URL of the petstore")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := watch(ctx, petstoreapi.NewClient(*url), os.Stdout)
	if err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

// watch prints every change to the store until ctx is done or the stream
// fails for good.
func watch(ctx context.Context, c *petstoreapi.Client, out io.Writer) error {
	stream, err := c.WatchPets(ctx, &petstoreapi.WatchPetsRequest{})
	if err != nil {
		return err
	}
	for ev, err := range stream.Events() {
		if err != nil {
			return err
		}
		switch ev := ev.(type) {
		case petstoreapi.WatchPetsMessage:
			fmt.Fprintf(out, "pet %d %s: %s\n", ev.Data.ID, ev.Data.Name, ev.Data.Status)
		case petstoreapi.WatchPetsDeleted:
			fmt.Fprintf(out, "pet %d deleted\n", ev.Data.ID)
		case petstoreapi.WatchPetsNotice:
			fmt.Fprintf(out, "notice: %s\n", ev.Data)
		case petstoreapi.WatchPetsReset:
			// Changes were missed for good: start again from the list.
			pets, err := c.ListPets(ctx, &petstoreapi.ListPetsRequest{})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "reset (%s): %d pets\n", ev.Data.Reason, len(pets.Body))
		case petstoreapi.WatchPetsUnknown:
			fmt.Fprintf(out, "an event this client does not know: %s\n", ev.Type)
		}
	}
	return nil
}
