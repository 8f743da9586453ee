// The generated client of generator/golden/routes against its Go server
// (SSEGEN_URL): routes that differ by a fixed query or a literal segment.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../golden/routes/ts/client.gen.js";

const c = new Client(process.env.SSEGEN_URL!);

test("every operation", async () => {
  assert.equal(await c.getCharacter({ character_id: "c/1" }), `character "c/1"`);
  assert.equal(await c.getBetaCharacter({ id: "c2" }), `beta character "c2"`);
  assert.equal(await c.getVideo({ video_id: "v 1" }), `video "v 1"`);
  assert.equal(await c.getVideoContent({ video_id: "v1", variant: "thumb" }), `content of "v1" variant thumb`);
  assert.equal(await c.getVideoContent({ video_id: "v1" }), `content of "v1"`);
});
