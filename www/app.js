// The page's entry: a link in the address opens an invoice (the client's side); otherwise
// the business's side starts. Both wasm modules load in parallel.

import initCrypto from "/pkg/sealbill.js";
import initInvoice from "/pkg/invoice/sealbill_invoice.js";
import { say } from "/dom.js";
import { startOpen } from "/open.js";
import { startBusiness } from "/business.js";

async function main() {
  await Promise.all([initCrypto(), initInvoice()]);
  if (location.hash.length > 1) startOpen();
  else await startBusiness();
  document.getElementById("print").addEventListener("click", () => window.print());
  // A link pasted into this tab starts over, so that no state crosses between the two sides.
  addEventListener("hashchange", () => location.reload());
  document.body.dataset.ready = "true";
}

main().catch((error) => say(`This page could not start: ${error.message}`, "error"));
