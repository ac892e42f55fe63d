// Interop between the sealbill CLI and typage (npm `age-encryption`), both ways.
//
// Run with `node --test` in this directory after `cargo build -p sealbill-cli`. The binary is
// $SEALBILL_BIN, or else ../../target/debug/sealbill relative to this file.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import * as age from "age-encryption";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.SEALBILL_BIN
  ? path.resolve(process.env.SEALBILL_BIN)
  : path.resolve(HERE, "../../target/debug/sealbill");
const MAGIC = Buffer.from("sealbill/payload/v1\n");
// A valid EN 16931 invoice with non-ASCII text (the CLI refuses invalid ones).
const INVOICE_XML = fs.readFileSync(path.resolve(HERE, "../../invoice/tests/invoices/valid/unicode-long.xml"));
const INVOICE_NUMBER = /<cbc:ID>([^<]+)<\/cbc:ID>/.exec(INVOICE_XML.toString())[1];

let dir;

before(() => {
  if (!fs.existsSync(BIN)) {
    throw new Error(
      `sealbill binary not found at ${BIN}: run \`cargo build -p sealbill-cli\` ` +
        "or set SEALBILL_BIN",
    );
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sealbill-typage-"));
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI and returns its stdout; throws with its stderr if it fails. */
function sealbill(args, options = {}) {
  const run = spawnSync(BIN, args, { maxBuffer: 64 << 20, ...options });
  if (run.error) throw run.error;
  if (run.status !== 0) {
    throw new Error(
      `sealbill ${args.join(" ")} exited with ${run.status}: ${run.stderr.toString()}`,
    );
  }
  return run.stdout;
}

/**
 * Runs the CLI expecting failure; returns stderr. Nothing may reach stdout, except, when
 * `plain` is given, whole 64 KiB chunks of it that verified before the failure (like
 * `age -d`, the CLI streams authenticated chunks and then exits non-zero).
 */
function sealbillFails(args, plain) {
  const run = spawnSync(BIN, args, { maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  assert.notEqual(run.status, 0, `sealbill ${args.join(" ")} should have failed`);
  assert.ok(run.stderr.length > 0, "a failure must say why");
  if (plain === undefined) {
    assert.equal(run.stdout.length, 0, "a failed decryption must print no plaintext");
  } else {
    assert.equal(run.stdout.length % 65536, 0, "only whole verified chunks may be printed");
    assert.ok(run.stdout.length < plain.length, "the unverified last chunk must not be printed");
    assert.ok(run.stdout.equals(plain.subarray(0, run.stdout.length)), "printed bytes differ");
  }
  return run.stderr.toString();
}

function assertSameBytes(actual, expected, what) {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  assert.equal(a.length, e.length, `${what}: length`);
  assert.ok(a.equals(e), `${what}: contents differ`);
}

/** Writes a typage identity as an age identity file, as age-keygen does. */
async function writeAgeIdentityFile(name, identity) {
  const file = path.join(dir, name);
  const recipient = await age.identityToRecipient(identity);
  fs.writeFileSync(
    file,
    `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${identity}\n`,
    { mode: 0o600 },
  );
  return file;
}

async function typageEncrypt(recipient, plaintext) {
  const e = new age.Encrypter();
  e.addRecipient(recipient);
  return e.encrypt(plaintext);
}

async function typageDecrypt(identity, file) {
  const d = new age.Decrypter();
  d.addIdentity(identity);
  return Buffer.from(await d.decrypt(file));
}

function recipientOfCard(identityFile) {
  const card = sealbill(["card", "-i", identityFile]).toString();
  const match = card.match(/^recipient: (age1[a-z0-9]+)$/m);
  assert.ok(match, `no recipient line in card output:\n${card}`);
  return match[1];
}

test("typage encrypts, sealbill decrypt reads it (binary and armored)", async () => {
  const identity = await age.generateIdentity();
  const recipient = await age.identityToRecipient(identity);
  assert.match(identity, /^AGE-SECRET-KEY-1[0-9A-Z]+$/);
  const idFile = await writeAgeIdentityFile("typage-identity.txt", identity);
  const otherFile = await writeAgeIdentityFile("other-identity.txt", await age.generateIdentity());

  for (const size of [0, 100, 70000]) {
    const plain = randomBytes(size);
    const binary = await typageEncrypt(recipient, plain);
    const armored = age.armor.encode(binary);
    assert.ok(armored.startsWith("-----BEGIN AGE ENCRYPTED FILE-----\n"));

    for (const [kind, bytes] of [
      ["binary", binary],
      ["armored", Buffer.from(armored)],
    ]) {
      const what = `size ${size} ${kind}`;
      const input = path.join(dir, `typage-${size}-${kind}.age`);
      fs.writeFileSync(input, bytes);
      assertSameBytes(sealbill(["decrypt", "-i", idFile, input]), plain, what);
      // Standard input works the same.
      assertSameBytes(sealbill(["decrypt", "-i", idFile], { input: bytes }), plain, `${what} stdin`);
      // A key the file was not encrypted to is refused, and nothing is printed.
      sealbillFails(["decrypt", "-i", otherFile, input]);
    }

    // A flipped payload byte is caught.
    if (size > 0) {
      const tampered = Buffer.from(binary);
      tampered[tampered.length - 1] ^= 1;
      const input = path.join(dir, `typage-${size}-tampered.age`);
      fs.writeFileSync(input, tampered);
      sealbillFails(["decrypt", "-i", idFile, input], plain);
      // With -o, nothing is left behind: the output is staged and removed on failure.
      const outDir = fs.mkdtempSync(path.join(dir, "out-"));
      const output = path.join(outDir, "plain.bin");
      sealbillFails(["decrypt", "-i", idFile, "-o", output, input]);
      assert.deepEqual(fs.readdirSync(outDir), [], "no output file after a failure");
    }
  }
});

test("sealbill seal to a typage recipient, typage decrypts the envelope", async () => {
  const sender = path.join(dir, "sender.sealbill");
  execFileSync(BIN, ["keygen", "--name", "Acme GmbH", "-o", sender], { stdio: "pipe" });
  const clientIdentity = await age.generateIdentity();
  const clientRecipient = await age.identityToRecipient(clientIdentity);
  const clientFile = await writeAgeIdentityFile("client-identity.txt", clientIdentity);
  const stranger = await age.generateIdentity();
  const invoice = path.join(dir, "INV-2024-042.xml");
  fs.writeFileSync(invoice, INVOICE_XML);

  for (const armor of [false, true]) {
    const envelope = path.join(dir, `INV-2024-042${armor ? ".age.asc" : ".age"}`);
    sealbill([
      "seal",
      "-i",
      sender,
      "--to",
      clientRecipient,
      ...(armor ? ["--armor"] : []),
      "-o",
      envelope,
      invoice,
    ]);
    const text = fs.readFileSync(envelope);
    const file = armor ? age.armor.decode(text.toString()) : new Uint8Array(text);
    if (armor) assert.ok(text.toString().startsWith("-----BEGIN AGE ENCRYPTED FILE-----\n"));
    else assert.ok(text.subarray(0, 22).equals(Buffer.from("age-encryption.org/v1\n")));

    const plain = await typageDecrypt(clientIdentity, file);
    assert.ok(plain.subarray(0, MAGIC.length).equals(MAGIC), "payload magic");
    assert.ok(plain.includes(INVOICE_XML), "invoice bytes in the payload");

    // Someone else's typage key cannot read it.
    await assert.rejects(typageDecrypt(stranger, file));

    // The client's plain age identity file opens and verifies it with sealbill, too.
    const out = path.join(dir, `opened-${armor}`);
    const report = sealbill(["open", "-i", clientFile, envelope, "-o", out]).toString();
    assert.ok(report.includes(`verified: invoice ${INVOICE_NUMBER} from Acme GmbH`), report);
    assertSameBytes(fs.readFileSync(path.join(out, "INV-2024-042.xml")), INVOICE_XML, "opened");

    // The sender is always a recipient: its identity file reads the envelope as plain age.
    const senderPlain = sealbill(["decrypt", "-i", sender, envelope]);
    assertSameBytes(senderPlain, plain, "sender's decryption");
  }
});

test("typage encrypts to a sealbill identity's recipient, sealbill decrypt reads it", async () => {
  const sender = path.join(dir, "sender2.sealbill");
  const other = path.join(dir, "other.sealbill");
  const keygenOut = sealbill(["keygen", "--name", "Acme GmbH", "-o", sender]).toString();
  sealbill(["keygen", "--name", "Other", "-o", other]);
  const recipient = recipientOfCard(sender);
  assert.ok(keygenOut.includes(`recipient: ${recipient}`), "keygen and card agree");
  assert.notEqual(recipientOfCard(other), recipient);

  for (const size of [0, 100, 70000]) {
    const plain = randomBytes(size);
    const binary = await typageEncrypt(recipient, plain);
    for (const [kind, bytes] of [
      ["binary", binary],
      ["armored", Buffer.from(age.armor.encode(binary))],
    ]) {
      const input = path.join(dir, `to-sealbill-${size}-${kind}.age`);
      fs.writeFileSync(input, bytes);
      assertSameBytes(
        sealbill(["decrypt", "-i", sender, input]),
        plain,
        `size ${size} ${kind}`,
      );
      sealbillFails(["decrypt", "-i", other, input]);
    }
  }
});
