// The business's side: create or unlock the identity, write and seal invoices, upload them,
// and follow what was sent. The identity lives in wasm memory only while unlocked.

import { Identity, SealStream, open, seal, inspectCard } from "/pkg/sealbill.js";
import { $, h, show, say, downloadLink } from "/dom.js";
import * as storage from "/storage.js";
import { upload, status as relayStatus, revoke } from "/relay.js";
import { linkUrl, mailto } from "/links.js";
import { addLine, check, electronicAddress, resetForm } from "/invoice-form.js";
import { showOpened } from "/open.js";
import { strength } from "/passphrase.js";

const CHUNK = 64 * 1024;
let identity;
let profile;

const field = (id) => $(id).value.trim();

/** Identity text fields → the seller party of every invoice. */
function profileFromSetup() {
  const email = field("biz-email");
  const vatId = field("biz-vat").replace(/\s+/g, "").toUpperCase() || undefined;
  return {
    party: {
      name: field("biz-name"),
      vatId,
      electronicAddress: electronicAddress(vatId),
      address: { street: field("biz-street"), postCode: field("biz-postcode"), city: field("biz-city"),
        country: field("biz-country").toUpperCase() },
      contact: { email },
    },
    iban: field("biz-iban").replace(/\s+/g, "").toUpperCase(),
    bic: field("biz-bic").toUpperCase() || undefined,
  };
}

/**
 * Seals a JSON value to the business's own key: only this identity can read it, and opening
 * checks its own signature, so nothing on the device can alter it unnoticed (such as the IBAN
 * that goes into every invoice).
 */
function sealToSelf(name, value) {
  return seal(identity, [{ name, mediaType: "application/json",
    data: new TextEncoder().encode(JSON.stringify(value)) }], { invoiceId: name }).envelope;
}

/** Opens what `sealToSelf` sealed. */
function openOwn(envelope) {
  const opened = open(identity, envelope, { expectSender: identity.fingerprint() });
  return JSON.parse(new TextDecoder().decode(opened.documents[0].data));
}

/** Stores the unlocked identity: the locked blob, and the profile sealed to itself. */
async function store(passphrase) {
  await storage.saveIdentity(identity.lock(passphrase), { name: identity.name, fingerprint: identity.fingerprint(),
    profile: sealToSelf("profile", profile) });
}

function showStrength(input, output) {
  const { label, hint } = strength(input.value);
  output.textContent = input.value ? `${label}. ${hint}` : "";
  output.dataset.strength = label;
}

async function createIdentity(event) {
  event.preventDefault();
  const passphrase = $("biz-passphrase").value;
  if (passphrase !== $("biz-passphrase2").value) return say("The two passphrases differ.", "error");
  if (strength(passphrase).label === "Too weak") return say("Choose a longer passphrase: at least 12 characters, better four or more words.", "error");
  say("Creating your keys and locking them (a second or two)…");
  identity = Identity.generate(field("biz-name"));
  profile = profileFromSetup();
  await store(passphrase);
  $("created-fingerprint").textContent = identity.fingerprint();
  $("created-card").value = identity.card();
  $("backup-download").replaceChildren(downloadLink("sealbill-identity-backup.txt",
    identity.exportBackup(passphrase), "Download encrypted backup"));
  $("setup-form").reset();
  say("");
  show("created");
}

async function restoreIdentity(event) {
  event.preventDefault();
  const file = $("restore-file").files[0];
  const passphrase = $("restore-passphrase").value;
  try {
    identity = Identity.importBackup(await file.text(), passphrase);
    profile = profileFromSetup();
    await store(passphrase);
    await enterApp();
  } catch (error) {
    say(error.code === "BAD_PASSPHRASE" ? "Wrong passphrase for this backup." : `This backup cannot be restored: ${error.message}`, "error");
  }
}

