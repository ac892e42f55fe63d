//! Streaming: `SealStream` and `OpenStream`, and helpers that drain a `ReadableStream`.
//!
//! An `OpenStream` never hands out bytes before the envelope verified: what it decrypts is
//! staged, re-encrypted under a key that only the core's opener holds (SPEC §4.2), outside
//! the wasm heap (in JS memory, or wherever the caller keeps it), and read back into `onData`
//! once every check passed.

use js_sys::{Array, Function, Uint8Array};
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader, ReadableStreamReadResult};

use sealbill::{DocumentInfo, DocumentSink, Error, Fingerprint, LinkSecret, Opener, Sealer};

use crate::errors::{js_error, JsResult, STREAM_DONE};
use crate::identity::JsIdentity;
use crate::links::JsLink;
use crate::open::link_identity;
use crate::options::{decode, DocumentAnnouncement, OpenOptions, SealOptions};
use crate::results::Opened;

#[wasm_bindgen(typescript_custom_section)]
const TS_CALLBACKS: &str = r#"
/** Receives a verified document's bytes, in order; `index` counts from 0 (the invoice). */
export type OnData = (index: number, bytes: Uint8Array) => void;
/** Progress: bytes done, and the total (0 when unknown). */
export type OnProgress = (done: number, total: number) => void;
"#;

/// Seals large documents piece by piece, in memory bounded by one 64 KiB chunk.
///
/// Push the documents' bytes in order; each call returns the envelope bytes it produced.
#[wasm_bindgen]
pub struct SealStream {
    sealer: Option<Sealer>,
    proof: Option<sealbill::OpenProof>,
    pending: Vec<u8>,
    link: Option<LinkSecret>,
    done: u64,
    total: u64,
}

#[wasm_bindgen]
impl SealStream {
    /// Starts an envelope for the announced documents (the invoice first).
    #[wasm_bindgen(constructor)]
    pub fn new(
        sender: &JsIdentity,
        documents: Vec<Ts<DocumentAnnouncement>>,
        options: Ts<SealOptions>,
    ) -> JsResult<SealStream> {
        let infos = documents
            .into_iter()
            .map(|d| {
                decode(d).map(|d| DocumentInfo {
                    name: d.name,
                    media_type: d.media_type,
                    size: d.size,
                })
            })
            .collect::<JsResult<Vec<_>>>()?;
        let total = infos.iter().map(|d| d.size).sum();
        let options = SealOptions::to_core(options)?;
        let mut pending = Vec::new();
        let mut sealer = Sealer::new(&sender.0, infos, &options, &mut pending).map_err(js_error)?;
        Ok(SealStream {
            link: sealer.take_link(),
            sealer: Some(sealer),
            proof: None,
            pending,
            done: 0,
            total,
        })
    }

    /// Takes the link made for this envelope, if one was asked for (once).
    #[wasm_bindgen(js_name = takeLink)]
    pub fn take_link(&mut self) -> Option<JsLink> {
        self.link.take().map(JsLink::fresh)
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
        self.proof.as_ref().map(sealbill::OpenProof::hash_base64url)
    }
}

/// Hands verified document bytes to a JS callback `(index, bytes) => void`.
struct CallbackSink<'a> {
    on_data: &'a Function,
    index: usize,
    error: Option<JsValue>,
}

impl<'a> CallbackSink<'a> {
    /// A sink whose current document is `index` (documents span several pushes).
    fn new(on_data: &'a Function, index: usize) -> Self {
        CallbackSink {
            on_data,
            index,
            error: None,
        }
    }
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

/// Where an `OpenStream` keeps its staged bytes: inside, until `finish`, or with the caller.
enum Staged {
    /// Nothing pushed yet.
    Unset,
    /// `push`: held in JS memory by this object.
    Inside(Array),
    /// `pushStaged`: handed to the caller, who gives them back to a `Revealer`.
    Outside,
}

/// Opens a large envelope piece by piece. The wasm memory holds one chunk plus the manifest.
///
/// What it decrypts is staged (re-encrypted under a key only this opener holds) and revealed
/// once every check passed. `push` keeps the staged bytes in this object, in JS memory, until
/// `finish`; `pushStaged` returns them, so that the caller can keep them on disk (an OPFS or
/// temporary file) and hand them back to the `Revealer` that `verify` returns.
#[wasm_bindgen]
pub struct OpenStream {
    opener: Option<Opener<'static>>,
    staged: Staged,
    /// The version of the link it reads with, to explain errors in link terms; not the
    /// link's secret, which the opener's identity already holds in derived form.
    link_version: Option<u8>,
    expect: Option<Fingerprint>,
    done: u64,
}

#[wasm_bindgen]
impl OpenStream {
    /// An opener that reads with an identity.
    #[wasm_bindgen(js_name = withIdentity)]
    pub fn with_identity(
        identity: &JsIdentity,
        options: Option<Ts<OpenOptions>>,
    ) -> JsResult<OpenStream> {
        let plan = OpenOptions::plan(options)?;
        Ok(OpenStream::start(
            identity.0.age_identity().clone(),
            None,
            plan.expect,
        ))
    }

