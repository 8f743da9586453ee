// The generated client of generator/golden/streams against the golden Go
// server, which generator/golden/streams/typescript_test.go serves on
// loopback: directly (SSEGEN_URL), through a proxy that cuts every
// connection after a few bytes (SSEGEN_CUT_URL), and through one that goes
// silent instead (SSEGEN_STALL_URL).
import { getEventListeners } from "node:events";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, type WatchJobEvent, type RunJobEvent, type WatchJobError, type RunJobErrorEvent } from "../../golden/streams/ts/client.gen.js";
import { EventError, NoEndError, ResponseError } from "../../golden/streams/ts/runtime.gen.js";

const url = process.env.SSEGEN_URL!;
const fast = { reconnect: { baseDelayMs: 1, maxDelayMs: 10, maxAttempts: 10000 } };

// The feed of job "feed", as the Go test's feed variable has it.
const feed: WatchJobEvent[] = [
  { event: "message", id: "1", data: { done: 1, total: 3 } },
  { event: "log", id: "2", data: "line one\nline two" },
  { event: "message", id: "3", data: { done: 2, total: 3 } },
  { event: "log", id: "4", data: "" },
  { event: "message", id: "5", data: { done: 3, total: 3 } },
  { event: "done", id: "6", data: { name: "feed", ok: true } },
];

async function readFeed(base: string): Promise<WatchJobEvent[]> {
  const got: WatchJobEvent[] = [];
  const stream = new Client(base, fast).watchJob({ jobId: "feed" });
  for await (const ev of stream) {
    got.push(ev);
    switch (ev.event) {
      case "message":
        assert.equal(typeof ev.data.done, "number");
        break;
      case "log":
        assert.equal(typeof ev.data, "string");
        break;
      case "done":
        assert.equal(stream.lastEventId, "6");
        return got;
      case "unknown":
        assert.fail(`unknown event ${ev.type}`);
    }
  }
  return got;
}

test("every event type, resumed after the server drops the connection", async () => {
  assert.deepEqual(await readFeed(url), feed);
});

test("resume through many random cuts: none lost, none duplicated", async () => {
  for (let i = 0; i < 10; i++) assert.deepEqual(await readFeed(process.env.SSEGEN_CUT_URL!), feed);
});

test("silence longer than two heartbeats counts as a dropped connection", async () => {
  assert.deepEqual(await readFeed(process.env.SSEGEN_STALL_URL!), feed);
});

test("a start id resumes from it", async () => {
  const got: string[] = [];
  for await (const ev of new Client(url, fast).watchJob({ jobId: "feed" }, { lastEventId: "4" })) {
    got.push(ev.id);
    if (ev.event === "done") break;
  }
  assert.deepEqual(got, ["5", "6"]);
});

test("a declared error response rejects with its typed body", async () => {
  await assert.rejects(
    async () => {
      for await (const _ of new Client(url, fast).watchJob({ jobId: "missing" })) assert.fail("no event expected");
    },
    (err: unknown) => {
      assert.ok(err instanceof ResponseError);
      const e = err as WatchJobError;
      assert.equal(e.status, 404);
      assert.equal(e.body.title, "no job missing");
      return true;
    },
  );
});

test("plain operation on the stream's route resolves to its body", async () => {
  assert.deepEqual(await new Client(url).getJobProgress({ jobId: "abcd" }), { done: 1, total: 4 });
});

test("POST stream ends at its end message", async () => {
  const got: RunJobEvent[] = [];
  for await (const ev of new Client(url).runJob({ body: { name: "ok", steps: 2 } })) got.push(ev);
  assert.deepEqual(got, [
    { event: "progress", id: "", data: { done: 1, total: 2 } },
    { event: "progress", id: "", data: { done: 2, total: 2 } },
    { event: "result", id: "", data: { name: "ok" } },
  ]);
});

test("the error event rejects with its typed value", async () => {
  const got: RunJobEvent[] = [];
  await assert.rejects(
    async () => {
      for await (const ev of new Client(url).runJob({ body: { name: "fail", steps: 1 } })) got.push(ev);
    },
    (err: unknown) => {
      assert.ok(err instanceof EventError);
      const e = err as RunJobErrorEvent;
      assert.equal(e.event, "failed");
      assert.deepEqual(e.data, { title: "failed", detail: "step 2 broke" });
      return true;
    },
  );
  assert.equal(got.length, 1);
});

