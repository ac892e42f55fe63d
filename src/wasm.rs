//! The JavaScript API, built with wasm-bindgen for `wasm32-unknown-unknown` only.
//!
//! The layer is thin: it converts values at the boundary and keeps secrets in wasm memory
//! behind opaque handles ([`JsIdentity`], [`JsLink`]), which are zeroized when JS calls
//! `free()`. Errors reach JS as `Error` objects named `SealbillError` with a stable `code`.

use js_sys::{Function, JsString, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use crate::age::{self, Recipient};
use crate::error::Error;
use crate::{
    open, parse_recipient, seal, Card, Document, DocumentInfo, DocumentSink, Fingerprint, Identity,
    KdfParams, LinkSecret, Manifest, OpenProof, Opener, Sealer,
};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** The stable `code` of every error the module throws. */
export type ErrorCode =
  | "MALFORMED" | "TRUNCATED" | "WRONG_KEY" | "TAMPERED" | "BAD_SIGNATURE" | "NOT_FOR_YOU"
  | "UNEXPECTED_SENDER" | "BAD_PASSPHRASE" | "LIMIT_EXCEEDED" | "INVALID_INPUT";
/** Thrown by every function of the module. */
export interface SealbillError extends Error { name: "SealbillError"; code: ErrorCode; }
/** Argon2id cost; each field defaults to RFC 9106's 64 MiB, 3 passes, 1 lane. */
export interface KdfOptions { memoryKib?: number; iterations?: number; parallelism?: number; }
/** A document to seal. The invoice comes first. */
export interface DocumentInput { name: string; mediaType: string; data: Uint8Array; }
/** A document announced to a SealStream before its bytes are pushed. */
export interface DocumentAnnouncement { name: string; mediaType: string; size: number; }
/** How to seal: recipients are `sealbill-card:…` or `age1…` strings. */
export interface SealOptions {
  invoiceId: string;
  recipients?: string[];
  /** Seconds since the Unix epoch; defaults to now. */
  issuedAt?: number;
  /** Also seal for a fresh link, optionally bound to a passphrase. */
  link?: boolean | { passphrase: string };
  /** ASCII-armored output instead of binary. */
  armor?: boolean;
}
/** How to open: `expectSender` pins the sender's fingerprint. */
export interface OpenOptions { expectSender?: string; passphrase?: string; }
export interface Sender { name: string; fingerprint: string; card: string; recipient: string; }
export interface OpenedDocument {
  name: string; mediaType: string; size: number; sha256: string; data?: Uint8Array;
}
/** A verified envelope. `data` is present on documents returned by `open` and `openLink`. */
export interface Opened {
  sender: Sender; invoiceId: string; issuedAt: number; recipients: string[];
  documents: OpenedDocument[];
  /** Shown to the relay to count this open; only a reader of the envelope can know it. */
  openProof: string;
}
/** `openProofHash` goes to the relay with the upload (burn after reading). */
export interface Sealed { envelope: Uint8Array; openProofHash: string; link?: Link; }
export interface CardInfo { name: string; fingerprint: string; recipient: string; }
"#;

#[wasm_bindgen]
extern "C" {
    /// `KdfOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "KdfOptions")]
    pub type KdfOptionsJs;
    /// `SealOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "SealOptions")]
    pub type SealOptionsJs;
    /// `OpenOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "OpenOptions")]
    pub type OpenOptionsJs;
    /// `DocumentInput[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "DocumentInput[]")]
    pub type DocumentsJs;
    /// `DocumentAnnouncement[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "DocumentAnnouncement[]")]
    pub type AnnouncementsJs;
    /// `Opened` in TypeScript.
    #[wasm_bindgen(typescript_type = "Opened")]
    pub type OpenedJs;
    /// `Sealed` in TypeScript.
    #[wasm_bindgen(typescript_type = "Sealed")]
    pub type SealedJs;
    /// `CardInfo` in TypeScript.
    #[wasm_bindgen(typescript_type = "CardInfo")]
    pub type CardInfoJs;
    /// A `ReadableStream<Uint8Array>`, such as `file.stream()` or `response.body`.
    #[wasm_bindgen(typescript_type = "ReadableStream<Uint8Array>")]
    pub type ByteSource;
    #[wasm_bindgen(method, catch, js_name = getReader)]
    fn get_reader(this: &ByteSource) -> Result<SourceReader, JsValue>;
    type SourceReader;
    #[wasm_bindgen(method)]
    fn read(this: &SourceReader) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = releaseLock)]
    fn release_lock(this: &SourceReader);
}

