// The generated client of generator/golden/messy against its Go server
// (SSEGEN_URL): form and multipart request bodies (Swagger 2's formData
// parameters), a text body, and an operation answering JSON or a stream.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, type GetEnvironmentEvent } from "../../golden/messy/ts/client.gen.js";

const c = new Client(process.env.SSEGEN_URL!);

test("a form body: its fields by name, an array one value per item", async () => {
  assert.deepEqual(await c.createEnvironment({ body: { name: "dev & test=1", size: 3, tags: ["a", "b c"] } }), {
    id: "env-dev & test=1",
    name: "dev & test=1",
    size: 3,
    tags: ["a", "b c"],
  });
  assert.deepEqual(await c.createEnvironment({ body: { name: "bare" } }), { id: "env-bare", name: "bare" });
});

test("a multipart body: each field a part", async () => {
  assert.equal(await c.uploadFile({ id: "env-bare", body: { file: "GIF89a é", note: "the logo" } }), `env-bare: "GIF89a é" (the logo)`);
  assert.equal(await c.uploadFile({ id: "env-bare", body: { file: "<svg/>" } }), `env-bare: "<svg/>"`);
});

test("a text body, and JSON or the stream of one route", async () => {
  assert.equal(await c.addNote({ body: "hello" }), "note: hello");
  await c.createEnvironment({ body: { name: "watched", tags: ["red"] } });
  assert.deepEqual(await c.getEnvironmentJSON({ id: "env-watched" }), { id: "env-watched", name: "watched", tags: ["red"] });
  const got: GetEnvironmentEvent[] = [];
  for await (const ev of c.getEnvironment({ id: "env-watched" })) got.push(ev);
  assert.deepEqual(
    got.map((ev) => ev.event === "change" && ev.data.tags),
    [["red", "blue"], ["red", "blue", "green"]],
  );
});

test("a path parameter that is not a segment of its own is refused, not sent to another resource", async () => {
  for (const id of ["", ".", ".."]) {
    await assert.rejects(c.getEnvironmentJSON({ id }), { message: `path parameter "id": ${JSON.stringify(id)} cannot be a path segment` });
    await assert.rejects(c.deleteEnvironment({ deviceId: id }), /path parameter "deviceId"/);
  }
  assert.throws(() => c.getEnvironment({ id: ".." }), /path parameter "id"/);
  assert.equal(await c.uploadFile({ id: "...", body: { file: "x" } }), `...: "x"`);
});
