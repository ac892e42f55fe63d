// The team of a business (SPEC §3.8): the owner invites members, each with their own key on
// their own device, accepts them after comparing fingerprints and signs the roster; each
// member's envelopes carry the owner-signed membership, and every member reads the team's
// archive with the shared archive key, which never leaves the wasm module in clear.
//
// What this device keeps about its team is sealed to its own key (settings "team"): for the
// owner the rosters it signed and the archive-key files it sealed (to itself too, so that it
// reopens them); for a member the business it joined, after comparing its fingerprint, its
// membership and the archive-key files of every epoch the relay gave it. The relay holds the same files for the team, signed by the
// owner: it can withhold them, not forge them.

import { ibanProblem, normalizeIban } from "/iban.js";
import { ArchiveKey, openArchive, readTeamInvitation, seal, verifyMembership, verifyRoster } from "/pkg/sealbill.js";
import { $, h, show, say } from "/dom.js";
import * as storage from "/storage.js";
import { sealToSelf, openOwn } from "/own.js";
import { fetchEnvelope, fetchTeam, fetchTeamEnvelopes, postArchiveKey, postMembership, postRoster, upload } from "/relay.js";
import { groupIban } from "/invoice-view.js";
import { indexOf, wireArchive } from "/archive.js";
import { showOpened } from "/open.js";
import { payeeAccounts } from "/ubl.js";
import { formatDate, formatMoney, msg, onLanguage, t } from "/i18n.js";

/** The roles as a table cell shows them; the role's code stays in data attributes. */
const ROLE_NAMES = { owner: msg("owner"), biller: msg("biller"), accountant: msg("accountant") };
const roleName = (code) => ROLE_NAMES[code] ?? code;
/** An Error in plain words: `text` is the message to show, in the page's language. */
const plain = (message) => Object.assign(new Error(String(message)), { text: message });
/** What an error says: its message of the page, or its own text. */
const reasonOf = (error) => error?.text ?? error?.message ?? String(error);
/** An ISO date (local) of a time in milliseconds, for formatDate. */
const isoDay = (ms) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};
/** A new member's membership starts a few minutes back, for clocks that run a little late. */
const CLOCK_SLACK = 300;
/** The most pages of the team's envelope list one sync reads. */
const MAX_SYNC_PAGES = 20;

let identity;
let profileOf;
let saveProfile;
/** The team state, as sealed to this identity; undefined for a business without a team. */
let state;
/** The owner's opened archive keys by epoch (handles: their secrets stay in wasm memory). */
const keys = new Map();

const toB64 = (bytes) => {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
};
const fromB64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const now = () => Math.floor(Date.now() / 1000);

/** What each failure of the team's files or requests means, in plain words. */
function explain(error) {
  switch (error?.code) {
    case "UNREACHABLE": return msg("The server cannot be reached. Check your connection and try again in a moment.");
    case "NOT_A_SENDER": return msg("The server does not know the business's key yet: ask its operator to register the owner's card.");
    case "NOT_A_MEMBER": return msg("The server says this key is not a member of the team.");
    case "STALE_ROSTER": return msg("This team list is older than one already seen: someone may be replaying an old list. Nothing was changed.");
    case "UNEXPECTED_SENDER": return msg("This was signed by another business than the one you joined.");
    case "BAD_SIGNATURE": case "MALFORMED": case "TRUNCATED": case "TAMPERED":
      return msg("The text is damaged or incomplete. Copy the whole text again.");
    case "INVALID_INPUT": return msg("This cannot be signed: {reason}.", { reason: error.message });
    case "ACCOUNT_NOT_ALLOWED": return msg("This bank account is not one the business owner signed.");
    default: return error?.status ? msg("The server refused the request ({reason}).", { reason: error.message })
      : msg("Something went wrong: {reason}.", { reason: reasonOf(error) });
  }
}

/** Fills `box` with the nodes given, skipping the empty parts (false, null, undefined). */
const draw = (box, ...nodes) => box.replaceChildren(...nodes.flat().filter((n) => n !== false && n !== null && n !== undefined));

async function save() {
  await storage.put("settings", "team", sealToSelf(identity, "team", state));
}

