package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"example.com/corpus/openaiyaml"
	"github.com/ssegen/ssegen/runtime"
)

// chat answers OpenAI's chat completions as the API does: whole, or as a
// stream of chunks when the request says "stream": true.
type chat struct {
	openaiyaml.UnimplementedHandler
}

func (chat) CreateChatCompletion(_ context.Context, req *openaiyaml.CreateChatCompletionHTTPRequest, stream *openaiyaml.CreateChatCompletionStream) error {
	model, _ := req.Body.Model.AsString()
	if req.Body.Stream == nil || !*req.Body.Stream {
		return stream.Respond(openaiyaml.CreateChatCompletion200Response{Body: openaiyaml.CreateChatCompletionResponse{ID: "whole", Model: model}})
	}
	for _, id := range []string{"chunk-1", "chunk-2"} {
		if err := stream.SendMessage(openaiyaml.CreateChatCompletionStreamResponse{ID: id, Model: model}); err != nil {
			return err
		}
	}
	return nil
}

// checkOpenAIChat sends a chat completion request as OpenAI's API
// reference writes it to the handler generated from openai.yaml, for JSON
// and for a stream ending with "[DONE]", by hand and through the generated
// client. TestCorpus copies this file next to the program of
// newHandlersProgram.
func checkOpenAIChat() error {
	srv := httptest.NewServer(openaiyaml.NewHandler(chat{}))
	defer srv.Close()
	const body = `{"model":"gpt-4o","messages":[{"role":"developer","content":"You are terse."},{"role":"user","content":"Hello!"}]`
	post := func(body, accept string) (string, error) {
		req, _ := http.NewRequest("POST", srv.URL+"/chat/completions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", accept)
		resp, err := srv.Client().Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			return "", fmt.Errorf("%d %s", resp.StatusCode, b)
		}
		return resp.Header.Get("Content-Type") + "\n" + string(b), nil
	}
	got, err := post(body+"}", "application/json")
	if err != nil || !strings.Contains(got, `"id":"whole"`) || !strings.Contains(got, `"model":"gpt-4o"`) {
		return fmt.Errorf("JSON answer: %q, %v", got, err)
	}
	got, err = post(body+`,"stream":true}`, "text/event-stream")
	if err != nil || !strings.HasPrefix(got, "text/event-stream\n") || !strings.Contains(got, `"id":"chunk-2"`) || !strings.HasSuffix(got, "data: [DONE]\n\n") {
		return fmt.Errorf("stream answer: %q, %v", got, err)
	}

	c := openaiyaml.NewClient(srv.URL, runtime.WithHTTPClient(srv.Client()))
	var req openaiyaml.CreateChatCompletionHTTPRequest
	if err := json.Unmarshal([]byte(body+`,"stream":true}`), &req.Body); err != nil {
		return err
	}
	s, err := c.CreateChatCompletion(context.Background(), &req)
	if err != nil {
		return err
	}
	defer s.Close()
	var ids []string
	for ev, err := range s.Events() {
		if err != nil {
			return err
		}
		m, ok := ev.(openaiyaml.CreateChatCompletionMessage)
		if !ok {
			return fmt.Errorf("event %#v", ev)
		}
		ids = append(ids, m.Data.ID)
	}
	if strings.Join(ids, " ") != "chunk-1 chunk-2" {
		return errors.New("client stream: " + strings.Join(ids, " "))
	}
	return nil
}