    /// An opener that reads with a link (and its passphrase, if it has one).
    #[wasm_bindgen(js_name = withLink)]
    pub fn with_link(link: &JsLink, options: Option<Ts<OpenOptions>>) -> JsResult<OpenStream> {
        let plan = OpenOptions::plan(options)?;
        let identity = link_identity(link, &plan)?;
        Ok(OpenStream::start(
            identity,
            Some(link.secret.version()),
            plan.expect,
        ))
    }

    fn start(
        identity: sealbill::age::Identity,
        link_version: Option<u8>,
        expect: Option<Fingerprint>,
    ) -> OpenStream {
        OpenStream {
            opener: Some(Opener::new(vec![identity])),
            staged: Staged::Unset,
            link_version,
            expect,
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
        self.staged = Staged::Unset;
        js_error(match self.link_version {
            Some(version) => LinkSecret::explain_for_version(version, error),
            None => error,
        })
    }

    /// Decrypts `chunk` into staged bytes, after checking that the stream stages `inside`
    /// (or outside) as it did before.
    fn decrypt(&mut self, chunk: &[u8], inside: bool) -> JsResult<Vec<u8>> {
        let mut opener = self.opener.take().ok_or_else(|| js_error(STREAM_DONE))?;
        match (&self.staged, inside) {
            (Staged::Unset, true) => self.staged = Staged::Inside(Array::new()),
            (Staged::Unset, false) => self.staged = Staged::Outside,
            (Staged::Inside(_), true) | (Staged::Outside, false) => {}
            _ => return Err(self.fail(Error::InvalidInput(
                "a stream stages either in itself (push) or with the caller (pushStaged), not both",
            ))),
        }
        let mut staged = Vec::new();
        opener.push(chunk, &mut staged).map_err(|e| self.fail(e))?;
        self.done += chunk.len() as u64;
        self.opener = Some(opener);
        Ok(staged)
    }

    /// Decrypts the next envelope bytes and stages them in this object; nothing is handed out
    /// yet.
    pub fn push(&mut self, chunk: &[u8]) -> JsResult<()> {
        let staged = self.decrypt(chunk, true)?;
        if let Staged::Inside(pieces) = &self.staged {
            if !staged.is_empty() {
                pieces.push(&Uint8Array::from(staged.as_slice()));
            }
        }
        Ok(())
    }

    /// Decrypts the next envelope bytes and returns them staged: encrypted under a key that
    /// only `verify` releases. Keep them in order (in memory, an OPFS file, a temporary file)
    /// and give them back to the `Revealer`.
    #[wasm_bindgen(js_name = pushStaged)]
    pub fn push_staged(&mut self, chunk: &[u8]) -> JsResult<Vec<u8>> {
        self.decrypt(chunk, false)
    }

    /// Ends the input and runs every check. Then returns a `Revealer` that turns the staged
    /// bytes that `pushStaged` returned back into the documents.
    pub fn verify(&mut self) -> JsResult<Revealer> {
        if matches!(self.staged, Staged::Inside(_)) {
            return Err(self.fail(Error::InvalidInput(
                "this stream staged its bytes in itself (push): end it with finish",
            )));
        }
        self.verified()
    }

    fn verified(&mut self) -> JsResult<Revealer> {
        let opener = self.opener.take().ok_or_else(|| js_error(STREAM_DONE))?;
        let mut tail = Vec::new();
        let verified = opener
            .finish(&mut tail, self.expect.as_ref())
            .map_err(|e| self.fail(e))?;
        Ok(Revealer {
            opened: Opened::from_verified(&verified.manifest, &verified.open_proof, None)?,
            reveal: Some(verified.reveal),
            tail,
            index: 0,
        })
    }

    /// Ends the input and runs every check; only then passes the documents' bytes to
    /// `onData(index, bytes)`, and returns the verified `Opened` (without `data`).
    pub fn finish(
        &mut self,
        #[wasm_bindgen(js_name = onData, unchecked_param_type = "OnData")] on_data: &Function,
    ) -> JsResult<Ts<Opened>> {
        let pieces = match core::mem::replace(&mut self.staged, Staged::Unset) {
            Staged::Inside(pieces) => pieces,
            Staged::Unset => Array::new(),
            Staged::Outside => {
                return Err(self.fail(Error::InvalidInput(
                    "this stream handed its staged bytes out (pushStaged): end it with verify",
                )))
            }
        };
        let mut revealer = self.verified()?;
        for piece in pieces.iter() {
            let piece: Uint8Array = piece.unchecked_into();
            revealer.push(&piece.to_vec(), on_data)?;
        }
        revealer.finish(on_data)
    }
}

/// Reveals a verified envelope's documents from the bytes that `OpenStream.pushStaged`
/// staged. Staged bytes that were changed, reordered or cut short fail with `TAMPERED` or
/// `TRUNCATED`, and nothing after the failing chunk reaches `onData`.
#[wasm_bindgen]
pub struct Revealer {
    opened: Ts<Opened>,
    reveal: Option<sealbill::Reveal>,
    tail: Vec<u8>,
    index: usize,
}

#[wasm_bindgen]
impl Revealer {
    /// The verified envelope (without `data`).
    #[wasm_bindgen(getter)]
    pub fn opened(&self) -> Ts<Opened> {
        self.opened.clone()
    }

