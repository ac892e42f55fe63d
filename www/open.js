// The client's side: a link opens an invoice. Nothing is fetched until the reader clicks,
// so link previewers burn nothing. The fragment never leaves the browser.
//
// A link either carries a one-time secret (`#<relay-id>.<secret>`), or only the relay id
// (`#<relay-id>`): then the invoice was sealed to the client's own key, and only the device
// that holds it opens the invoice.

import { Link, open, openLink, invitationMediaType } from "/pkg/sealbill.js";
import { $, h, show, say, setText, downloadLink } from "/dom.js";
import { msg } from "/i18n.js";
import { fetchEnvelope, reportOpened } from "/relay.js";
import { renderInvoice, date } from "/invoice-view.js";
import { giroCode, giroPayment } from "/girocode.js";
import { readUbl, payeeAccounts } from "/ubl.js";
import { assess, remember, confirm, acceptAccount, warmUp } from "/trust.js";
import { clientIdentity, clientInfo, unlockedClient } from "/client-key.js";
import { offerConnect, keepOpened } from "/client.js";

/** A relay id (SPEC §5.3): what a link without a secret holds. */
const RELAY_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** What each failure means to the reader, and what to do next. */
const FAILURES = {
  BROKEN_LINK: msg("This link is broken or incomplete. Copy the whole link from the message again, or ask the sender to send it again."),
  NOT_FOUND: msg("This invoice link has expired or does not exist. Ask the sender for a new link."),
  GONE: msg("This invoice was revoked by its sender, or it has already been opened as often as allowed. Ask the sender for a new link."),
  UNREACHABLE: msg("The invoice server cannot be reached. Check your connection and try again in a moment."),
  BAD_PASSPHRASE: msg("Wrong passphrase. Check it with the sender (by phone, not by email) and try again."),
  // A checked link (SPEC §5.3) is intact, so the passphrase is wrong or the envelope was altered.
  BAD_PASSPHRASE_CHECKED: msg("Wrong passphrase, or the invoice was altered after it was sealed. Check the passphrase with the sender (by phone, not by email) and try again. If it is right, do not pay anything on the basis of this invoice; tell the sender."),
  TAMPERED: msg("This invoice was altered after it was sealed, so it is not shown. Do not pay anything on its basis; tell the sender."),
  BAD_SIGNATURE: msg("The sender's signature on this invoice is not valid, so it is not shown. Do not pay anything on its basis; tell the sender."),
  NOT_FOR_YOU: msg("This invoice is signed, but it was addressed to someone else and forwarded. Do not pay it; contact the sender."),
  UNEXPECTED_SENDER: msg("This invoice is signed by an unexpected key. Do not pay it; contact the sender on a number you already know."),
  TEAM_SENDER: msg("This invoice was signed by someone the business did not allow to send invoices at that time. Do not pay it; call the business on a number you already know."),
  NOT_YOUR_KEY: msg("This invoice was sealed to another key than the one on this device, so it cannot be opened here. Open the link on the device you connected, or ask the sender to send it again."),
  NO_KEY: msg("This invoice was sealed to the key of the client's own device, and this browser holds no such key. Open the link on the device you connected, or restore your key from its backup."),
  OTHER: msg("This invoice cannot be opened. Ask the sender to send it again."),
};

function failureOf(error, { withIdentity }) {
  switch (error?.code) {
    case "NOT_FOUND": case "GONE": case "UNREACHABLE": case "BAD_PASSPHRASE": case "NO_KEY":
    case "TAMPERED": case "BAD_SIGNATURE": case "NOT_FOR_YOU": case "UNEXPECTED_SENDER":
      return error.code;
    case "TRUNCATED": return "TAMPERED";
    case "NOT_A_MEMBER": case "ROLE_CANNOT_SEND": case "MEMBERSHIP_EXPIRED": case "MEMBERSHIP_NOT_YET_VALID":
      return "TEAM_SENDER";
    case "WRONG_KEY": return withIdentity ? "NOT_YOUR_KEY" : "BROKEN_LINK";
    case "MALFORMED": case "BAD_ID": return "BROKEN_LINK";
    default: return "OTHER";
  }
}