/** Loads this device's team state for `identity`; `profile()` and `setProfile(p)` reach the business profile. */
export async function startTeam(who, { profile, setProfile }) {
  identity = who;
  profileOf = profile;
  saveProfile = setProfile;
  const sealed = await storage.get("settings", "team");
  try {
    state = sealed ? openOwn(identity, sealed) : undefined;
  } catch {
    state = undefined;
    say(msg("This device's team records do not open with your key: they were damaged. Restore them from a full backup."), "error");
  }
  keys.clear();
  if (state?.kind === "member") {
    await checkMembership({ quiet: true }).catch(() => {});
  }
}

/**
 * This device's role: "solo" (a business without a team), "owner", "biller", "accountant",
 * "pending" (joined, not yet accepted) or "removed".
 */
export function role() {
  if (!state) return "solo";
  if (state.kind === "owner") return "owner";
  if (state.removed) return "removed";
  if (!state.membership) return "pending";
  return state.role;
}

/** Whether this device may write invoices. */
export const maySend = () => ["solo", "owner", "biller"].includes(role());
/**
 * Whether this device has a team archive: a member's or the owner's. A removed member keeps
 * what it already fetched (and can fetch nothing more).
 */
export const readsArchive = () => role() === "removed" || (["owner", "biller", "accountant"].includes(role()) && Boolean(currentMembership()));

/** The business name a member's invoices carry: the owner's, as signed. */
export const businessName = () => state?.kind === "member" ? state.owner.name : undefined;

/** The owner-signed accounts this member may name (normalized IBANs). */
export const signedAccounts = () => state?.kind === "member" && state.membership
  ? verifyMembership(fromB64(state.membership)).accounts : [];

/** The current membership bytes this identity sends with, or undefined. */
function currentMembership() {
  if (state?.kind === "member") return state.membership && !state.removed ? fromB64(state.membership) : undefined;
  if (state?.kind === "owner" && state.roster) return identity.signMembership(fromB64(state.roster), identity.fingerprint());
  return undefined;
}

/** The options a sealing adds for the team: the sender's membership, when it has one. */
export function sealOptions() {
  const membership = currentMembership();
  return membership ? { membership } : {};
}

/**
 * The profile an invoice of this device names: a member's invoices name the business (the
 * owner's name) and the owner-signed account `account`; the owner's and a solo business's
 * are their own.
 */
export function invoiceProfile(profile, account) {
  if (state?.kind !== "member") return profile;
  return { ...profile, party: { ...profile.party, name: state.owner.name }, iban: account ?? "", bic: undefined };
}

/**
 * Seals documents as this device's team member, with its membership unless `options` name one
 * (for scripts and tests: what the form does).
 */
export const teamSeal = (documents, options) => seal(identity, documents, { ...sealOptions(), ...options });

/** The newest membership this member holds, even after a removal (what it could still present). */
export const heldMembership = () => state?.kind === "member" && state.membership ? fromB64(state.membership) : undefined;
/** Uploads an envelope signed with this member's own key. */
export const teamUpload = (envelope, proofHash, expiresSeconds = 86400) => upload(identity, envelope, { expiresSeconds, proofHash });

// ---- Joining (the member's side) ----

/** What an invitation offers, or throws an Error in plain words. */
export function readInvitation(text) {
  try {
    return readTeamInvitation(text.trim());
  } catch (error) {
    throw plain(error.code === "INVALID_INPUT" || error.code === "MALFORMED" || error.code === "BAD_SIGNATURE"
      ? msg("This is not a complete invitation from a business owner. Copy the whole text the owner sent you (it starts with sealbill-team-invitation:).")
      : explain(error));
  }
}

/** Draws what an invitation offers into `box`, with the box to tick after comparing; returns the invitation info or undefined. */
export function showInvitation(text, box, checkId = "join-compared") {
  if (!text.trim()) {
    box.replaceChildren();
    return undefined;
  }
  let info;
  try {
    info = readInvitation(text);
  } catch (error) {
    box.replaceChildren(h("p", { class: "warning", role: "alert" }, reasonOf(error)));
    return undefined;
  }
  box.replaceChildren(
    h("p", {}, h("strong", { "data-test": "join-business" }, info.owner.name), " ", info.role === "biller"
      ? msg("invites you as a biller (you write and send its invoices).") : msg("invites you as an accountant (you read its invoices).")),
    h("p", {}, msg("Its fingerprint:"), " ", h("code", { class: "fingerprint", "data-test": "join-fingerprint" }, info.owner.fingerprint)),
    h("p", {}, h("label", {}, h("input", { type: "checkbox", id: checkId }), " ",
      msg("I compared this fingerprint with the owner of {name}, by phone or in person, digit by digit", { name: info.owner.name }))));
  return info;
}

