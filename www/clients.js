// The business's clients on the page: the replies shown at unlock, the Clients view with its
// decisions, and the form's choice of a connected client to seal to.

import { $, h, show, say, setText } from "/dom.js";
import { msg } from "/i18n.js";
import { contacts, contactsForBuyer, removeContact, save as saveContact, syncReplies, USABLE } from "/contacts.js";

/** The address book, as last read. */
let knownContacts = [];

const EVENT_TEXT = {
  connected: (e) => msg("Client {name} connected (answering {number}), fingerprint {fingerprint}. Call them on a number you know and compare it, then mark them verified in Clients.", e),
  changed: (e) => msg("A new key under the name of your client {name} answered {number}. Nothing is sent to {name} until you decide in Clients.", e),
  conflict: (e) => msg("Two different keys answered {number}. Someone else may have read that invoice's link. Nothing is sent to either until you decide in Clients.", e),
  rejected: (e) => msg("A reply to {number} was rejected: it was forged or altered ({code}).", e),
};

/** Fetches the clients' replies, pins who connected, and says what happened. */
export async function checkReplies(identity) {
  let events;
  try {
    ({ events } = await syncReplies(identity));
  } catch (error) {
    return say(msg("Replies could not be fetched: {reason}", { reason: error.message }), "error");
  }
  $("contact-events").replaceChildren(...events.map((e) =>
    h("li", { "data-event": e.kind, "data-code": e.code }, EVENT_TEXT[e.kind](e))));
  $("contact-events").dataset.checked = "true";
  if (events.length) {
    say(h("span", {}, events.map((e, i) => [i ? " " : "", EVENT_TEXT[e.kind](e)])), events.some((e) => e.kind !== "connected") ? "error" : "ok");
  }
  await fillContactChoice(identity);
}

/** The connected client chosen for this invoice, or undefined for a link. */
export function chosenContact() {
  const fingerprint = $("inv-contact").value;
  return fingerprint ? knownContacts.find((c) => c.fingerprint === fingerprint && c.status === USABLE) : undefined;
}

/** Fills the "connected client" choice of the form with the usable contacts. */
export async function fillContactChoice(identity) {
  knownContacts = await contacts(identity);
  const chosen = $("inv-contact").value;
  $("inv-contact").replaceChildren(h("option", { value: "" }, msg("Nobody: send a link")),
    ...knownContacts.filter((c) => c.status === USABLE).map((c) => h("option",
      { value: c.fingerprint, selected: c.fingerprint === chosen }, c.verified ? msg("{name} (verified)", { name: c.name }) : msg("{name} (not verified yet)", { name: c.name }))));
  contactChosen();
}

/** Shows what sealing will do for the chosen contact; a link's fields are for link invoices only. */
export function contactChosen() {
  const contact = chosenContact();
  $("link-options").hidden = Boolean(contact);
  setText($("inv-contact-note"), contact
    ? msg("Sealed to {name}'s key (fingerprint {fingerprint}) and yours, and to nothing else: the link carries no secret and opens only on their device.", { name: contact.name, fingerprint: contact.fingerprint })
    : "");
}

/**
 * When the buyer is a verified connected client (one key, no decision waiting), the invoice
 * goes to their key. An unverified one is only pointed out: its key may be a stranger's who
 * read that client's link.
 */
export function buyerTyped() {
  const matches = contactsForBuyer(knownContacts, $("buyer-name").value.trim());
  const [only] = matches;
  if (matches.length !== 1 || only.status !== USABLE || $("inv-contact").value) return;
  if (only.verified) {
    $("inv-contact").value = only.fingerprint;
    contactChosen();
  } else {
    setText($("inv-contact-note"), msg("{name} connected a key but you have not verified it yet: compare the fingerprint with them by phone (Clients) before you seal to it.", { name: only.name }));
  }
}

/** A contact under one of these names with a key decision waiting: nothing is sent to it. */
export function waitingFor(...names) {
  return names.flatMap((n) => contactsForBuyer(knownContacts, n)).find((c) => c.status !== USABLE);
}

const STATUS_TEXT = {
  connected: (c) => (c.verified ? msg("verified") : msg("connected, not verified yet")),
  changed: () => msg("new key: decide"),
  conflict: () => msg("two keys answered one invoice: decide"),
  damaged: () => msg("damaged entry"),
};

/** The address book: who connected, their fingerprints, and the decisions waiting. */
export async function listContacts(identity) {
  await fillContactChoice(identity);
  $("contacts-empty").hidden = knownContacts.length > 0;
  const rerender = () => listContacts(identity).catch((error) => say(error.message, "error"));
  const button = (label, test, act) => h("button", { type: "button", "data-test": test, onclick: async () => {
    await act();
    rerender();
  } }, label);
  $("contact-rows").replaceChildren(...knownContacts.map((c) => {
    const actions = [];
    if (c.status === USABLE && !c.verified) {
      actions.push(button(msg("I compared the fingerprint by phone: verified"), "verify", () => saveContact(identity, { ...c, verified: true })));
    }
    if (c.status === "changed") {
      actions.push(button(msg("They confirmed their new key by phone: use it"), "accept-key", async () => {
        if (c.replaces) await removeContact(c.replaces);
        await saveContact(identity, { ...c, status: USABLE, replaces: undefined });
      }));
    }
    if (c.status === "conflict") {
      actions.push(button(msg("This is my client's key (compared by phone): keep it, drop the others"), "keep-key", async () => {
        for (const other of knownContacts) {
          if (other.relayId === c.relayId && other.fingerprint !== c.fingerprint) await removeContact(other.fingerprint);
        }
        await saveContact(identity, { ...c, status: USABLE });
      }));
    }
    actions.push(button(c.status === USABLE ? msg("Remove") : msg("Reject this key"), "remove", () => removeContact(c.fingerprint)));
    return h("tr", { "data-fingerprint": c.fingerprint, "data-status": c.status },
      h("td", {}, c.status === "damaged" ? msg("(a damaged entry)") : c.name), h("td", {}, h("code", { class: "fingerprint small" }, c.fingerprint)),
      h("td", { "data-test": "contact-status" }, (STATUS_TEXT[c.status] ?? STATUS_TEXT.damaged)(c)),
      h("td", {}, c.number ?? ""), h("td", {}, actions.flatMap((a) => [a, " "])));
  }));
  show("contacts");
}
