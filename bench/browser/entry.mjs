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
window.runMemory = async (forceGc) => {
  const { sb, exports } = await loadSealbill();
  const heap = () => (performance.memory ? performance.memory.usedJSHeapSize : 0);
  return { ...streamMemory(sb, exports.memory, heap, { forceGc }), extraKind: "JS heap (performance.memory.usedJSHeapSize)" };
};

window.benchReady = true;
