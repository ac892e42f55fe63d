// The page's QR encoder (www/qr.js) in Node, decoded by an independent reader (npm jsqr):
// every version a GiroCode may need (1 to 13), every mask, byte mode with UTF-8, and the
// capacities of level M.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import jsQR from "jsqr";
import { encodeQr, capacity, qrPath, MAX_VERSION } from "../../www/qr.js";

/** The RGBA pixels of a QR code, `scale` pixels a module, with a quiet zone of four modules. */
export function pixels(qr, scale = 4, margin = 4) {
  const n = (qr.size + 2 * margin) * scale;
  const data = new Uint8ClampedArray(n * n * 4).fill(255);
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      if (!qr.dark[y][x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const p = (((y + margin) * scale + dy) * n + (x + margin) * scale + dx) * 4;
          data[p] = data[p + 1] = data[p + 2] = 0;
        }
      }
    }
  }
  return { data, width: n, height: n };
}

const decode = (qr) => {
  const { data, width, height } = pixels(qr);
  return jsQR(data, width, height, { inversionAttempts: "dontInvert" });
};

/** `length` bytes of UTF-8-ish text, as a GiroCode holds. */
const bytesOf = (length) => new TextEncoder().encode("BCD\n002\n1\nSCT\nMüller & Söhne GmbH\nDE02120300000000202051\nEUR12.30\n".repeat(8)).slice(0, length);

describe("the QR encoder", () => {
  it("level M holds what ISO/IEC 18004 says in byte mode, up to the 331 bytes of a GiroCode", () => {
    assert.deepEqual([...Array(MAX_VERSION).keys()].map((i) => capacity(i + 1)),
      [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331]);
  });

  it("every version from 1 to 13 decodes to the same bytes, in the smallest version that holds them", () => {
    for (let version = 1; version <= MAX_VERSION; version++) {
      for (const length of [capacity(version), version === 1 ? 1 : capacity(version - 1) + 1]) {
        const bytes = bytesOf(length);
        const qr = encodeQr(bytes);
        assert.equal(qr.version, version, `${length} bytes`);
        assert.equal(qr.size, version * 4 + 17);
        const read = decode(qr);
        assert.ok(read, `version ${version}, ${length} bytes: not decoded`);
        assert.equal(read.version, version);
        assert.deepEqual(Uint8Array.from(read.binaryData), bytes, `version ${version}, ${length} bytes`);
      }
    }
  });

  it("every mask decodes", () => {
    const bytes = bytesOf(200);
    for (let mask = 0; mask < 8; mask++) {
      const qr = encodeQr(bytes, { mask });
      assert.equal(qr.mask, mask);
      assert.deepEqual(Uint8Array.from(decode(qr)?.binaryData ?? []), bytes, `mask ${mask}`);
    }
  });

  it("more than version 13 holds is refused with a reason", () => {
    assert.throws(() => encodeQr(new Uint8Array(332)), /332 bytes do not fit/);
  });

  it("the SVG path draws one square per dark module, inside the quiet zone", () => {
    const qr = encodeQr(new TextEncoder().encode("BCD"));
    const squares = qrPath(qr).match(/M(\d+) (\d+)h1v1h-1z/g);
    assert.equal(squares.length, qr.dark.flat().filter(Boolean).length);
    assert.ok(squares.every((s) => {
      const [, x, y] = /M(\d+) (\d+)/.exec(s).map(Number);
      return x >= 4 && y >= 4 && x < qr.size + 4 && y < qr.size + 4;
    }));
  });
});
