package runtime

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"
)

// normalizeBreaks turns CRLF and CR into LF, as SSE transmits line breaks.
func normalizeBreaks(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}

// FuzzRoundTrip checks that every event AppendEvent accepts is read back
// as exactly that event, and that it rejects only what cannot be.
func FuzzRoundTrip(f *testing.F) {
	f.Add("update", []byte(`{"a":1}`), "1", int64(1500), "")
	f.Add("", []byte(""), "", int64(0), "")
	f.Add("message", []byte("a\r\nb\n\n"), " x", int64(0), "c\nd")
	f.Add("e\nvent", []byte(" lead"), "i\x00d", int64(-5), "\r")
	f.Add("é", []byte("\xff"), "\r", int64(1), ":")
	f.Fuzz(func(t *testing.T, typ string, data []byte, id string, retryMS int64, comment string) {
		e := Event{Type: typ, Data: data, ID: id, Retry: time.Duration(retryMS) * time.Millisecond, Comment: comment}
		frame, err := AppendEvent(nil, &e)
		bad := strings.ContainsAny(typ, "\r\n") || !utf8.ValidString(typ) ||
			strings.ContainsAny(id, "\r\n\x00") || !utf8.ValidString(id) || !utf8.Valid(data)
		if bad != (err != nil) {
			t.Fatalf("AppendEvent(%+v) error %v, invalid %v", e, err, bad)
		}
		if err != nil {
			return
		}
		r := NewReader(bytes.NewReader(frame))
		got, err := r.Next()
		if err != nil {
			t.Fatalf("reading %q: %v", frame, err)
		}
		wantType := typ
		if wantType == "" {
			wantType = "message"
		}
		wantRetry := time.Duration(0)
		if e.Retry > 0 {
			wantRetry = time.Duration(e.Retry.Milliseconds()) * time.Millisecond
		}
		if got.Type != wantType || !bytes.Equal(got.Data, normalizeBreaks(data)) || got.ID != id || got.Retry != wantRetry {
			t.Fatalf("wrote %+v as %q, read back %+v", e, frame, got)
		}
		if _, err := r.Next(); err != io.EOF {
			t.Fatalf("%q holds more than one event: %v", frame, err)
		}
	})
}

// FuzzReader checks that the reader never panics, that its events are
// well formed, and that how the stream is cut into reads does not matter.
func FuzzReader(f *testing.F) {
	for _, tc := range wptCases {
		f.Add([]byte(tc.input), uint8(1))
	}
	f.Add([]byte("data: a\r"), uint8(7))
	f.Fuzz(func(t *testing.T, input []byte, chunk uint8) {
		read := func(src io.Reader) ([]Event, error) {
			return readAll(NewReader(src, WithMaxEventSize(256)))
		}
		want, wantErr := read(bytes.NewReader(input))
		for _, e := range want {
			if e.Type == "" || !utf8.Valid(e.Data) || !utf8.ValidString(e.Type) || !utf8.ValidString(e.ID) || strings.ContainsRune(e.ID, 0) {
				t.Fatalf("malformed event %+v", e)
			}
			if len(e.Data) > 256 {
				t.Fatalf("event of %d bytes beyond the maximum", len(e.Data))
			}
		}
		src := io.Reader(iotest.OneByteReader(bytes.NewReader(input)))
		if chunk > 1 {
			src = &fixedChunks{data: input, n: int(chunk)}
		}
		got, gotErr := read(src)
		if gotErr != wantErr || len(got) != len(want) {
			t.Fatalf("in reads of %d bytes: %d events, %v; at once: %d events, %v", chunk, len(got), gotErr, len(want), wantErr)
		}
		for i := range got {
			if got[i].Type != want[i].Type || !bytes.Equal(got[i].Data, want[i].Data) || got[i].ID != want[i].ID || got[i].Retry != want[i].Retry {
				t.Fatalf("event %d in reads of %d bytes %+v, at once %+v", i, chunk, got[i], want[i])
			}
		}
	})
}

// fixedChunks returns data n bytes per Read.
type fixedChunks struct {
	data []byte
	n    int
}

func (c *fixedChunks) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.data)
	c.data = c.data[n:]
	return n, nil
}

// FuzzNoForgedFields frames attacker-controlled values between two fixed
// events and checks that they cannot add, remove or change events or
// fields: every line the writer emits is one of its own.
func FuzzNoForgedFields(f *testing.F) {
	f.Add("x", []byte("\n\nevent: forged\ndata: evil\n\n"), "1", "c")
	f.Add("x\r\nid: 9", []byte("data"), "1\rretry: 1", "\rdata: x\n\n")
	f.Add("", []byte("\r\r\r"), "", "\n:\n")
	f.Fuzz(func(t *testing.T, typ string, data []byte, id, comment string) {
		var stream []byte
		stream, _ = AppendEvent(stream, &Event{Type: "before", ID: "b", Data: []byte("1")})
		n := len(stream)
		stream, err := AppendEvent(stream, &Event{Type: typ, ID: id, Data: data, Comment: comment})
		accepted := err == nil
		frame := stream[n:]
		stream, _ = AppendEvent(stream, &Event{Type: "after", Data: []byte("2")})

		// Line by line, the frame holds only comments, at most one of each
		// field but data, and one empty line, last.
		seen := map[string]bool{}
		lines := strings.Split(string(normalizeBreaks(frame)), "\n")
		for i, line := range lines {
			name, _, _ := strings.Cut(line, ":")
			switch {
			case i >= len(lines)-2:
				if line != "" {
					t.Fatalf("frame %q does not end with an empty line", frame)
				}
			case line == "" || (name != "" && name != "event" && name != "id" && name != "retry" && name != "data"):
				t.Fatalf("frame %q has a stray line %q", frame, line)
			case name != "" && name != "data" && seen[name]:
				t.Fatalf("frame %q repeats field %q", frame, name)
			}
			seen[name] = true
		}

		evs, err := readAll(NewReader(bytes.NewReader(stream)))
		if err != io.EOF {
			t.Fatal(err)
		}
		want := []string{"before", "after"}
		if accepted {
			want = []string{"before", typ, "after"}
			if typ == "" {
				want[1] = "message"
			}
		}
		if len(evs) != len(want) {
			t.Fatalf("stream %q: %d events, want %d", stream, len(evs), len(want))
		}
		for i, e := range evs {
			if e.Type != want[i] {
				t.Fatalf("stream %q: event %d has type %q, want %q", stream, i, e.Type, want[i])
			}
		}
		if last := evs[len(evs)-1]; string(last.Data) != "2" {
			t.Fatalf("last event's data %q changed", last.Data)
		}
	})
}
