//! Streaming: `SealStream` and `OpenStream`, and helpers that drain a `ReadableStream`.
//!
//! An `OpenStream` never hands out bytes before the envelope verified: what it decrypts is
//! staged, re-encrypted under a key that only the core's opener holds (SPEC §4.2), in JS
//! memory outside the wasm heap, and read back into `onData` by `finish` once every check
//! passed.

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

/// Opens a large envelope piece by piece. The wasm memory holds one chunk plus the manifest;
/// the staged (encrypted) bytes wait in JS memory until `finish` verified the envelope.
#[wasm_bindgen]
pub struct OpenStream {
    opener: Option<Opener<'static>>,
    staged: Array,
    link: Option<LinkSecret>,
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
            Some(link.secret.clone()),
            plan.expect,
        ))
    }

    fn start(
        identity: sealbill::age::Identity,
        link: Option<LinkSecret>,
        expect: Option<Fingerprint>,
    ) -> OpenStream {
        OpenStream {
            opener: Some(Opener::new(vec![identity])),
            staged: Array::new(),
            link,
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
        self.staged = Array::new();
        js_error(match &self.link {
            Some(link) => link.explain(error),
            None => error,
        })
    }

    /// Decrypts the next envelope bytes and stages them; nothing is handed out yet.
    pub fn push(&mut self, chunk: &[u8]) -> JsResult<()> {
        let mut opener = self.opener.take().ok_or_else(|| js_error(STREAM_DONE))?;
        let mut staged = Vec::new();
        opener.push(chunk, &mut staged).map_err(|e| self.fail(e))?;
        if !staged.is_empty() {
            self.staged.push(&Uint8Array::from(staged.as_slice()));
        }
        self.done += chunk.len() as u64;
        self.opener = Some(opener);
        Ok(())
    }

    /// Ends the input and runs every check; only then passes the documents' bytes to
    /// `onData(index, bytes)`, and returns the verified `Opened` (without `data`).
    pub fn finish(
        &mut self,
        #[wasm_bindgen(js_name = onData, unchecked_param_type = "OnData")] on_data: &Function,
    ) -> JsResult<Ts<Opened>> {
        let opener = self.opener.take().ok_or_else(|| js_error(STREAM_DONE))?;
        let mut tail = Vec::new();
        let verified = opener
            .finish(&mut tail, self.expect.as_ref())
            .map_err(|e| self.fail(e))?;
        let staged = core::mem::replace(&mut self.staged, Array::new());
        staged.push(&Uint8Array::from(tail.as_slice()));
        let mut sink = CallbackSink {
            on_data,
            index: 0,
            error: None,
        };
        let mut reveal = verified.reveal;
        for piece in staged.iter() {
            let piece: Uint8Array = piece.unchecked_into();
            reveal.push(&piece.to_vec(), &mut sink).map_err(js_error)?;
            if let Some(e) = sink.error.take() {
                return Err(e);
            }
        }
        reveal.finish(&mut sink).map_err(js_error)?;
        if let Some(e) = sink.error.take() {
            return Err(e);
        }
        Opened::from_verified(&verified.manifest, &verified.open_proof, None)
    }
}

/// Feeds every chunk that `source` yields to `each`, then releases the reader.
async fn drain(
    source: &ReadableStream,
    mut each: impl FnMut(&[u8]) -> JsResult<()>,
) -> JsResult<()> {
    let reader: ReadableStreamDefaultReader = source.get_reader().unchecked_into();
    let result = async {
        loop {
            let step: ReadableStreamReadResult = JsFuture::from(reader.read()).await?.into();
            if step.get_done().unwrap_or(false) {
                return Ok(());
            }
            let chunk: Uint8Array = step.get_value().dyn_into().map_err(|_| {
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
    #[wasm_bindgen(unchecked_param_type = "ReadableStream<Uint8Array>")] source: ReadableStream,
    #[wasm_bindgen(js_name = onOutput, unchecked_param_type = "(bytes: Uint8Array) => void")]
    on_output: Function,
    #[wasm_bindgen(js_name = onProgress, unchecked_param_type = "OnProgress | undefined")]
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

/// Opens everything a `ReadableStream` yields with an `OpenStream`, reporting progress to
/// `onProgress(done, total)`, where `total` is the envelope size if known (else 0). Once the
/// envelope verified, passes the documents' bytes to `onData(index, bytes)` and resolves to
/// the `Opened` (without data). On any failure `onData` is never called.
#[wasm_bindgen(js_name = openReadable)]
pub async fn open_readable(
    mut stream: OpenStream,
    #[wasm_bindgen(unchecked_param_type = "ReadableStream<Uint8Array>")] source: ReadableStream,
    #[wasm_bindgen(js_name = onData, unchecked_param_type = "OnData")] on_data: Function,
    total: Option<f64>,
    #[wasm_bindgen(js_name = onProgress, unchecked_param_type = "OnProgress | undefined")]
    on_progress: Option<Function>,
) -> JsResult<Ts<Opened>> {
    let total = total.unwrap_or(0.0);
    drain(&source, |chunk| {
        stream.push(chunk)?;
        progress(on_progress.as_ref(), stream.bytes_done(), total)
    })
    .await?;
    stream.finish(&on_data)
}
