// The page's ZIP and CSV writers (www/zip.js, www/csv.js) under Node, each checked by an
// independent reader: Python's zipfile and `unzip -t` for the archives, Python's csv module
// for the index text.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zip, crc32 } from "../../www/zip.js";
import { csv } from "../../www/csv.js";

const python = (script, ...args) => execFileSync("python3", ["-c", script, ...args], { encoding: "utf8" });
/** Python reading bytes from its standard input. */
const pythonOn = (input, script) => execFileSync("python3", ["-c", script], { input, encoding: "utf8" });

async function written(files) {
  const path = join(mkdtempSync(join(tmpdir(), "sealbill-zip-")), "test.zip");
  writeFileSync(path, new Uint8Array(await zip(files).arrayBuffer()));
  return path;
}

/** What Python's zipfile reads back: testzip(), and per entry its name, method, CRC, date and bytes. */
function readBack(path) {
  return JSON.parse(python([
    "import json, sys, zipfile",
    "z = zipfile.ZipFile(sys.argv[1])",
    "print(json.dumps({'bad': z.testzip(), 'entries': [{'name': i.filename, 'method': i.compress_type,",
    "  'crc': i.CRC, 'date': list(i.date_time), 'utf8': bool(i.flag_bits & 0x800),",
    "  'data': z.read(i).hex()} for i in z.infolist()]}))"].join("\n"), path));
}

describe("the ZIP writer", () => {
  it("computes CRC-32 as zlib does", () => {
    assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926); // the check value
    assert.equal(crc32(new Uint8Array()), 0);
    const data = randomBytes(100_003);
    assert.equal(crc32(data), Number(pythonOn(data, "import sys, zlib; print(zlib.crc32(sys.stdin.buffer.read()))")));
  });

  it("writes an archive that zipfile and unzip read back byte for byte", async () => {
    const modified = new Date(Date.UTC(2026, 11, 3, 9, 41, 30));
    const files = [
      { name: "index.csv", data: new TextEncoder().encode("a,b\r\n"), modified },
      { name: "2026-0001_abc/invoice-2026-0001.xml", data: new TextEncoder().encode("<Invoice/>"), modified },
      { name: "2026-0001_abc.age", data: randomBytes(70_000), modified },
      { name: "2026-0001_abc/Straße größe €.pdf", data: randomBytes(513), modified },
      { name: "empty.txt", data: new Uint8Array(), modified },
    ];
    const path = await written(files);
    const { bad, entries } = readBack(path);
    assert.equal(bad, null, "testzip() finds no bad CRC");
    assert.deepEqual(entries.map((e) => e.name), files.map((f) => f.name));
    for (const [i, e] of entries.entries()) {
      assert.equal(e.method, 0, "stored, not compressed");
      assert.equal(e.utf8, true);
      assert.equal(e.crc, crc32(files[i].data));
      assert.equal(e.data, Buffer.from(files[i].data).toString("hex"));
      assert.deepEqual(e.date, [2026, 12, 3, 9, 41, 30]);
    }
    const tested = execFileSync("unzip", ["-t", path], { encoding: "utf8" });
    assert.match(tested, /No errors detected/);
  });

  it("writes an empty archive that zipfile accepts", async () => {
    assert.deepEqual(readBack(await written([])), { bad: null, entries: [] });
  });

  it("refuses names that would leave the folder, and repeated names", () => {
    const data = new Uint8Array([1]);
    const modified = new Date();
    for (const name of ["", "../evil", "a/../../b", "/etc/passwd", "a\\b", "a//b", "./a", "dir/"]) {
      assert.throws(() => zip([{ name, data, modified }]), /cannot be a file name/, name);
    }
    assert.throws(() => zip([{ name: "a", data, modified }, { name: "a", data, modified }]), /twice/);
  });
});

/** The rows Python's csv module reads from the text. */
const parsed = (text) => JSON.parse(python(
  "import csv, io, json, sys; print(json.dumps(list(csv.reader(io.StringIO(sys.argv[1], newline='')))))", text));

describe("the CSV writer", () => {
  it("quotes as RFC 4180 says, and Python's csv reads the same cells back", () => {
    const rows = [
      ["Number", "Client", "Total"],
      ["2026-0001", 'Beispiel "Nord" AG, Hamburg', "2275.88"],
      ["2026-0002", "line one\nline two", ""],
      ["2026-0003", "Café Straße", undefined],
      ["2026-0004", "carriage\r\nreturn", null],
    ];
    const text = csv(rows);
    assert.ok(text.endsWith("\r\n"));
    assert.equal(text.split("\r\n")[1], '2026-0001,"Beispiel ""Nord"" AG, Hamburg",2275.88');
    assert.deepEqual(parsed(text), rows.map((r) => r.map((c) => c ?? "")));
  });

  it("guards every cell a spreadsheet would run as a formula", () => {
    const hostile = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "=1,2"];
    const [row] = parsed(csv([hostile]));
    assert.deepEqual(row, hostile.map((c) => `'${c}`));
    // Text that only contains such characters later is left alone.
    assert.deepEqual(parsed(csv([["a=b", "1-2", "x@y.example"]])), [["a=b", "1-2", "x@y.example"]]);
  });
});
