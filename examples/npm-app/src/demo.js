// The example itself, shared by the Node and the browser entry points: a business seals an
// invoice for a client and for a passphrase link, and both open and verify it, once in one
// call and once streamed from a ReadableStream with progress.
import { Identity, Link, OpenStream, SealStream, open, openLink, openReadable, seal, sealReadable } from "sealbill";
/** @typedef {import("sealbill").SealbillError} SealbillError */

const invoiceXml = new TextEncoder().encode(
  '<?xml version="1.0" encoding="UTF-8"?>\n<Invoice><ID>INV-2026-0042</ID><PayableAmount currencyID="EUR">119.00</PayableAmount></Invoice>\n',
);

/** @param {Uint8Array} a @param {Uint8Array} b */
function same(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The bytes of an opened document (`open` and `openLink` always return them).
 * @param {import("sealbill").OpenedDocument} document
 */
function data(document) {
  if (document.data === undefined) throw new Error("an opened document without data");
  return document.data;
}

/** @param {boolean} condition @param {string} what */
function check(condition, what) {
  if (!condition) throw new Error(`example check failed: ${what}`);
}

/**
 * Where a streamed open keeps its staged (encrypted) bytes until the envelope verified: an
 * OPFS file in a browser, so that they stay out of the JS heap; in memory where there is no
 * OPFS (Node; a temporary file would do there too).
 * @returns {Promise<import("sealbill").Staging & { where: string }>}
 */
async function stagingArea() {
  const root = await globalThis.navigator?.storage?.getDirectory?.();
  if (!root) {
    /** @type {Uint8Array[]} */
    const pieces = [];
    let next = 0;
    return { where: "memory", write: (bytes) => void pieces.push(bytes), read: () => pieces[next++] ?? null };
  }
  const name = `staged-${crypto.randomUUID()}`;
  const handle = await root.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  /** @type {File | undefined} */
  let file;
  let at = 0;
  return {
    where: "OPFS",
    // The staged pieces are copies out of wasm memory: plain (not shared) ArrayBuffers.
    write: (bytes) => writable.write(/** @type {Uint8Array<ArrayBuffer>} */ (bytes)),
    async read() {
      if (!file) {
        await writable.close();
        file = await handle.getFile();
      }
      if (at >= file.size) {
        await root.removeEntry(name);
        return null;
      }
      const piece = new Uint8Array(await file.slice(at, at + 64 * 1024).arrayBuffer());
      at += piece.length;
      return piece;
    },
  };
}

/**
 * @param {Uint8Array} bytes
 * @param {number} piece
 * @returns {ReadableStream<Uint8Array>}
 */
function streamOf(bytes, piece) {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + piece));
      at += piece;
    },
  });
}

/** Runs the example; returns a summary, or throws on the first failed check. */
export async function runDemo() {
  const business = Identity.generate("Acme GmbH");
  const client = Identity.generate("Client SARL");
  const invoice = { name: "INV-2026-0042.xml", mediaType: "application/xml", data: invoiceXml };

  const { envelope, link } = seal(business, [invoice], {
    invoiceId: "INV-2026-0042",
    recipients: [client.card()],
    link: { passphrase: "blue fox" },
  });
  const opened = open(client, envelope, { expectSender: business.fingerprint() });
  check(opened.sender.name === "Acme GmbH", "sender name");
  check(same(data(opened.documents[0]), invoiceXml), "invoice bytes");

  check(link !== undefined, "a link was made");
  const url = /** @type {Link} */ (link).url("https://relay.example/open", "AAAAAAAAAAAAAAAAAAAAAA");
  const parsed = Link.parse(url);
  check(parsed.needsPassphrase, "link needs its passphrase");
  let code = "";
  try {
    openLink(parsed, envelope, { passphrase: "red fox" });
  } catch (e) {
    code = /** @type {SealbillError} */ (e).code;
  }
  check(code === "BAD_PASSPHRASE", `wrong passphrase gives BAD_PASSPHRASE, got ${code}`);
  const viaLink = openLink(parsed, envelope, { passphrase: "blue fox" });
  check(same(data(viaLink.documents[0]), invoiceXml), "invoice bytes via the link");

  // Streaming: a 1 MiB attachment, sealed and opened from ReadableStreams.
  const scan = new Uint8Array(1 << 20).map((_, i) => i % 253);
  const sealer = new SealStream(
    business,
    [
      { name: invoice.name, mediaType: invoice.mediaType, size: invoiceXml.length },
      { name: "scan.pdf", mediaType: "application/pdf", size: scan.length },
    ],
    { invoiceId: "INV-2026-0043", recipients: [client.recipient()] },
  );
  const all = new Uint8Array(invoiceXml.length + scan.length);
  all.set(invoiceXml);
  all.set(scan, invoiceXml.length);
  /** @type {Uint8Array[]} */
  const out = [];
  let sealProgress = 0;
  await sealReadable(sealer, streamOf(all, 50_000), (bytes) => out.push(bytes), (done, total) => {
    sealProgress = done / total;
  });
  check(sealProgress === 1, "seal progress reaches 100%");
  const sealed = new Uint8Array(out.reduce((n, b) => n + b.length, 0));
  out.reduce((at, b) => (sealed.set(b, at), at + b.length), 0);

  /** @type {Uint8Array[][]} */
  const parts = [[], []];
  let openProgress = 0;
  const info = await openReadable(
    OpenStream.withIdentity(client, { expectSender: business.fingerprint() }),
    streamOf(sealed, 65_536),
    (index, bytes) => parts[index].push(bytes),
    sealed.length,
    (done, total) => {
      openProgress = done / total;
    },
  );
  check(openProgress === 1, "open progress reaches 100%");
  const scanBack = new Uint8Array(scan.length);
  parts[1].reduce((at, b) => (scanBack.set(b, at), at + b.length), 0);
  check(info.invoiceId === "INV-2026-0043" && same(scanBack, scan), "streamed attachment");

  // The same, with the staged bytes kept outside the JS heap.
  const staging = await stagingArea();
  /** @type {Uint8Array[]} */
  const scanParts = [];
  const again = await openReadable(
    OpenStream.withIdentity(client, { expectSender: business.fingerprint() }),
    streamOf(sealed, 65_536),
    (index, bytes) => void (index === 1 && scanParts.push(bytes)),
    sealed.length,
    undefined,
    staging,
  );
  const stagedBack = new Uint8Array(scan.length);
  scanParts.reduce((at, b) => (stagedBack.set(b, at), at + b.length), 0);
  check(again.invoiceId === "INV-2026-0043" && same(stagedBack, scan), "streamed attachment, staged outside");

  const summary = `sealed and opened ${opened.invoiceId} from ${opened.sender.fingerprint}; streamed ${sealed.length} bytes, staged in ${staging.where}`;
  business.free();
  client.free();
  return summary;
}
