// The browser entry point, bundled by Vite: Vite copies the .wasm file as an asset.
import init from "sealbill";
import { runDemo } from "./demo.js";

const status = /** @type {HTMLElement} */ (document.getElementById("status"));
try {
  await init();
  status.textContent = `ok: ${await runDemo()}`;
} catch (e) {
  const error = /** @type {import("sealbill").SealbillError} */ (e);
  status.textContent = `failed: ${error.code ?? ""} ${error.message}`;
}