function fail(error, context = {}) {
  const code = failureOf(error, context);
  say(FAILURES[code === "BAD_PASSPHRASE" && context.link?.checked ? "BAD_PASSPHRASE_CHECKED" : code], "error");
  $("status").dataset.failure = code;
  return code;
}

const TRUST_TEXT = {
  confirmed: (on) => (on ? msg("Known sender: you compared this fingerprint on {date}.", { date: date(on) })
    : msg("Known sender: you compared this fingerprint.")),
  seen: () => msg("Seen before, not yet confirmed: you opened invoices signed with this key, but never compared its fingerprint. Compare it with the sender by phone on a number you already know."),
  new: () => msg("New sender. Call the sender on a number you already know (not one printed on this invoice) and compare the fingerprint digit by digit before you trust it or pay."),
  unexpected: () => msg("Unexpected key: this is not the key you know for this sender."),
  locked: () => msg("Not checked: your history of senders is locked."),
};

/** A team member's role, in words. */
const ROLES = { owner: msg("owner"), biller: msg("biller"), accountant: msg("accountant") };

/** Shows or hides what a blocking warning holds back: the invoice and its documents. */
function holdBack(held) {
  $("invoice-content").hidden = held;
  $("connect-box").hidden = held || $("connect-box").dataset.offer !== "true";
}

/**
 * The decision a blocking warning needs before anything is shown: an impostor key, or changed
 * bank details. "Show it" records the decision; "Do not show" leaves everything hidden.
 */
function renderDecision(sender, invoice, assessment) {
  if (assessment.refused) return;
  const accountChanged = assessment.warnings.some((w) => w.code === "IBAN_CHANGED");
  const keyChanged = assessment.state === "unexpected";
  $("decision").hidden = false;
  $("decision").replaceChildren(
    h("h3", {}, keyChanged ? msg("Stop: check who sent this before you go on") : msg("Stop: the bank details changed")),
    h("p", {}, msg("The invoice is hidden until you decide. Nothing is paid from this page.")),
    h("button", { type: "button", class: "primary", "data-test": "decide-stop",
      onclick: () => say(msg("The invoice stays hidden. Tell the sender, on a number you already know."), "error") },
    msg("Do not show it")),
    " ",
    h("button", { type: "button", "data-test": "decide-show",
      onclick: async () => {
        if (keyChanged) await remember(sender, invoice, assessment.remember);
        if (accountChanged) await acceptAccount(sender, invoice);
        $("decision").hidden = true;
        holdBack(false);
        say(msg("You decided to see it. Pay only after the phone call confirmed the sender and the account."), "error");
      } },
    accountChanged ? msg("I called the sender on a known number and they confirmed this account: show it")
      : msg("I called the sender on a known number and they confirmed this new key: show it")));
}

/** Every payee account of the signed invoice (none if it cannot be read). */
function accountsOf(original) {
  try {
    return payeeAccounts(original);
  } catch {
    return [];
  }
}

/**
 * Shows who signed, the trust state and the warnings; returns the assessment. `sender` is the
 * business to pin (the owner of the team when a member sent it); `opened`, the opened result,
 * names the member who sent it, if one did.
 */
