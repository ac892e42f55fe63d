//! Sealing in one call.

use tsify::Ts;
use wasm_bindgen::prelude::*;

use sealbill::Document;

use crate::errors::{js_error, JsResult};
use crate::identity::JsIdentity;
use crate::links::JsLink;
use crate::options::{decode, DocumentInput, SealOptions};
use crate::results::{encode, Sealed};

/// Signs and encrypts documents (the invoice first) for the recipients, the sender itself
/// and, if asked, a fresh link.
#[wasm_bindgen(js_name = seal)]
pub fn seal_js(
    sender: &JsIdentity,
    documents: Vec<Ts<DocumentInput>>,
    options: Ts<SealOptions>,
) -> JsResult<Ts<Sealed>> {
    let documents = documents
        .into_iter()
        .map(|d| {
            decode(d).map(|d| Document {
                name: d.name,
                media_type: d.media_type,
                data: d.data.into_vec(),
            })
        })
        .collect::<JsResult<Vec<_>>>()?;
    let options = SealOptions::to_core(options)?;
    let sealed = sealbill::seal(&sender.0, &documents, &options).map_err(js_error)?;
    encode(&Sealed {
        envelope: sealed.envelope.into(),
        open_proof_hash: sealed.open_proof.hash_base64url(),
        link: sealed
            .link
            .map_or(JsValue::UNDEFINED, |l| JsLink::fresh(l).into()),
    })
}
