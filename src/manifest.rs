//! The signed manifest: who sent what to whom, and the hash of every document (SPEC §3.6).

use crate::age::Recipient;
use crate::card::Card;
use crate::error::{Error, Result};
use crate::names::portable;
use crate::roster::Membership;
use crate::wire::{check_text, Reader, Writer};

/// The context string that starts every manifest of a sender without a team, and so its
/// signature.
pub const MANIFEST_CONTEXT: &str = "sealbill/manifest/v1";
/// The context string of a manifest that carries its sender's team membership (SPEC §3.6).
pub const TEAM_MANIFEST_CONTEXT: &str = "sealbill/manifest/v2";
/// The most recipients one envelope may have (the sender's own included).
pub const MAX_RECIPIENTS: usize = 256;
/// The most documents one envelope may carry.
pub const MAX_DOCUMENTS: usize = 64;
/// The longest invoice id, in bytes.
pub const MAX_INVOICE_ID_LEN: usize = 200;
/// The longest document file name, in bytes.
pub const MAX_FILE_NAME_LEN: usize = 255;
/// The longest media type, in bytes.
pub const MAX_MEDIA_TYPE_LEN: usize = 127;

/// What the manifest says about one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentEntry {
    /// A plain file name, without any directory part.
    pub name: String,
    /// The media type, such as `application/xml`.
    pub media_type: String,
    /// The size in bytes.
    pub size: u64,
    /// The SHA-256 of the document's bytes.
    pub sha256: [u8; 32],
}

/// The signed statement of an envelope: sender, recipients, invoice id, issue time, documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The sender's self-signed card; its Ed25519 key signs the manifest.
    pub sender: Card,
    /// Every recipient of the envelope, the sender's own included, in stanza order.
    pub recipients: Vec<Recipient>,
    /// The invoice id chosen by the sender.
    pub invoice_id: String,
    /// When the invoice was sealed, in seconds since the Unix epoch (UTC).
    pub issued_at: u64,
    /// The documents in payload order; the first is the invoice.
    pub documents: Vec<DocumentEntry>,
    /// The owner-signed membership of the sender, when it sends for a team (SPEC §3.8).
    pub membership: Option<Membership>,
}

/// Checks a document's file name and media type (SPEC §3.6). The name must be a plain,
/// portable file name ([`portable::check`]).
pub(crate) fn check_document(name: &str, media_type: &str) -> Result<()> {
    check_text(
        name,
        MAX_FILE_NAME_LEN,
        "a document name must be 1 to 255 bytes on one line",
    )?;
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(Error::InvalidInput(
            "a document name must be a plain file name",
        ));
    }
    portable::check(name).map_err(Error::InvalidInput)?;
    let (kind, sub) = media_type.split_once('/').unwrap_or_default();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&c))
    };
    if media_type.len() > MAX_MEDIA_TYPE_LEN || !token(kind) || !token(sub) {
        return Err(Error::InvalidInput(
            "a media type must look like type/subtype",
        ));
    }
    Ok(())
}

impl Manifest {
    /// Checks the rules every manifest follows, when sealing and when opening.
    pub(crate) fn check(&self) -> Result<()> {
        check_text(
            &self.invoice_id,
            MAX_INVOICE_ID_LEN,
            "the invoice id must be 1 to 200 bytes on one line",
        )?;
        if self.recipients.is_empty() || self.recipients.len() > MAX_RECIPIENTS {
            return Err(Error::LimitExceeded("an envelope has 1 to 256 recipients"));
        }
        for (i, r) in self.recipients.iter().enumerate() {
            if self.recipients.get(..i).unwrap_or_default().contains(r) {
                return Err(Error::InvalidInput("a recipient is listed twice"));
            }
        }
        if !self.recipients.contains(&self.sender.recipient()) {
            return Err(Error::InvalidInput(
                "the sender's own recipient must be listed",
            ));
        }
        if self.documents.is_empty() || self.documents.len() > MAX_DOCUMENTS {
            return Err(Error::LimitExceeded(
                "an envelope carries 1 to 64 documents",
            ));
        }
        let mut keys = Vec::with_capacity(self.documents.len());
        for doc in &self.documents {
            check_document(&doc.name, &doc.media_type)?;
            let key = portable::collision_key(&doc.name);
            if keys.contains(&key) {
                return Err(Error::InvalidInput(
                    "two documents have the same name (compared ignoring case)",
                ));
            }
            keys.push(key);
        }
        if let Some(membership) = &self.membership {
            membership.check_sender(&self.sender, self.issued_at)?;
            if !self.recipients.contains(&membership.archive().recipient) {
                return Err(Error::InvalidInput(
                    "the team's archive recipient must be listed",
                ));
            }
        }
        Ok(())
    }

