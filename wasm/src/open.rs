//! Opening in one call, plain age decryption, and cards.

use tsify::Ts;
use wasm_bindgen::prelude::*;

use sealbill::{age, open, Card, Error};

use crate::errors::{js_error, JsResult};
use crate::identity::JsIdentity;
use crate::links::JsLink;
use crate::options::{OpenOptions, OpenPlan};
use crate::results::{encode, CardInfo, Opened};

/// Decrypts and verifies an envelope with an identity. Nothing is returned unless every
/// check passes.
#[wasm_bindgen(js_name = open)]
pub fn open_js(
    identity: &JsIdentity,
    envelope: &[u8],
    options: Option<Ts<OpenOptions>>,
) -> JsResult<Ts<Opened>> {
    let plan = OpenOptions::plan_for_keys(
        options,
        "a passphrase opens links only; an identity needs none",
    )?;
    let identities = core::slice::from_ref(identity.0.age_identity());
    opened(identities, envelope, &plan, |e| e)
}

/// Decrypts and verifies an envelope with a link (and its passphrase, if it has one).
#[wasm_bindgen(js_name = openLink)]
pub fn open_link_js(
    link: &JsLink,
    envelope: &[u8],
    options: Option<Ts<OpenOptions>>,
) -> JsResult<Ts<Opened>> {
    let plan = OpenOptions::plan(options)?;
    let identity = link_identity(link, &plan)?;
    opened(core::slice::from_ref(&identity), envelope, &plan, |e| {
        link.secret.explain(e)
    })
}

/// The one-time identity of a link, with the plan's passphrase if it needs one.
pub(crate) fn link_identity(link: &JsLink, plan: &OpenPlan) -> JsResult<age::Identity> {
    link.secret
        .identity(plan.passphrase.as_ref())
        .map_err(js_error)
}

fn opened(
    identities: &[age::Identity],
    envelope: &[u8],
    plan: &OpenPlan,
    explain: impl FnOnce(Error) -> Error,
) -> JsResult<Ts<Opened>> {
    let opened =
        open(identities, envelope, plan.expect.as_ref()).map_err(|e| js_error(explain(e)))?;
    Opened::from_verified(&opened.manifest, &opened.open_proof, Some(opened.documents))
}

/// Decrypts any age v1 file with X25519 stanzas to this identity, like `age -d`. No
/// signature is checked: this is for plain age files, not for sealbill envelopes.
#[wasm_bindgen(js_name = decryptAge)]
pub fn decrypt_age_js(identity: &JsIdentity, file: &[u8]) -> JsResult<Vec<u8>> {
    age::decrypt(core::slice::from_ref(identity.0.age_identity()), file)
        .map(|plain| plain.to_vec())
        .map_err(js_error)
}

/// The name, fingerprint and recipient of a card, after checking its self-signature.
#[wasm_bindgen(js_name = inspectCard)]
pub fn inspect_card_js(card: &str) -> JsResult<Ts<CardInfo>> {
    let card = Card::from_text(card).map_err(js_error)?;
    encode(&CardInfo::of(&card))
}
