// What a wasm module's bytes are made of: code bytes per Rust crate (from the function names
// in the "name" section of cargo's output, before wasm-bindgen strips it) and data bytes.
//
//   node bench/lib/wasm-breakdown.mjs FILE.wasm     prints JSON
import { readFileSync } from "node:fs";

function leb(buf, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [result, pos];
}

// The crate a (legacy-mangled) Rust symbol belongs to; for trait impls, the implementing type's.
export function crateOf(name) {
  let s = name;
  if (s.startsWith("__wbg") || s.startsWith("__wbindgen") || s.startsWith("__externref")) return "wasm-bindgen glue";
  if (/^(memcpy|memset|memmove|memcmp|__rust|__rdl|__rg|__multi3|__udivti3|__ashlti3|__lshrti3)/.test(s)) return "compiler-builtins";
  if (s.startsWith("_ZN")) {
    // Legacy mangling (cargo's output): the first path segment.
    s = s.slice(3);
    const m = s.match(/^(\d+)/);
    if (m) s = s.slice(m[1].length, m[1].length + Number(m[1]));
    s = s.replace(/^_?\$LT\$/, "").replace(/^\$RF\$/, "").replace(/^mut\$u20\$/, "");
    return s.split(/\.\.|\$/)[0] || "other";
  }
  // Demangled (wasm-bindgen's output): `<&mut crate[hash]::Type as …>::f` or `crate::f`.
  s = s.replace(/^(<|&|mut |dyn |\(|\[)+/, "");
  if (!s.includes("::")) return "other";
  const crate = s.split("::")[0].replace(/\[[0-9a-f]+\]$/, "");
  return crate.includes(" ") || crate.includes(">") ? "generic impls" : crate;
}

export function breakdown(file) {
  const buf = readFileSync(file);
  let pos = 8;
  let imported = 0;
  const bodies = [];
  const names = new Map();
  let data = 0;
  const sections = {};
  while (pos < buf.length) {
    const id = buf[pos++];
    let size;
    [size, pos] = leb(buf, pos);
    const end = pos + size;
    if (id === 2) {
      let n, p = pos;
      [n, p] = leb(buf, p);
      for (let i = 0; i < n; i++) {
        let len;
        [len, p] = leb(buf, p); p += len;
        [len, p] = leb(buf, p); p += len;
        const kind = buf[p++];
        if (kind === 0) { [, p] = leb(buf, p); imported++; }
        else if (kind === 1) { p++; const f = buf[p++]; [, p] = leb(buf, p); if (f & 1) [, p] = leb(buf, p); }
        else if (kind === 2) { const f = buf[p++]; [, p] = leb(buf, p); if (f & 1) [, p] = leb(buf, p); }
        else if (kind === 3) { p += 2; }
      }
    } else if (id === 10) {
      let n, p = pos;
      [n, p] = leb(buf, p);
      for (let i = 0; i < n; i++) {
        let len;
        const start = p;
        [len, p] = leb(buf, p);
        p += len;
        bodies.push(p - start);
      }
    } else if (id === 11) {
      data = size;
    } else if (id === 0) {
      let len, p = pos;
      [len, p] = leb(buf, p);
      const name = buf.subarray(p, p + len).toString();
      p += len;
      if (name === "name") {
        while (p < end) {
          const sub = buf[p++];
          let subSize;
          [subSize, p] = leb(buf, p);
          const subEnd = p + subSize;
          if (sub === 1) {
            let n;
            [n, p] = leb(buf, p);
            for (let i = 0; i < n; i++) {
              let idx, l;
              [idx, p] = leb(buf, p);
              [l, p] = leb(buf, p);
              names.set(idx, buf.subarray(p, p + l).toString());
              p += l;
            }
          }
          p = subEnd;
        }
      }
      sections[`custom:${name}`] = size;
    }
    sections[id] = (sections[id] ?? 0) + size;
    pos = end;
  }
  const crates = {};
  bodies.forEach((b, i) => {
    const c = crateOf(names.get(i + imported) ?? "");
    crates[c] = (crates[c] ?? 0) + b;
  });
  const code = bodies.reduce((a, b) => a + b, 0);
  return { file, code, data, functions: bodies.length, crates: Object.entries(crates).sort((a, b) => b[1] - a[1]) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(breakdown(process.argv[2]), null, 1));
}
