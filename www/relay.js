// The relay client: the only module that talks to the server. Only ciphertext, relay ids,
// open proofs and manage tokens (in headers) are sent; never a link secret or a key.

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
    error.message ?? `the relay answered ${response.status}`);
}

async function request(path, init) {
  let response;
  try {
    response = await fetch(path, { cache: "no-store", credentials: "omit", ...init });
  } catch {
    throw new RelayError(0, "UNREACHABLE", "the relay cannot be reached");
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
  const signature = identity.signRequest("POST", target, envelope);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", target);
    xhr.responseType = "json";
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Sealbill-Signature", signature);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.total);
    xhr.onerror = () => reject(new RelayError(0, "UNREACHABLE", "the relay cannot be reached"));
    xhr.onload = () => {
      const body = xhr.response ?? {};
      if (xhr.status === 201) resolve(body);
      else reject(new RelayError(xhr.status, body.error?.code ?? `HTTP_${xhr.status}`,
        body.error?.message ?? `the relay answered ${xhr.status}`));
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