async function renderTrust(sender, invoice, opened) {
  const member = opened?.member;
  const team = member ? { member, issuedAt: opened.issuedAt, accounts: accountsOf(opened.documents[0].data) } : {};
  const assessment = await assess(sender, invoice, team);
  const { state, warnings } = assessment;
  const panel = $("trust");
  panel.dataset.state = state;
  panel.dataset.refused = String(Boolean(assessment.refused));
  panel.replaceChildren(...[
    // A member's invoice is the business's: its owner signed who may send for it.
    h("p", {}, member && member.role !== "owner" ? msg("Invoice of") : msg("Signed by"), " ",
      h("strong", { "data-test": "sender-name" }, sender.name)),
    member && member.role !== "owner" && h("p", { "data-test": "sent-by" }, msg("Sent by"), " ",
      h("strong", {}, member.name), " ", msg("({role}), whom {business} allowed to send its invoices",
        { role: ROLES[member.role] ?? member.role, business: sender.name })),
    h("p", {}, msg("Fingerprint"), " ", h("code", { class: "fingerprint", "data-test": "fingerprint" }, sender.fingerprint)),
    // The phone the invoice states, beside the fingerprint to compare; stated by the sender, so
    // a number known from before is the safer one to call.
    invoice?.seller?.contact?.phone && h("p", { "data-test": "sender-phone" }, msg("Phone on the invoice"), " ",
      h("strong", {}, invoice.seller.contact.phone), " ", msg("(call a number you already know if in doubt)")),
    h("p", { class: "trust-state", "data-test": "trust-state" }, TRUST_TEXT[state](assessment.confirmedOn)),
    warnings.map((w) => h("div", { class: `warning warning-${w.code}`, role: "alert", "data-warning": w.code },
      h("p", {}, w.text),
      w.code === "IBAN_CHANGED" && h("dl", { class: "accounts" },
        h("dt", {}, msg("Account until now")), h("dd", { "data-test": "old-iban" }, w.old),
        h("dt", {}, msg("Account on this invoice")), h("dd", { "data-test": "new-iban" }, w.new),
        h("dt", {}, msg("Payee, as signed")), h("dd", {}, w.payee)))),
    (state === "new" || state === "seen") && h("button", {
      type: "button",
      "data-test": "confirm-sender",
      onclick: async (e) => {
        await confirm(sender, invoice);
        if (payable.assessment === assessment) {
          payable.assessment = { ...assessment, state: "confirmed" };
          refreshGiroCode();
        }
        e.target.disabled = true;
        setText(e.target, msg("Confirmed on this device"));
        // Confirmed today, as a later opening will say.
        setText(panel.querySelector('[data-test="trust-state"]'), TRUST_TEXT.confirmed(new Date().toISOString().slice(0, 10)));
      },
    }, msg("I compared the fingerprint with the sender by phone: confirm it")),
  ].flat().filter(Boolean));
  $("decision").hidden = true;
  if (assessment.blocking) renderDecision(sender, invoice, assessment);
  else await remember(sender, invoice, assessment.remember);
  return assessment;
}

function renderDocuments(documents) {
  $("documents").replaceChildren(
    ...documents.map((doc, i) => h("li", {},
      downloadLink(doc.name, doc.data,
        i === 0 ? msg("Download the signed original ({name})", { name: doc.name }) : msg("Download {name}", { name: doc.name })))));
}

/**
 * Checks the signed invoice against the EN 16931 rules with the e-invoice module, loaded only
 * now: the invoice is on screen before its 300 KB arrive. Broken rules are listed. Returns
 * whether the invoice passed.
 */
async function checkRules(original) {
  const module = await import("/pkg/invoice/sealbill_invoice.js");
  await module.default();
  const read = module.readInvoice(original);
  // The rules' own wording is for the accountant: under each rule id, folded away.
  $("rule-warnings").replaceChildren(...read.problems.filter((p) => p.level === "fatal").map((p) =>
    h("li", { "data-rule": p.rule }, h("details", { class: "problem-rule" },
      h("summary", {}, msg("Rule {rule}", { rule: [p.rule, p.term].filter(Boolean).join(" · ") })), h("small", {}, p.message)))));
  $("rule-warnings-box").hidden = read.valid;
  $("invoice").dataset.rulesChecked = "true";
  return read.valid;
}

/**
 * What decides the GiroCode of the invoice on screen: the invoice, the sender's assessment and
 * whether it passed the rule check (undefined until checked).
 */
let payable = {};

/**
 * Shows the GiroCode (EPC QR code) of the invoice on screen only when the sender is known
 * ("confirmed" or "seen"), nothing is flagged (no warning, no broken rule) and the invoice asks
 * for a SEPA credit transfer in euro; otherwise says why not, where that helps.
 * `#invoice-body [data-girocode]` is "shown", "withheld" or "none" once decided.
 */
