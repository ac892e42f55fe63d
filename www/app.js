// The page's entry: a link in the address opens an invoice, and `#inbox` shows the invoices
// this device received (the client's side); otherwise the business's side starts. The client's
// path loads the crypto module first and the e-invoice module (rules, name checks) after it;
// the business's path loads both at once, for the form.

import initCrypto from "/pkg/sealbill.js";
import { $, say } from "/dom.js";
import { LANGUAGES, language, msg, setLanguage, translateStatic } from "/i18n.js";

/** A module with one simd128 instruction: valid only where WebAssembly SIMD is supported. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
/** The crypto module's wasm: the simd128 build, or the compat build where SIMD is missing. */
const cryptoWasm = WebAssembly.validate(SIMD_PROBE) ? "/pkg/sealbill_bg.wasm" : "/pkg/sealbill_compat_bg.wasm";

const business = () => Promise.all([import("/business.js"), import("/pkg/invoice/sealbill_invoice.js")])
  .then(async ([flow, invoice]) => {
    await invoice.default();
    return flow.startBusiness;
  });

/** The page's own text follows the language; the header's choice switches it. */
function languages() {
  translateStatic();
  const choice = $("language");
  choice.replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  choice.value = language();
  choice.addEventListener("change", () => setLanguage(choice.value));
}

async function main() {
  languages();
  const flow = location.hash === "#inbox" ? import("/client.js").then((m) => m.startInbox)
    : location.hash.length > 1 ? import("/open.js").then((m) => m.startOpen) : business();
  const [start] = await Promise.all([flow, initCrypto({ module_or_path: cryptoWasm })]);
  await start();
  document.getElementById("print").addEventListener("click", () => window.print());
  // A link pasted into this tab starts over, so that no state crosses between the two sides.
  addEventListener("hashchange", () => location.reload());
  document.body.dataset.ready = "true";
}

main().catch((error) => say(msg("This page could not start: {reason}", { reason: error.message }), "error"));
