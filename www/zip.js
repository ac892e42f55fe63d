// A ZIP writer (PKWARE APPNOTE 6.3.10), store-only: every file goes in as it is, with its
// CRC-32, so that any unzip tool opens the archive and checks each file. Names are UTF-8
// (general purpose flag bit 11). No ZIP64: at most 65,535 files and 4 GiB in all.

const LIMIT = 0xffffffff;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** The CRC-32 (ISO-HDLC, as in ZIP and gzip) of bytes. */
export function crc32(data) {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** MS-DOS date and time fields (two-second steps, 1980 to 2107), read in UTC. */
function dosDateTime(date) {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/** A path inside the archive: relative, `/`-separated, without empty, `.` or `..` parts. */
function checkName(name, seen) {
  const parts = name.split("/");
  if (!name || name.includes("\\") || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw Object.assign(new Error(`"${name}" cannot be a file name in a ZIP archive`), { code: "ZIP_BAD_NAME", file: name });
  }
  if (seen.has(name)) throw Object.assign(new Error(`"${name}" is twice in the ZIP archive`), { code: "ZIP_DUPLICATE_NAME", file: name });
  seen.add(name);
}

function header(size) {
  const bytes = new Uint8Array(size);
  return { bytes, view: new DataView(bytes.buffer) };
}

/**
 * A store-only ZIP archive of `files` (`{ name, data: Uint8Array, modified: Date }`, in this
 * order) as a Blob. Throws on a name that is not a plain relative path, on a repeated name, and
 * past the limits of a ZIP without ZIP64.
 */
export function zip(files) {
  if (files.length > 0xffff) throw Object.assign(new Error("a ZIP archive without ZIP64 holds at most 65,535 files"), { code: "ZIP_TOO_MANY_FILES" });
  const encoder = new TextEncoder();
  const seen = new Set();
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, data, modified } of files) {
    checkName(name, seen);
    const encoded = encoder.encode(name);
    const crc = crc32(data);
    const { time, date } = dosDateTime(modified);
    const local = header(30 + encoded.length);
    local.view.setUint32(0, 0x04034b50, true); // local file header signature
    local.view.setUint16(4, 10, true); // version needed: 1.0, stored
    local.view.setUint16(6, 0x0800, true); // the name is UTF-8
    local.view.setUint16(8, 0, true); // method: stored
    local.view.setUint16(10, time, true);
    local.view.setUint16(12, date, true);
    local.view.setUint32(14, crc, true);
    local.view.setUint32(18, data.length, true); // compressed size
    local.view.setUint32(22, data.length, true); // uncompressed size
    local.view.setUint16(26, encoded.length, true);
    local.view.setUint16(28, 0, true); // no extra field
    local.bytes.set(encoded, 30);

    const entry = header(46 + encoded.length);
    entry.view.setUint32(0, 0x02014b50, true); // central directory header signature
    entry.view.setUint16(4, 20, true); // version made by: 2.0, MS-DOS attributes
    entry.view.setUint16(6, 10, true);
    entry.view.setUint16(8, 0x0800, true);
    entry.view.setUint16(10, 0, true);
    entry.view.setUint16(12, time, true);
    entry.view.setUint16(14, date, true);
    entry.view.setUint32(16, crc, true);
    entry.view.setUint32(20, data.length, true);
    entry.view.setUint32(24, data.length, true);
    entry.view.setUint16(28, encoded.length, true);
    // Extra field, comment, disk number, internal and external attributes: all zero.
    entry.view.setUint32(42, offset, true); // where the local header starts
    entry.bytes.set(encoded, 46);

    parts.push(local.bytes, data);
    central.push(entry.bytes);
    offset += local.bytes.length + data.length;
    if (offset > LIMIT) throw Object.assign(new Error("a ZIP archive without ZIP64 holds at most 4 GiB"), { code: "ZIP_TOO_LARGE" });
  }
  const centralSize = central.reduce((sum, e) => sum + e.length, 0);
  if (offset + centralSize > LIMIT) throw Object.assign(new Error("a ZIP archive without ZIP64 holds at most 4 GiB"), { code: "ZIP_TOO_LARGE" });
  const end = header(22);
  end.view.setUint32(0, 0x06054b50, true); // end of central directory signature
  end.view.setUint16(8, files.length, true); // entries on this disk
  end.view.setUint16(10, files.length, true); // entries in all
  end.view.setUint32(12, centralSize, true);
  end.view.setUint32(16, offset, true); // where the central directory starts
  return new Blob([...parts, ...central, end.bytes], { type: "application/zip" });
}
