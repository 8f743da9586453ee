package runtime

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// readAll reads every event of r and the error that ended the stream.
func readAll(r *Reader) ([]Event, error) {
	var evs []Event
	for {
		e, err := r.Next()
		if err != nil {
			return evs, err
		}
		evs = append(evs, e)
	}
}

// msg is an expected event: type, data, ID.
func msg(typ, data, id string) Event { return Event{Type: typ, Data: []byte(data), ID: id} }

// wptCases restate the parsing tests of web-platform-tests eventsource/ as
// reader inputs and the events a conforming client dispatches. message.py
// in that suite appends "\n\n" to the message unless newline=none; the
// inputs below include it where the test does.
var wptCases = []struct {
	name  string
	input string
	want  []Event
	retry time.Duration // the reconnection time the stream leaves, 0 for none
}{
	{"format-bom", "\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n",
		[]Event{msg("message", "1", ""), msg("message", "3", "")}, 0},
	{"format-bom-2", "\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3\n\n",
		[]Event{msg("message", "2", ""), msg("message", "3", "")}, 0},
	{"format-comments",
		"data:1\r:\x00\n:\r\ndata:2\n:" + strings.Repeat("x", 2048) + "\rdata:3\n:data:fail\r:" + strings.Repeat("x", 2048) + "\ndata:4\n",
		nil, 0}, // no empty line: the event is never dispatched (the WPT test closes at the first message)
	{"format-comments (terminated)",
		"data:1\r:\x00\n:\r\ndata:2\n:" + strings.Repeat("x", 2048) + "\rdata:3\n:data:fail\r:" + strings.Repeat("x", 2048) + "\ndata:4\n\n",
		[]Event{msg("message", "1\n2\n3\n4", "")}, 0},
	{"format-data-before-final-empty-line", "retry:1000\ndata:test1\n\nid:test\ndata:test2",
		[]Event{msg("message", "test1", "")}, time.Second},
	{"format-field-data", "data:\n\ndata\ndata\n\ndata:test\n\n",
		[]Event{msg("message", "", ""), msg("message", "\n", ""), msg("message", "test", "")}, 0},
	{"format-field-event", "event:test\ndata:x\n\ndata:x\n\n",
		[]Event{msg("test", "x", ""), msg("message", "x", "")}, 0},
	{"format-field-event-empty", "event: \ndata:data\n\n",
		[]Event{msg("message", "data", "")}, 0},
	{"format-field-id", "id: …\nretry: 200\ndata: hello\n\n",
		[]Event{msg("message", "hello", "…")}, 200 * time.Millisecond},
	{"format-field-id-2", "id: …\nretry: 200\ndata: hello\n\ndata: …\n\ndata: …\n\n",
		[]Event{msg("message", "hello", "…"), msg("message", "…", "…"), msg("message", "…", "…")}, 200 * time.Millisecond},
	{"format-field-id-3 persists", "id: 1\ndata: 1\n\ndata: 2\n\nid: 2\ndata: 3\n\ndata: 4\n\n",
		[]Event{msg("message", "1", "1"), msg("message", "2", "1"), msg("message", "3", "2"), msg("message", "4", "2")}, 0},
	{"format-field-id-3 resets", "id: 1\ndata: 1\n\nid: \ndata: 2\n\ndata: 3\n\n",
		[]Event{msg("message", "1", "1"), msg("message", "2", ""), msg("message", "3", "")}, 0},
	{"format-field-id-3 resets (id without colon)", "id: 1\ndata: 1\n\nid\ndata: 2\n\ndata: 3\n\n",
		[]Event{msg("message", "1", "1"), msg("message", "2", ""), msg("message", "3", "")}, 0},
	{"format-field-id-null \\0\\0", "id: \x00\x00\ndata: hello\n\n", []Event{msg("message", "hello", "")}, 0},
	{"format-field-id-null x\\0", "id: x\x00\ndata: hello\n\n", []Event{msg("message", "hello", "")}, 0},
	{"format-field-id-null \\0x", "id: \x00x\ndata: hello\n\n", []Event{msg("message", "hello", "")}, 0},
	{"format-field-id-null x\\0x", "id: x\x00x\ndata: hello\n\n", []Event{msg("message", "hello", "")}, 0},
	{"format-field-id-null space \\0", "id:  \x00\ndata: hello\n\n", []Event{msg("message", "hello", "")}, 0},
	{"format-field-id-null keeps the previous id", "id: 1\ndata: a\n\nid: 2\x00\ndata: b\n\n",
		[]Event{msg("message", "a", "1"), msg("message", "b", "1")}, 0},
	{"format-field-parsing",
		"data:\x00\ndata:  2\rData:1\ndata\x00:2\ndata:1\r\x00data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n",
		[]Event{msg("message", "\x00\n 2\n1\n3\n\n4", "")}, 0},
	{"format-field-retry", "retry:03000\ndata:x\n\n", []Event{msg("message", "x", "")}, 3 * time.Second},
	{"format-field-retry-bogus", "retry:3000\nretry:1000x\ndata:x\n\n", []Event{msg("message", "x", "")}, 3 * time.Second},
	{"format-field-retry-empty", "retry\ndata:test\n\n", []Event{msg("message", "test", "")}, 0},
	{"format-field-retry signs and spaces", "retry: +1\nretry:  1\nretry: -1\nretry: 1 \ndata:x\n\n", []Event{msg("message", "x", "")}, 0},
	{"format-field-unknown", "data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n",
		[]Event{msg("message", "test\n\ntest", "")}, 0},
	{"format-leading-space", "data:\ttest\rdata: \ndata:test\n\n", []Event{msg("message", "\ttest\n\ntest", "")}, 0},
	{"format-newlines", "data:test\r\ndata\ndata:test\r\n\r", []Event{msg("message", "test\n\ntest", "")}, 0},
	{"format-null-character", "data:\x00\n\n", []Event{msg("message", "\x00", "")}, 0},
	{"format-utf-8", "data:ok\u2026\n\n", []Event{msg("message", "ok…", "")}, 0},
	{"invalid UTF-8 decodes as U+FFFD", "data:\xff\xe2\x82|\xf0\x9f\x98\xe2\x82\xe2\x82\xed\xa0\x80\xc3\n\n",
		[]Event{msg("message", "\uFFFD\uFFFD|\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", "")}, 0},
	{"events without data are not dispatched", "event: a\nid: 1\n\ndata: b\n\n", []Event{msg("message", "b", "1")}, 0},
	{"partial event at EOF is discarded", "data: a\n\ndata: b\n", []Event{msg("message", "a", "")}, 0},
	{"partial line at EOF is discarded", "data: a\n\ndata: b", []Event{msg("message", "a", "")}, 0},
	{"one space stripped, never a tab or two", "data:  a\ndata:\tb\n\n", []Event{msg("message", " a\n\tb", "")}, 0},
	{"field names are case-sensitive", "DATA: a\nEvent: b\ndata: c\n\n", []Event{msg("message", "c", "")}, 0},
	{"event type resets after dispatch", "event: a\ndata: 1\n\ndata: 2\n\nevent: b\n\ndata: 3\n\n",
		[]Event{msg("a", "1", ""), msg("message", "2", ""), msg("message", "3", "")}, 0},
	{"empty stream", "", nil, 0},
	{"BOM only", "\uFEFF", nil, 0},
}

