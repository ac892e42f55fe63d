// The client's connection to a business, and the inbox of invoices received on this device.
//
// Connecting (SPEC §5.5): after opening an invoice from a link, the client seals its own card
// to the business in a reply, bound to that invoice, and the relay passes it on to the
// business. Later invoices are sealed to the client's key: their links carry no secret.

import { Link, open, openLink, sealReply } from "/pkg/sealbill.js";
import { $, h, show, say, setText, downloadLink } from "/dom.js";
import { msg } from "/i18n.js";
import * as storage from "/storage.js";
import { postReply } from "/relay.js";
import { sealToSelf, openOwn } from "/own.js";
import { readUbl } from "/ubl.js";
import { groupIban, money, date } from "/invoice-view.js";
import { remember, pinOf, pins, confirmFingerprint } from "/trust.js";
import { clientIdentity } from "/client-key.js";

// What opening a link does not need loads when first used: the archive's index, search and
// export, the backups, and the passkey settings.
const archive = () => import("/archive.js");
const backups = () => import("/backup.js");
const passkeys = () => import("/passkeys.js");

const REPLY_FAILURES = {
  REPLAYED: msg("This device already answered this invoice: the business has your key."),
  TOO_MANY_REPLIES: msg("This invoice has had too many answers already. Ask the business to send you an invitation."),
  GONE: msg("The business revoked this invoice, so it cannot be answered. Ask it for an invitation."),
  NOT_FOUND: msg("This invoice has expired on the server, so it cannot be answered. Ask the business for an invitation."),
  UNREACHABLE: msg("The invoice server cannot be reached. Try again in a moment."),
};

/** The invoice an envelope holds, read from its signed UBL; undefined for an invitation. */
function invoiceOf(result) {
  try {
    return readUbl(result.documents[0].data);
  } catch {
    return undefined;
  }
}

/**
 * The summary an inbox row shows, and the archive's search index, from the signed invoice (or
 * undefined for an invitation).
 */
function summaryOf(result) {
  const invoice = invoiceOf(result);
  if (!invoice) return undefined;
  // A team member's invoice is the business's: the inbox lists the business, as the client pins it.
  const business = result.business ?? result.sender;
  return { sender: business.name, fingerprint: business.fingerprint, number: invoice.number,
    payable: invoice.totals.payable, currency: invoice.currency, dueDate: invoice.dueDate };
}

/** Where this device remembers its client's choice to keep the invoices it opens (true or false). */
const KEEP_CHOICE = "keepOpened";

/** Whether this device keeps the invoices its client opens: yes, until the client says no. */
const keepsOpened = async () => (await storage.get("settings", KEEP_CHOICE)) !== false;

/**
 * Keeps an opened invoice in this client's inbox, if the client keeps what it opens: the
 * envelope as it came, so that it opens here after the relay deleted it, and what reopens it
 * (the link, for an invoice opened from one) sealed to the client's own key.
 */
async function keepInInbox(identity, result, envelope, access) {
  const summary = summaryOf(result);
  if (!summary || !(await keepsOpened())) return;
  summary.index = (await archive()).indexOf(result.documents[0].data);
  await storage.put("inbox", access.relayId, { id: access.relayId, receivedAt: Date.now(), envelope,
    secret: sealToSelf(identity, `inbox-${access.relayId}`, { access, summary }) });
}

/**
 * Shows the client's choice to keep the invoices it opens in `checkbox`, and remembers each
 * change; `follow(keep)` applies it to the invoice on screen, if there is one.
 */
async function offerKeep(checkbox, follow) {
  checkbox.checked = await keepsOpened();
  checkbox.onchange = async () => {
    await storage.put("settings", KEEP_CHOICE, checkbox.checked);
    await follow?.(checkbox.checked);
    say(checkbox.checked
      ? msg("The invoices you open are kept on this device: each opens here even after the server deleted it.")
      : msg("The invoices you open are no longer kept on this device."), "ok");
  };
}

/**
 * Under an invoice opened with the client's key at hand: keeps it (if the client keeps what
 * it opens) and shows that choice, which then applies to this invoice and the next ones.
 */