/** Joins a team with a new identity: keeps what the invitation says and returns the join request to send back. */
export async function join(who, invitationText) {
  identity = who;
  const info = readInvitation(invitationText);
  const request = identity.joinTeam(invitationText.trim());
  state = { kind: "member", owner: { name: info.owner.name, fingerprint: info.owner.fingerprint, card: info.owner.card, key: info.ownerKey },
    invitedAs: info.role, request, files: {}, version: 0 };
  await save();
  return request;
}

/** Opens the owner's archive keys, each checked against the roster that named it. */
function openKeys() {
  if (state?.kind !== "owner") return;
  for (const [epoch, file] of Object.entries(state.files ?? {})) {
    const signed = state.rosters?.[epoch];
    if (!signed || keys.has(Number(epoch))) continue;
    try {
      keys.set(Number(epoch), ArchiveKey.open(identity, fromB64(file), fromB64(signed)));
    } catch {
      // A file that is not the key the owner named, or not sealed to this member: left aside.
    }
  }
}

/**
 * Asks the relay for this member's membership and the team's archive keys, and keeps them once
 * verified: signed by the business it joined, naming this key, not older than one it holds.
 * Returns the role, or throws an Error in plain words.
 */
export async function checkMembership({ quiet = false } = {}) {
  if (state?.kind !== "member") return role();
  let team;
  try {
    team = await fetchTeam(identity, state.owner.key);
  } catch (error) {
    // No team list on the server yet: the owner has not accepted anyone.
    if (error.status === 404 && !state.membership) return role();
    if (error.status === 403 || error.code === "NOT_A_MEMBER") {
      if (state.membership && !state.removed) {
        state.removed = true;
        await save();
      }
      return role();
    }
    if (quiet) return role();
    throw plain(explain(error));
  }
  if (team.membership) {
    let info;
    try {
      info = verifyMembership(team.membership, { expectOwner: state.owner.fingerprint, expectMember: identity.fingerprint(),
        knownVersion: state.version ?? 0 });
    } catch (error) {
      throw plain(msg("The membership the server gave is refused: {reason}", { reason: explain(error) }));
    }
    state.membership = toB64(team.membership);
    state.version = info.version;
    state.role = info.member.role;
    state.removed = false;
  }
  for (const { epoch, file } of team.archiveKeys ?? []) state.files = { ...state.files, [epoch]: toB64(file) };
  await save();
  return role();
}

// ---- The owner's side ----

/** The owner's current roster, verified, or undefined before the first. */
const currentRoster = () => state?.kind === "owner" && state.roster ? verifyRoster(fromB64(state.roster)) : undefined;

/** The archive key of `epoch`, reopened from the owner's own file. */
function ownerKey(epoch) {
  openKeys();
  const key = keys.get(epoch);
  if (!key) throw plain(msg("The team's archive key cannot be opened on this device."));
  return key;
}

/**
 * Signs the next roster with `members` (`{ card, role, validFrom, validUntil }`) and the
 * profile's account, a new archive key when `rotate` (a reader left), and publishes it.
 */
async function signNext(members, { rotate = false } = {}) {
  const current = currentRoster();
  const key = !current ? ArchiveKey.generate(0)
    : rotate ? ArchiveKey.generate(current.archive.epoch + 1) : ownerKey(current.archive.epoch);
  const iban = profileOf().iban;
  const roster = identity.signRoster({ version: (current?.version ?? 0) + 1, members, accounts: iban ? [iban] : [],
    archive: { epoch: key.epoch, recipient: key.recipient } });
  // Every epoch's key goes to the members of this roster, so that one who joins later reads the
  // earlier archive too; a removed member gets no file of the new epoch.
  const cards = members.map((m) => m.card);
  const files = Object.fromEntries(Object.keys(state?.files ?? {}).map((epoch) =>
    [epoch, toB64(ownerKey(Number(epoch)).sealFor(identity, cards))]));
  files[key.epoch] = toB64(key.sealFor(identity, cards));
  state = { ...(state ?? { kind: "owner" }), kind: "owner", roster: toB64(roster),
    rosters: { ...state?.rosters, [key.epoch]: toB64(roster) }, files };
  keys.set(key.epoch, key);
  await save();
  await publish();
}

