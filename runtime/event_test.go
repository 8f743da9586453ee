package runtime

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAppendEvent(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Event
		want string
	}{
		{"data only", Event{Data: []byte(`{"a":1}`)}, "data: {\"a\":1}\n\n"},
		{"empty data", Event{}, "data:\n\n"},
		{"message type is the default", Event{Type: "message", Data: []byte("x")}, "data: x\n\n"},
		{"all fields", Event{Type: "update", ID: "42", Retry: 1500 * time.Millisecond, Comment: "hi", Data: []byte("x")},
			": hi\nevent: update\nid: 42\nretry: 1500\ndata: x\n\n"},
		{"LF", Event{Data: []byte("a\nb")}, "data: a\ndata: b\n\n"},
		{"CR", Event{Data: []byte("a\rb")}, "data: a\ndata: b\n\n"},
		{"CRLF", Event{Data: []byte("a\r\nb")}, "data: a\ndata: b\n\n"},
		{"LFCR is two breaks", Event{Data: []byte("a\n\rb")}, "data: a\ndata:\ndata: b\n\n"},
		{"trailing break", Event{Data: []byte("a\n")}, "data: a\ndata:\n\n"},
		{"only a break", Event{Data: []byte("\r\n")}, "data:\ndata:\n\n"},
		{"leading space kept", Event{Data: []byte(" a")}, "data:  a\n\n"},
		{"NUL in data", Event{Data: []byte("\x00")}, "data: \x00\n\n"},
		{"multi-line comment", Event{Comment: "a\r\nb\rc\n", Data: []byte("x")}, ": a\n: b\n: c\n:\ndata: x\n\n"},
		{"id with colon and spaces", Event{ID: " a: b", Data: []byte("x")}, "id:  a: b\ndata: x\n\n"},
		{"sub-millisecond retry rounds up", Event{Retry: time.Microsecond, Data: []byte("x")}, "retry: 1\ndata: x\n\n"},
		{"fractional retry rounds up", Event{Retry: 1500 * time.Microsecond, Data: []byte("x")}, "retry: 2\ndata: x\n\n"},
		{"whole retry", Event{Retry: 2 * time.Second, Data: []byte("x")}, "retry: 2000\ndata: x\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AppendEvent([]byte("prefix"), &tc.e)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "prefix"+tc.want {
				t.Errorf("got %q, want %q", got, "prefix"+tc.want)
			}
		})
	}
}

func TestAppendEventRejects(t *testing.T) {
	for _, tc := range []struct {
		e     Event
		field string
	}{
		{Event{Type: "a\nevent: b"}, "event"},
		{Event{Type: "a\r"}, "event"},
		{Event{Type: "\xff"}, "event"},
		{Event{ID: "1\ndata: forged"}, "id"},
		{Event{ID: "\r1"}, "id"},
		{Event{ID: "1\x00"}, "id"},
		{Event{ID: "é\xe9"}, "id"},
		{Event{ID: "é\x00"}, "id"},
		{Event{Type: "é\n"}, "event"},
		{Event{Data: []byte("ok\xc3")}, "data"},
	} {
		dst := []byte("keep")
		got, err := AppendEvent(dst, &tc.e)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: error %v, want a *FieldError for %s", tc.e, err, tc.field)
			continue
		}
		if string(got) != "keep" {
			t.Errorf("%+v: buffer changed to %q", tc.e, got)
		}
		if !strings.Contains(err.Error(), tc.field) {
			t.Errorf("error %q does not name the field", err)
		}
	}
}

func TestAppendComment(t *testing.T) {
	for in, want := range map[string]string{
		"":          ":\n",
		"keepalive": ": keepalive\n",
		"a\nb":      ": a\n: b\n",
		"a\r\n\rb":  ": a\n:\n: b\n",
	} {
		if got := AppendComment(nil, in); string(got) != want {
			t.Errorf("AppendComment(%q) = %q, want %q", in, got, want)
		}
	}
}

// sampleEvent is a typical event: a type, an ID and a small JSON object.
var sampleEvent = Event{
	Type: "pet",
	ID:   "1234",
	Data: []byte(`{"id":1234,"name":"Rex","tag":"dog","owner":{"id":7,"name":"Ann"}}`),
}

func TestAppendEventDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 1024)
	multiline := Event{Type: "log", Data: []byte("line 1\nline 2\r\nline 3\n"), Comment: "c\nd"}
	for _, e := range []*Event{&sampleEvent, &multiline} {
		allocs := testing.AllocsPerRun(1000, func() {
			var err error
			if buf, err = AppendEvent(buf[:0], e); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("AppendEvent(%+v): %v allocations per event, want 0", e, allocs)
		}
	}
}

func BenchmarkAppendEvent(b *testing.B) {
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(sampleEvent.Data)))
	for b.Loop() {
		var err error
		if buf, err = AppendEvent(buf[:0], &sampleEvent); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendEventMultiline(b *testing.B) {
	e := Event{Type: "log", Data: []byte(strings.Repeat("a line of text\n", 8))}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(e.Data)))
	for b.Loop() {
		var err error
		if buf, err = AppendEvent(buf[:0], &e); err != nil {
			b.Fatal(err)
		}
	}
}

// TestScanData compares the word-at-a-time scan with the obvious one for
// every byte value at every position of a word and its neighbours.
func TestScanData(t *testing.T) {
	for n := range 20 {
		for pos := range n {
			for c := range 256 {
				data := []byte(strings.Repeat("a", n))
				data[pos] = byte(c)
				valid, breaks := scanData(data)
				if valid != utf8.Valid(data) || breaks != bytes.ContainsAny(data, "\r\n") {
					t.Fatalf("scanData(%q) = %v, %v", data, valid, breaks)
				}
			}
		}
	}
	for _, data := range []string{"é\n", "aaaaaaaaé\r", "aaaaaaa\néaaaaaaaaa", "\xffaaaaaaaaaaaaaaa\n"} {
		valid, breaks := scanData([]byte(data))
		if valid != utf8.ValidString(data) || breaks != strings.ContainsAny(data, "\r\n") {
			t.Errorf("scanData(%q) = %v, %v", data, valid, breaks)
		}
	}
}
