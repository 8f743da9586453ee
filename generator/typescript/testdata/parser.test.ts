// The event stream parser against the HTML standard's edge cases, each fed
// whole and one byte at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventParser, EventTooLargeError, formatEvent, reconnectDelay, type RawEvent } from "../../golden/streams/ts/runtime.gen.js";

interface Parsed {
  events: RawEvent[];
  lastEventId: string;
  retry: number | undefined;
}

function parse(input: Uint8Array, split: boolean, max?: number): Parsed {
  const p = new EventParser(max);
  const events: RawEvent[] = [];
  if (split) for (let i = 0; i < input.length; i++) events.push(...p.push(input.subarray(i, i + 1)));
  else events.push(...p.push(input));
  events.push(...p.end());
  return { events, lastEventId: p.lastEventId, retry: p.retry };
}

const enc = (s: string) => new TextEncoder().encode(s);

const cases: { name: string; input: Uint8Array; events: RawEvent[]; lastEventId?: string; retry?: number }[] = [
  { name: "LF", input: enc("data: a\n\n"), events: [{ type: "message", data: "a", id: "" }] },
  { name: "CR", input: enc("data: a\r\rdata: b\r\r"), events: [{ type: "message", data: "a", id: "" }, { type: "message", data: "b", id: "" }] },
  { name: "CRLF", input: enc("event: x\r\ndata: a\r\n\r\n"), events: [{ type: "x", data: "a", id: "" }] },
  { name: "mixed line ends", input: enc("data: a\r\ndata: b\rdata: c\n\r\n"), events: [{ type: "message", data: "a\nb\nc", id: "" }] },
  { name: "leading BOM is dropped", input: enc("\uFEFFdata: a\n\n"), events: [{ type: "message", data: "a", id: "" }] },
  { name: "a second BOM is not", input: enc("\uFEFF\uFEFFdata: a\n\n"), events: [] },
  { name: "one space after the colon", input: enc("data:  a\ndata:b\n\n"), events: [{ type: "message", data: " a\nb", id: "" }] },
  { name: "field without colon", input: enc("data\ndata\n\n"), events: [{ type: "message", data: "\n", id: "" }] },
  { name: "comments and unknown fields", input: enc(": hi\nfoo: bar\ndata: a\n\n"), events: [{ type: "message", data: "a", id: "" }] },
  { name: "no data, no event", input: enc("event: x\n\ndata: a\n\n"), events: [{ type: "message", data: "a", id: "" }] },
  { name: "id with NUL ignored", input: enc("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"), events: [{ type: "message", data: "a", id: "1" }, { type: "message", data: "b", id: "1" }], lastEventId: "1" },
  { name: "id persists to later events", input: enc("id: 7\ndata: a\n\ndata: b\n\n"), events: [{ type: "message", data: "a", id: "7" }, { type: "message", data: "b", id: "7" }], lastEventId: "7" },
  { name: "empty id resets", input: enc("id: 7\ndata: a\n\nid\ndata: b\n\n"), events: [{ type: "message", data: "a", id: "7" }, { type: "message", data: "b", id: "" }], lastEventId: "" },
  { name: "last event id changes only on dispatch", input: enc("id: 1\ndata: a\n\nid: 2\ndata: b\n"), events: [{ type: "message", data: "a", id: "1" }], lastEventId: "1" },
  { name: "id on a blank event counts", input: enc("id: 3\n\n"), events: [], lastEventId: "3" },
  { name: "retry digits only", input: enc("retry: 1500\nretry: 12a\nretry: -1\nretry: 1.5\ndata: a\n\n"), events: [{ type: "message", data: "a", id: "" }], retry: 1500 },
  { name: "partial event at the end is dropped", input: enc("data: a\n\ndata: b"), events: [{ type: "message", data: "a", id: "" }] },
  { name: "invalid UTF-8 becomes U+FFFD", input: new Uint8Array([...enc("data: "), 0xff, 0xc3, ...enc("\n\n")]), events: [{ type: "message", data: "\uFFFD\uFFFD", id: "" }] },
  { name: "multi-byte characters split", input: enc("data: é€😀\n\n"), events: [{ type: "message", data: "é€😀", id: "" }] },
];

for (const c of cases) {
  for (const split of [false, true]) {
    test(`${c.name} (${split ? "byte by byte" : "whole"})`, () => {
      const got = parse(c.input, split);
      assert.deepEqual(got.events, c.events);
      assert.equal(got.lastEventId, c.lastEventId ?? "");
      assert.equal(got.retry, c.retry);
    });
  }
}

test("maximum event size", () => {
  for (const split of [false, true]) {
    assert.deepEqual(parse(enc("data: 12345\n\n"), split, 5).events, [{ type: "message", data: "12345", id: "" }]);
    assert.throws(() => parse(enc("data: 123\ndata: 45\n\n"), split, 5), EventTooLargeError);
    assert.throws(() => parse(enc("data: " + "x".repeat(100)), split, 50), EventTooLargeError);
  }
});

test("reconnection delay: doubled per attempt, capped, jittered down to half, never below the hint nor above the cap", () => {
  const low = () => 0;
  const high = () => 0.999999;
  assert.equal(reconnectDelay(1, 0, 1000, 30000, high), 1000);
  assert.equal(reconnectDelay(1, 0, 1000, 30000, low), 500);
  assert.equal(reconnectDelay(3, 0, 1000, 30000, high), 4000);
  assert.equal(reconnectDelay(10, 0, 1000, 30000, high), 30000);
  assert.equal(reconnectDelay(10, 0, 1000, 30000, low), 15000);
  assert.equal(reconnectDelay(1, 2500, 1000, 30000, low), 2500);
  assert.equal(reconnectDelay(2, 2500, 1000, 30000, low), 2500);
  assert.equal(reconnectDelay(1, 60000, 1000, 30000, high), 30000);
});

test("formatEvent writes what the parser reads back, and refuses a type or id that would forge fields", () => {
  for (const [event, data, id] of [["message", "a", undefined], ["x", "line\r\nbreaks\rand\n", "7"], ["y", "", ""]] as const) {
    const got = parse(enc(formatEvent(event, data, id)), false).events;
    assert.deepEqual(got, [{ type: event, data: data.replace(/\r\n|\r/g, "\n"), id: id ?? "" }]);
  }
  assert.throws(() => formatEvent("message", "a", "1\ndata: forged"), /invalid SSE id "1\\ndata: forged": contains a line break/);
  assert.throws(() => formatEvent("message", "a", "1\r"), /invalid SSE id/);
  assert.throws(() => formatEvent("message", "a", "1\0"), /invalid SSE id "1\\u0000": contains U\+0000/);
  assert.throws(() => formatEvent("x\nevent: y", "a"), /invalid SSE event/);
});