test("a stream that ends without its end message rejects", async () => {
  await assert.rejects(async () => {
    for await (const _ of new Client(url).runJob({ body: { name: "crash", steps: 1 } }));
  }, NoEndError);
});

test("PUT, PATCH and DELETE streams", async () => {
  const steps: string[] = [];
  for await (const ev of new Client(url).replaceJob({ body: { name: "x", steps: 2 } })) {
    if (ev.event === "step") steps.push(ev.data);
  }
  assert.deepEqual(steps, ["step 1\nof x", "step 2\nof x"]);
  const patched: number[] = [];
  for await (const ev of new Client(url).patchJob({ priority: 7 })) {
    if (ev.event === "message") patched.push(ev.data.done);
  }
  assert.deepEqual(patched, [7]);
  const cancelled: string[] = [];
  for await (const ev of new Client(url).cancelJobs()) {
    if (ev.event === "cancelled") cancelled.push(ev.data.name);
  }
  assert.deepEqual(cancelled, ["a", "b"]);
});

test("JSON or stream: both calls, and the declared 400", async () => {
  const c = new Client(url);
  const messages = [{ role: "user", content: "hello there" }];
  const whole = await c.createChatCompletionJSON({ body: { model: "echo", messages, stream: false } });
  assert.equal(whole.choices[0]!.message.content, "hello there");
  const words: string[] = [];
  for await (const ev of c.createChatCompletion({ body: { model: "echo", messages, stream: true } })) {
    if (ev.event === "message") words.push(ev.data.choices[0]!.delta.content ?? "");
  }
  assert.deepEqual(words, ["hello", "there"]);
  await assert.rejects(c.createChatCompletionJSON({ body: { model: "nope", messages } }), (err: unknown) => {
    assert.ok(err instanceof ResponseError);
    assert.equal(err.status, 400);
    assert.deepEqual(err.body, { title: "no model nope" });
    return true;
  });
});

test("abort stops the stream, and leaving the loop ends the request", async () => {
  const ctl = new AbortController();
  const stream = new Client(url).watchJob({ jobId: "idle" }, { signal: ctl.signal });
  await assert.rejects(async () => {
    for await (const _ of stream) ctl.abort(new Error("stop"));
  }, /stop/);
  for await (const _ of new Client(url).watchJob({ jobId: "idle" })) break;
  const res = await fetch(`${url}/gone?want=2`);
  assert.equal(await res.text(), "2");
});

test("abort interrupts a backoff wait", async () => {
  const ctl = new AbortController();
  const slow = new Client(process.env.SSEGEN_CUT_URL!, { reconnect: { baseDelayMs: 60000, maxDelayMs: 60000 } });
  const started = Date.now();
  setTimeout(() => ctl.abort(new Error("stop")), 200);
  await assert.rejects(async () => {
    for await (const _ of slow.watchJob({ jobId: "feed" }, { signal: ctl.signal }));
  }, /stop/);
  assert.ok(Date.now() - started < 30000);
});

test("408, 429 after its Retry-After, and 5xx are retried", async () => {
  const started = Date.now();
  assert.deepEqual(await readFeed(process.env.SSEGEN_FLAKY_URL!), feed);
  assert.ok(Date.now() - started >= 900, "the 429's Retry-After: 1 was not waited for");
  assert.equal(await (await fetch(`${process.env.SSEGEN_FLAKY_URL}/count`)).text(), "3");
});

test("another 4xx is not retried", async () => {
  await assert.rejects(readFeed(process.env.SSEGEN_REFUSED_URL!), (err: unknown) => err instanceof ResponseError && err.status === 400);
  assert.equal(await (await fetch(`${process.env.SSEGEN_REFUSED_URL}/count`)).text(), "1");
});

test("a stream that ends, fails or is left lets go of the caller's signal", async () => {
  const ctl = new AbortController();
  const c = new Client(url);
  for await (const _ of c.runJob({ body: { name: "ok", steps: 2 } }, { signal: ctl.signal }));
  await assert.rejects(async () => {
    for await (const _ of c.runJob({ body: { name: "crash", steps: 1 } }, { signal: ctl.signal }));
  }, NoEndError);
  for await (const _ of c.runJob({ body: { name: "ok", steps: 2 } }, { signal: ctl.signal })) break;
  assert.equal(getEventListeners(ctl.signal, "abort").length, 0);
});
