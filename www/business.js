// The business's side: create or unlock the identity, write and seal invoices, upload them,
// and follow what was sent. The identity lives in wasm memory only while unlocked.

import { Identity, SealStream, seal, inspectCard, invitationMediaType } from "/pkg/sealbill.js";
import { $, h, show, say, setText } from "/dom.js";
import { formatDate, formatMoney, formatPercent, msg, onLanguage, t } from "/i18n.js";
import { groupIban } from "/invoice-view.js";
import * as storage from "/storage.js";
import * as own from "/own.js";
import { upload, status as relayStatus, revoke } from "/relay.js";
import { linkUrl, identityLinkUrl, mailto } from "/links.js";
import { checkReplies, listContacts, fillContactChoice, chosenContact, contactChosen, buyerTyped, waitingFor } from "/clients.js";
import { addLine, check, electronicAddress, resetForm } from "/invoice-form.js";
import { showOpened } from "/open.js";
import { strength } from "/passphrase.js";
import { ibanProblem, bicProblem } from "/iban.js";
import { enrolledFor, showSecurity, unlockProblem, unlockStored } from "/passkeys.js";
import { fileSafe, indexOf, openSent, sentIndex, showSentArchive } from "/archive.js";
import { firstBackupLink, offerBackup, remind, restoreAny, restoreProblem } from "/backup.js";
import * as team from "/team.js";

const CHUNK = 64 * 1024;

/** A sent envelope's state on the relay, as the Sent list shows it; `data-status` keeps the code. */
const STATES = {
  active: msg("active"),
  opened: msg("opened"),
  expired: msg("expired"),
  revoked: msg("revoked"),
  unknown: msg("unknown"),
  unreachable: msg("unknown (relay unreachable)"),
};

/** The roles as the header names them. */
const ROLES = { owner: msg("owner"), biller: msg("biller"), accountant: msg("accountant"), pending: msg("not accepted yet"),
  removed: msg("removed") };

/** The local calendar day of a time in milliseconds, as an ISO date for formatDate. */
const isoDay = (ms) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};
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
      taxNumber: field("biz-tax-number") || undefined,
      // EN 16931 asks a seller without a VAT id for an identifier (BR-CO-26): a small business
      // (§19 UStG) without another one is identified by its tax number.
      identifiers: field("biz-identifier") ? [{ id: field("biz-identifier") }]
        : !vatId && field("biz-tax-number") ? [{ id: field("biz-tax-number") }] : undefined,
      // Without a VAT id (a small business), the e-invoicing address is the email (plain EN 16931).
      electronicAddress: electronicAddress(vatId) ?? (!vatId && email ? { id: email, scheme: "EM" } : undefined),
      address: { street: field("biz-street"), postCode: field("biz-postcode"), city: field("biz-city"),
        country: field("biz-country").toUpperCase() },
      contact: { name: field("biz-contact") || undefined, phone: field("biz-phone") || undefined, email },
    },
    iban: field("biz-iban").replace(/\s+/g, "").toUpperCase(),
    bic: field("biz-bic").toUpperCase() || undefined,
  };
}

const sealToSelf = (name, value) => own.sealToSelf(identity, name, value);
const openOwn = (envelope) => own.openOwn(identity, envelope);

/** Stores the unlocked identity: the locked blob, and the profile sealed to itself. */
async function store(passphrase) {
  await storage.saveIdentity("business", identity.lock(passphrase), { name: identity.name, fingerprint: identity.fingerprint(),
    profile: sealToSelf("profile", profile) });
}

function showStrength(input, output) {
  const { label, message } = strength(input.value);
  setText(output, input.value ? message : "");
  // The level's English word, the same in every language: CSS colours the hint by it.
  output.dataset.strength = label;
}

/** The setup form asks for a business of one's own, or for joining one with an invitation. */
function setupKindChanged() {
  const joining = $("setup-join").checked;
  $("join-box").hidden = !joining;
  $("biz-account-row").hidden = joining;
  $("biz-iban").required = !joining;
  setText($("biz-name-label"), joining ? msg("Your own name (the business and its clients see it as the sender)") : msg("Business name"));
  setText($("biz-legend"), joining ? msg("The business you join (its details as printed on the invoices you send)")
    : msg("Your business (printed on every invoice)"));
}