func TestReaderWPT(t *testing.T) {
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"bytewise": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"halves":   func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	}
	for _, tc := range wptCases {
		for how, src := range readers {
			t.Run(tc.name+"/"+how, func(t *testing.T) {
				r := NewReader(src(tc.input))
				got, err := readAll(r)
				if err != io.EOF {
					t.Fatalf("error %v, want io.EOF", err)
				}
				checkEvents(t, got, tc.want)
				if d, ok := r.Retry(); d != tc.retry || ok != (tc.retry != 0) {
					t.Errorf("Retry() = %v, %v; want %v", d, ok, tc.retry)
				}
			})
		}
	}
}

func checkEvents(t *testing.T, got, want []Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events %q, want %d %q", len(got), got, len(want), want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Type != w.Type || !bytes.Equal(g.Data, w.Data) || g.ID != w.ID {
			t.Errorf("event %d: got type %q data %q id %q, want type %q data %q id %q", i, g.Type, g.Data, g.ID, w.Type, w.Data, w.ID)
		}
	}
}

// chunks is a reader that returns one chunk per Read.
type chunks []string

func (c *chunks) Read(p []byte) (int, error) {
	if len(*c) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*c)[0])
	if n < len((*c)[0]) {
		(*c)[0] = (*c)[0][n:]
	} else {
		*c = (*c)[1:]
	}
	return n, nil
}

