// The page's own modules (www/) in Node, without a browser: they import each other by absolute
// path ("/i18n.js"), which a loader hook resolves into www/ here, and i18n.js finds the little
// of a browser it reads at load (English, as Playwright's default).
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { ROOT } from "./harness.mjs";

const WWW = pathToFileURL(join(ROOT, "www/")).href;
register(`data:text/javascript,${encodeURIComponent(`
  export async function resolve(specifier, context, next) {
    if (/^\\/[\\w/-]+\\.js$/.test(specifier)) return next(new URL(specifier.slice(1), ${JSON.stringify(WWW)}).href, context);
    return next(specifier, context);
  }`)}`);
globalThis.navigator ??= { languages: ["en-US"] };
globalThis.document ??= { documentElement: {} };
globalThis.addEventListener ??= () => {};
globalThis.dispatchEvent ??= () => {};

/** A module of the page by its file name in www/, such as "numbers.js". */
export const pageModule = (name) => import(new URL(name, WWW).href);