    /// Reveals the next staged bytes, in the order `pushStaged` returned them, passing the
    /// documents' bytes to `onData(index, bytes)`.
    pub fn push(
        &mut self,
        staged: &[u8],
        #[wasm_bindgen(js_name = onData, unchecked_param_type = "OnData")] on_data: &Function,
    ) -> JsResult<()> {
        let reveal = self.reveal.as_mut().ok_or_else(|| js_error(STREAM_DONE))?;
        let mut sink = CallbackSink::new(on_data, self.index);
        let result = reveal.push(staged, &mut sink);
        self.settle(result, sink)
    }

    /// Ends the staged bytes; fails unless all of them were revealed. Returns the `Opened`.
    pub fn finish(
        &mut self,
        #[wasm_bindgen(js_name = onData, unchecked_param_type = "OnData")] on_data: &Function,
    ) -> JsResult<Ts<Opened>> {
        let mut reveal = self.reveal.take().ok_or_else(|| js_error(STREAM_DONE))?;
        let mut sink = CallbackSink::new(on_data, self.index);
        let tail = core::mem::take(&mut self.tail);
        let result = reveal.push(&tail, &mut sink);
        self.settle(result, sink)?;
        let mut sink = CallbackSink::new(on_data, self.index);
        let result = reveal.finish(&mut sink);
        self.settle(result, sink)?;
        Ok(self.opened.clone())
    }