func TestReaderSplitReads(t *testing.T) {
	for _, tc := range []struct {
		name   string
		chunks chunks
		want   []Event
	}{
		{"CR at the end of one read, LF at the start of the next",
			chunks{"data: a\r", "\ndata: b\r\n\r", "\n"}, []Event{msg("message", "a\nb", "")}},
		{"CR then CR across reads is two line breaks",
			chunks{"data: a\r", "\rdata: b\r\r"}, []Event{msg("message", "a", ""), msg("message", "b", "")}},
		{"BOM split across reads", chunks{"\xef", "\xbb", "\xbfdata: a\n\n"}, []Event{msg("message", "a", "")}},
		{"BOM after a first read", chunks{"data: a\n\n", "\uFEFFdata: b\n\ndata: c\n\n"},
			[]Event{msg("message", "a", ""), msg("message", "c", "")}},
		{"empty reads", chunks{"", "data:", "", " a\n", "", "\n"}, []Event{msg("message", "a", "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(NewReader(&tc.chunks))
			if err != io.EOF {
				t.Fatalf("error %v, want io.EOF", err)
			}
			checkEvents(t, got, tc.want)
		})
	}
}

// TestReaderDispatchesWithoutReadingAhead checks that an event is returned
// as soon as its empty line arrived: a live stream must not wait for more.
func TestReaderDispatchesWithoutReadingAhead(t *testing.T) {
	for _, input := range []string{"data: a\n\n", "data: a\r\r", "data: a\r\n\r\n", "data: a\n\r"} {
		r := NewReader(&blockAfter{data: []byte(input)})
		e, err := r.Next()
		if err != nil || string(e.Data) != "a" {
			t.Errorf("%q: Next() = %q, %v; want a", input, e.Data, err)
		}
	}
}

// blockAfter returns data, then fails the test's expectation by reporting
// errBlocked, standing in for a read that would block.
type blockAfter struct{ data []byte }

var errBlocked = errors.New("read would block")

func (b *blockAfter) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		return 0, errBlocked
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

// endless repeats a line forever.
type endless struct {
	line string
	n    int // bytes served
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], e.line[(e.n+n)%len(e.line):])
	}
	e.n += n
	return n, nil
}

func TestReaderMaxEventSize(t *testing.T) {
	const max = 1000
	for _, tc := range []struct {
		name string
		src  io.Reader
	}{
		{"endless data lines", &endless{line: "data: xxxxxxxxxx\n"}},
		{"endless line", &endless{line: "data: xxxxxxxxxx"}},
		{"endless comment line", &endless{line: ":xxxxxxxxxxxxx"}},
		{"one large event", strings.NewReader("data: " + strings.Repeat("x", max+1) + "\n\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(tc.src, WithMaxEventSize(max))
			if _, err := r.Next(); !errors.Is(err, ErrEventTooLarge) {
				t.Fatalf("error %v, want ErrEventTooLarge", err)
			}
			if _, err := r.Next(); !errors.Is(err, ErrEventTooLarge) {
				t.Errorf("second Next: %v, want ErrEventTooLarge again", err)
			}
			if cap(r.buf) > 2*max+4096 {
				t.Errorf("read buffer grew to %d bytes", cap(r.buf))
			}
		})
	}

	// Exactly at the limit is fine, in data and in a line.
	data := strings.Repeat("x", max)
	r := NewReader(strings.NewReader("data:"+data[5:]+"\r\ndata: "+data[:max-len(data[5:])-2]+"\r\n\r\n"), WithMaxEventSize(max))
	if e, err := r.Next(); err != nil || len(e.Data) != max-1 {
		t.Errorf("event at the limit: %d bytes, %v", len(e.Data), err)
	}
	// Comments do not count toward an event.
	var in strings.Builder
	for range 10 {
		in.WriteString(":" + strings.Repeat("c", max-1) + "\n")
	}
	in.WriteString("data: a\n\n")
	if e, err := NewReader(strings.NewReader(in.String()), WithMaxEventSize(max)).Next(); err != nil || string(e.Data) != "a" {
		t.Errorf("after long comments: %q, %v", e.Data, err)
	}
}

func TestReaderErrors(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(io.MultiReader(strings.NewReader("data: a\n\ndata: b\n"), iotest.ErrReader(boom)))
	got, err := readAll(r)
	if err != boom {
		t.Errorf("error %v, want %v", err, boom)
	}
	checkEvents(t, got, []Event{msg("message", "a", "")})
	if _, err := r.Next(); err != boom {
		t.Errorf("Next after the error: %v, want it again", err)
	}

	if _, err := NewReader(iotest.ErrReader(nil)).Next(); err != io.ErrNoProgress {
		t.Errorf("reader without progress: %v, want io.ErrNoProgress", err)
	}
}

func TestReaderEvents(t *testing.T) {
	in := "id: 7\nretry: 10\ndata: a\n\nevent: e\ndata: b\n\ndata: c\n\n"
	r := NewReader(strings.NewReader(in))
	var got []Event
	for e, err := range r.Events() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
		if len(got) == 2 {
			break
		}
	}
	checkEvents(t, got, []Event{msg("message", "a", "7"), msg("e", "b", "7")})
	if got[0].Retry != 10*time.Millisecond || got[1].Retry != 0 {
		t.Errorf("event retries %v, %v; want 10ms, 0", got[0].Retry, got[1].Retry)
	}
	if r.LastEventID() != "7" {
		t.Errorf("LastEventID() = %q", r.LastEventID())
	}
	// The loop stopped early: the third event is still there.
	if e, err := r.Next(); err != nil || string(e.Data) != "c" {
		t.Errorf("after break: %q, %v", e.Data, err)
	}

	// An error is yielded once, last.
	var errs []error
	for _, err := range NewReader(io.MultiReader(strings.NewReader("data: a\n\n"), iotest.ErrReader(io.ErrUnexpectedEOF))).Events() {
		errs = append(errs, err)
	}
	if !slices.Equal(errs, []error{nil, io.ErrUnexpectedEOF}) {
		t.Errorf("errors %v, want [nil, unexpected EOF]", errs)
	}
}