async function unlock(event) {
  event.preventDefault();
  say("Unlocking…");
  try {
    identity = Identity.unlock(await storage.keystoreBlob(), $("unlock-passphrase").value);
    $("unlock-form").reset();
    await enterApp();
  } catch (error) {
    say(error.code === "BAD_PASSPHRASE" ? "Wrong passphrase." : `Cannot unlock: ${error.message}`, "error");
  }
}

async function enterApp() {
  profile = openOwn((await storage.identityInfo()).profile);
  $("nav").hidden = false;
  $("whoami").textContent = `${identity.name} · ${identity.fingerprint()}`;
  say("");
  newInvoice();
}

async function newInvoice() {
  const sent = await storage.count("sent");
  resetForm(`${new Date().getFullYear()}-${String(sent + 1).padStart(4, "0")}`);
  check(profile);
  show("compose");
}

function setProgress(fraction, text) {
  $("seal-progress").hidden = false;
  $("seal-progress").value = fraction;
  $("seal-progress-text").textContent = text;
}

/** Seals the built invoice (and attachments) through the streaming API, with progress. */
async function sealDocuments(built, options) {
  const name = `invoice-${built.invoice.number.replace(/[^A-Za-z0-9._-]/g, "_")}.xml`;
  const files = [...$("inv-attachments").files];
  const documents = [{ name, mediaType: "application/xml", size: built.xml.length },
    ...files.map((f) => ({ name: f.name, mediaType: f.type || "application/octet-stream", size: f.size }))];
  const stream = new SealStream(identity, documents, options);
  const out = [stream.push(built.xml)];
  for (const file of files) {
    const reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let i = 0; i < value.length; i += CHUNK) out.push(stream.push(value.subarray(i, i + CHUNK)));
      setProgress(stream.bytesDone / stream.bytesTotal / 2, `Sealing… ${Math.round(100 * stream.bytesDone / stream.bytesTotal)} %`);
    }
  }
  out.push(stream.finish());
  const result = { envelope: new Uint8Array(await new Blob(out).arrayBuffer()), proofHash: stream.openProofHash, link: stream.takeLink() };
  stream.free();
  return result;
}

async function sealAndUpload(event) {
  event.preventDefault();
  const built = check(profile);
  if (!built) return;
  const client = field("inv-client-card");
  const passphrase = $("inv-link-passphrase").value;
  if (client) {
    try {
      inspectCard(client);
    } catch {
      return say("The client key is not a valid sealbill card or age1… key.", "error");
    }
  }
  $("seal-button").disabled = true;
  let link;
  try {
    const sealed = await sealDocuments(built, {
      invoiceId: built.invoice.number,
      recipients: client ? [client] : [],
      link: passphrase ? { passphrase } : true,
    });
    ({ link } = sealed);
    const { envelope, proofHash } = sealed;
    const expiresSeconds = Number($("inv-expiry").value) * 86400;
    setProgress(0.5, "Uploading…");
    const stored = await upload(identity, envelope, { expiresSeconds, proofHash },
      (sent, total) => setProgress(0.5 + sent / total / 2, `Uploading… ${Math.round(100 * sent / total)} %`));
    const url = linkUrl(link, stored.id);
    const buyer = built.invoice.buyer;
    const summary = { number: built.invoice.number, buyer: buyer.name, email: buyer.contact?.email,
      payable: built.invoice.totals.payable, currency: built.invoice.currency, url, manageToken: stored.manageToken,
      passphrase: Boolean(passphrase) };
    // The secrets of the record (link, manage token) are sealed to the business's own key.
    const secret = sealToSelf(`sent-${stored.id}`, summary);
    await storage.put("sent", stored.id, { id: stored.id, sentAt: Date.now(), expiresAt: stored.expiresAt, envelope, secret });
    showLink(summary);
  } catch (error) {
    say(error.code === "NOT_A_SENDER"
      ? `This relay does not know your key yet. Ask its operator to register your card: ${identity.card()}`
      : `Not sent: ${error.message}`, "error");
  } finally {
    link?.free(); // the link secret is wiped from wasm memory, sent or not
    $("seal-progress").hidden = true;
    $("seal-progress-text").textContent = "";
    $("seal-button").disabled = false;
  }
}

