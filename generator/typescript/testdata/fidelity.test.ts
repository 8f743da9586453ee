// The generated client of generator/golden/fidelity against its Go server
// (SSEGEN_URL), which generator/golden/fidelity/typescript_test.go serves:
// unions told apart by a const, ends declared by extensions and
// descriptions, a stream's response headers, and parameters sent as JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, subscribeStreamHeaders, type Message, type Published, type SubscribeErrorEvent } from "../../golden/fidelity/ts/client.gen.js";
import { EventError } from "../../golden/fidelity/ts/runtime.gen.js";

const c = new Client(process.env.SSEGEN_URL!);

test("a union without discriminator narrows on its const property", async () => {
  const got: string[] = [];
  for await (const ev of c.sendMessage({ agentId: "a2", body: { id: "1", message_type: "user_message", content: "hey" } })) {
    const m: Message = ev.data;
    switch (m.message_type) {
      case "user_message":
      case "assistant_message":
        got.push(`${m.message_type} ${m.content}`);
        break;
      case "reasoning_message":
        got.push(`reasoning ${m.reasoning}`);
        break;
      case "stop_reason":
        got.push(`stop ${m.stop_reason}`);
        break;
      default:
        assert.fail(`no message_type in ${JSON.stringify(m)}`);
    }
  }
  // The stream ends without [DONE], which its document does not declare.
  assert.deepEqual(got, ["user_message hey", "assistant_message hello a2", "reasoning polite", "stop end_turn"]);
});

test("a stream ends at the sentinel its extension or description declares", async () => {
  const body = { text: "x y" };
  for (const [name, stream] of [
    ["speakeasy", c.speakeasyComplete({ body })],
    ["fern", c.fernComplete({ body })],
    ["described", c.describedComplete({ body })],
    ["chat", c.chatComplete({ body: { ...body, stream: true } })],
  ] as const) {
    const tokens: string[] = [];
    for await (const ev of stream) tokens.push(ev.data.token);
    assert.deepEqual(tokens, ["x", "y"], name);
  }
});

test("a stream's response headers, and parameters sent as JSON", async () => {
  const positions = [
    { partition: 1, offset: 5 },
    { partition: 2, offset: 9 },
  ];
  const cursor = { at: { partition: 2, offset: 8 }, note: "n" };
  const filter = { kinds: ["a", "b"], since: 3 };
  const stream = c.subscribe({ topic: "news", last_event_id: "q7", "Last-Event-ID": "h9", "X-Positions": positions, "X-Cursor": cursor, filter });
  assert.throws(() => subscribeStreamHeaders(stream), /subscribe: the stream has not opened yet/);
  for await (const ev of stream) {
    assert.equal(ev.event, "published");
    assert.equal(ev.id, "e1");
    const want: Published = { type: "published", text: "news", positions, cursor, filter, resumeQuery: "q7", resumeHeader: "h9" };
    if (ev.event === "published") assert.deepEqual(ev.data, want);
    assert.deepEqual(subscribeStreamHeaders(stream), { "X-Partitions": 2, "X-Positions": positions, "X-Resumed-From": "h9" });
    break; // the stream is resumable: it would reconnect at its end
  }

  // Without positions: the optional headers are absent.
  const bare = c.subscribe({ topic: "bare" });
  for await (const _ of bare) break;
  assert.deepEqual(subscribeStreamHeaders(bare), { "X-Partitions": 0, "X-Positions": undefined, "X-Resumed-From": undefined });

  // A header is required: without it, reading throws, naming it.
  const late = c.subscribe({ topic: "late" });
  for await (const _ of late) break;
  assert.throws(() => subscribeStreamHeaders(late), /response header "X-Partitions" is required/);
});

test("the error event rejects with its typed data", async () => {
  await assert.rejects(
    async () => {
      for await (const _ of c.subscribe({ topic: "broken" })) assert.fail("no event expected");
    },
    (err: unknown) => {
      assert.ok(err instanceof EventError);
      const e = err as SubscribeErrorEvent;
      assert.equal(e.data.message, "gone");
      return true;
    },
  );
});

test("content application/json parameters in the path and a cookie", async () => {
  const got = await c.lookUp({ at: { partition: 3, offset: 4 }, session: { at: { partition: 0, offset: 0 }, note: "a; b, é" } });
  assert.deepEqual(got, { at: { partition: 3, offset: 4 }, note: "a; b, é" });
});