    /// Stops revealing after a failure of the staged bytes or of the callback.
    fn settle(&mut self, result: sealbill::Result<()>, sink: CallbackSink) -> JsResult<()> {
        self.index = sink.index;
        let failure = match (result, sink.error) {
            (Err(e), _) => js_error(e),
            (Ok(()), Some(e)) => e,
            (Ok(()), None) => return Ok(()),
        };
        self.reveal = None;
        Err(failure)
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_STAGING: &str = r#"
/** Where `openReadable` keeps staged bytes until the envelope verified: for example an OPFS
 * file in the browser or a temporary file in Node. `read` gives them back in order, from the
 * start, and null (or undefined) at the end. Whatever happens, delete them afterwards: without
 * the opener's one-time key, which is gone once the open ends, they are useless. */
export interface Staging {
  write(bytes: Uint8Array): void | Promise<void>;
  read(): Uint8Array | null | undefined | Promise<Uint8Array | null | undefined>;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A caller's store for staged bytes (the `Staging` interface above).
    #[wasm_bindgen(typescript_type = "Staging")]
    pub type Staging;

    #[wasm_bindgen(method, catch)]
    fn write(this: &Staging, bytes: &Uint8Array) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn read(this: &Staging) -> Result<JsValue, JsValue>;
}

/// Awaits `value` if it is a promise (or any thenable), else takes it as it is.
async fn settled(value: JsValue) -> JsResult<JsValue> {
    JsFuture::from(js_sys::Promise::resolve(&value)).await
}

/// The chunks a `ReadableStream` yields, as bytes; releases its reader when dropped.
struct Chunks(ReadableStreamDefaultReader);

impl Chunks {
    fn new(source: &ReadableStream) -> Chunks {
        Chunks(source.get_reader().unchecked_into())
    }

    async fn next(&self) -> JsResult<Option<Vec<u8>>> {
        let step: ReadableStreamReadResult = JsFuture::from(self.0.read()).await?.into();
        if step.get_done().unwrap_or(false) {
            return Ok(None);
        }
        let chunk = bytes_of(step.get_value(), "the stream must yield Uint8Array chunks")?;
        Ok(Some(chunk))
    }
}

impl Drop for Chunks {
    fn drop(&mut self) {
        self.0.release_lock();
    }
}

fn bytes_of(value: JsValue, what: &'static str) -> JsResult<Vec<u8>> {
    let bytes: Uint8Array = value
        .dyn_into()
        .map_err(|_| js_error(Error::InvalidInput(what)))?;
    Ok(bytes.to_vec())
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
    #[wasm_bindgen(unchecked_param_type = "ReadableStream<Uint8Array>")] source: ReadableStream,
    #[wasm_bindgen(js_name = onOutput, unchecked_param_type = "(bytes: Uint8Array) => void")]
    on_output: Function,
    #[wasm_bindgen(js_name = onProgress, unchecked_param_type = "OnProgress | undefined")]
    on_progress: Option<Function>,
) -> JsResult<()> {
    let chunks = Chunks::new(&source);
    while let Some(chunk) = chunks.next().await? {
        let out = stream.push(&chunk)?;
        on_output.call1(&JsValue::NULL, &Uint8Array::from(out.as_slice()))?;
        progress(
            on_progress.as_ref(),
            stream.bytes_done(),
            stream.bytes_total(),
        )?;
    }
    let out = stream.finish()?;
    on_output.call1(&JsValue::NULL, &Uint8Array::from(out.as_slice()))?;
    Ok(())
}

/// Opens everything a `ReadableStream` yields with an `OpenStream`, reporting progress to
/// `onProgress(done, total)`, where `total` is the envelope size if known (else 0). Once the
/// envelope verified, passes the documents' bytes to `onData(index, bytes)` and resolves to
/// the `Opened` (without data). On any failure `onData` is never called.
///
/// The staged bytes (about the envelope's size) wait in JS memory, or in `staging` if given.
#[wasm_bindgen(js_name = openReadable)]
pub async fn open_readable(
    mut stream: OpenStream,
    #[wasm_bindgen(unchecked_param_type = "ReadableStream<Uint8Array>")] source: ReadableStream,
    #[wasm_bindgen(js_name = onData, unchecked_param_type = "OnData")] on_data: Function,
    total: Option<f64>,
    #[wasm_bindgen(js_name = onProgress, unchecked_param_type = "OnProgress | undefined")]
    on_progress: Option<Function>,
    staging: Option<Staging>,
) -> JsResult<Ts<Opened>> {
    let total = total.unwrap_or(0.0);
    let chunks = Chunks::new(&source);
    while let Some(chunk) = chunks.next().await? {
        match &staging {
            Some(staging) => {
                let staged = stream.push_staged(&chunk)?;
                if !staged.is_empty() {
                    settled(staging.write(&Uint8Array::from(staged.as_slice()))?).await?;
                }
            }
            None => stream.push(&chunk)?,
        }
        progress(on_progress.as_ref(), stream.bytes_done(), total)?;
    }
    drop(chunks);
    let Some(staging) = staging else {
        return stream.finish(&on_data);
    };
    let mut revealer = stream.verify()?;
    loop {
        let piece = settled(staging.read()?).await?;
        if piece.is_null() || piece.is_undefined() {
            return revealer.finish(&on_data);
        }
        revealer.push(
            &bytes_of(piece, "Staging.read must give Uint8Array chunks")?,
            &on_data,
        )?;
    }
}
