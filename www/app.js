// The page's entry: a link in the address opens an invoice (the client's side); otherwise
// the business's side starts. The client's path loads the crypto module only; the business's
// path also loads the e-invoice module, for the form.

import initCrypto from "/pkg/sealbill.js";
import { say } from "/dom.js";

const business = () => Promise.all([import("/business.js"), import("/pkg/invoice/sealbill_invoice.js")])
  .then(async ([flow, invoice]) => {
    await invoice.default();
    return flow.startBusiness;
  });

async function main() {
  const flow = location.hash.length > 1 ? import("/open.js").then((m) => m.startOpen) : business();
  const [start] = await Promise.all([flow, initCrypto()]);
  await start();
  document.getElementById("print").addEventListener("click", () => window.print());
  // A link pasted into this tab starts over, so that no state crosses between the two sides.
  addEventListener("hashchange", () => location.reload());
  document.body.dataset.ready = "true";
}

main().catch((error) => say(`This page could not start: ${error.message}`, "error"));
