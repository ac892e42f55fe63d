// The page's entry: a link in the address opens an invoice, and `#inbox` shows the invoices
// this device received (the client's side); otherwise the business's side starts. The client's
// path starts the e-invoice module (rules, name checks) once the crypto module is ready; the
// business's path loads both at once, for the form.
//
// Every file is pinned by the relay that served this page (Subresource Integrity): the import
// map's `integrity` section holds each file's hash, which the browser checks for every module
// it imports, and the wasm modules are fetched here with theirs. A file that differs from its
// hash, changed on the way or in a cache, is refused, and the page says so instead of running.

/** A module with one simd128 instruction: valid only where WebAssembly SIMD is supported. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
/** The crypto module's wasm: the simd128 build, or the compat build where SIMD is missing. */
const cryptoWasm = WebAssembly.validate(SIMD_PROBE) ? "/pkg/sealbill_bg.wasm" : "/pkg/sealbill_compat_bg.wasm";
const INVOICE_WASM = "/pkg/invoice/sealbill_invoice_bg.wasm";

/** Each file's SRI hash, by path, from the import map the relay wrote into this page. */
const PINNED = JSON.parse(document.querySelector("script[type=importmap]")?.textContent || "{}").integrity ?? {};

/** Said when a file is refused or missing, in plain English: the page's texts may be the file. */
const NOT_LOADED = "This page could not start: its files do not match the ones this server pinned "
  + "(changed on the way or in a cache), or did not load. Reload the page; if this stays, do not "
  + "use it, and tell whoever runs this server.";

/** Fetches a wasm module, refused by the browser unless its bytes match their pinned hash. */
function fetchPinned(path) {
  const integrity = PINNED[path];
  return integrity ? fetch(path, { integrity }) : Promise.reject(new Error(`${path} has no pinned hash`));
}

/** Shows that the page did not load, without the modules that may be what failed. */
function notLoaded(error) {
  const status = document.getElementById("status");
  status.textContent = NOT_LOADED;
  status.dataset.kind = "error";
  console.error(error);
}

/** The page's own text follows the language; the header's choice switches it. */
function languages({ $ }, { LANGUAGES, language, setLanguage, translateStatic }) {
  translateStatic();
  const choice = $("language");
  choice.replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  choice.value = language();
  choice.addEventListener("change", () => setLanguage(choice.value));
}

/**
 * Loads the modules and both wasm modules, and returns the flow to start; rejects if a file is
 * refused or missing. The e-invoice module's initialisation is claimed here, before any flow
 * runs, so that the modules' own later `default()` calls share this checked fetch. Should that
 * fetch fail, the initialisation waits forever rather than fail: a failed one would let the next
 * caller fetch the file again, unchecked.
 */
async function load() {
  const [dom, i18n, crypto, invoice] = await Promise.all([import("/dom.js"), import("/i18n.js"),
    import("/pkg/sealbill.js"), import("/pkg/invoice/sealbill_invoice.js")]);
  languages(dom, i18n);
  const client = location.hash.length > 1;
  const cryptoReady = crypto.default({ module_or_path: fetchPinned(cryptoWasm) });
  const invoiceWasm = client ? cryptoReady.then(() => fetchPinned(INVOICE_WASM)) : fetchPinned(INVOICE_WASM);
  const invoiceReady = invoice.default({ module_or_path: invoiceWasm.catch(() => new Promise(() => {})) });
  const flow = location.hash === "#inbox" ? import("/client.js").then((m) => m.startInbox)
    : client ? import("/open.js").then((m) => m.startOpen)
    : import("/business.js").then(async (m) => { await invoiceWasm; await invoiceReady; return m.startBusiness; });
  if (client) invoiceWasm.catch(notLoaded);
  const [start] = await Promise.all([flow, cryptoReady]);
  return { start, say: dom.say, msg: i18n.msg };
}

async function main() {
  let page;
  try {
    page = await load();
  } catch (error) {
    notLoaded(error);
    return;
  }
  const { start, say, msg } = page;
  try {
    await start();
  } catch (error) {
    say(msg("This page could not start: {reason}", { reason: error.message }), "error");
    return;
  }
  document.getElementById("print").addEventListener("click", () => window.print());
  // A link pasted into this tab starts over, so that no state crosses between the two sides.
  addEventListener("hashchange", () => location.reload());
  document.body.dataset.ready = "true";
}

main();
