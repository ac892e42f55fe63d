//! Sealing: sign the manifest, then encrypt the payload in an age envelope (SPEC §3.7, §4.1).

use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

use crate::age::{self, Encoding, Recipient};
use crate::error::{Error, Result};
use crate::identity::Identity;
use crate::link::{LinkKind, LinkSecret};
use crate::manifest::{check_document, DocumentEntry, Manifest, MAX_DOCUMENTS};
use crate::passphrase::Passphrase;
use crate::payload::{MAGIC, MAX_MANIFEST_LEN};
use crate::proof::{OpenProof, PROOF_LABEL};
use crate::roster::Membership;

/// A document to seal or an opened document: bytes, media type and file name.
#[derive(Clone, PartialEq, Eq)]
pub struct Document {
    /// A plain file name, such as `invoice.xml`.
    pub name: String,
    /// The media type, such as `application/xml`.
    pub media_type: String,
    /// The content.
    pub data: Vec<u8>,
}

impl core::fmt::Debug for Document {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "Document({:?}, {}, {} bytes)",
            self.name,
            self.media_type,
            self.data.len()
        )
    }
}

/// A document announced before its bytes are streamed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentInfo {
    /// A plain file name.
    pub name: String,
    /// The media type.
    pub media_type: String,
    /// The exact number of bytes that will be pushed.
    pub size: u64,
}

/// How to seal: who may read, what the envelope is called, and how it is written.
#[derive(Debug)]
pub struct SealOptions {
    /// The invoice id that the manifest carries (SPEC §3.6).
    pub invoice_id: String,
    /// Seconds since the Unix epoch.
    pub issued_at: u64,
    /// The clients' recipients; the sender's own is always added (SPEC §4.1).
    pub recipients: Vec<Recipient>,
    /// Also seal for a fresh link (SPEC §5.3).
    pub link: Option<LinkRequest>,
    /// Binary or ASCII-armored output.
    pub encoding: Encoding,
    /// The sender's owner-signed team membership, when it sends for a team (SPEC §3.8): the
    /// manifest carries it, and the team's archive recipient is added.
    pub membership: Option<Membership>,
}

impl SealOptions {
    /// Options for `invoice_id` issued at `issued_at`: no recipient but the sender, no link,
    /// binary output.
    pub fn new(invoice_id: &str, issued_at: u64) -> SealOptions {
        SealOptions {
            invoice_id: invoice_id.to_owned(),
            issued_at,
            recipients: Vec::new(),
            link: None,
            encoding: Encoding::Binary,
            membership: None,
        }
    }
}

/// A link to seal for (SPEC §5.3).
#[derive(Debug)]
pub enum LinkRequest {
    /// A link that opens the envelope by itself.
    Plain,
    /// A link that also needs this passphrase.
    WithPassphrase(Passphrase),
}

impl LinkRequest {
    /// A fresh link secret and the recipient it adds to the envelope.
    fn generate(&self) -> Result<(LinkSecret, Recipient)> {
        let (kind, passphrase) = match self {
            LinkRequest::Plain => (LinkKind::Plain, None),
            LinkRequest::WithPassphrase(p) => (LinkKind::WithPassphrase, Some(p)),
        };
        let secret = LinkSecret::generate(kind);
        let recipient = secret.identity(passphrase)?.to_recipient();
        Ok((secret, recipient))
    }
}

/// Seals an invoice and its attachments, streaming: memory stays at about one 64 KiB chunk.
///
/// Push the documents' bytes in order with [`Sealer::push`], then call [`Sealer::finish`].
pub struct Sealer {
    /// A copy of the sender's signing key (zeroized on drop), so the sealer owns its state.
    signing: SigningKey,
    encryptor: age::Encryptor,
    manifest: Manifest,
    /// Index of the document being written.
    current: usize,
    /// Bytes still expected for the current document.
    remaining: u64,
    hasher: Sha256,
    link: Option<LinkSecret>,
}