function refreshGiroCode() {
  const slot = $("invoice-body").querySelector(".girocode-slot");
  if (!slot) return;
  const { invoice, assessment, rulesValid } = payable;
  const possible = invoice && !giroPayment(invoice).reason;
  const known = assessment?.state === "confirmed" || assessment?.state === "seen";
  const flagged = !assessment || assessment.blocking || assessment.refused || assessment.warnings.length > 0 || rulesValid === false;
  const code = possible && known && !flagged && rulesValid === true ? giroCode(invoice) : undefined;
  if (code) slot.replaceChildren(code);
  else if (possible && !flagged && assessment?.state === "new") {
    slot.replaceChildren(h("p", { class: "girocode-hint" },
      msg("A GiroCode for your banking app appears here once you have compared this sender's fingerprint and confirmed it.")));
  } else slot.replaceChildren();
  if (rulesValid !== undefined) slot.dataset.girocode = code ? "shown" : possible ? "withheld" : "none";
}

/** Whether an opened envelope is an invitation to connect rather than an invoice. */
export const isInvitation = (opened) => opened.documents[0]?.mediaType === invitationMediaType();

/** Shows an invitation: who invites, and their message; returns the trust assessment. */
async function showInvitation(opened) {
  const message = new TextDecoder().decode(opened.documents[0].data);
  setText($("invoice-heading"), msg("An invitation to connect"));
  $("invoice-body").replaceChildren(
    h("p", {}, h("strong", {}, opened.sender.name), " ",
      msg("invites you to receive its invoices end-to-end encrypted, sealed to a key that stays on your device.")),
    message && h("blockquote", { "data-test": "invitation-message" }, message));
  $("documents").replaceChildren();
  $("rule-warnings-box").hidden = true;
  $("trust-box").hidden = false;
  $("guidance").hidden = true;
  const assessment = await renderTrust(opened.sender, { seller: { name: opened.sender.name } });
  holdBack(assessment.blocking);
  show("invoice");
  return assessment;
}

/**
 * Shows a verified envelope: the invoice, the sender and its trust state, the documents.
 * Returns the trust assessment (undefined for the sender's own view).
 */
export async function showOpened(opened, { fromSender = false } = {}) {
  $("connect-box").dataset.offer = "false";
  $("connect-box").hidden = true;
  $("decision").hidden = true;
  setText($("invoice-heading"), msg("Invoice"));
  if (isInvitation(opened)) return fromSender ? undefined : showInvitation(opened);
  const original = opened.documents[0].data;
  let invoice;
  try {
    invoice = readUbl(original);
  } catch (error) {
    // Signed and verified, but not an invoice we can show: offer the documents only.
    $("invoice-body").replaceChildren(h("p", { class: "warning" },
      msg("The signed document cannot be shown here ({reason}); download it below.", { reason: error.text ?? error.message })));
  }
  if (invoice) $("invoice-body").replaceChildren(renderInvoice(invoice));
  $("rule-warnings-box").hidden = true;
  $("invoice").dataset.rulesChecked = "";
  renderDocuments(opened.documents);
  $("trust-box").hidden = fromSender;
  $("guidance").hidden = fromSender;
  const business = opened.business ?? opened.sender;
  const assessment = fromSender ? undefined
    : await renderTrust(business, invoice ?? { seller: { name: business.name } }, opened);
  holdBack(Boolean(assessment?.blocking));
  show("invoice");
  const shown = { invoice, assessment };
  payable = shown;
  refreshGiroCode();
  checkRules(original).then((valid) => { shown.rulesValid = valid; }, () => {
    shown.rulesValid = false;
    $("invoice").dataset.rulesChecked = "unavailable";
  }).finally(() => {
    if (payable === shown) refreshGiroCode();
  });
  return assessment;
}

/**
 * Takes the link out of the address bar: the current history entry becomes the page's address
 * without its fragment (path and query kept), so the secret does not stay in the address bar,
 * the history, a restored session or a later copy of the address. Adds no entry, and fires no
 * hashchange; a link pasted into the tab later still starts over (app.js).
 */