/** Gives the relay the current roster, every member's membership and the archive-key file of every epoch. */
async function publish() {
  const roster = fromB64(state.roster);
  const info = verifyRoster(roster);
  await postRoster(identity, roster);
  for (const member of info.members) await postMembership(identity, identity.signMembership(roster, member.fingerprint));
  for (const [epoch, file] of Object.entries(state.files)) await postArchiveKey(identity, Number(epoch), fromB64(file));
  state.published = info.version;
  await save();
}

const draftOf = (members) => members.map((m) => ({ card: m.card, role: m.role, validFrom: m.validFrom, validUntil: m.validUntil }));

/** Runs an owner's change, then draws the team again; failures are said in plain words. */
async function change(what, done) {
  say(msg("{what}…", { what }));
  try {
    await done();
    say(msg("{what}: done. The new team list is signed and on the server.", { what }), "ok");
  } catch (error) {
    say(msg("{what} did not complete. {reason}", { what,
      reason: error instanceof Error && !error.code && !error.status ? reasonOf(error) : explain(error) }), "error");
  }
  await showTeam();
}

/** The owner's Team screen: the members, invitations, join requests and the account. */
function ownerView() {
  const roster = currentRoster();
  const members = roster?.members ?? [];
  const box = $("team-body");
  const pendingPublish = roster && state.published !== roster.version;
  const invitation = h("textarea", { id: "team-invitation", rows: 3, readonly: true, spellcheck: "false", hidden: true });
  const requestBox = h("div", { id: "team-request" });
  const roleSelect = h("select", { id: "team-invite-role" },
    h("option", { value: "biller" }, msg("Biller: writes and sends invoices")),
    h("option", { value: "accountant" }, msg("Accountant: reads the invoices, sends none")));
  const requestText = h("textarea", { id: "team-join-request", rows: 3, spellcheck: "false" });
  const ibanInput = h("input", { id: "team-iban", value: groupIban(profileOf().iban ?? ""), spellcheck: "false", autocomplete: "off" });

  function readRequest() {
    const text = requestText.value.trim();
    if (!text) return requestBox.replaceChildren();
    let request;
    try {
      request = identity.readJoinRequest(text);
    } catch (error) {
      return requestBox.replaceChildren(h("p", { class: "warning", role: "alert" }, error.code === "UNEXPECTED_SENDER"
        ? msg("This request answers another business's invitation, not yours.")
        : msg("This is not a complete request to join. Ask for the whole text again (it starts with sealbill-team-join:).")));
    }
    const already = members.find((m) => m.fingerprint === request.member.fingerprint);
    const compared = h("input", { type: "checkbox", id: "team-compared" });
    const accept = h("button", { type: "button", class: "primary", id: "team-accept", disabled: true,
      onclick: () => change(msg("Adding {name}", { name: request.member.name }), async () => {
        const rest = members.filter((m) => m.fingerprint !== request.member.fingerprint);
        const added = { card: request.member.card, role: request.role, validFrom: now() - CLOCK_SLACK, validUntil: 0 };
        await signNext([...draftOf(rest), added]);
        requestText.value = "";
      }) }, msg("Accept {name} as {role}", { name: request.member.name, role: roleName(request.role) }));
    compared.addEventListener("change", () => { accept.disabled = !compared.checked; });
    draw(requestBox,
      h("p", {}, h("strong", { "data-test": "request-name" }, request.member.name), " ",
        msg("asks to join as {role}.", { role: roleName(request.role) })),
      h("p", {}, msg("Their fingerprint:"), " ", h("code", { class: "fingerprint", "data-test": "request-fingerprint" }, request.member.fingerprint)),
      already && h("p", { class: "hint" }, msg("{name} is already a member; accepting sets the role to {role}.",
        { name: request.member.name, role: roleName(request.role) })),
      h("p", {}, h("label", {}, compared, " ",
        msg("I compared this fingerprint with {name}, by phone or in person, digit by digit", { name: request.member.name }))),
      accept);
  }
  requestText.addEventListener("input", readRequest);

  draw(box,
    h("p", {}, roster ? msg("Team list version {version}, signed by you. Archive key number {key}.",
      { version: roster.version, key: roster.archive.epoch + 1 })
      : msg("No team yet: invite someone to start one. Until then, invoices are sent by you alone.")),
    pendingPublish && h("p", { class: "warning", role: "alert" }, msg("The latest team list is not on the server yet."), " ",
      h("button", { type: "button", onclick: () => change(msg("Publishing the team list"), publish) }, msg("Publish it again"))),
    h("table", { class: "sent" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, msg("Member")), h("th", { scope: "col" }, msg("Fingerprint")),
        h("th", { scope: "col" }, msg("Role")), h("th", { scope: "col" }, msg("Actions")))),
      h("tbody", { id: "team-rows" },
        h("tr", {}, h("td", {}, msg("{name} (you)", { name: identity.name })), h("td", {}, h("code", { class: "fingerprint" }, identity.fingerprint())),
          h("td", { "data-role": "owner" }, roleName("owner")), h("td", {}, "–")),
        members.map((m) => {
          const other = m.role === "biller" ? "accountant" : "biller";
          return h("tr", { "data-fingerprint": m.fingerprint, "data-role": m.role },
            h("td", {}, m.name), h("td", {}, h("code", { class: "fingerprint" }, m.fingerprint)), h("td", {}, roleName(m.role)),
            h("td", {},
              h("button", { type: "button", "data-test": "make-role", onclick: () => change(
                msg("Making {name} {role}", { name: m.name, role: roleName(other) }),
                () => signNext(draftOf(members.map((x) => x === m ? { ...x, role: other } : x)))) },
              other === "biller" ? msg("Make biller") : msg("Make accountant")),
              " ",
              h("button", { type: "button", "data-test": "remove-member", onclick: () => {
                if (!confirm(t("Remove {name} from the team?\n\n{name} can no longer send invoices for {business} nor fetch the team's files from the server. A new archive key is made for everyone else: {name} cannot read invoices sent from now on. What {name} already read or kept stays readable to them, and so do invoices sent until now.",
                  { name: m.name, business: identity.name }))) return;
                return change(msg("Removing {name}", { name: m.name }), () => signNext(draftOf(members.filter((x) => x !== m)), { rotate: true }));
              } }, msg("Remove"))));
        }))),
    h("p", { class: "hint" }, msg("A removed member keeps what they already read or downloaded, and can still read the invoices sent before the removal if they kept the old archive key; they cannot read anything sent after it, and clients who saw the new team list refuse invoices they send with the old one.")),
    h("h3", {}, msg("Invite someone")),
    h("p", {}, h("label", { for: "team-invite-role" }, msg("Role")), roleSelect, " ",
      h("button", { type: "button", id: "team-invite", onclick: () => {
        try {
          invitation.value = identity.teamInvitation(roleSelect.value);
          invitation.hidden = false;
          invitation.select();
          say(msg("Send this invitation to the new member. When they answer, paste their request below and compare fingerprints."), "ok");
        } catch (error) {
          say(explain(error), "error");
        }
      } }, msg("Create the invitation"))),
    invitation,
    h("h3", {}, msg("Accept a request to join")),
    h("p", {}, h("label", { for: "team-join-request" }, msg("Their request (sealbill-team-join:…)"))), requestText, requestBox,
    h("h3", {}, msg("The bank account invoices name")),
    h("p", {}, msg("Only you choose it: your team's invoices can name only the account you sign here, and clients refuse any other.")),
    h("p", {}, h("label", { for: "team-iban" }, "IBAN"), ibanInput, " ",
      h("button", { type: "button", id: "team-iban-save", onclick: () => change(msg("Changing the bank account"), async () => {
        const iban = normalizeIban(ibanInput.value);
        const problem = ibanProblem(iban);
        if (problem) throw plain(problem);
        const before = profileOf().iban;
        await saveProfile({ ...profileOf(), iban });
        try {
          if (roster) await signNext(draftOf(members));
        } catch (error) {
          await saveProfile({ ...profileOf(), iban: before });
          throw error;
        }
      }) }, msg("Sign the new account"))),
    !roster && joinInstead());
}

