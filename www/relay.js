// The relay client: the only module that talks to the server. Only ciphertext, relay ids,
// open proofs and manage tokens (in headers) are sent; never a link secret or a key.

import { t } from "/i18n.js";

const API = "/api/v1/envelopes";

/** A failed relay request: `code` is the relay's error code, or UNREACHABLE. */
export class RelayError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "RelayError";
    this.status = status;
    this.code = code;
  }
}

async function failure(response) {
  let error = {};
  try {
    error = (await response.json()).error ?? {};
  } catch {
    // A proxy's HTML error page: fall back on the status.
  }
  return new RelayError(response.status, error.code ?? `HTTP_${response.status}`,
    error.message ?? t("the relay answered {status}", { status: response.status }));
}

async function request(path, init) {
  let response;
  try {
    response = await fetch(path, { cache: "no-store", credentials: "omit", ...init });
  } catch {
    throw new RelayError(0, "UNREACHABLE", t("the relay cannot be reached"));
  }
  if (!response.ok) throw await failure(response);
  return response;
}

/**
 * Uploads a sealed envelope, signed with the sender's identity, reporting upload progress as
 * `onProgress(sentBytes, totalBytes)`. Resolves to `{ id, manageToken, expiresAt }`.
 */
export function upload(identity, envelope, { expiresSeconds, proofHash }, onProgress) {
  const query = new URLSearchParams({ expires: String(expiresSeconds), proof: proofHash });
  const target = `${API}?${query}`;
  const signature = identity.signRequest("POST", location.host, target, envelope);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", target);
    xhr.responseType = "json";
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Sealbill-Signature", signature);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.total);
    xhr.onerror = () => reject(new RelayError(0, "UNREACHABLE", t("the relay cannot be reached")));
    xhr.onload = () => {
      const body = xhr.response ?? {};
      if (xhr.status === 201) resolve(body);
      else reject(new RelayError(xhr.status, body.error?.code ?? `HTTP_${xhr.status}`,
        body.error?.message ?? t("the relay answered {status}", { status: xhr.status })));
    };
    xhr.send(envelope);
  });
}

/** Fetches an envelope's bytes. Fetching never counts as opening. */
export async function fetchEnvelope(id) {
  const response = await request(`${API}/${encodeURIComponent(id)}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Tells the relay that the envelope was opened and verified, proving it with the open proof. */
export async function reportOpened(id, proof) {
  const response = await request(`${API}/${encodeURIComponent(id)}/opened`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ proof }),
  });
  return response.json();
}

const bearer = (token) => ({ Authorization: `Bearer ${token}` });

/** The sender's view of an envelope: `{ status, opens, maxOpens, expiresAt }`. */
export async function status(id, manageToken) {
  const response = await request(`${API}/${encodeURIComponent(id)}/status`, { headers: bearer(manageToken) });
  return response.json();
}

/** Revokes an envelope: later fetches get 410. */
export async function revoke(id, manageToken) {
  await request(`${API}/${encodeURIComponent(id)}`, { method: "DELETE", headers: bearer(manageToken) });
}

/**
 * Sends a client's reply (sealed to the business) for an envelope it opened, proving the open
 * with the open proof in a header. Resolves to `{ id, receivedAt }`.
 */
export async function postReply(id, reply, proof) {
  const response = await request(`${API}/${encodeURIComponent(id)}/replies`, {
    method: "POST",
    headers: { "Content-Type": "application/octet-stream", "Sealbill-Open-Proof": proof },
    body: reply,
  });
  return response.json();
}

const fromBase64url = (text) => Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

/** The replies to an envelope, for its sender: `[{ id, receivedAt, body: Uint8Array }]`. */
export async function replies(id, manageToken) {
  const response = await request(`${API}/${encodeURIComponent(id)}/replies`, { headers: bearer(manageToken) });
  const { replies: list } = await response.json();
  return list.map((r) => ({ ...r, body: fromBase64url(r.body) }));
}

/** Deletes a reply the sender has processed. */
export async function deleteReply(id, replyId, manageToken) {
  await request(`${API}/${encodeURIComponent(id)}/replies/${encodeURIComponent(replyId)}`,
    { method: "DELETE", headers: bearer(manageToken) });
}

/** When each GET target was last signed (whole seconds). */
const lastSigned = new Map();

/**
 * Waits, if need be, for the next second: a GET signs the empty body, so the same target in
 * the same second would carry the same signature, which the relay refuses as a replay.
 */
async function onceThisSecond(target) {
  const second = () => Math.floor(Date.now() / 1000);
  for (let i = 0; i < 3 && lastSigned.get(target) === second(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
  }
  lastSigned.set(target, second());
}

/**
 * A request signed with `identity` (SPEC §6): for this relay (the page's host), the target
 * and body as sent; a GET signs the empty body.
 */
async function signedRequest(identity, method, target, body = new Uint8Array()) {
  if (method === "GET") await onceThisSecond(target);
  const signature = identity.signRequest(method, location.host, target, body);
  const headers = { "Sealbill-Signature": signature };
  if (method !== "GET") headers["Content-Type"] = "application/octet-stream";
  return request(target, { method, headers, body: method === "GET" ? undefined : body });
}

/** Publishes a team roster, signed by its owner. */
export async function postRoster(owner, roster) {
  await signedRequest(owner, "POST", "/api/v1/rosters", roster);
}

/** Publishes one member's membership, signed by the owner. */
export async function postMembership(owner, membership) {
  await signedRequest(owner, "POST", "/api/v1/rosters/memberships", membership);
}

/** Publishes the archive-key file of an epoch, signed by the owner. */
export async function postArchiveKey(owner, epoch, file) {
  await signedRequest(owner, "POST", `/api/v1/rosters/archive-keys?epoch=${Number(epoch)}`, file);
}

/**
 * The team of `ownerKey` (the owner's signing key, base64url) as the signer may see it:
 * `{ owner, version, membership: Uint8Array|null, archiveKeys: [{ epoch, file: Uint8Array }], roster? }`.
 * A removed member gets a RelayError with status 403.
 */
export async function fetchTeam(identity, ownerKey) {
  const response = await signedRequest(identity, "GET", `/api/v1/team?owner=${encodeURIComponent(ownerKey)}`);
  const team = await response.json();
  return { ...team, membership: team.membership ? fromBase64url(team.membership) : null,
    roster: team.roster ? fromBase64url(team.roster) : undefined,
    archiveKeys: (team.archiveKeys ?? []).map((k) => ({ epoch: k.epoch, file: fromBase64url(k.file) })) };
}

/** The team's envelopes uploaded since `since` (seconds): `{ envelopes: [{ id, uploadedAt, expiresAt, uploader }], more }`. */
export async function fetchTeamEnvelopes(identity, ownerKey, since = 0) {
  const query = new URLSearchParams({ owner: ownerKey, since: String(since) });
  const response = await signedRequest(identity, "GET", `/api/v1/team/envelopes?${query}`);
  return response.json();
}