    /// The business the envelope comes from: the owner of the sender's team when it carries
    /// a membership, else the sender itself. Readers pin this card's fingerprint.
    pub fn business(&self) -> &Card {
        self.membership.as_ref().map_or(&self.sender, |m| m.owner())
    }

    /// The binary encoding, which is what the sender signs.
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        self.check()?;
        self.encode()
    }

    /// The binary encoding without the rules of [`Manifest::check`] (the test kit forges
    /// manifests that break them).
    pub(crate) fn encode(&self) -> Result<Vec<u8>> {
        let mut w = Writer::default();
        let context = match self.membership {
            Some(_) => TEAM_MANIFEST_CONTEXT,
            None => MANIFEST_CONTEXT,
        };
        w.bytes16(context.as_bytes())?;
        w.bytes16(&self.sender.to_bytes())?;
        w.count16(self.recipients.len())?;
        for r in &self.recipients {
            w.bytes16(r.to_string().as_bytes())?;
        }
        w.bytes16(self.invoice_id.as_bytes())?;
        w.u64(self.issued_at);
        w.count16(self.documents.len())?;
        for doc in &self.documents {
            w.bytes16(doc.name.as_bytes())?;
            w.bytes16(doc.media_type.as_bytes())?;
            w.u64(doc.size);
            w.raw(&doc.sha256);
        }
        if let Some(membership) = &self.membership {
            w.bytes16(membership.to_bytes())?;
        }
        Ok(w.bytes)
    }

    /// Parses a manifest; the encoding must be canonical and the content must follow the rules.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Manifest> {
        let mut r = Reader::new(bytes, "invalid manifest encoding");
        let team = match r.str16()? {
            MANIFEST_CONTEXT => false,
            TEAM_MANIFEST_CONTEXT => true,
            _ => return Err(Error::Malformed("not a sealbill manifest")),
        };
        let sender = Card::from_bytes(r.bytes16()?)?;
        let count = usize::from(r.u16()?);
        let mut recipients = Vec::with_capacity(count.min(MAX_RECIPIENTS));
        for _ in 0..count {
            let text = r.str16()?;
            let recipient: Recipient = text.parse()?;
            if recipient.to_string() != text {
                return Err(Error::Malformed("recipient not in canonical form"));
            }
            recipients.push(recipient);
        }
        let invoice_id = r.str16()?.to_owned();
        let issued_at = r.u64()?;
        let count = usize::from(r.u16()?);
        let mut documents = Vec::with_capacity(count.min(MAX_DOCUMENTS));
        for _ in 0..count {
            documents.push(DocumentEntry {
                name: r.str16()?.to_owned(),
                media_type: r.str16()?.to_owned(),
                size: r.u64()?,
                sha256: r.array()?,
            });
        }
        let membership = match team {
            true => Some(Membership::verify(r.bytes16()?)?),
            false => None,
        };
        r.finish()?;
        let manifest = Manifest {
            sender,
            recipients,
            invoice_id,
            issued_at,
            documents,
            membership,
        };
        manifest.check().map_err(Error::when_reading)?;
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::identity::Identity;

    fn sample() -> Manifest {
        let sender = Identity::generate("Acme").unwrap();
        let client = crate::age::Identity::generate().to_recipient();
        Manifest {
            sender: sender.card().clone(),
            recipients: vec![client, sender.recipient()],
            invoice_id: "INV-2026-0042".into(),
            issued_at: 1_795_000_000,
            documents: vec![DocumentEntry {
                name: "invoice.xml".into(),
                media_type: "application/xml".into(),
                size: 3,
                sha256: [7; 32],
            }],
            membership: None,
        }
    }

    #[test]
    fn round_trip() {
        let m = sample();
        assert_eq!(Manifest::from_bytes(&m.to_bytes().unwrap()).unwrap(), m);
    }

    #[test]
    fn rule_violations_are_refused() {
        let mut m = sample();
        m.recipients.pop();
        assert!(m.to_bytes().is_err(), "sender missing");
        let mut m = sample();
        m.recipients.push(m.recipients[0]);
        assert!(m.to_bytes().is_err(), "duplicate");
        for name in [
            "../etc/passwd",
            ".hidden",
            "a/b",
            "a\\b",
            "",
            "invoice\u{200B}.xml",
            "invoice\u{202E}lmx.fdp",
            "\u{FEFF}invoice.xml",
        ] {
            let mut m = sample();
            m.documents[0].name = name.into();
            assert!(m.to_bytes().is_err(), "{name}");
        }
        for media in ["xml", "application/", "a/b c", "/x"] {
            let mut m = sample();
            m.documents[0].media_type = media.into();
            assert!(m.to_bytes().is_err(), "{media}");
        }
        let mut m = sample();
        m.documents.push(m.documents[0].clone());
        assert!(m.to_bytes().is_err(), "two documents with one name");
        assert_eq!(
            Manifest::from_bytes(&m.encode().unwrap()),
            Err(Error::Malformed(
                "two documents have the same name (compared ignoring case)"
            ))
        );
        let bytes = sample().to_bytes().unwrap();
        assert!(Manifest::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Manifest::from_bytes(&longer).is_err());
    }

    /// Names that collide on a case-insensitive file system, and names that Windows cannot
    /// hold, are refused when sealing (`INVALID_INPUT`) and when reading (`MALFORMED`).
    #[test]
    fn colliding_and_unportable_names_are_refused_both_ways() {
        let with_names = |names: &[&str]| {
            let mut m = sample();
            m.documents = names
                .iter()
                .map(|name| DocumentEntry {
                    name: (*name).into(),
                    ..m.documents[0].clone()
                })
                .collect();
            m
        };
        let cases: [(&[&str], &str); 9] = [
            (&["invoice.xml", "INVOICE.XML"], "same name"),
            (&["Invoice.xml", "scan.pdf", "invoice.xml"], "same name"),
            (&["invoice.xml", "\u{131}nvoice.xml"], "same name"),
            (&["invoice.xml", "con.txt"], "device name"),
            (&["COM\u{B9}.pdf"], "device name"),
            (&["invoice.xml", "a:b.pdf"], "< > :"),
            (&["invoice.xml."], "dot or a space"),
            (&["invoice.xml", "scan.pdf\u{2066}"], "format characters"),
            (&["invoice.xml", "\u{AD}scan.pdf"], "format characters"),
        ];
        for (names, rule) in cases {
            let m = with_names(names);
            match m.to_bytes() {
                Err(Error::InvalidInput(why)) => assert!(why.contains(rule), "{names:?}: {why}"),
                other => panic!("{names:?} sealed: {other:?}"),
            }
            match Manifest::from_bytes(&m.encode().unwrap()) {
                Err(Error::Malformed(why)) => assert!(why.contains(rule), "{names:?}: {why}"),
                other => panic!("{names:?} read: {other:?}"),
            }
        }
        let m = with_names(&["invoice.xml", "invoice.pdf", "Rechnung.xml", "console.txt"]);
        assert_eq!(Manifest::from_bytes(&m.to_bytes().unwrap()).unwrap(), m);
    }
}
