// The business's address book: the clients who connected their own key (SPEC §5.5), each
// pinned with its card and sealed to the business's own key on this device.
//
// Replies arrive through the relay. Each is checked against the invoice it answers (the
// client's signature, and the binding that only a reader of that invoice can make); a forged or
// moved reply is rejected. A second key for a known client, or two keys answering one invoice,
// block that client until the owner decides: nothing is sealed to them before.

import { readReply } from "/pkg/sealbill.js";
import { nameKey } from "/pkg/invoice/sealbill_invoice.js";
import { replies, deleteReply } from "/relay.js";
import * as storage from "/storage.js";
import { sealToSelf, openOwn } from "/own.js";

/** Contact states: usable, or waiting for the owner's decision. */
export const USABLE = "connected";

/** Every contact, opened with the business identity. */
export async function contacts(identity) {
  return (await storage.all("contacts")).map((record) => {
    try {
      return openOwn(identity, record.secret);
    } catch (error) {
      return { fingerprint: record.fingerprint, name: "(a damaged entry)", status: "damaged", damaged: error.code ?? error.message };
    }
  });
}

/** Stores a contact, sealed to the business's own key. */
export async function save(identity, contact) {
  await storage.put("contacts", contact.fingerprint,
    { fingerprint: contact.fingerprint, secret: sealToSelf(identity, "contact", contact) });
}

/** Forgets a contact. */
export const removeContact = (fingerprint) => storage.remove("contacts", fingerprint);

/** The contacts a buyer name stands for (by lookalike key), usable or waiting for a decision. */
export function contactsForBuyer(list, buyerName) {
  if (!buyerName) return [];
  const key = nameKey(buyerName);
  return list.filter((c) => [c.name, c.buyer].some((n) => n && nameKey(n) === key));
}

/**
 * Pins a verified connection. Returns its state: "known" (this key is pinned already: a
 * replayed reply changes nothing), "connected", "changed" (another key under a known client's
 * name) or "conflict" (another key already answered this invoice).
 */
async function pin(identity, connection, sent) {
  const client = connection.client;
  if (await storage.get("contacts", client.fingerprint)) return "known";
  const list = await contacts(identity);
  const sameInvoice = list.filter((c) => c.relayId === connection.relayId);
  // The same client under another key: a known name (the card's, or the buyer's of the
  // answered invoice) that a pinned contact already has.
  const names = new Set([client.name, sent.buyer].filter(Boolean).map(nameKey));
  const sameName = list.find((c) => [c.name, c.buyer].some((n) => n && names.has(nameKey(n))));
  const status = sameInvoice.length ? "conflict" : sameName ? "changed" : USABLE;
  for (const other of sameInvoice) await save(identity, { ...other, status: "conflict" });
  await save(identity, {
    fingerprint: client.fingerprint, name: client.name, card: client.card, buyer: sent.buyer,
    number: sent.number, relayId: connection.relayId, connectedAt: Date.now(), verified: false,
    status, replaces: status === "changed" ? sameName.fingerprint : undefined,
  });
  return status;
}

/** The SHA-256 of a reply, in hex: replies already processed are never processed again. */
async function digest(bytes) {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Fetches the replies to every unexpired sent envelope, pins each verified client, and deletes
 * the processed replies from the relay. A reply seen before (a replay, even after the contact
 * was removed) is ignored. Resolves to `{ events }`: one `{ kind, name,
 * fingerprint, number }` per new contact ("connected", "changed", "conflict") and per rejected
 * reply ("rejected", with `code`).
 */
export async function syncReplies(identity) {
  const events = [];
  const now = Date.now() / 1000;
  const processed = new Set(await storage.get("settings", "processedReplies") ?? []);
  for (const record of await storage.all("sent")) {
    if (record.expiresAt && record.expiresAt < now) continue;
    let sent;
    try {
      sent = openOwn(identity, record.secret);
    } catch {
      continue;
    }
    let list;
    try {
      list = await replies(record.id, sent.manageToken);
    } catch {
      continue; // expired or unreachable: tried again at the next unlock
    }
    for (const reply of list) {
      const hash = await digest(reply.body);
      if (processed.has(hash)) {
        await deleteReply(record.id, reply.id, sent.manageToken).catch(() => {});
        continue;
      }
      try {
        const connection = readReply(identity, reply.body, record.envelope, record.id);
        const state = await pin(identity, connection, sent);
        if (state !== "known") events.push({ kind: state, name: connection.client.name, fingerprint: connection.client.fingerprint, number: sent.number });
      } catch (error) {
        events.push({ kind: "rejected", code: error.code ?? "MALFORMED", number: sent.number });
      }
      processed.add(hash);
      await storage.put("settings", "processedReplies", [...processed]);
      await deleteReply(record.id, reply.id, sent.manageToken).catch(() => {});
    }
  }
  return { events };
}