async function createIdentity(event) {
  event.preventDefault();
  const joining = $("setup-join").checked;
  const invitation = $("join-invitation").value.trim();
  if (joining) {
    try {
      team.readInvitation(invitation);
    } catch (error) {
      return say(error.text ?? error.message, "error");
    }
    if (!$("join-compared")?.checked) {
      return say(msg("Compare the business's fingerprint with its owner first (by phone or in person), then tick the box."), "error");
    }
  }
  if (!field("biz-vat") && !field("biz-tax-number")) {
    return say(msg("Give your VAT id, or your tax number if you have no VAT id: e-invoices need one of them."), "error");
  }
  const bankProblem = (!joining && ibanProblem(field("biz-iban"))) || bicProblem(field("biz-bic"));
  if (bankProblem) return say(bankProblem, "error");
  const passphrase = $("biz-passphrase").value;
  if (passphrase !== $("biz-passphrase2").value) return say(msg("The two passphrases differ."), "error");
  if (strength(passphrase).label === "Too weak") return say(msg("Choose a longer passphrase: at least 12 characters, better four or more words."), "error");
  say(msg("Creating your keys and locking them (a second or two)…"));
  try {
    identity = Identity.generate(field("biz-name"));
  } catch {
    return say(msg("The business name cannot be used: it must be one line of at most 200 bytes, without invisible characters (such as zero-width spaces or direction marks)."), "error");
  }
  profile = profileFromSetup();
  if (joining) profile.iban = "";
  await store(passphrase);
  $("join-request-box").hidden = !joining;
  if (joining) $("join-request").value = await team.join(identity, invitation);
  $("created-fingerprint").textContent = identity.fingerprint();
  $("created-card").value = identity.card();
  $("backup-download").replaceChildren(await firstBackupLink(identity, "business", passphrase, { profile }));
  $("setup-form").reset();
  setupKindChanged();
  $("join-offer").replaceChildren();
  say(joining ? msg("Send your request to join to the business's owner.") : "");
  show("created");
}

async function restoreIdentity(event) {
  event.preventDefault();
  const file = $("restore-file").files[0];
  const passphrase = $("restore-passphrase").value;
  say(msg("Checking the backup (a few seconds)…"));
  try {
    // A key-only backup of an earlier version needs the business details of the form.
    identity = await restoreAny(file, passphrase, "business", async (restored) => {
      identity = restored;
      profile = profileFromSetup();
      await store(passphrase);
    });
    await enterApp();
  } catch (error) {
    say(restoreProblem(error), "error");
  }
}

async function unlock(event) {
  event.preventDefault();
  say(msg("Unlocking…"));
  try {
    identity = await unlockStored("business", $("unlock-passphrase").value);
    $("unlock-form").reset();
    await enterApp();
  } catch (error) {
    say(unlockProblem(error), "error");
  }
}

/** Keeps the profile (sealed to this identity) after the owner changed it: its account, say. */
async function setProfile(next) {
  profile = next;
  await storage.updateIdentityInfo("business", { profile: sealToSelf("profile", profile) });
}

/** What this device's role allows, in the navigation. */
function applyRole() {
  const role = team.role();
  const member = !["solo", "owner"].includes(role);
  $("nav-new").hidden = !team.maySend();
  $("nav-sent").hidden = role === "accountant";
  $("nav-contacts").hidden = member;
  $("nav-archive").hidden = !team.readsArchive();
  setText($("whoami"), member && team.businessName()
    ? msg("{name} ({role}) for {business} · {fingerprint}", { name: identity.name, role: ROLES[role] ?? role,
      business: team.businessName(), fingerprint: identity.fingerprint() })
    : `${identity.name} · ${identity.fingerprint()}`);
  document.body.dataset.role = role;
}

async function enterApp() {
  profile = openOwn((await storage.identityInfo("business")).profile);
  say("");
  await team.startTeam(identity, { profile: () => profile, setProfile });
  $("nav").hidden = false;
  applyRole();
  await newInvoice();
  if (!["biller", "accountant", "pending", "removed"].includes(team.role())) await checkReplies(identity);
  await remind("business");
}

