// The client's side: a link opens an invoice. Nothing is fetched until the reader clicks,
// so link previewers burn nothing. The fragment never leaves the browser.

import { openLink } from "/pkg/sealbill.js";
import { $, h, show, say, downloadLink } from "/dom.js";
import { linkFromLocation } from "/links.js";
import { fetchEnvelope, reportOpened } from "/relay.js";
import { renderInvoice } from "/invoice-view.js";
import { readUbl } from "/ubl.js";
import { assess, trust } from "/trust.js";

/** What each failure means to the reader, and what to do next. */
const FAILURES = {
  BROKEN_LINK: "This link is broken or incomplete. Copy the whole link from the message again, or ask the sender to send it again.",
  NOT_FOUND: "This invoice link has expired or does not exist. Ask the sender for a new link.",
  GONE: "This invoice was revoked by its sender, or it has already been opened as often as allowed. Ask the sender for a new link.",
  UNREACHABLE: "The invoice server cannot be reached. Check your connection and try again in a moment.",
  BAD_PASSPHRASE: "Wrong passphrase. Check it with the sender (by phone, not by email) and try again.",
  TAMPERED: "This invoice was altered after it was sealed, so it is not shown. Do not pay anything on its basis; tell the sender.",
  BAD_SIGNATURE: "The sender's signature on this invoice is not valid, so it is not shown. Do not pay anything on its basis; tell the sender.",
  NOT_FOR_YOU: "This invoice is signed, but it was addressed to someone else and forwarded. Do not pay it; contact the sender.",
  UNEXPECTED_SENDER: "This invoice is signed by an unexpected key. Do not pay it; contact the sender on a number you already know.",
  OTHER: "This invoice cannot be opened. Ask the sender to send it again.",
};

function failureOf(error) {
  switch (error?.code) {
    case "NOT_FOUND": case "GONE": case "UNREACHABLE": case "BAD_PASSPHRASE":
    case "TAMPERED": case "BAD_SIGNATURE": case "NOT_FOR_YOU": case "UNEXPECTED_SENDER":
      return error.code;
    case "TRUNCATED": return "TAMPERED";
    case "WRONG_KEY": case "MALFORMED": case "BAD_ID": return "BROKEN_LINK";
    default: return "OTHER";
  }
}

function fail(error) {
  const code = failureOf(error);
  say(FAILURES[code], "error");
  $("status").dataset.failure = code;
  return code;
}

const TRUST_TEXT = {
  trusted: (since) => `Known sender: you confirmed this fingerprint on ${since}.`,
  new: () => "New sender. Call the sender on a number you already know (not one printed on this invoice) and compare the fingerprint digit by digit before you trust it or pay.",
  unexpected: () => "Unexpected key: this is not the key you confirmed for this sender.",
};

/** Shows who signed, the trust state and the warnings; returns whether anything is off. */
async function renderTrust(sender, invoice) {
  const { state, warnings } = await assess(sender, invoice);
  const panel = $("trust");
  panel.dataset.state = state;
  panel.replaceChildren(...[
    h("p", {}, "Signed by ", h("strong", { "data-test": "sender-name" }, sender.name)),
    h("p", {}, "Fingerprint ", h("code", { class: "fingerprint", "data-test": "fingerprint" }, sender.fingerprint)),
    h("p", { class: "trust-state", "data-test": "trust-state" }, TRUST_TEXT[state]()),
    warnings.map((w) => h("p", { class: "warning", role: "alert", "data-warning": w.code }, w.text)),
    state !== "trusted" && h("button", {
      type: "button",
      onclick: async (e) => {
        await trust(sender, invoice);
        e.target.disabled = true;
        e.target.textContent = "Trusted on this device";
      },
    }, state === "unexpected"
      ? "I called the sender and they confirmed this new key: trust it"
      : "I compared the fingerprint: trust this sender"),
  ].flat().filter(Boolean));
  return state !== "trusted" || warnings.length > 0;
}

function renderDocuments(documents) {
  $("documents").replaceChildren(
    ...documents.map((doc, i) => h("li", {},
      downloadLink(doc.name, doc.data,
        i === 0 ? `Download the signed original (${doc.name})` : `Download ${doc.name}`))));
}

/**
 * Checks the signed invoice against the EN 16931 rules with the e-invoice module, loaded only
 * now: the invoice is on screen before its 300 KB arrive. Broken rules are listed.
 */
async function checkRules(original) {
  const module = await import("/pkg/invoice/sealbill_invoice.js");
  await module.default();
  const read = module.readInvoice(original);
  $("rule-warnings").replaceChildren(
    ...read.problems.filter((p) => p.level === "fatal").map((p) => h("li", {}, `[${p.rule}] ${p.message}`)));
  $("rule-warnings-box").hidden = read.valid;
  $("invoice").dataset.rulesChecked = "true";
}

/**
 * Shows a verified envelope: the invoice, the sender and its trust state, the documents.
 * Returns whether the reader must look at a warning before paying.
 */
export async function showOpened(opened, { fromSender = false } = {}) {
  const original = opened.documents[0].data;
  let invoice;
  try {
    invoice = readUbl(original);
  } catch (error) {
    // Signed and verified, but not an invoice we can show: offer the documents only.
    $("invoice-body").replaceChildren(h("p", { class: "warning" }, `The signed document cannot be shown here (${error.message}); download it below.`));
  }
  if (invoice) $("invoice-body").replaceChildren(renderInvoice(invoice));
  $("rule-warnings-box").hidden = true;
  $("invoice").dataset.rulesChecked = "";
  renderDocuments(opened.documents);
  $("trust-box").hidden = fromSender;
  $("guidance").hidden = fromSender;
  const caution = !fromSender && await renderTrust(opened.sender, invoice ?? { seller: { name: opened.sender.name } });
  show("invoice");
  checkRules(original).catch(() => {
    $("invoice").dataset.rulesChecked = "unavailable";
  });
  return caution;
}

/** The client flow for a link in the address bar. */
export function startOpen() {
  let link;
  try {
    link = linkFromLocation();
  } catch (error) {
    show("open");
    $("open-button").hidden = true;
    fail({ code: "MALFORMED" });
    return;
  }
  show("open");
  $("passphrase-row").hidden = !link.needsPassphrase;
  let envelope;
  $("open-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("open-button");
    button.disabled = true;
    say("Opening…");
    try {
      envelope ??= await fetchEnvelope(link.relayId);
      const passphrase = link.needsPassphrase ? $("link-passphrase").value : undefined;
      const opened = openLink(link, envelope, passphrase === undefined ? undefined : { passphrase });
      const caution = await showOpened(opened);
      performance.mark("sealbill:verified-invoice-shown");
      if (caution) say("The signature is valid: these are exactly the bytes its key signed. Read the sender check below before you pay.");
      else say("Verified: signed by a sender you confirmed, and exactly what they signed.", "ok");
      $("status").dataset.failure = "";
      reportOpened(link.relayId, opened.openProof).catch(() => {});
      link.free();
    } catch (error) {
      const code = fail(error);
      if (code === "BAD_PASSPHRASE") $("link-passphrase").select();
      button.disabled = code !== "BAD_PASSPHRASE" && code !== "UNREACHABLE";
    }
  });
}
