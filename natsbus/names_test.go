package natsbus

import (
	"strings"
	"testing"
	"time"
)

func TestEventIDRoundTrip(t *testing.T) {
	created := time.Date(2026, 12, 3, 5, 4, 34, 123456789, time.UTC)
	for _, id := range []eventID{{epoch: epochOf(created), seq: 42}, {epoch: epochOf(created), seq: 0}} {
		got, ok := parseID(id.String())
		if !ok || got != id {
			t.Fatalf("parseID(%q) = %v, %v; want %v", id.String(), got, ok, id)
		}
	}
	for _, bad := range []string{"", "42", "-42", "abc-", "abc-x", "abc-1-2", "!-1", "abc--1", "0-1"} {
		if id, ok := parseID(bad); ok {
			t.Errorf("parseID(%q) = %v, want not ok", bad, id)
		}
	}
}

func TestSubjectIsInjectiveAndValid(t *testing.T) {
	topics := []string{
		"pets", "orders.42", "orders.4.2", "orders.4%2E2", "orders..2", "orders.", ".orders",
		"orders.a b", "orders.*", "orders.>", "orders.%", "", ".", "é", "orders.\x00",
	}
	seen := map[string]string{}
	for _, topic := range topics {
		s := subject("feeds", topic)
		if other, dup := seen[s]; dup {
			t.Errorf("topics %q and %q share subject %q", other, topic, s)
		}
		seen[s] = topic
		for token := range strings.SplitSeq(s, ".") {
			if token == "" || strings.ContainsAny(token, " \t\r\n*>") {
				t.Errorf("subject(%q) = %q: invalid token %q", topic, s, token)
			}
		}
	}
	if got := subject("feeds", "orders.42"); got != "feeds.orders.42" {
		t.Errorf("subject of orders.42 = %q, want feeds.orders.42", got)
	}
}
