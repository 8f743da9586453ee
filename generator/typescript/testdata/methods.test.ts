// The generated client of generator/golden/methods against its Go server
// (SSEGEN_URL): methods beyond the usual ones (QUERY, PURGE) and path
// templates with literal text around a parameter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../golden/methods/ts/client.gen.js";

const c = new Client(process.env.SSEGEN_URL!);

test("every operation", async () => {
  assert.deepEqual(await c.searchFlights({ body: { from: "AMS", to: "LIS" } }), ["AMS-LIS"]);
  assert.equal(await c.bookFlight({ body: { from: "AMS", to: "LIS" } }), undefined);
  assert.equal(await c.purgeFlights(), undefined);
  assert.equal(await c.getReport({ year: 2026, name: "a b" }), `report "a b" of 2026`);
  assert.equal(await c.getLatestReport({ year: 2025 }), "latest of 2025");
});
