// The generated client of generator/golden/models against its echoing Go
// server (SSEGEN_URL): every operation, values of every kind of type, and
// a stream whose events are models.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, type Pet, type Shape } from "../../golden/models/ts/client.gen.js";

const c = new Client(process.env.SSEGEN_URL!);

test("objects, enums, nullable and odd property names round-trip", async () => {
  const pet: Pet = {
    id: 1, name: "rex", kind: "guinea pig", size: 2, tags: ["a"], likes: ["cat"], labels: { k: "v" }, age: 3,
    weight: 1.5, nickname: "Rexy", owner: { name: "o", "e-mail": "o@example.com" }, type: "t", "2fa": true, HTTPURL: "u",
  };
  assert.deepEqual(await c.echoPet({ body: pet }), pet);
});

test("a discriminated union narrows on its discriminator", async () => {
  const shape: Shape = { kind: "square", side: 2 };
  const got = await c.echoShape({ body: shape });
  switch (got.kind) {
    case "square":
      assert.equal(got.side, 2);
      break;
    case "circle":
      assert.fail(`circle of radius ${got.radius}`);
  }
});

test("recursive types, additional properties, an optional body, text", async () => {
  const tree = { value: 1, children: [{ value: 2 }], parent: { value: 0 } };
  assert.deepEqual(await c.echoTree({ body: tree }), tree);
  assert.deepEqual(await c.echoRecord({ body: { id: "r", note: "n", extra: 3 } }), { id: "r", note: "n", extra: 3 });
  assert.equal(await c.echoRecord(), undefined);
  assert.equal(await c.echoNote({ body: "a note\n" }), "a note\n");
});

test("read-only properties are left out of requests, write-only ones out of answers", async () => {
  const pet: Pet = { id: 1, name: "rex", kind: "cat", tags: [], age: 3 };
  // @ts-expect-error registered is read-only: the server sets it.
  await c.echoPet({ body: { ...pet, registered: "2026-12-03" } });
  const got = await c.echoPet({ body: { ...pet, password: "secret" } });
  // @ts-expect-error password is write-only: the client sends it.
  assert.equal(got.password, undefined);
  assert.deepEqual(got, pet);

  // An open object keeps its other properties' types.
  const basket = await c.echoBasket({ body: { lines: [{ pet: { id: 1, name: "a" } }], kind: "cat", note: null } });
  const created: string = basket.created;
  assert.equal(typeof created, "string");
  assert.deepEqual(basket.lines, [{ pet: { id: 1, name: "a" } }]);
  assert.equal(basket.note, null);
});

test("a stream of models", async () => {
  const got: string[] = [];
  for await (const ev of c.feed()) {
    switch (ev.event) {
      case "pet":
        got.push(`pet ${ev.data.name} ${ev.data.nickname}`);
        break;
      case "shape":
        got.push(`shape ${ev.data.kind}`);
        break;
      case "value":
        got.push(`value ${JSON.stringify(ev.data)}`);
        break;
      case "inline":
        got.push(`inline ${ev.data.at}`);
        break;
      default:
        got.push(ev.event);
    }
  }
  assert.deepEqual(got, ["pet rex Rex", "shape square", "value 42", "inline 2026-11-23T20:00:00Z"]);
});
