// The page's two languages, German and English. The English text is the key, as with gettext:
// the German catalogues (/i18n/de-*.js) map it to its translation. Text written through this
// module (messages from `msg`, and the page's own static text) is translated again when the
// reader switches language. Numbers, money and dates are formatted with the platform's Intl.

import common from "/i18n/de-common.js";
import business from "/i18n/de-business.js";
import form from "/i18n/de-form.js";
import client from "/i18n/de-client.js";

/** The languages the page speaks. */
export const LANGUAGES = { en: "English", de: "Deutsch" };
const GERMAN = Object.assign({}, common, business, form, client);
const STORED = "sealbill-language";

/** A message to show: its English text (the key) and the values of its `{name}` placeholders. */
export class Message {
  constructor(key, values = {}) {
    this.key = key;
    this.values = values;
  }

  toString() {
    return t(this.key, this.values);
  }
}

/** A message, translated whenever it is shown and again when the language changes. */
export const msg = (key, values) => new Message(key, values);

function chosen() {
  let stored;
  try {
    stored = localStorage.getItem(STORED);
  } catch {
    stored = null;
  }
  if (stored in LANGUAGES) return stored;
  const preferred = (navigator.languages ?? [navigator.language]).map((l) => l.slice(0, 2).toLowerCase());
  return preferred.find((l) => l in LANGUAGES) ?? "en";
}

let current = chosen();
/** Keys asked for in German that have no translation (the tests read this). */
export const missing = new Set();

/** The current language: "de" or "en". */
export const language = () => current;

/**
 * The locale for formatting: the browser's own when it speaks the current language (so an
 * en-US reader gets US dates), else German as in Germany, English as in Britain.
 */
export function locale() {
  const own = (navigator.languages ?? [navigator.language]).find((l) => l.slice(0, 2).toLowerCase() === current);
  return own ?? (current === "de" ? "de-DE" : "en-GB");
}

const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, name) =>
  name in values ? String(values[name]) : whole);

/** The text of `key` in the current language, with `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  let text = key;
  if (current === "de") {
    if (Object.hasOwn(GERMAN, key)) text = GERMAN[key];
    else missing.add(key);
  }
  // A value that is itself a message is translated too.
  const filled = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v instanceof Message ? String(v) : v]));
  return fill(text, filled);
}

// Nodes and attributes whose text is a message, to translate again on a switch. Weak, so that
// removed nodes are not kept alive; dropped from the list once collected.
const live = new Set();
const ATTRIBUTES = ["placeholder", "title", "aria-label", "alt"];

function render(entry) {
  const { node, attribute, message, before = "", after = "" } = entry;
  const target = node.deref();
  if (!target) return false;
  const text = before + String(message) + after;
  if (attribute) target.setAttribute(attribute, text);
  else target.data = text;
  return true;
}

// The form redraws its problems on every keystroke: entries of collected nodes are dropped
// once the list has doubled since the last sweep, so it stays proportional to the live page.
let sweepAt = 1024;
function track(entry) {
  live.add(entry);
  render(entry);
  if (live.size < sweepAt) return;
  for (const e of live) if (!e.node.deref()) live.delete(e);
  sweepAt = Math.max(1024, live.size * 2);
}

/** A text node showing `message`, kept in the current language. */
export function textNode(message) {
  const node = document.createTextNode("");
  track({ node: new WeakRef(node), message });
  return node;
}

/** Sets an attribute of `element` to `message`, kept in the current language. */
export function setAttributeMessage(element, attribute, message) {
  track({ node: new WeakRef(element), attribute, message });
}

/** Marks the static text of `root` (the page's HTML) as messages: its English text is the key. */
export function translateStatic(root = document.documentElement) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      const parent = node.parentElement?.localName;
      if (parent === "script" || parent === "style" || node.parentElement?.closest("[data-no-translate]")) continue;
      const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(node.data);
      if (!/\p{L}/u.test(m[2])) continue;
      track({ node: new WeakRef(node), message: msg(m[2].replace(/\s+/g, " ")), before: m[1], after: m[3] });
    } else {
      for (const attribute of ATTRIBUTES) {
        const value = node.getAttribute(attribute);
        if (value && /\p{L}/u.test(value) && !node.closest("[data-no-translate]")) {
          setAttributeMessage(node, attribute, msg(value.replace(/\s+/g, " ").trim()));
        }
      }
    }
  }
}

/** Switches the page to `lang`, remembers the choice, and tells the page's parts to redraw. */
export function setLanguage(lang) {
  if (!(lang in LANGUAGES)) return;
  current = lang;
  try {
    localStorage.setItem(STORED, lang);
  } catch {
    // A browser without storage keeps the choice for this page only.
  }
  document.documentElement.lang = lang;
  for (const entry of live) if (!render(entry)) live.delete(entry);
  dispatchEvent(new CustomEvent("sealbill:language", { detail: lang }));
}

/** Runs `redraw` now and after every language switch (for views drawn from data). */
export function onLanguage(redraw) {
  addEventListener("sealbill:language", () => redraw());
}

document.documentElement.lang = current;

// ---- Formatting with Intl: decimal strings in, text in the reader's locale out ----

// Formatters are costly to make and are asked for on every keystroke of the form: one per
// kind, locale and options.
const formats = new Map();
function format(Kind, options) {
  const key = `${Kind.name} ${locale()} ${JSON.stringify(options)}`;
  if (!formats.has(key)) formats.set(key, new Kind(locale(), options));
  return formats.get(key);
}
const numberFormat = (options) => format(Intl.NumberFormat, options);

const decimals = (text) => (/\.(\d+)$/.exec(String(text))?.[1].length ?? 0);

/**
 * A decimal string as money in the reader's locale: "1.200,00 €" in German, "€1,200.00" in
 * English. At least two decimals, and every decimal the invoice states (a unit price of
 * 0.125 stays exact). Intl formats the decimal string itself, so no float rounding happens.
 */
export function formatMoney(amount, currency) {
  const digits = Math.min(Math.max(decimals(amount), 2), 20);
  try {
    return numberFormat({ style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits })
      .format(amount);
  } catch {
    // A currency code Intl does not know: the number, then the code.
    return `${formatNumber(amount, 2)} ${currency}`;
  }
}

/** A decimal string in the reader's locale ("1.200,5"), with at least `minimum` decimals. */
export function formatNumber(value, minimum = 0) {
  const digits = Math.min(Math.max(decimals(value), minimum), 20);
  return numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** A percentage rate such as "19" or "7.5" as "19 %" / "7,5 %" (German) or "19%" (English). */
export function formatPercent(rate) {
  const digits = Math.min(decimals(rate), 20);
  return numberFormat({ style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits })
    .format(`${rate}e-2`);
}

const DATE_STYLES = {
  numeric: { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" },
  long: { dateStyle: "long", timeZone: "UTC" },
};

/**
 * An ISO date (YYYY-MM-DD) as the reader writes it: "02.12.2026" or "02/12/2026", or with
 * `style` "long", "2. Dezember 2026". Anything else comes back as it was.
 */
export function formatDate(iso, style = "numeric") {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? "");
  if (!m) return iso ?? "";
  return format(Intl.DateTimeFormat, DATE_STYLES[style])
    .format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}