function forgetLink() {
  history.replaceState(history.state, "", `${location.pathname}${location.search}`);
}

/** After a verified open: the status line, the relay's open count, the inbox and the offer to connect. */
async function opened(result, { relayId, link, fragment, passphrase, envelope, identity }) {
  // This device's history of senders is sealed to the client's key: unlock it to check.
  if (!unlockedClient() && await clientInfo()) {
    await clientIdentity(msg("Your history of senders is sealed to your key. Unlock it, so that this sender is checked against the ones you know."), "open");
  }
  const assessment = await showOpened(result);
  performance.mark("sealbill:verified-invoice-shown");
  if (assessment.refused) say(msg("This invoice is refused: read why below, and do not pay it."), "error");
  else if (assessment.blocking) say(msg("Read the warning below before anything else."), "error");
  else if (assessment.state !== "confirmed") say(msg("The signature is valid: these are exactly the bytes its key signed. Read the sender check below before you pay."));
  else say(msg("Verified: signed by a sender you confirmed, and exactly what they signed."), "ok");
  $("status").dataset.failure = "";
  reportOpened(relayId, result.openProof).catch(() => {});
  // With the client's key at hand, an invoice shown without a warning goes to the inbox, if the
  // client keeps what it opens.
  const keeper = identity ?? unlockedClient();
  if (keeper && !assessment.blocking) {
    await keepOpened(keeper, result, envelope, identity ? { relayId } : { relayId, fragment, passphrase });
  }
  // Connecting answers the signer: offered for invoices the business itself sent.
  const byMember = result.member && result.member.role !== "owner";
  if (!identity && !byMember) {
    await offerConnect({ result, relayId, link, fragment, passphrase, envelope });
  }
}

/** Opens an invoice sealed to this device's client identity. */
async function openWithIdentity(relayId) {
  const identity = await clientIdentity(await clientInfo()
    ? msg("This invoice was sealed to your key on this device. Unlock it to open the invoice.")
    : msg("This invoice was sealed to your own key, which this browser does not hold. Restore it from its backup file below, or open the link on the device you connected."), "open");
  if (!identity) throw { code: "NO_KEY" };
  say(msg("Opening…"));
  const envelope = await fetchEnvelope(relayId);
  await opened(open(identity, envelope), { relayId, envelope, identity });
}

/** The client flow for a link in the address bar. */
export function startOpen() {
  // The link is read once, into memory; then it leaves the address bar, before any request.
  const fragment = location.hash;
  const [relayId, secret] = fragment.slice(1).split(".");
  const withIdentity = secret === undefined;
  let link;
  show("open");
  try {
    if (withIdentity && !RELAY_ID.test(relayId)) throw new Error("not a relay id");
    if (!withIdentity) link = Link.parse(fragment);
  } catch {
    forgetLink();
    $("open-button").hidden = true;
    fail({ code: "MALFORMED" });
    return;
  }
  forgetLink();
  // The sender checks may need the e-invoice module: it loads while the reader decides to click.
  warmUp().catch(() => {});
  $("open-intro-identity").hidden = !withIdentity;
  $("passphrase-row").hidden = !link?.needsPassphrase;
  let envelope;
  $("open-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("open-button");
    button.disabled = true;
    say(msg("Opening…"));
    try {
      if (withIdentity) {
        await openWithIdentity(relayId);
        return;
      }
      envelope ??= await fetchEnvelope(link.relayId);
      const passphrase = link.needsPassphrase ? $("link-passphrase").value : undefined;
      const result = openLink(link, envelope, passphrase === undefined ? undefined : { passphrase });
      await opened(result, { relayId: link.relayId, link, fragment, passphrase, envelope });
    } catch (error) {
      const code = fail(error, { withIdentity, link });
      if (code === "BAD_PASSPHRASE") $("link-passphrase").select();
      button.disabled = code !== "BAD_PASSPHRASE" && code !== "UNREACHABLE" && code !== "NO_KEY";
    }
  });
}
