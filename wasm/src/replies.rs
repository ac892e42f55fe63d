//! Replies and invitations (SPEC §5.5): a client connects its own key to a business.

use tsify::Ts;
use wasm_bindgen::prelude::*;

use sealbill::{open, Error};

use crate::errors::{js_error, JsResult};
use crate::identity::JsIdentity;
use crate::links::JsLink;
use crate::open::link_identity;
use crate::options::{now_seconds, OpenOptions};
use crate::results::{encode, Connection, Sealed};

/// Seals a reply from `replier` to the sender of the envelope that `link` opens (the same
/// bytes and options as `openLink`): the sender learns the replier's card, bound to that
/// envelope. Upload it to the envelope's replies on the relay with the open proof.
#[wasm_bindgen(js_name = sealReply)]
pub fn seal_reply_js(
    replier: &JsIdentity,
    link: &JsLink,
    envelope: &[u8],
    options: Option<Ts<OpenOptions>>,
) -> JsResult<Ts<Sealed>> {
    let relay_id = link
        .relay_id
        .as_deref()
        .ok_or(js_error(Error::InvalidInput(
            "only a parsed link names the envelope to reply to",
        )))?;
    let plan = OpenOptions::plan(options)?;
    let identity = link_identity(link, &plan)?;
    let opened = open(
        core::slice::from_ref(&identity),
        envelope,
        plan.expect.as_ref(),
    )
    .map_err(|e| js_error(link.secret.explain(e)))?;
    let sealed =
        sealbill::seal_reply(&replier.0, &opened, relay_id, now_seconds()).map_err(js_error)?;
    encode(&Sealed {
        envelope: sealed.envelope.into(),
        open_proof_hash: sealed.open_proof.hash_base64url(),
        link: JsValue::UNDEFINED,
    })
}

/// Reads a reply to `original`, an envelope that `sender` sealed and the relay stores as
/// `relayId`. Fails with `UNBOUND_REPLY` when the reply was forged or moved from another
/// envelope.
#[wasm_bindgen(js_name = readReply)]
pub fn read_reply_js(
    sender: &JsIdentity,
    reply: &[u8],
    original: &[u8],
    relay_id: &str,
) -> JsResult<Ts<Connection>> {
    let own = sender.0.fingerprint();
    let original = open(
        core::slice::from_ref(sender.0.age_identity()),
        original,
        Some(&own),
    )
    .map_err(js_error)?;
    let connection =
        sealbill::read_reply(&sender.0, reply, &original, relay_id).map_err(js_error)?;
    encode(&Connection::of(&connection))
}

/// The media type of an invitation's one document (SPEC §5.5).
#[wasm_bindgen(js_name = invitationMediaType)]
pub fn invitation_media_type() -> String {
    sealbill::INVITATION_MEDIA_TYPE.to_owned()
}
