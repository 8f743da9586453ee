// The generated client of generator/golden/params sends parameters of every
// style to the golden Go server (SSEGEN_URL), which
// generator/golden/params/typescript_test.go then compares with what the
// Go client's tests send: the same values must decode the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, type HeaderParamsError } from "../../golden/params/ts/client.gen.js";
import { ResponseError, cookieHeader, cookieParam, queryParam } from "../../golden/params/ts/runtime.gen.js";

const c = new Client(process.env.SSEGEN_URL!);

test("path parameters in every style", async () => {
  await c.pathParams({
    "item-id": -12, tags: ["a b", "c/d", "é?#%"], point: { x: 1, y: 2 },
    mat: [3, 4], obj: { x: 5 }, lab: "green",
  });
});

test("query parameters in every style", async () => {
  await c.queryParams({
    q: "hello world & more=1?#", limit: 5, ratio: 0.5, since: "2026-11-23T20:00:00.000000123Z", color: "green",
    ids: [1, 2], csv: ["a", "b+c"], spaced: ["a", "b"], piped: ["red", "blue"],
    filter: { color: "blue", min: 1.5, name: "x y" }, point: { x: 3, y: -4 },
    meta: { a: "1", "b c": "2&3" }, flat: { x: 7, y: 8 },
  });
  assert.equal(await c.queryRaw({ q: "a&b" }), "raw a&b");
});

test("header and cookie parameters, and declared error answers", async () => {
  const req = {
    "X-Request-ID": "5a1c6e2e-0000-4000-8000-000000000000", "X-Sizes": [1, 2, 3], "X-Point": { x: 4, y: 5 },
    "X-Flag": false, session: `s 1; "é"`, prefs: ["dark", "compact mode", "a,b"],
  };
  assert.deepEqual(await c.headerParams(req), { x: 1 });
  for (const [want, status, body] of [[404, 404, undefined], [418, 418, { title: "teapot" }]] as const) {
    await assert.rejects(c.headerParams({ ...req, want }), (err: unknown) => {
      assert.ok(err instanceof ResponseError);
      const e = err as HeaderParamsError;
      assert.equal(e.status, status);
      assert.deepEqual(e.body, body);
      return true;
    });
  }
});

test("an object cookie, exploded or not, as the Go runtime reads it; a property name a cookie cannot carry is refused", async () => {
  const prefs = { theme: "dark mode", "font-family": "x,y;z=é", size: 3 };
  for (const explode of [true, false]) {
    const cookie = cookieHeader([["prefs", cookieParam({ name: "prefs", style: "form", explode }, prefs)]])!;
    const res = await fetch(`${process.env.SSEGEN_URL}/cookie-object?explode=${explode}`, { headers: { Cookie: cookie } });
    assert.deepEqual(await res.json(), { theme: "dark mode", "font-family": "x,y;z=é", size: "3" }, `explode ${explode}: ${cookie}`);
  }
  assert.throws(() => cookieParam({ name: "prefs", style: "form", explode: true }, { "x;admin": "1" }), {
    message: `cookie parameter "prefs": property name "x;admin" cannot be sent in a cookie`,
  });
});

test("exploded spaceDelimited and pipeDelimited arrays repeat the parameter, as form does", async () => {
  const query = [
    ...queryParam({ name: "spaced", style: "spaceDelimited", explode: true }, ["a b", "c"]),
    ...queryParam({ name: "piped", style: "pipeDelimited", explode: true }, ["d|e", "f"]),
  ];
  const res = await fetch(`${process.env.SSEGEN_URL}/delimited?${new URLSearchParams(query)}`);
  assert.deepEqual(await res.json(), [["a b", "c"], ["d|e", "f"]]);
});
