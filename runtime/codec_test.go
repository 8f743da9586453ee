package runtime

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestOptionsCodec(t *testing.T) {
	fast := NewJSONCodec(func(v any) ([]byte, error) { return []byte(`"fast"`), nil }, json.Unmarshal)
	yaml := rawCodec{contentType: "application/yaml"}
	for _, tc := range []struct {
		opts        []Option
		contentType string
		want        Codec
	}{
		{nil, "application/json", JSON},
		{nil, "application/json; charset=utf-8", JSON},
		{nil, " Application/JSON ", JSON},
		{nil, "application/problem+json", JSON},
		{nil, "text/plain; charset=utf-8", Text},
		{nil, "application/octet-stream", Bytes},
		{[]Option{WithCodec(fast)}, "application/json", fast},
		{[]Option{WithCodec(fast)}, "application/vnd.api+json", fast},
		{[]Option{WithCodec(yaml)}, "application/yaml", yaml},
		{[]Option{WithCodec(yaml)}, "application/json", JSON},
	} {
		got, err := NewOptions(tc.opts...).Codec(tc.contentType)
		if err != nil || got != tc.want {
			t.Errorf("Codec(%q) = %v, %v; want %v", tc.contentType, got, err, tc.want)
		}
	}
	if _, err := NewOptions().Codec("application/xml"); err == nil || !strings.Contains(err.Error(), `"application/xml"`) {
		t.Errorf("unknown content type: %v", err)
	}
}

func TestRawCodecs(t *testing.T) {
	s := "héllo"
	b := []byte("bytes")
	for _, c := range []Codec{Text, Bytes} {
		for _, v := range []any{s, &s, b, &b} {
			data, err := c.Marshal(v)
			if err != nil || (string(data) != s && string(data) != "bytes") {
				t.Errorf("%s Marshal(%T) = %q, %v", c.ContentType(), v, data, err)
			}
		}
		if _, err := c.Marshal(42); err == nil {
			t.Errorf("%s marshals an int", c.ContentType())
		}
		var gotS string
		var gotB []byte
		if err := c.Unmarshal([]byte("x"), &gotS); err != nil || gotS != "x" {
			t.Errorf("%s Unmarshal into *string: %q, %v", c.ContentType(), gotS, err)
		}
		if err := c.Unmarshal([]byte("y"), &gotB); err != nil || string(gotB) != "y" {
			t.Errorf("%s Unmarshal into *[]byte: %q, %v", c.ContentType(), gotB, err)
		}
		var n int
		if err := c.Unmarshal([]byte("1"), &n); err == nil {
			t.Errorf("%s unmarshals into *int", c.ContentType())
		}
	}
}

func TestWriteData(t *testing.T) {
	o := NewOptions()
	rec := httptest.NewRecorder()
	if err := WriteData(rec, o, http.StatusCreated, "application/json", map[string]int{"id": 1}); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusCreated || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != `{"id":1}` {
		t.Errorf("got %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}

	rec = httptest.NewRecorder()
	if err := WriteData(rec, o, http.StatusOK, "application/json", func() {}); err == nil || rec.Body.Len() != 0 || rec.Code != http.StatusOK || len(rec.Header()) != 0 {
		t.Errorf("unencodable value: %v, wrote %d %q", err, rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	if err := WriteData(rec, o, http.StatusOK, "application/xml", 1); err == nil || len(rec.Header()) != 0 {
		t.Errorf("unknown content type: %v, headers %v", err, rec.Header())
	}
	rec = httptest.NewRecorder()
	if err := WriteData(rec, o, http.StatusNoContent, "application/json", 1); err != nil || rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Errorf("204: %v, wrote %d %q", err, rec.Code, rec.Body)
	}
}

func TestWriteProblem(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteProblem(rec, http.StatusNotFound, "", "no pet 7")
	var p map[string]any
	if err := json.NewDecoder(rec.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" ||
		p["title"] != "Not Found" || p["status"] != 404.0 || p["detail"] != "no pet 7" {
		t.Errorf("got %d %q %v", rec.Code, rec.Header().Get("Content-Type"), p)
	}
}