/**
 * For a business without a team: join another business with this key instead, as a biller or
 * an accountant (after comparing that business's fingerprint with its owner).
 */
function joinInstead() {
  const text = h("textarea", { id: "team-join-invitation", rows: 3, spellcheck: "false" });
  const offer = h("div", { "aria-live": "polite" });
  text.addEventListener("input", () => showInvitation(text.value, offer, "team-join-compared"));
  return h("details", { id: "team-join" },
    h("summary", {}, msg("Join another business with this key instead")),
    h("p", {}, msg("Then you write or read that business's invoices, as its owner allows, and no longer send your own.")),
    h("p", {}, h("label", { for: "team-join-invitation" }, msg("The invitation its owner sent you (sealbill-team-invitation:…)"))),
    text, offer,
    h("button", { type: "button", id: "team-join-button", onclick: async () => {
      try {
        readInvitation(text.value);
      } catch (error) {
        return say(reasonOf(error), "error");
      }
      if (!$("team-join-compared")?.checked) {
        return say(msg("Compare the business's fingerprint with its owner first (by phone or in person), then tick the box."), "error");
      }
      try {
        await join(identity, text.value);
      } catch (error) {
        return say(error instanceof Error && !error.code ? reasonOf(error) : explain(error), "error");
      }
      say(msg("Send your request to join to the business's owner, then compare fingerprints with them."), "ok");
      await showTeam();
    } }, msg("Join")));
}

