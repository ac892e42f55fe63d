// The Chromium bench page's script, bundled by esbuild with the peers into /bench.js. The
// sealbill module is the real pkg/ (served at /pkg/), loaded the way www/ loads it.
import { runSuite, streamMemory } from "../lib/suite.mjs";

async function loadSealbill() {
  const url = "/pkg/sealbill.js";
  const sb = await import(/* @vite-ignore */ url);
  const exports = await sb.default({ module_or_path: "/pkg/sealbill_bg.wasm" });
  return { sb, exports };
}

function log(message) {
  document.getElementById("log").textContent += message + "\n";
  console.log(`[chromium] ${message}`);
}

window.runBench = async (cfg) => {
  const { sb } = await loadSealbill();
  return runSuite(sb, cfg, log);
};

// Run in a fresh page: the growth of wasm memory and of the JS heap (precise with
// --enable-precise-memory-info).
// With forceGc, window.gc (--js-flags=--expose-gc) runs before each sample.
// Staged bytes in an OPFS file, written as they come and read back 64 KiB at a time.
async function opfsStaging() {
  const root = await navigator.storage.getDirectory();
  const name = `staged-${crypto.randomUUID()}`;
  const handle = await root.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  let file = null;
  let at = 0;
  return {
    where: "an OPFS file",
    write: (bytes) => writable.write(bytes),
    async read() {
      if (!file) {
        await writable.close();
        file = await handle.getFile();
      }
      if (at >= file.size) return null;
      const piece = new Uint8Array(await file.slice(at, at + 64 * 1024).arrayBuffer());
      at += piece.length;
      return piece;
    },
    remove: () => root.removeEntry(name),
  };
}

window.runMemory = async (forceGc, inside) => {
  const { sb, exports } = await loadSealbill();
  const heap = () => (performance.memory ? performance.memory.usedJSHeapSize : 0);
  const staging = inside ? null : await opfsStaging();
  try {
    return { ...(await streamMemory(sb, exports.memory, heap, { forceGc, staging })), extraKind: "JS heap (performance.memory.usedJSHeapSize)" };
  } finally {
    await staging?.remove();
  }
};

window.benchReady = true;