/// Turns a library error into a JS `Error` with a `code` property.
fn js_error(error: Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("SealbillError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&js, &"code".into(), &error.code().into());
    js.into()
}

type JsResult<T> = Result<T, JsValue>;

/// Reads a JS value (an object, or an array of objects) whose objects may have only the
/// `fields` listed: a misspelt option such as `expectedSender` must fail, not be ignored.
/// serde's messages are not passed on, as they may quote values.
fn from_js<T: for<'de> Deserialize<'de>>(
    value: JsValue,
    shape: &'static str,
    fields: &[&str],
) -> JsResult<T> {
    let invalid = || js_error(Error::InvalidInput(shape));
    let objects: Vec<JsValue> = match value.dyn_ref::<js_sys::Array>() {
        Some(array) => array.iter().collect(),
        None => vec![value.clone()],
    };
    for object in objects.iter().filter(|o| o.is_object()) {
        let known = js_sys::Object::keys(object.unchecked_ref::<js_sys::Object>())
            .iter()
            .all(|key| {
                key.as_string()
                    .is_some_and(|k| fields.contains(&k.as_str()))
            });
        if !known {
            return Err(invalid());
        }
    }
    serde_wasm_bindgen::from_value(value).map_err(|_| invalid())
}

fn to_js<T: Serialize, U: JsCast>(value: &T) -> JsResult<U> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new())
        .map(JsCast::unchecked_into)
        .map_err(|_| js_error(Error::InvalidInput("result could not be converted")))
}

/// A passphrase from JS, NFC-normalized (SPEC §5.1). Both the copy JS passed in and the
/// normalized one are wiped from wasm memory on drop.
fn passphrase(text: String) -> Zeroizing<String> {
    let raw = Zeroizing::new(text);
    Zeroizing::new(String::from(JsString::from(raw.as_str()).normalize("NFC")))
}

fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// A sealbill identity: a sender's or client's keys. Call `free()` to wipe it.
#[wasm_bindgen(js_name = Identity)]
pub struct JsIdentity(Identity);

#[wasm_bindgen(js_class = Identity)]
impl JsIdentity {
    /// Creates a fresh identity with a display name.
    pub fn generate(name: &str) -> JsResult<JsIdentity> {
        Identity::generate(name).map(JsIdentity).map_err(js_error)
    }