export async function keepOpened(identity, result, envelope, access) {
  $("keep-box").hidden = !summaryOf(result);
  delete $("keep-box").dataset.kept;
  if ($("keep-box").hidden) return;
  await keepInInbox(identity, result, envelope, access);
  // Written to the inbox (or left out, if the client keeps nothing): done.
  $("keep-box").dataset.kept = "true";
  await offerKeep($("keep-choice"), (keep) => (keep ? keepInInbox(identity, result, envelope, access)
    : storage.remove("inbox", access.relayId)));
}

/**
 * Offers, under an invoice or invitation opened from a link, to receive this sender's future
 * invoices only on this device. `fragment` is the link as the page read it (the address bar no
 * longer holds it), kept with the invoice in the inbox.
 */
export async function offerConnect({ result, relayId, link, fragment, passphrase, envelope }) {
  const box = $("connect-box");
  const button = $("connect-button");
  box.dataset.offer = "true";
  box.hidden = $("invoice-content").hidden;
  $("connect-name").textContent = result.sender.name;
  $("connect-result").replaceChildren();
  const connected = (await pinOf(result.sender.fingerprint))?.connectedAs;
  button.hidden = Boolean(connected);
  if (connected) {
    $("connect-result").replaceChildren(h("p", { "data-test": "already-connected" },
      msg("This device is already connected to {name}. If they still send you links, remind them to choose you as a connected client.",
        { name: result.sender.name })));
  }
  button.disabled = false;
  button.onclick = async () => {
    button.disabled = true;
    const identity = await clientIdentity(
      msg("Your key lets {name} seal invoices that only this device can open. Create it, or unlock the one you have.",
        { name: result.sender.name }),
      "invoice");
    if (!identity) {
      button.disabled = false;
      return;
    }
    try {
      say(msg("Connecting…"));
      const reply = sealReply(identity, link, envelope, passphrase === undefined ? undefined : { passphrase });
      await postReply(relayId, reply.envelope, result.openProof);
      await remember(result.sender, invoiceOf(result) ?? { seller: { name: result.sender.name } },
        { connectedAs: identity.fingerprint() });
      await keepOpened(identity, result, envelope, { relayId, fragment, passphrase });
      say(msg("Connected: {name} will seal your next invoices to the key on this device.", { name: result.sender.name }), "ok");
      $("connect-result").replaceChildren(
        h("p", {}, msg("{name} will see your name and this fingerprint. When they call you to confirm, compare it digit by digit:",
          { name: result.sender.name })),
        h("p", { class: "fingerprint big", "data-test": "client-fingerprint" }, identity.fingerprint()),
        h("p", {}, msg("Your invoices from now on:"), " ", h("a", { href: "#inbox" }, msg("the inbox on this device")), "."));
      link.free();
    } catch (error) {
      say(REPLY_FAILURES[error.code] ?? msg("Not connected: {reason}", { reason: error.text ?? error.message }), "error");
      button.disabled = error.code === "REPLAYED" || error.code === "GONE" || error.code === "NOT_FOUND";
    }
  };
}

/** Reopens an inbox entry: with its link, or with the client's key. */
function reopen(identity, record, access) {
  if (!access.fragment) return open(identity, record.envelope);
  const link = Link.parse(access.fragment);
  try {
    return openLink(link, record.envelope, access.passphrase === undefined ? undefined : { passphrase: access.passphrase });
  } finally {
    link.free();
  }
}

const STATES = { confirmed: msg("confirmed"), seen: msg("seen, not confirmed"), unknown: msg("unknown") };