/** The profile the form's invoice names: a member's names the business and an owner-signed account. */
const formProfile = () => team.invoiceProfile(profile, $("inv-account").value || undefined);

async function newInvoice() {
  if (!team.maySend()) {
    if (team.readsArchive()) await team.showArchive();
    else await team.showTeam();
    return;
  }
  const sent = (await storage.all("sent")).filter((r) => r.kind !== "invitation").length;
  resetForm(`${new Date().getFullYear()}-${String(sent + 1).padStart(4, "0")}`);
  const accounts = team.role() === "biller" ? team.signedAccounts() : [];
  $("inv-account").replaceChildren(...accounts.map((a) => h("option", { value: a }, groupIban(a))));
  $("inv-account-row").hidden = accounts.length === 0;
  check(formProfile());
  show("compose");
}

function setProgress(fraction, text) {
  $("seal-progress").hidden = false;
  $("seal-progress").value = fraction;
  setText($("seal-progress-text"), text);
}

/** Seals the built invoice (and attachments) through the streaming API, with progress. */
async function sealDocuments(built, options) {
  const name = `invoice-${fileSafe(built.invoice.number)}.xml`;
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
      setProgress(stream.bytesDone / stream.bytesTotal / 2, msg("Sealing… {percent}", { percent: formatPercent(String(Math.round(100 * stream.bytesDone / stream.bytesTotal))) }));
    }
  }
  out.push(stream.finish());
  const result = { envelope: new Uint8Array(await new Blob(out).arrayBuffer()), proofHash: stream.openProofHash, link: stream.takeLink() };
  stream.free();
  return result;
}

/**
 * Uploads a sealed envelope, keeps its record (the link and the manage token sealed to the
 * business's own key) and shows its link.
 */
async function send({ envelope, proofHash, link }, summary, expiresSeconds) {
  setProgress(0.5, msg("Uploading…"));
  const stored = await upload(identity, envelope, { expiresSeconds, proofHash },
    (sent, total) => setProgress(0.5 + sent / total / 2, msg("Uploading… {percent}", { percent: formatPercent(String(Math.round(100 * sent / total))) })));
  const url = link ? linkUrl(link, stored.id) : identityLinkUrl(stored.id);
  const record = { ...summary, url, manageToken: stored.manageToken };
  const secret = sealToSelf(`sent-${stored.id}`, record);
  await storage.put("sent", stored.id, { id: stored.id, sentAt: Date.now(), expiresAt: stored.expiresAt, envelope, secret,
    kind: summary.invitation ? "invitation" : "invoice" });
  showLink(record);
  await remind("business");
}

/** Why sending failed, in plain words. */
const SEND_FAILURES = {
  NOT_A_MEMBER: msg("Not sent: the server says you are not a member of the team (any more). Ask the business's owner."),
  ROLE_CANNOT_SEND: msg("Not sent: as an accountant you read the team's invoices; you cannot send any."),
  MEMBERSHIP_EXPIRED: msg("Not sent: your membership of the team has ended. Ask the business's owner."),
  MEMBERSHIP_NOT_YET_VALID: msg("Not sent: your membership of the team has not started yet. Check this computer's clock, or ask the owner."),
  UNREACHABLE: msg("Not sent: the server cannot be reached. Check your connection and try again."),
};

function sendFailed(error) {
  say(error.code === "NOT_A_SENDER"
    ? msg("This relay does not know your key yet. Ask its operator to register your card: {card}", { card: identity.card() })
    : SEND_FAILURES[error.code] ?? (error.status === 403 ? SEND_FAILURES.NOT_A_MEMBER
      : msg("Not sent: {reason}", { reason: error.text ?? error.message })), "error");
}

