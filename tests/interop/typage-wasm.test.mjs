// Interop between the sealbill wasm module (pkg/, built by scripts/pkg.sh) and typage (npm
// `age-encryption`), both ways, under Node: for the simd128 build and for the compat build,
// each in its own instance of the shared JS glue.

import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";

import * as age from "age-encryption";

const MAGIC = Buffer.from("sealbill/payload/v1\n");
const INVOICE = Buffer.from('<Invoice><Note>Müller &amp; Söhne</Note></Invoice>\n');

for (const build of ["sealbill_bg.wasm", "sealbill_compat_bg.wasm"]) {
  const glue = new URL(`../../pkg/sealbill.js?${build}`, import.meta.url);
  const { default: init, Identity, decryptAge, open, seal } = await import(glue.href);
  await init({ module_or_path: await readFile(new URL(`../../pkg/${build}`, import.meta.url)) });

  for (const armor of [false, true]) {
    test(`${build}: typage decrypts an envelope sealed by the wasm module (armor: ${armor})`, async () => {
      const sender = Identity.generate("Acme GmbH");
      const peer = await age.generateIdentity();
      const { envelope } = seal(sender, [{ name: "i.xml", mediaType: "application/xml", data: INVOICE }], {
        invoiceId: "INV-1",
        recipients: [await age.identityToRecipient(peer)],
        armor,
      });
      const d = new age.Decrypter();
      d.addIdentity(peer);
      const file = armor ? age.armor.decode(new TextDecoder().decode(envelope)) : envelope;
      const payload = Buffer.from(await d.decrypt(file));
      assert.ok(payload.subarray(0, MAGIC.length).equals(MAGIC), "the payload is the signed container");
      assert.ok(payload.includes(INVOICE), "the invoice is inside");
      sender.free();
    });
  }

  for (const size of [0, 1, 65536, 200_000]) {
    test(`${build}: the wasm module decrypts a typage file of ${size} bytes`, async () => {
      const reader = Identity.generate("Client SARL");
      const plain = randomBytes(size);
      const e = new age.Encrypter();
      e.addRecipient(reader.recipient());
      const file = await e.encrypt(plain);
      assert.ok(Buffer.from(decryptAge(reader, file)).equals(plain));
      const armored = new TextEncoder().encode(age.armor.encode(file));
      assert.ok(Buffer.from(decryptAge(reader, armored)).equals(plain));
      // A plain age file is not a signed sealbill envelope: open refuses it.
      assert.throws(() => open(reader, file), { code: "MALFORMED" });
      reader.free();
    });
  }
}
