// The browser entry point, bundled by Vite: Vite copies the .wasm file as an asset.
import init from "sealbill";
import { runDemo } from "./demo.js";

const status = document.getElementById("status");
try {
  await init();
  status.textContent = `ok: ${await runDemo()}`;
} catch (e) {
  status.textContent = `failed: ${e.code ?? ""} ${e.message}`;
}