/** The client's inbox: every invoice received on this device, newest first. */
export async function startInbox() {
  // The inbox shows once it is listed (at the end), not on unlock: an empty list while the
  // entries open would read as "no invoice".
  const identity = await clientIdentity(msg("Unlock your key to see the invoices you received on this device."));
  if (!identity) {
    $("inbox-empty").hidden = true;
    show("inbox");
    say(msg("Your inbox stays locked. Open an invoice link to connect with a business, or restore your key from its backup."));
    return;
  }
  $("inbox-who").textContent = `${identity.name} · ${identity.fingerprint()}`;
  const [{ indexOf, wireArchive }, { offerBackup, remind }, { showSecurity }] =
    await Promise.all([archive(), backups(), passkeys()]);
  await showSecurity($("client-security"), "client");
  $("inbox-backup-form").onsubmit = (event) => {
    event.preventDefault();
    return offerBackup(identity, "client", { passphrase: $("inbox-backup-passphrase"), output: $("inbox-backup-link") });
  };
  await remind("client");
  await offerKeep($("inbox-keep"));
  const records = (await storage.all("inbox")).sort((a, b) => b.receivedAt - a.receivedAt);
  $("inbox-empty").hidden = records.length > 0;
  const archived = [];
  const rows = await Promise.all(records.map(async (record) => {
    let entry;
    try {
      entry = openOwn(identity, record.secret);
      archived.push({ id: record.id, envelope: record.envelope, at: record.receivedAt, access: entry.access,
        index: entry.summary.index ?? indexOf(reopen(identity, record, entry.access).documents[0].data) });
    } catch (error) {
      return h("tr", {}, h("td", { colspan: 6 }, msg("A damaged entry ({reason}).", { reason: error.code ?? error.message })));
    }
    const { summary, access } = entry;
    const pin = await pinOf(summary.fingerprint);
    const state = STATES[pin ? (pin.confirmedOn ?? pin.since ? "confirmed" : "seen") : "unknown"];
    const act = (label, then) => h("button", { type: "button", onclick: async () => {
      try {
        await then(reopen(identity, record, access));
      } catch (error) {
        say(msg("This invoice cannot be opened: {reason}", { reason: error.text ?? error.message }), "error");
      }
    } }, label);
    return h("tr", { "data-id": record.id },
      h("td", { title: msg("Fingerprint {fingerprint}", { fingerprint: summary.fingerprint }) }, summary.sender),
      h("td", {}, summary.number), h("td", { "data-test": "inbox-amount" }, money(summary.payable, summary.currency)),
      h("td", { "data-test": "inbox-due" }, date(summary.dueDate) ?? "–"), h("td", { "data-test": "inbox-trust" }, state),
      h("td", {},
        act(msg("Open"), async (result) => {
          const { showOpened } = await import("/open.js");
          await showOpened(result);
        }),
        " ",
        act(msg("Download the signed original"), (result) => {
          const doc = result.documents[0];
          downloadLink(doc.name, doc.data).click();
        })));
  }));
  $("inbox-rows").replaceChildren(...rows);
  wireArchive({ prefix: "inbox", legend: msg("Search the inbox"), partyLabel: msg("Sender"), party: "seller",
    openEntry: (entry) => reopen(identity, entry, entry.access),
    entries: archived.map((e) => ({ ...e, row: $("inbox-rows").querySelector(`tr[data-id="${CSS.escape(e.id)}"]`) })) });
  await listBusinesses();
  show("inbox");
}

/** The client's address book: every business it has opened, with its fingerprint and state. */
async function listBusinesses() {
  const known = (await pins()).sort((a, b) => a.name.localeCompare(b.name));
  $("businesses-empty").hidden = known.length > 0;
  $("business-rows").replaceChildren(...known.map((pin) => {
    const confirmed = pin.confirmedOn ?? pin.since;
    return h("tr", { "data-fingerprint": pin.fingerprint },
      h("td", {}, pin.name), h("td", {}, h("code", { class: "fingerprint small" }, pin.fingerprint)),
      h("td", { class: "nowrap" }, pin.iban ? groupIban(pin.iban) : "–"),
      h("td", { "data-test": "business-state" }, confirmed ? msg("confirmed {date}", { date: date(confirmed) }) : STATES.seen,
        pin.connectedAs && [" · ", msg("connected")]),
      h("td", {}, !confirmed && h("button", { type: "button", "data-test": "confirm-business", onclick: async () => {
        await confirmFingerprint(pin.fingerprint);
        await listBusinesses();
      } }, msg("I compared the fingerprint by phone: confirm"))));
  }));
}