async function sealAndUpload(event) {
  event.preventDefault();
  // A member sends with the newest membership the owner signed: clients refuse older ones.
  if (team.role() === "biller") await team.checkMembership({ quiet: true });
  if (!team.maySend()) {
    applyRole();
    return say(msg("Not sent: you are no longer allowed to send this business's invoices."), "error");
  }
  const built = check(formProfile());
  if (!built) return;
  const contact = chosenContact();
  const waiting = waitingFor(built.invoice.buyer.name, contact?.name);
  if (waiting) {
    return say(msg("{name} has a key change waiting for your decision in Clients. Decide there before sending them anything.", { name: waiting.name }), "error");
  }
  const client = contact ? "" : field("inv-client-card");
  const passphrase = contact ? "" : $("inv-link-passphrase").value;
  if (client) {
    try {
      inspectCard(client);
    } catch {
      return say(msg("The client key is not a valid sealbill card or age1… key."), "error");
    }
  }
  $("seal-button").disabled = true;
  let link;
  try {
    const sealed = await sealDocuments(built, {
      ...team.sealOptions(),
      invoiceId: built.invoice.number,
      recipients: contact ? [contact.card] : client ? [client] : [],
      ...(contact ? {} : { link: passphrase ? { passphrase } : true }),
    });
    ({ link } = sealed);
    const buyer = built.invoice.buyer;
    await send(sealed, { number: built.invoice.number, buyer: buyer.name, email: buyer.contact?.email,
      payable: built.invoice.totals.payable, currency: built.invoice.currency,
      passphrase: Boolean(passphrase), connected: contact?.name, index: indexOf(built.xml) }, Number($("inv-expiry").value) * 86400);
  } catch (error) {
    sendFailed(error);
  } finally {
    link?.free(); // the link secret is wiped from wasm memory, sent or not
    $("seal-progress").hidden = true;
    setText($("seal-progress-text"), "");
    $("seal-button").disabled = false;
  }
}

/** An invitation: an envelope with a link and a message instead of an invoice (SPEC §5.5). */
async function invite(event) {
  event.preventDefault();
  const data = new TextEncoder().encode($("invite-message").value.trim());
  let link;
  try {
    const sealed = seal(identity, [{ name: "invitation.txt", mediaType: invitationMediaType(), data }],
      { invoiceId: `invitation-${new Date().toISOString().slice(0, 10)}`, link: true });
    link = sealed.link;
    await send({ envelope: sealed.envelope, proofHash: sealed.openProofHash, link },
      { number: "Invitation", buyer: field("invite-name"), email: field("invite-email") || undefined, invitation: true },
      30 * 86400);
    $("invite-form").reset();
  } catch (error) {
    sendFailed(error);
  } finally {
    link?.free();
    $("seal-progress").hidden = true;
  }
}

function showLink(summary) {
  $("link-url").value = summary.url;
  $("link-mailto").href = mailto(summary.email, { number: summary.number, sellerName: team.businessName() ?? identity.name, url: summary.url,
    passphrase: summary.passphrase, connected: summary.connected, invitation: summary.invitation });
  $("link-passphrase-note").hidden = !summary.passphrase;
  $("link-connected-note").hidden = !summary.connected;
  $("link-connected-name").textContent = summary.connected ?? "";
  say(summary.invitation ? msg("Invitation for {name} stored on the relay.", { name: summary.buyer })
    : msg("Invoice {number} sealed and stored on the relay.", { number: summary.number }), "ok");
  show("sent-link");
}

async function statusOf(record, summary) {
  try {
    const s = await relayStatus(record.id, summary.manageToken);
    return s.status === "burned" ? "opened" : s.status;
  } catch (error) {
    if (error.status === 404) return "expired";
    return error.code === "UNREACHABLE" ? "unreachable" : "unknown";
  }
}

