// Building DOM nodes without HTML strings: text always goes in as text, never as markup.
// A message (`msg` of /i18n.js) goes in as text that follows the page's language.

import { Message, setAttributeMessage, t, textNode } from "/i18n.js";

/**
 * An element with attributes (`class`, `for`, `data-*`, …; `on*` functions become listeners).
 * Children and attribute values may be messages.
 */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false || value === null) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (value instanceof Message) setAttributeMessage(node, name, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false && c !== "")
    .map((c) => (c instanceof Message ? textNode(c) : c)));
  return node;
}

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** Shows exactly one of the top-level screens (sections with class `screen`). */
export function show(id) {
  for (const section of document.querySelectorAll("section.screen")) section.hidden = section.id !== id;
  const heading = $(id)?.querySelector("h2");
  heading?.setAttribute("tabindex", "-1");
  heading?.focus({ preventScroll: false });
}

/** Sets the status line to a text or a message; `kind` is "info", "ok" or "error". */
export function say(text, kind = "info") {
  const status = $("status");
  status.replaceChildren(text instanceof Message ? textNode(text) : text);
  status.dataset.kind = kind;
}

/** Sets an element's text to a message (kept in the page's language) or a plain text. */
export function setText(element, text) {
  element.replaceChildren(text instanceof Message ? textNode(text) : text ?? "");
}

/**
 * A download link for bytes. The blob is always typed as opaque bytes, whatever the sender
 * declared, so that a document can never be rendered as a page of this origin.
 */
export function downloadLink(name, data, label = name) {
  const href = URL.createObjectURL(new Blob([data], { type: "application/octet-stream" }));
  return h("a", { href, download: name, class: "button" }, label);
}