func TestReaderDataIsOwned(t *testing.T) {
	r := NewReader(iotest.HalfReader(strings.NewReader("data: first\n\ndata: second\n\n")))
	a, _ := r.Next()
	b, _ := r.Next()
	if string(a.Data) != "first" || string(b.Data) != "second" {
		t.Errorf("got %q, %q", a.Data, b.Data)
	}
}

func BenchmarkReader(b *testing.B) {
	frame, err := AppendEvent(nil, &sampleEvent)
	if err != nil {
		b.Fatal(err)
	}
	stream := bytes.Repeat(frame, 1000)
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	src := bytes.NewReader(stream)
	r := NewReader(src)
	for b.Loop() {
		_, err := r.Next()
		if err == io.EOF {
			src.Reset(stream)
			r = NewReader(src)
			_, err = r.Next()
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestReaderLastEventIDOnDispatch cuts a stream at every byte and checks
// that the last event ID is that of the last event dispatched before the
// cut: an id field of an event the cut discards must not count, or a
// client resuming from it would skip that event. An event without data
// dispatches its id too, as in EventSource.
func TestReaderLastEventIDOnDispatch(t *testing.T) {
	type block struct{ text, id string }
	blocks := []block{
		{"id: 1\ndata: a\n\n", "1"},
		{"data: keeps 1\n\n", "1"},
		{"id: 2\n\n", "2"}, // no data: not dispatched, but the id takes effect
		{"id: 3\nid: 4\ndata: b\ndata: c\n\n", "4"},
		{"id: 5\x00\ndata: NUL ignored\n\n", "4"},
		{": comment\nid\ndata: empty id\n\n", ""},
		{"id: 6\ndata: cut\n\n", "6"},
	}
	for _, nl := range []string{"\n", "\r\n", "\r"} {
		var stream strings.Builder
		var ends []int // where each block's blank line ends it (its dispatch)
		for _, b := range blocks {
			stream.WriteString(strings.ReplaceAll(b.text, "\n", nl))
			ends = append(ends, stream.Len()-len(nl)+1) // a CR alone ends a line
		}
		full := stream.String()
		for n := 0; n <= len(full); n++ {
			want, wantIDs := "", []string{}
			for i, end := range ends {
				if end <= n {
					want = blocks[i].id
					if strings.Contains(blocks[i].text, "data") {
						wantIDs = append(wantIDs, want)
					}
				}
			}
			r := NewReader(strings.NewReader(full[:n]))
			evs, err := readAll(r)
			if err != io.EOF {
				t.Fatalf("%q: %v", full[:n], err)
			}
			ids := []string{}
			for _, e := range evs {
				ids = append(ids, e.ID)
			}
			if r.LastEventID() != want || !slices.Equal(ids, wantIDs) {
				t.Fatalf("%q: last event ID %q after events with IDs %q, want %q after %q", full[:n], r.LastEventID(), ids, want, wantIDs)
			}
		}
	}
	// The example of the standard's rule: the cut event's id is not taken.
	r := NewReader(strings.NewReader("id: 1\ndata: a\n\nid: 2\ndata: cut\n"))
	if _, err := readAll(r); err != io.EOF || r.LastEventID() != "1" {
		t.Errorf("last event ID %q (%v), want 1", r.LastEventID(), err)
	}
}

// TestReaderComments checks that comment lines reach the comment handler,
// decoded and without the colon and one space, and do not disturb events.
func TestReaderComments(t *testing.T) {
	var got []string
	in := ": heartbeat\r\n:\n:  two spaces\rdata: a\n:inside\n\n:bad \xff byte\n"
	r := NewReader(iotest.OneByteReader(strings.NewReader(in)), WithCommentHandler(func(text string) { got = append(got, text) }))
	evs, err := readAll(r)
	if err != io.EOF {
		t.Fatal(err)
	}
	checkEvents(t, evs, []Event{msg("message", "a", "")})
	want := []string{"heartbeat", "", " two spaces", "inside", "bad \uFFFD byte"}
	if !slices.Equal(got, want) {
		t.Errorf("comments %q, want %q", got, want)
	}
}