function showLink(summary) {
  $("link-url").value = summary.url;
  $("link-mailto").href = mailto(summary.email, { number: summary.number, sellerName: identity.name, url: summary.url, passphrase: summary.passphrase });
  $("link-passphrase-note").hidden = !summary.passphrase;
  say(`Invoice ${summary.number} sealed and stored on the relay.`, "ok");
  show("sent-link");
}

async function statusOf(record, summary) {
  try {
    const s = await relayStatus(record.id, summary.manageToken);
    return s.status === "burned" ? "opened" : s.status;
  } catch (error) {
    if (error.status === 404) return "expired";
    return error.code === "UNREACHABLE" ? "unknown (relay unreachable)" : "unknown";
  }
}

async function listSent() {
  $("sent-rows").replaceChildren();
  show("sent");
  const records = (await storage.all("sent")).sort((a, b) => b.sentAt - a.sentAt);
  $("sent-empty").hidden = records.length > 0;
  const rows = await Promise.all(records.map(async (record) => {
    let summary;
    try {
      summary = openOwn(record.secret);
    } catch (error) {
      return h("tr", { "data-id": record.id }, h("td", { colspan: 6 }, `A damaged record (${error.code ?? error.message}).`));
    }
    const state = await statusOf(record, summary);
    const cell = h("td", { "data-test": "status" }, state);
    const revokeButton = h("button", { type: "button", disabled: state !== "active" && state !== "opened",
      onclick: async () => {
        if (!confirm(`Revoke invoice ${summary.number}? The link will stop working.`)) return;
        try {
          await revoke(record.id, summary.manageToken);
          cell.textContent = "revoked";
          revokeButton.disabled = true;
        } catch (error) {
          say(`Not revoked: ${error.message}`, "error");
        }
      } }, "Revoke");
    return h("tr", { "data-id": record.id },
      h("td", {}, summary.number), h("td", {}, summary.buyer), h("td", {}, `${summary.payable} ${summary.currency}`),
      h("td", {}, new Date(record.sentAt).toLocaleDateString()), cell,
      h("td", {},
        h("button", { type: "button", onclick: () => showOpened(open(identity, record.envelope,
          { expectSender: identity.fingerprint() }), { fromSender: true }) }, "View"),
        " ", h("button", { type: "button", onclick: () => showLink(summary) }, "Link"),
        " ", revokeButton));
  }));
  $("sent-rows").replaceChildren(...rows);
}

function lock() {
  identity?.free();
  identity = undefined;
  location.reload();
}

/** The business flow: setup on the first visit, unlock on later ones. */
export async function startBusiness() {
  $("setup-form").addEventListener("submit", createIdentity);
  $("restore-form").addEventListener("submit", restoreIdentity);
  $("unlock-form").addEventListener("submit", unlock);
  $("biz-passphrase").addEventListener("input", () => showStrength($("biz-passphrase"), $("biz-strength")));
  $("created-continue").addEventListener("click", enterApp);
  $("invoice-form").addEventListener("input", () => check(profile));
  $("invoice-form").addEventListener("submit", sealAndUpload);
  $("add-line").addEventListener("click", () => { addLine({}); check(profile); });
  $("nav-new").addEventListener("click", newInvoice);
  $("nav-sent").addEventListener("click", listSent);
  $("nav-lock").addEventListener("click", lock);
  $("link-copy").addEventListener("click", async () => {
    await navigator.clipboard?.writeText($("link-url").value).catch(() => {});
    $("link-url").select();
    say("Link copied. Send it to your client only.", "ok");
  });
  $("forget-device").addEventListener("click", async () => {
    if (!confirm("Remove your keys and sent list from this browser? Without a backup they are lost.")) return;
    await storage.forgetDevice();
    location.reload();
  });
  const info = await storage.identityInfo();
  if (info) {
    $("unlock-who").textContent = `${info.name} · ${info.fingerprint}`;
    show("unlock");
  } else {
    show("setup");
  }
}