/** A member's Team screen: the business, the role, and the request while waiting. */
function memberView() {
  const r = role();
  const box = $("team-body");
  const text = {
    pending: () => msg("Waiting for the owner of {name} to accept you. Send them this request, then compare fingerprints with them.", { name: state.owner.name }),
    removed: () => msg("You are no longer a member of {name}: you cannot send its invoices or fetch its files.", { name: state.owner.name }),
    biller: () => msg("You are a biller of {name}: you write and send its invoices.", { name: state.owner.name }),
    accountant: () => msg("You are an accountant of {name}: you read its invoices; you send none.", { name: state.owner.name }),
  }[r]?.();
  draw(box,
    h("p", { "data-test": "team-role", "data-role": r }, text),
    h("p", {}, msg("The business's fingerprint:"), " ", h("code", { class: "fingerprint" }, state.owner.fingerprint)),
    h("p", {}, msg("Your fingerprint:"), " ", h("code", { class: "fingerprint", "data-test": "my-fingerprint" }, identity.fingerprint())),
    r === "pending" && h("p", {}, h("label", { for: "team-my-request" }, msg("Your request to join")),
      h("textarea", { id: "team-my-request", rows: 3, readonly: true, spellcheck: "false" }, state.request)),
    h("button", { type: "button", id: "team-check", onclick: async () => {
      say(msg("Checking…"));
      try {
        const current = await checkMembership();
        const name = state.owner.name;
        say({ pending: msg("Not accepted yet."), removed: msg("You are no longer a member."),
          biller: msg("You are a biller of {name}.", { name }), accountant: msg("You are an accountant of {name}.", { name }),
          owner: msg("You are the owner of {name}.", { name }) }[current],
        current === "removed" ? "error" : "ok");
        document.dispatchEvent(new CustomEvent("sealbill:team-changed"));
      } catch (error) {
        say(reasonOf(error), "error");
      }
      memberView();
    } }, msg("Check for my membership")));
}

// The archive's rows are drawn from data (amounts, dates): drawn again in the new language.
onLanguage(() => {
  if (identity && state && !$("team-archive").hidden) showArchive();
});

/** Shows the Team screen for this device's role. */
export async function showTeam() {
  show("team");
  if (state?.kind === "member") memberView();
  else ownerView();
  document.dispatchEvent(new CustomEvent("sealbill:team-changed"));
  $("team-body").dataset.drawn = String(Number($("team-body").dataset.drawn ?? 0) + 1);
}

// ---- The team's archive ----

/**
 * Opens a team envelope with the archive keys of every epoch this device holds; each envelope's
 * own owner-signed membership must name the key. Throws (`WRONG_KEY`) if none opens it.
 */
export function openArchived(envelope) {
  const pin = { expectSender: state.kind === "owner" ? identity.fingerprint() : state.owner.fingerprint };
  return openArchive(identity, Object.values(state.files ?? {}).map(fromB64), envelope, pin);
}

/** The owner key the relay names the team by. */
const teamKey = () => state.kind === "owner" ? currentRoster().ownerKey : state.owner.key;