    /// The display name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.0.name().to_owned()
    }

    /// The public card (`sealbill-card:…`) to hand to clients.
    pub fn card(&self) -> String {
        self.0.card().to_text()
    }

    /// The fingerprint to compare aloud: eight groups of five digits.
    pub fn fingerprint(&self) -> String {
        self.0.fingerprint().to_string()
    }

    /// The `age1…` recipient of this identity.
    pub fn recipient(&self) -> String {
        self.0.recipient().to_string()
    }

    /// Locks the identity under a passphrase into a keystore blob for device storage.
    pub fn lock(&self, passphrase: String, options: Option<KdfOptionsJs>) -> JsResult<Vec<u8>> {
        let params = kdf_params(options)?;
        self.0
            .lock(self::passphrase(passphrase).as_bytes(), &params)
            .map_err(js_error)
    }

    /// Unlocks a keystore blob made by `lock`.
    pub fn unlock(blob: &[u8], passphrase: String) -> JsResult<JsIdentity> {
        Identity::unlock(blob, self::passphrase(passphrase).as_bytes())
            .map(JsIdentity)
            .map_err(js_error)
    }

    /// An encrypted backup file (text) under its own passphrase.
    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(
        &self,
        passphrase: String,
        options: Option<KdfOptionsJs>,
    ) -> JsResult<String> {
        let params = kdf_params(options)?;
        self.0
            .export_backup(self::passphrase(passphrase).as_bytes(), &params)
            .map_err(js_error)
    }

    /// Signs a relay request: returns the `Sealbill-Signature` header value for `method`, the
    /// request target (path and query) and the body, stamped with the current time.
    #[wasm_bindgen(js_name = signRequest)]
    pub fn sign_request(&self, method: &str, target: &str, body: &[u8]) -> JsResult<String> {
        crate::sign_request(&self.0, method, target, now_seconds(), body).map_err(js_error)
    }

    /// Restores an identity from an `exportBackup` file.
    #[wasm_bindgen(js_name = importBackup)]
    pub fn import_backup(text: &str, passphrase: String) -> JsResult<JsIdentity> {
        Identity::import_backup(text, self::passphrase(passphrase).as_bytes())
            .map(JsIdentity)
            .map_err(js_error)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KdfOptions {
    memory_kib: Option<u32>,
    iterations: Option<u32>,
    parallelism: Option<u32>,
}

fn kdf_params(options: Option<KdfOptionsJs>) -> JsResult<KdfParams> {
    let d = KdfParams::DEFAULT;
    let Some(options) = options else {
        return Ok(d);
    };
    let o: KdfOptions = from_js(
        options.into(),
        "KdfOptions: {memoryKib?, iterations?, parallelism?}",
        &["memoryKib", "iterations", "parallelism"],
    )?;
    let params = KdfParams {
        memory_kib: o.memory_kib.unwrap_or(d.memory_kib),
        iterations: o.iterations.unwrap_or(d.iterations),
        parallelism: o.parallelism.unwrap_or(d.parallelism),
    };
    params.check().map_err(js_error)?;
    Ok(params)
}

/// A link to an envelope on a relay. Holds the link secret; call `free()` to wipe it.
#[wasm_bindgen(js_name = Link)]
pub struct JsLink {
    relay_id: Option<String>,
    secret: LinkSecret,
}

#[wasm_bindgen(js_class = Link)]
impl JsLink {
    /// Parses a link (or only its fragment).
    pub fn parse(link: &str) -> JsResult<JsLink> {
        let (relay_id, secret) = LinkSecret::parse(link).map_err(js_error)?;
        Ok(JsLink {
            relay_id: Some(relay_id),
            secret,
        })
    }

    /// The relay id of a parsed link; undefined for a link fresh from sealing.
    #[wasm_bindgen(getter, js_name = relayId)]
    pub fn relay_id(&self) -> Option<String> {
        self.relay_id.clone()
    }

    /// Whether opening needs a passphrase besides the link.
    #[wasm_bindgen(getter, js_name = needsPassphrase)]
    pub fn needs_passphrase(&self) -> bool {
        self.secret.needs_passphrase()
    }

    /// The full link: `base` (the page URL) + `#<relayId>.<secret>`. Send it to the client
    /// only: it opens the envelope.
    pub fn url(&self, base: &str, relay_id: &str) -> JsResult<String> {
        self.secret
            .url(base, relay_id)
            .map(|u| u.as_str().to_owned())
            .map_err(js_error)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SealOptions {
    invoice_id: String,
    #[serde(default)]
    recipients: Vec<String>,
    issued_at: Option<u64>,
    #[serde(default)]
    link: LinkOption,
    #[serde(default)]
    armor: bool,
}

#[derive(Deserialize, Default)]
#[serde(untagged)]
enum LinkOption {
    #[default]
    None,
    Plain(bool),
    Passphrase {
        passphrase: String,
    },
}

const SEAL_SHAPE: &str =
    "SealOptions: {invoiceId, recipients?, issuedAt?, link?: boolean | {passphrase}, armor?}";

/// What both sealing paths need: recipients (link included) and the link secret.
struct SealPlan {
    options: SealOptions,
    recipients: Vec<Recipient>,
    link: Option<LinkSecret>,
}

impl SealPlan {
    fn new(options: SealOptionsJs) -> JsResult<SealPlan> {
        let mut options: SealOptions = from_js(
            options.into(),
            SEAL_SHAPE,
            &["invoiceId", "recipients", "issuedAt", "link", "armor"],
        )?;
        let mut recipients = options
            .recipients
            .iter()
            .map(|r| parse_recipient(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(js_error)?;
        let (link, pass) = match core::mem::take(&mut options.link) {
            LinkOption::None | LinkOption::Plain(false) => (None, None),
            LinkOption::Plain(true) => (Some(LinkSecret::generate(false)), None),
            LinkOption::Passphrase { passphrase } => (
                Some(LinkSecret::generate(true)),
                Some(self::passphrase(passphrase)),
            ),
        };
        if let Some(link) = &link {
            let identity = link
                .identity(pass.as_ref().map(|p| p.as_bytes()))
                .map_err(js_error)?;
            recipients.push(identity.to_recipient());
        }
        Ok(SealPlan {
            options,
            recipients,
            link,
        })
    }

    fn issued_at(&self) -> u64 {
        self.options.issued_at.unwrap_or_else(now_seconds)
    }

    fn take_link(&mut self) -> Option<JsLink> {
        self.link.take().map(|secret| JsLink {
            relay_id: None,
            secret,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DocumentInput {
    name: String,
    media_type: String,
    data: serde_bytes::ByteBuf,
}

/// Signs and encrypts documents (the invoice first) for the recipients, the sender itself
/// and, if asked, a fresh link. Returns `{ envelope, link? }`.
#[wasm_bindgen(js_name = seal)]
pub fn seal_js(
    sender: &JsIdentity,
    documents: DocumentsJs,
    options: SealOptionsJs,
) -> JsResult<SealedJs> {
    let inputs: Vec<DocumentInput> = from_js(
        documents.into(),
        "documents: [{name, mediaType, data: Uint8Array}]",
        &["name", "mediaType", "data"],
    )?;
    let documents: Vec<Document> = inputs
        .into_iter()
        .map(|d| Document {
            name: d.name,
            media_type: d.media_type,
            data: d.data.into_vec(),
        })
        .collect();
    let mut plan = SealPlan::new(options)?;
    let sealed = seal(
        &sender.0,
        &plan.recipients,
        &plan.options.invoice_id,
        plan.issued_at(),
        &documents,
        plan.options.armor,
    )
    .map_err(js_error)?;
    let result = js_sys::Object::new();
    Reflect::set(
        &result,
        &"envelope".into(),
        &Uint8Array::from(sealed.envelope.as_slice()),
    )?;
    Reflect::set(
        &result,
        &"openProofHash".into(),
        &sealed.open_proof.hash_base64url().into(),
    )?;
    let link = plan.take_link();
    if let Some(link) = link {
        Reflect::set(&result, &"link".into(), &JsValue::from(link))?;
    }
    Ok(result.unchecked_into())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct OpenOptions {
    expect_sender: Option<String>,
    passphrase: Option<String>,
}

/// The parsed open options: the pinned fingerprint and the passphrase.
fn open_options(
    options: Option<OpenOptionsJs>,
) -> JsResult<(Option<Fingerprint>, Option<Zeroizing<String>>)> {
    let o: OpenOptions = match options {
        Some(o) => from_js(
            o.into(),
            "OpenOptions: {expectSender?, passphrase?}",
            &["expectSender", "passphrase"],
        )?,
        None => OpenOptions::default(),
    };
    let expect = o
        .expect_sender
        .map(|f| f.parse::<Fingerprint>())
        .transpose()
        .map_err(js_error)?;
    let pass = o.passphrase.map(self::passphrase);
    Ok((expect, pass))
}

/// The identities that open with a link: its one derived key.
fn link_identities(
    link: &JsLink,
    pass: Option<&Zeroizing<String>>,
) -> JsResult<Vec<age::Identity>> {
    link.secret
        .identity(pass.map(|p| p.as_bytes()))
        .map(|i| vec![i])
        .map_err(js_error)
}

/// Decrypts and verifies an envelope with an identity. Nothing is returned unless every
/// check passes.
#[wasm_bindgen(js_name = open)]
pub fn open_js(
    identity: &JsIdentity,
    envelope: &[u8],
    options: Option<OpenOptionsJs>,
) -> JsResult<OpenedJs> {
    let (expect, _) = open_options(options)?;
    let opened = open(
        core::slice::from_ref(identity.0.age_identity()),
        envelope,
        expect.as_ref(),
    )
    .map_err(js_error)?;
    opened_result(
        &opened.manifest,
        &opened.open_proof,
        Some(&opened.documents),
    )
}

/// Decrypts and verifies an envelope with a link (and its passphrase, if it has one).
#[wasm_bindgen(js_name = openLink)]
pub fn open_link_js(
    link: &JsLink,
    envelope: &[u8],
    options: Option<OpenOptionsJs>,
) -> JsResult<OpenedJs> {
    let (expect, pass) = open_options(options)?;
    let identities = link_identities(link, pass.as_ref())?;
    let opened = open(&identities, envelope, expect.as_ref())
        .map_err(|e| js_error(link.secret.explain(e)))?;
    opened_result(
        &opened.manifest,
        &opened.open_proof,
        Some(&opened.documents),
    )
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
pub fn inspect_card_js(card: &str) -> JsResult<CardInfoJs> {
    let card = Card::from_text(card).map_err(js_error)?;
    to_js(&CardInfo {
        name: card.name().to_owned(),
        fingerprint: card.fingerprint().to_string(),
        recipient: card.recipient().to_string(),
    })
}

#[derive(Serialize)]
struct CardInfo {
    name: String,
    fingerprint: String,
    recipient: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenedOut<'a> {
    sender: SenderOut,
    invoice_id: &'a str,
    issued_at: u64,
    recipients: Vec<String>,
    documents: Vec<DocumentOut<'a>>,
    open_proof: String,
}

#[derive(Serialize)]
struct SenderOut {
    name: String,
    fingerprint: String,
    card: String,
    recipient: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentOut<'a> {
    name: &'a str,
    media_type: &'a str,
    size: u64,
    sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a serde_bytes::Bytes>,
}

fn opened_result(
    manifest: &Manifest,
    proof: &OpenProof,
    documents: Option<&[Document]>,
) -> JsResult<OpenedJs> {
    let sender = &manifest.sender;
    to_js(&OpenedOut {
        sender: SenderOut {
            name: sender.name().to_owned(),
            fingerprint: sender.fingerprint().to_string(),
            card: sender.to_text(),
            recipient: sender.recipient().to_string(),
        },
        invoice_id: &manifest.invoice_id,
        issued_at: manifest.issued_at,
        recipients: manifest.recipients.iter().map(|r| r.to_string()).collect(),
        documents: manifest
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| DocumentOut {
                name: &d.name,
                media_type: &d.media_type,
                size: d.size,
                sha256: d.sha256.iter().map(|b| format!("{b:02x}")).collect(),
                data: documents
                    .and_then(|docs| docs.get(i))
                    .map(|doc| serde_bytes::Bytes::new(&doc.data)),
            })
            .collect(),
        open_proof: proof.to_base64url(),
    })
}

const STREAM_DONE: Error = Error::InvalidInput("this stream has already finished or failed");

/// Seals large documents piece by piece, in memory bounded by one 64 KiB chunk.
///
/// Push the documents' bytes in order; each call returns the envelope bytes it produced.
#[wasm_bindgen]
pub struct SealStream {
    sealer: Option<Sealer>,
    proof: Option<OpenProof>,
    pending: Vec<u8>,
    link: Option<JsLink>,
    done: u64,
    total: u64,
}

#[wasm_bindgen]
impl SealStream {
    /// Starts an envelope for the announced documents (the invoice first).
    #[wasm_bindgen(constructor)]
    pub fn new(
        sender: &JsIdentity,
        documents: AnnouncementsJs,
        options: SealOptionsJs,
    ) -> JsResult<SealStream> {
        let documents: Vec<Announcement> = from_js(
            documents.into(),
            "documents: [{name, mediaType, size}]",
            &["name", "mediaType", "size"],
        )?;
        let infos: Vec<DocumentInfo> = documents
            .into_iter()
            .map(|d| DocumentInfo {
                name: d.name,
                media_type: d.media_type,
                size: d.size,
            })
            .collect();
        let total = infos.iter().map(|d| d.size).sum();
        let mut plan = SealPlan::new(options)?;
        let mut pending = Vec::new();
        let sealer = Sealer::new(
            &sender.0,
            &plan.recipients,
            &plan.options.invoice_id,
            plan.issued_at(),
            infos,
            plan.options.armor,
            &mut pending,
        )
        .map_err(js_error)?;
        Ok(SealStream {
            sealer: Some(sealer),
            proof: None,
            pending,
            link: plan.take_link(),
            done: 0,
            total,
        })
    }

    /// Takes the link made for this envelope, if one was asked for (once).
    #[wasm_bindgen(js_name = takeLink)]
    pub fn take_link(&mut self) -> Option<JsLink> {
        self.link.take()
    }

    /// Document bytes pushed so far.
    #[wasm_bindgen(getter, js_name = bytesDone)]
    pub fn bytes_done(&self) -> f64 {
        self.done as f64
    }

    /// Document bytes announced in all.
    #[wasm_bindgen(getter, js_name = bytesTotal)]
    pub fn bytes_total(&self) -> f64 {
        self.total as f64
    }

    /// Encrypts the next document bytes; returns the envelope bytes produced.
    pub fn push(&mut self, chunk: &[u8]) -> JsResult<Vec<u8>> {
        let mut out = core::mem::take(&mut self.pending);
        let sealer = self.sealer.as_mut().ok_or_else(|| js_error(STREAM_DONE))?;
        if let Err(e) = sealer.push(chunk, &mut out) {
            self.sealer = None;
            return Err(js_error(e));
        }
        self.done += chunk.len() as u64;
        Ok(out)
    }

    /// Signs and closes the envelope; returns its last bytes.
    pub fn finish(&mut self) -> JsResult<Vec<u8>> {
        let mut out = core::mem::take(&mut self.pending);
        let sealer = self.sealer.take().ok_or_else(|| js_error(STREAM_DONE))?;
        self.proof = Some(sealer.finish(&mut out).map_err(js_error)?);
        Ok(out)
    }

    /// The hash of the envelope's open proof, for the relay upload; set by `finish`.
    #[wasm_bindgen(getter, js_name = openProofHash)]
    pub fn open_proof_hash(&self) -> Option<String> {
        self.proof.as_ref().map(OpenProof::hash_base64url)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Announcement {
    name: String,
    media_type: String,
    size: u64,
}

/// Hands decrypted document bytes to a JS callback `(index, bytes) => void`.
struct CallbackSink<'a> {
    on_data: &'a Function,
    index: usize,
    error: Option<JsValue>,
}

impl DocumentSink for CallbackSink<'_> {
    fn begin(&mut self, index: usize, _size: u64) {
        self.index = index;
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            let index = JsValue::from(self.index as u32);
            if let Err(e) = self
                .on_data
                .call2(&JsValue::NULL, &index, &Uint8Array::from(bytes))
            {
                self.error = Some(e);
            }
        }
    }
}

/// Opens a large envelope piece by piece, in memory bounded by one chunk plus the manifest.
///
/// Document bytes go to `onData(index, bytes)` as they are decrypted. They are **not
/// verified** until `finish` returns: stage them, and discard them if anything throws.
#[wasm_bindgen]
pub struct OpenStream {
    opener: Option<Opener<'static>>,
    link: Option<LinkSecret>,
    expect: Option<Fingerprint>,
    index: usize,
    done: u64,
}

#[wasm_bindgen]
impl OpenStream {
    /// An opener that reads with an identity.
    #[wasm_bindgen(js_name = withIdentity)]
    pub fn with_identity(
        identity: &JsIdentity,
        options: Option<OpenOptionsJs>,
    ) -> JsResult<OpenStream> {
        let (expect, _) = open_options(options)?;
        Ok(OpenStream::start(
            vec![identity.0.age_identity().clone()],
            None,
            expect,
        ))
    }

    /// An opener that reads with a link (and its passphrase, if it has one).
    #[wasm_bindgen(js_name = withLink)]
    pub fn with_link(link: &JsLink, options: Option<OpenOptionsJs>) -> JsResult<OpenStream> {
        let (expect, pass) = open_options(options)?;
        let identities = link_identities(link, pass.as_ref())?;
        Ok(OpenStream::start(
            identities,
            Some(link.secret.clone()),
            expect,
        ))
    }

    fn start(
        identities: Vec<age::Identity>,
        link: Option<LinkSecret>,
        expect: Option<Fingerprint>,
    ) -> OpenStream {
        OpenStream {
            opener: Some(Opener::new(identities)),
            link,
            expect,
            index: 0,
            done: 0,
        }
    }

    /// Envelope bytes pushed so far.
    #[wasm_bindgen(getter, js_name = bytesDone)]
    pub fn bytes_done(&self) -> f64 {
        self.done as f64
    }

    fn fail(&mut self, error: Error) -> JsValue {
        self.opener = None;
        js_error(match &self.link {
            Some(link) => link.explain(error),
            None => error,
        })
    }

    /// Decrypts the next envelope bytes, passing document bytes to `onData(index, bytes)`.
    pub fn push(&mut self, chunk: &[u8], on_data: &Function) -> JsResult<()> {
        let mut opener = self.opener.take().ok_or_else(|| js_error(STREAM_DONE))?;
        let mut sink = CallbackSink {
            on_data,
            index: self.index,
            error: None,
        };
        let result = opener.push(chunk, &mut sink);
        self.index = sink.index;
        if let Some(e) = sink.error {
            return Err(e);
        }
        result.map_err(|e| self.fail(e))?;
        self.done += chunk.len() as u64;
        self.opener = Some(opener);
        Ok(())
    }

    /// Ends the input and runs every check. Only when it returns are the bytes passed to
    /// `onData` verified.
    pub fn finish(&mut self, on_data: &Function) -> JsResult<OpenedJs> {
        let opener = self.opener.take().ok_or_else(|| js_error(STREAM_DONE))?;
        let mut sink = CallbackSink {
            on_data,
            index: self.index,
            error: None,
        };
        let result = opener.finish(&mut sink, self.expect.as_ref());
        if let Some(e) = sink.error {
            return Err(e);
        }
        let verified = result.map_err(|e| self.fail(e))?;
        opened_result(&verified.manifest, &verified.open_proof, None)
    }
}

/// Feeds every chunk that `source` yields to `each`, then releases the reader.
async fn drain(source: &ByteSource, mut each: impl FnMut(&[u8]) -> JsResult<()>) -> JsResult<()> {
    let reader = source.get_reader()?;
    let result = async {
        loop {
            let step = JsFuture::from(reader.read()).await?;
            if Reflect::get(&step, &"done".into())?.is_truthy() {
                return Ok(());
            }
            let value = Reflect::get(&step, &"value".into())?;
            let chunk: Uint8Array = value.dyn_into().map_err(|_| {
                js_error(Error::InvalidInput(
                    "the stream must yield Uint8Array chunks",
                ))
            })?;
            each(&chunk.to_vec())?;
        }
    }
    .await;
    reader.release_lock();
    result
}

fn progress(on_progress: Option<&Function>, done: f64, total: f64) -> JsResult<()> {
    if let Some(f) = on_progress {
        f.call2(&JsValue::NULL, &done.into(), &total.into())?;
    }
    Ok(())
}

/// Seals everything a `ReadableStream` yields with a `SealStream`, passing envelope bytes to
/// `onOutput(bytes)` and progress to `onProgress(done, total)`.
#[wasm_bindgen(js_name = sealReadable)]
pub async fn seal_readable(
    mut stream: SealStream,
    source: ByteSource,
    on_output: Function,
    on_progress: Option<Function>,
) -> JsResult<()> {
    drain(&source, |chunk| {
        let out = stream.push(chunk)?;
        on_output.call1(&JsValue::NULL, &Uint8Array::from(out.as_slice()))?;
        progress(
            on_progress.as_ref(),
            stream.bytes_done(),
            stream.bytes_total(),
        )
    })
    .await?;
    let out = stream.finish()?;
    on_output.call1(&JsValue::NULL, &Uint8Array::from(out.as_slice()))?;
    Ok(())
}

/// Opens everything a `ReadableStream` yields with an `OpenStream`, passing document bytes to
/// `onData(index, bytes)` and progress to `onProgress(done, total)`, where `total` is the
/// envelope size if known (else 0). Resolves to the verified `Opened` (without data).
#[wasm_bindgen(js_name = openReadable)]
pub async fn open_readable(
    mut stream: OpenStream,
    source: ByteSource,
    on_data: Function,
    total: Option<f64>,
    on_progress: Option<Function>,
) -> JsResult<OpenedJs> {
    let total = total.unwrap_or(0.0);
    drain(&source, |chunk| {
        stream.push(chunk, &on_data)?;
        progress(on_progress.as_ref(), stream.bytes_done(), total)
    })
    .await?;
    stream.finish(&on_data)
}

#[cfg(test)]
mod tests;