impl Sealer {
    /// Starts an envelope from `sender` for `documents` and writes its header to `out`. The
    /// recipients are those of `options`, then the link's if one is asked for, then the team's
    /// archive recipient if a membership is given, then the sender's own, without duplicates
    /// (SPEC §4.1).
    pub fn new(
        sender: &Identity,
        documents: Vec<DocumentInfo>,
        options: &SealOptions,
        out: &mut Vec<u8>,
    ) -> Result<Sealer> {
        let (link, link_recipient) = match &options.link {
            Some(request) => {
                let (secret, recipient) = request.generate()?;
                (Some(secret), Some(recipient))
            }
            None => (None, None),
        };
        let archive = options.membership.as_ref().map(|m| m.archive().recipient);
        let mut all = Vec::with_capacity(options.recipients.len() + 3);
        for r in options
            .recipients
            .iter()
            .chain(link_recipient.as_ref())
            .chain(archive.as_ref())
            .chain(core::iter::once(&sender.recipient()))
        {
            if !all.contains(r) {
                all.push(*r);
            }
        }
        if documents.is_empty() || documents.len() > MAX_DOCUMENTS {
            return Err(Error::InvalidInput("an envelope carries 1 to 64 documents"));
        }
        let manifest = Manifest {
            sender: sender.card().clone(),
            recipients: all,
            invoice_id: options.invoice_id.clone(),
            issued_at: options.issued_at,
            documents: documents
                .into_iter()
                .map(|d| DocumentEntry {
                    name: d.name,
                    media_type: d.media_type,
                    size: d.size,
                    sha256: [0; 32],
                })
                .collect(),
            membership: options.membership.clone(),
        };
        manifest.check()?;
        let mut encryptor = age::Encryptor::new(&manifest.recipients, options.encoding, out)?;
        encryptor.push(MAGIC, out)?;
        // check() bounds the document count to 64.
        encryptor.push(&(manifest.documents.len() as u16).to_be_bytes(), out)?;
        let mut sealer = Sealer {
            signing: sender.signing_key().clone(),
            encryptor,
            manifest,
            current: 0,
            remaining: 0,
            hasher: Sha256::new(),
            link,
        };
        sealer.start_document(out)?;
        Ok(sealer)
    }

    /// Takes the link secret made for this envelope, if one was asked for (once).
    pub fn take_link(&mut self) -> Option<LinkSecret> {
        self.link.take()
    }

    fn start_document(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let size = self
            .manifest
            .documents
            .get(self.current)
            .map_or(0, |d| d.size);
        self.remaining = size;
        self.encryptor.push(&size.to_be_bytes(), out)
    }

    /// Closes the current document; starts the next one if there is one.
    fn end_document(&mut self, out: &mut Vec<u8>) -> Result<()> {
        if let Some(doc) = self.manifest.documents.get_mut(self.current) {
            doc.sha256 = core::mem::take(&mut self.hasher).finalize().into();
        }
        self.current += 1;
        if self.current < self.manifest.documents.len() {
            self.start_document(out)?;
        }
        Ok(())
    }

    /// Encrypts the next bytes of the documents, in order.
    pub fn push(&mut self, mut data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        while !data.is_empty() {
            if self.current == self.manifest.documents.len() {
                return Err(Error::InvalidInput("more document bytes than announced"));
            }
            if self.remaining == 0 {
                self.end_document(out)?;
                continue;
            }
            let take = usize::try_from(self.remaining)
                .unwrap_or(usize::MAX)
                .min(data.len());
            let (head, tail) = data.split_at(take);
            self.hasher.update(head);
            self.encryptor.push(head, out)?;
            self.remaining -= take as u64;
            data = tail;
        }
        Ok(())
    }

    /// Signs the manifest, appends it with the signature, and closes the envelope. Returns the
    /// envelope's open proof, whose hash the relay keeps.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<OpenProof> {
        while self.current < self.manifest.documents.len() {
            if self.remaining != 0 {
                return Err(Error::InvalidInput("fewer document bytes than announced"));
            }
            self.end_document(out)?;
        }
        let manifest = self.manifest.to_bytes()?;
        let len = u32::try_from(manifest.len())
            .ok()
            .filter(|&n| n as usize <= MAX_MANIFEST_LEN)
            .ok_or(Error::LimitExceeded("manifest too large"))?;
        let signature = self.signing.sign(&manifest);
        self.encryptor.push(&len.to_be_bytes(), out)?;
        self.encryptor.push(&manifest, out)?;
        self.encryptor.push(&signature.to_bytes(), out)?;
        let proof = OpenProof::from_exported(&self.encryptor.export(PROOF_LABEL));
        self.encryptor.finish(out)?;
        Ok(proof)
    }
}

/// A sealed envelope, its open proof and its link secret.
#[derive(Debug)]
pub struct Sealed {
    /// The age file.
    pub envelope: Vec<u8>,
    /// What a reader can show to prove it opened the envelope (SPEC §5.4).
    pub open_proof: OpenProof,
    /// The link secret, when [`SealOptions::link`] asked for one.
    pub link: Option<LinkSecret>,
}

/// Seals documents in one call (the simple path for ordinary invoices).
pub fn seal(sender: &Identity, documents: &[Document], options: &SealOptions) -> Result<Sealed> {
    let infos = documents
        .iter()
        .map(|d| {
            check_document(&d.name, &d.media_type)?;
            Ok(DocumentInfo {
                name: d.name.clone(),
                media_type: d.media_type.clone(),
                size: d.data.len() as u64,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let total: usize = documents.iter().map(|d| d.data.len()).sum();
    let mut out = Vec::with_capacity(total + total / 1000 + 2048);
    let mut sealer = Sealer::new(sender, infos, options, &mut out)?;
    for d in documents {
        sealer.push(&d.data, &mut out)?;
    }
    let link = sealer.take_link();
    let open_proof = sealer.finish(&mut out)?;
    Ok(Sealed {
        envelope: out,
        open_proof,
        link,
    })
}