async function listSent() {
  $("sent-rows").replaceChildren();
  show("sent");
  const records = (await storage.all("sent")).sort((a, b) => b.sentAt - a.sentAt);
  $("sent-empty").hidden = records.length > 0;
  const archived = [];
  const rows = await Promise.all(records.map(async (record) => {
    let summary;
    try {
      summary = openOwn(record.secret);
      archived.push({ record, index: sentIndex(identity, record, summary) });
    } catch (error) {
      return h("tr", { "data-id": record.id }, h("td", { colspan: 6 }, msg("A damaged record ({reason}).", { reason: error.code ?? error.message })));
    }
    const state = await statusOf(record, summary);
    const cell = h("td", { "data-test": "status", "data-status": state }, STATES[state] ?? state);
    const revokeButton = h("button", { type: "button", disabled: state !== "active" && state !== "opened",
      onclick: async () => {
        if (!confirm(summary.invitation ? t("Revoke the invitation for {name}? The link will stop working.", { name: summary.buyer })
          : t("Revoke invoice {number}? The link will stop working.", { number: summary.number }))) return;
        try {
          await revoke(record.id, summary.manageToken);
          setText(cell, STATES.revoked);
          cell.dataset.status = "revoked";
          revokeButton.disabled = true;
        } catch (error) {
          say(msg("Not revoked: {reason}", { reason: error.message }), "error");
        }
      } }, msg("Revoke"));
    return h("tr", { "data-id": record.id },
      h("td", {}, summary.invitation ? msg("Invitation") : summary.number), h("td", {}, summary.buyer),
      h("td", { class: "amount" }, summary.invitation ? "–" : formatMoney(summary.payable, summary.currency)),
      h("td", {}, formatDate(isoDay(record.sentAt))), cell,
      h("td", {},
        !summary.invitation && h("button", { type: "button", onclick: () => showOpened(openSent(identity, record.envelope), { fromSender: true }) }, msg("View")),
        " ", h("button", { type: "button", onclick: () => showLink(summary) }, msg("Link")),
        " ", revokeButton));
  }));
  $("sent-rows").replaceChildren(...rows);
  showSentArchive(identity, archived);
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
  $("invoice-form").addEventListener("input", () => check(formProfile()));
  $("invoice-form").addEventListener("submit", sealAndUpload);
  $("add-line").addEventListener("click", () => { addLine({}); check(formProfile()); });
  for (const radio of document.querySelectorAll('input[name="setup-kind"]')) radio.addEventListener("change", setupKindChanged);
  $("join-invitation").addEventListener("input", () => team.showInvitation($("join-invitation").value, $("join-offer")));
  $("nav-team").addEventListener("click", () => team.showTeam());
  $("nav-archive").addEventListener("click", () => team.showArchive());
  $("team-archive-sync").addEventListener("click", () => team.showArchive({ sync: true }));
  document.addEventListener("sealbill:team-changed", applyRole);
  $("nav-new").addEventListener("click", newInvoice);
  $("nav-sent").addEventListener("click", listSent);
  // The Sent list is drawn from data (amounts, dates): drawn again in the new language.
  onLanguage(() => {
    if (identity && !$("sent").hidden) listSent();
  });
  $("nav-lock").addEventListener("click", lock);
  $("nav-backup").addEventListener("click", () => show("backup"));
  $("backup-form").addEventListener("submit", (event) => {
    event.preventDefault();
    return offerBackup(identity, "business", { passphrase: $("backup-passphrase"), again: $("backup-passphrase2"),
      output: $("backup-link"), profile });
  });
  $("nav-security").addEventListener("click", async () => {
    show("security");
    await showSecurity($("business-security"), "business");
  });
  $("nav-contacts").addEventListener("click", () => listContacts(identity));
  $("invite-form").addEventListener("submit", invite);
  $("inv-contact").addEventListener("change", contactChosen);
  $("buyer-name").addEventListener("change", buyerTyped);
  $("link-copy").addEventListener("click", async () => {
    await navigator.clipboard?.writeText($("link-url").value).catch(() => {});
    $("link-url").select();
    say(msg("Link copied. Send it to your client only."), "ok");
  });
  $("forget-device").addEventListener("click", async () => {
    if (!confirm(t("Remove your keys and sent list from this browser? Without a backup they are lost."))) return;
    await storage.forgetBusiness();
    location.reload();
  });
  const info = await storage.identityInfo("business");
  if (info) {
    $("unlock-who").textContent = `${info.name} · ${info.fingerprint}`;
    $("unlock-passkey").hidden = (await enrolledFor("business")).length === 0;
    show("unlock");
  } else {
    show("setup");
  }
}
