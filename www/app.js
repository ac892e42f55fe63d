// The page's entry: a link in the address opens an invoice (the client's side); otherwise
// the business's side starts. Both wasm modules load in parallel.

import initCrypto from "/pkg/sealbill.js";
import initInvoice from "/pkg/invoice/sealbill_invoice.js";
import { say } from "/dom.js";

async function main() {
  // The client's path never loads the business modules.
  const flow = location.hash.length > 1
    ? import("/open.js").then((m) => m.startOpen)
    : import("/business.js").then((m) => m.startBusiness);
  const [start] = await Promise.all([flow, initCrypto(), initInvoice()]);
  await start();
  document.getElementById("print").addEventListener("click", () => window.print());
  // A link pasted into this tab starts over, so that no state crosses between the two sides.
  addEventListener("hashchange", () => location.reload());
  document.body.dataset.ready = "true";
}

main().catch((error) => say(`This page could not start: ${error.message}`, "error"));