/** Fetches the team's envelopes this device does not hold yet, opens them and keeps them. */
async function syncArchive() {
  if (state.kind === "member") await checkMembership();
  if (role() === "removed") throw plain(msg("You are no longer a member of {name}.", { name: state.owner.name }));
  // The last second synced is listed again next time: more may have come in that second.
  let since = state.syncedUntil ?? 0;
  let last = since;
  let added = 0;
  let unreadable = 0;
  for (let page = 0; page < MAX_SYNC_PAGES; page++) {
    const { envelopes, more } = await fetchTeamEnvelopes(identity, teamKey(), since);
    for (const item of envelopes) {
      last = Math.max(last, item.uploadedAt);
      if (await storage.get("team", item.id)) continue;
      const envelope = await fetchEnvelope(item.id);
      let opened;
      try {
        opened = openArchived(envelope);
      } catch {
        unreadable++;
        continue;
      }
      const member = opened.member;
      const xml = opened.documents[0].data;
      // As clients do: an account the owner did not sign marks the invoice as not genuine.
      const signed = new Set(member?.accounts ?? []);
      const unsigned = member ? payeeAccounts(xml).map((a) => a.replace(/\s+/g, "").toUpperCase()).filter((a) => !signed.has(a)) : [];
      const summary = { index: indexOf(xml), sender: opened.sender.name, fingerprint: opened.sender.fingerprint,
        role: member?.role ?? "owner", rosterVersion: member?.rosterVersion, unsigned };
      await storage.put("team", item.id, { id: item.id, at: item.uploadedAt * 1000, envelope,
        secret: sealToSelf(identity, `team-${item.id}`, summary) });
      added++;
    }
    if (!more || !envelopes.length) break;
    since = last + 1; // pages end at whole seconds
  }
  state.syncedUntil = last;
  await save();
  return { added, unreadable };
}

/** The Archive screen: the team's invoices kept on this device, with search and export. */
export async function showArchive({ sync = false } = {}) {
  show("team-archive");
  if (sync) {
    say(msg("Fetching the team's invoices…"));
    try {
      const { added, unreadable } = await syncArchive();
      const news = added === 1 ? msg("1 new invoice from the team.") : msg("{n} new invoices from the team.", { n: added });
      say(unreadable ? msg("{news} {n} could not be opened with the archive keys on this device (sent after you lost access, or damaged).",
        { news, n: unreadable }) : news, added || !unreadable ? "ok" : "error");
    } catch (error) {
      say(error instanceof Error && !error.code && !error.status ? reasonOf(error) : explain(error), "error");
    }
  }
  const records = (await storage.all("team")).sort((a, b) => b.at - a.at);
  $("team-archive-empty").hidden = records.length > 0;
  const entries = [];
  const rows = records.map((record) => {
    let summary;
    try {
      summary = openOwn(identity, record.secret);
    } catch {
      return h("tr", { "data-id": record.id }, h("td", { colspan: 6 }, msg("A damaged record.")));
    }
    const row = h("tr", { "data-id": record.id },
      h("td", {}, summary.index.number), h("td", {}, summary.index.client),
      h("td", { class: "amount" }, formatMoney(summary.index.payable, summary.index.currency)),
      h("td", {}, h("span", { "data-test": "sent-by", "data-role": summary.role }, msg("{name} ({role})", { name: summary.sender, role: roleName(summary.role) })),
        summary.unsigned?.length > 0 && h("strong", { class: "warning", "data-warning": "ACCOUNT_NOT_SIGNED" }, " ",
          msg("Asks for payment to {accounts}, an account the owner did not sign: not genuine.", { accounts: summary.unsigned.map(groupIban).join(", ") }))),
      h("td", {}, formatDate(isoDay(record.at))),
      h("td", {}, h("button", { type: "button", onclick: () => {
        try {
          showOpened(openArchived(record.envelope), { fromSender: true });
        } catch (error) {
          say(msg("This invoice does not open: {reason}", { reason: explain(error) }), "error");
        }
      } }, msg("View"))));
    entries.push({ index: summary.index, row, id: record.id, envelope: record.envelope, at: record.at });
    return row;
  });
  $("team-archive-rows").replaceChildren(...rows);
  wireArchive({ prefix: "team-archive", legend: msg("Search the team's invoices"), partyLabel: msg("Client"), party: "client",
    entries, openEntry: (entry) => openArchived(entry.envelope) });
  $("team-archive").dataset.count = String(records.length);
}

