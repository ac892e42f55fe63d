//! The result shapes that JS gets back, each declared once: serde builds the objects, tsify
//! writes their TypeScript.

use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::JsValue;

use sealbill::{Card, Document, Error, Manifest, Membership, OpenProof};

use crate::errors::{js_error, JsResult};
use crate::team::TeamRole;

/// Builds the JS object of a result.
pub(crate) fn encode<T: Tsify + Serialize>(value: &T) -> JsResult<Ts<T>> {
    value
        .into_ts()
        .map_err(|_| js_error(Error::InvalidInput("the result could not be converted")))
}

/// The sender of an opened envelope, from its signed card.
#[derive(Tsify, Serialize)]
pub struct Sender {
    /// The display name on the card.
    pub name: String,
    /// The fingerprint to compare aloud.
    pub fingerprint: String,
    /// The whole card (`sealbill-card:…`), to pin.
    pub card: String,
    /// The sender's `age1…` recipient.
    pub recipient: String,
}

/// A document of an opened envelope, as signed in its manifest.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenedDocument {
    /// The signed file name.
    pub name: String,
    /// The signed media type.
    pub media_type: String,
    /// The size in bytes.
    pub size: u64,
    /// The SHA-256, in lower-case hex.
    pub sha256: String,
    /// The bytes; present on the results of `open` and `openLink`.
    #[tsify(optional, type = "Uint8Array")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_bytes::ByteBuf>,
}

/// The team member who sent an envelope for its business, as the owner signed it.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberInfo {
    /// The member's display name.
    pub name: String,
    /// The member's fingerprint.
    pub fingerprint: String,
    /// The member's card (`sealbill-card:…`).
    pub card: String,
    /// The member's role.
    pub role: TeamRole,
    /// The version of the roster the membership is taken from. A reader keeps the newest
    /// version seen per business with its `rosterIssued`, and refuses a member's envelope
    /// issued at or after that time under an older version (SPEC §3.8).
    pub roster_version: u64,
    /// When the owner signed that roster, in seconds since the Unix epoch.
    pub roster_issued: u64,
    /// The payment accounts (IBANs) the owner signed; the invoice may name no other.
    pub accounts: Vec<String>,
    /// The epoch of the team's archive key.
    pub archive_epoch: u32,
}

impl MemberInfo {
    /// What a membership says about its member.
    pub(crate) fn of(membership: &Membership) -> MemberInfo {
        let member = membership.member();
        MemberInfo {
            name: member.card.name().to_owned(),
            fingerprint: member.card.fingerprint().to_string(),
            card: member.card.to_text(),
            role: member.role.into(),
            roster_version: membership.version(),
            roster_issued: membership.issued(),
            accounts: membership.accounts().to_vec(),
            archive_epoch: membership.archive().epoch,
        }
    }
}

/// A verified envelope.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Opened {
    /// Who signed it: the business itself, or one of its team members.
    pub sender: Sender,
    /// The business it comes from, to pin and show: the sender, or the owner of the sender's
    /// team.
    pub business: Sender,
    /// The team member who sent it, when a member sent it for the business.
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberInfo>,
    /// The signed invoice id.
    pub invoice_id: String,
    /// The signed issue time, in seconds since the Unix epoch.
    pub issued_at: u64,
    /// Every recipient the sender sealed for (`age1…`).
    pub recipients: Vec<String>,
    /// The documents; the first is the invoice.
    pub documents: Vec<OpenedDocument>,
    /// Shown to the relay to count this open; only a reader of the envelope can know it.
    pub open_proof: String,
}

impl Opened {
    /// The result of a verified open, with the documents' bytes when they are at hand.
    pub(crate) fn from_verified(
        manifest: &Manifest,
        proof: &OpenProof,
        documents: Option<Vec<Document>>,
    ) -> JsResult<Ts<Opened>> {
        let mut data = documents
            .unwrap_or_default()
            .into_iter()
            .map(|d| serde_bytes::ByteBuf::from(d.data));
        encode(&Opened {
            sender: Sender::of(&manifest.sender),
            business: Sender::of(manifest.business()),
            member: manifest.membership.as_ref().map(MemberInfo::of),
            invoice_id: manifest.invoice_id.clone(),
            issued_at: manifest.issued_at,
            recipients: manifest.recipients.iter().map(|r| r.to_string()).collect(),
            documents: manifest
                .documents
                .iter()
                .map(|d| OpenedDocument {
                    name: d.name.clone(),
                    media_type: d.media_type.clone(),
                    size: d.size,
                    sha256: d.sha256.iter().map(|b| format!("{b:02x}")).collect(),
                    data: data.next(),
                })
                .collect(),
            open_proof: proof.to_base64url(),
        })
    }
}

impl Sender {
    /// What a card says about its holder.
    pub(crate) fn of(card: &Card) -> Sender {
        Sender {
            name: card.name().to_owned(),
            fingerprint: card.fingerprint().to_string(),
            card: card.to_text(),
            recipient: card.recipient().to_string(),
        }
    }
}

/// A sealed envelope. `openProofHash` goes to the relay with the upload (burn after reading).
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sealed {
    /// The age file.
    #[tsify(type = "Uint8Array")]
    pub envelope: serde_bytes::ByteBuf,
    /// The SHA-256 of the open proof, in unpadded base64url.
    pub open_proof_hash: String,
    /// The link, when one was asked for: a `Link` handle that holds its secret.
    #[tsify(optional, type = "Link")]
    #[serde(
        with = "serde_wasm_bindgen::preserve",
        skip_serializing_if = "JsValue::is_undefined"
    )]
    pub link: JsValue,
}

/// What a card says about its holder, after its self-signature checked.
#[derive(Tsify, Serialize)]
pub struct CardInfo {
    /// The display name.
    pub name: String,
    /// The fingerprint to compare aloud.
    pub fingerprint: String,
    /// The `age1…` recipient.
    pub recipient: String,
}

impl CardInfo {
    pub(crate) fn of(card: &Card) -> CardInfo {
        CardInfo {
            name: card.name().to_owned(),
            fingerprint: card.fingerprint().to_string(),
            recipient: card.recipient().to_string(),
        }
    }
}

/// A verified reply: the client who connected, and the envelope it answered.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// The client's signed card: seal later invoices to `client.card`.
    pub client: Sender,
    /// The relay id of the answered envelope.
    pub relay_id: String,
    /// The invoice id of the answered envelope.
    pub invoice_id: String,
    /// When the client sealed the reply, in seconds since the Unix epoch.
    pub replied_at: u64,
}

impl Connection {
    pub(crate) fn of(connection: &sealbill::Connection) -> Connection {
        Connection {
            client: Sender::of(&connection.card),
            relay_id: connection.relay_id.clone(),
            invoice_id: connection.invoice_id.clone(),
            replied_at: connection.replied_at,
        }
    }
}
