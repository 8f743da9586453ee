package natsbus

import (
	"strconv"
	"strings"
	"time"

	"github.com/ssegen/ssegen/runtime"
)

// eventID is the id of an event: the epoch of the stream that stores it and
// its sequence in that stream. Written "EPOCH-SEQ", base 36 and decimal.
//
// The epoch is the stream's creation time, which JetStream keeps with the
// stream's file storage: it survives a restart of nats-server and changes
// when the stream is deleted and created again or its store is wiped, when
// sequences start over and an old sequence would name another event.
type eventID struct {
	epoch int64
	seq   uint64
}

func epochOf(created time.Time) int64 { return created.UnixNano() }

func (id eventID) String() string {
	return strconv.FormatInt(id.epoch, 36) + "-" + strconv.FormatUint(id.seq, 10)
}

// parseID parses an id made by String; ok is false for anything else.
// Sequence 0 is the position before the stream's first event: the gap id
// of a stream that holds none yet.
func parseID(s string) (id eventID, ok bool) {
	epoch, seq, found := strings.Cut(s, "-")
	if !found {
		return eventID{}, false
	}
	e, err := strconv.ParseInt(epoch, 36, 64)
	if err != nil || e <= 0 {
		return eventID{}, false
	}
	n, err := strconv.ParseUint(seq, 10, 64)
	if err != nil {
		return eventID{}, false
	}
	return eventID{epoch: e, seq: n}, true
}

// subject returns the NATS subject of topic under prefix. Topics are
// free-form (a path parameter's value can be anything), subjects are not:
// each dot-separated token of the topic is escaped as runtime.TopicValue
// escapes a value, and an empty token is written "%", so that distinct
// topics never share a subject and every topic has one.
func subject(prefix, topic string) string {
	var b strings.Builder
	b.Grow(len(prefix) + 1 + len(topic))
	b.WriteString(prefix)
	for token := range strings.SplitSeq(topic, ".") {
		b.WriteByte('.')
		if token == "" {
			b.WriteByte('%')
		} else {
			b.WriteString(runtime.TopicValue(token))
		}
	}
	return b.String()
}
