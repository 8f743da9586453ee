// The generated client of generator/golden/styles against the golden Go
// server (SSEGEN_URL, generator/golden/styles/typescript_test.go): streams
// described every way, a request body that is an event stream, and
// operations answering JSON or a stream.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, type UploadBodyEvent, type WatchJobErrorEvent } from "../../golden/styles/ts/client.gen.js";
import { EventError, ResponseError } from "../../golden/styles/ts/runtime.gen.js";

const c = new Client(process.env.SSEGEN_URL!);

async function collect<E>(stream: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const ev of stream) out.push(ev);
  return out;
}

test("annotated stream: every event type with its id", async () => {
  assert.deepEqual(await collect(c.watchJob({ jobId: "j" })), [
    { event: "progress", id: "1", data: { percent: 50 } },
    { event: "log", id: "2", data: "half way\nthere: ½" },
  ]);
});

test("the error event rejects with its typed value", async () => {
  await assert.rejects(collect(c.watchJob({ jobId: "broken" })), (err: unknown) => {
    assert.ok(err instanceof EventError);
    const e = err as WatchJobErrorEvent;
    assert.equal(e.event, "error");
    assert.deepEqual(e.data, { error: "disk full" });
    return true;
  });
});

test("open event names carry the message data and their name", async () => {
  assert.deepEqual(await collect(c.feed()), [
    { event: "message", type: "message", id: "", data: { token: "a" } },
    { event: "message", type: "token.delta", id: "7", data: { token: "b" } },
  ]);
  assert.deepEqual(await collect(c.streamRun()), [{ event: "message", type: "message", id: "", data: "line one\nline two" }]);
});

test("events discriminated by name; a resumable stream goes on until left", async () => {
  const names: string[] = [];
  for await (const ev of c.startConversation({ body: { text: "hi", stream: true } })) {
    if (ev.event === "reply.done") {
      names.push(ev.event);
      break;
    }
    switch (ev.event) {
      case "reply.started":
        names.push(ev.data.id);
        break;
      case "reply.delta":
        names.push(ev.data.text);
        break;
      default:
        names.push(ev.event);
    }
  }
  assert.deepEqual(names, ["c1", "hello", "reply.done"]);
});

test("JSON or stream", async () => {
  assert.deepEqual(await c.startConversationJSON({ body: { text: "you" } }), { text: "hello you" });
  assert.deepEqual(await c.createResponseJSON({ body: { text: "x" } }), { text: "ga: x" });
  assert.deepEqual(await collect(c.createResponse({ body: { text: "x", stream: true } })), [
    { event: "message", type: "message", id: "", data: { token: "ga: x" } },
  ]);
  assert.deepEqual(await c.betaCreateResponseJSON({ body: { text: "y" } }), { text: "beta: y" });
});

test("a declared error status of a stream rejects with its typed body", async () => {
  await assert.rejects(collect(c.generateStream({ body: { text: "" } })), (err: unknown) => {
    assert.ok(err instanceof ResponseError);
    assert.equal(err.status, 422);
    assert.deepEqual(err.body, { error: "empty prompt" });
    return true;
  });
});

test("a request body that is an event stream", async () => {
  async function* events(): AsyncGenerator<UploadBodyEvent> {
    yield { event: "chunk", id: "1", data: { token: "a" } };
    await new Promise((r) => setTimeout(r, 10));
    yield { event: "note", id: "2", data: "two\nlines" };
  }
  assert.deepEqual(await c.upload({ body: events() }), { text: "chunk 1: a\nnote 2: two\nlines" });
});
