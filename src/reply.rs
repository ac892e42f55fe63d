//! Replies (SPEC §5.5): a reader of an envelope connects its own identity to the envelope's
//! sender, so that later invoices are sealed to the reader's key instead of a link.
//!
//! A reply is an ordinary sealbill envelope from the reader to the sender, signed by the
//! reader, whose one document names the envelope it answers and carries a MAC under that
//! envelope's *reply key*. The reply key is exported from the answered envelope's file key, so
//! only its sender and its readers know it. The relay sees the open proof, a different export,
//! and so can neither forge a reply nor move one to another envelope.

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::card::Card;
use crate::error::{Error, Result};
use crate::identity::Identity;
use crate::open::{open, Opened};
use crate::seal::{seal, Document, SealOptions, Sealed};
use crate::wire::{Reader, Writer};

/// The exporter label of the reply key.
pub(crate) const REPLY_KEY_LABEL: &[u8] = b"sealbill/reply-key/v1";
/// The media type of a reply's one document.
pub const REPLY_MEDIA_TYPE: &str = "application/vnd.sealbill.reply";
/// The media type of an invitation's one document: an envelope that carries no invoice and
/// asks its reader to reply (SPEC §5.5).
pub const INVITATION_MEDIA_TYPE: &str = "application/vnd.sealbill.invitation";
/// The file name of a reply's one document.
const REPLY_NAME: &str = "sealbill-reply";
/// The first field of a reply document.
const REPLY_MAGIC: &str = "sealbill/reply/v1";
/// The context of the binding MAC.
const BINDING_LABEL: &[u8] = b"sealbill/reply-binding/v1";
/// A relay id is 16 to 64 base64url characters (SPEC §5.3).
const RELAY_ID_LEN: core::ops::RangeInclusive<usize> = 16..=64;

/// The key that binds a reply to one envelope. `Debug` does not print it.
pub struct ReplyKey(Zeroizing<[u8; 32]>);

impl ReplyKey {
    /// The key from the envelope's export (label [`REPLY_KEY_LABEL`]); `None` when decryption
    /// never reached the payload.
    pub(crate) fn from_exported(key: Option<Zeroizing<[u8; 32]>>) -> Result<ReplyKey> {
        key.map(ReplyKey).ok_or(Error::HeaderTruncated)
    }

    /// The binding MAC of a reply from `replier` to `sender` about envelope `relay_id`.
    fn binding(
        &self,
        replier: &Card,
        sender: &Card,
        relay_id: &str,
        invoice_id: &str,
    ) -> Result<[u8; 32]> {
        let mut w = Writer::default();
        w.raw(BINDING_LABEL);
        w.bytes16(replier.to_text().as_bytes())?;
        w.bytes16(sender.to_text().as_bytes())?;
        w.bytes16(relay_id.as_bytes())?;
        w.bytes16(invoice_id.as_bytes())?;
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.as_ref())
            .map_err(|_| Error::InvalidInput("reply key"))?;
        mac.update(&w.bytes);
        Ok(mac.finalize().into_bytes().into())
    }
}

impl fmt::Debug for ReplyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReplyKey(..)")
    }
}

/// A verified reply: who connected, and to which envelope.
#[derive(Debug)]
pub struct Connection {
    /// The replier's card: the key to seal later invoices to.
    pub card: Card,
    /// The relay id of the answered envelope.
    pub relay_id: String,
    /// The invoice id of the answered envelope.
    pub invoice_id: String,
    /// When the reply was sealed, in seconds since the Unix epoch.
    pub replied_at: u64,
}

fn check_relay_id(relay_id: &str) -> Result<()> {
    let ok = RELAY_ID_LEN.contains(&relay_id.len())
        && relay_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(()).ok_or(Error::InvalidInput(
        "a relay id is 16 to 64 base64url characters",
    ))
}

/// Seals a reply from `replier` to the sender of `answered`, an envelope the replier opened,
/// stored on the relay as `relay_id`. The reply is sealed to the sender and the replier only.
pub fn seal_reply(
    replier: &Identity,
    answered: &Opened,
    relay_id: &str,
    issued_at: u64,
) -> Result<Sealed> {
    check_relay_id(relay_id)?;
    let sender = &answered.manifest.sender;
    if sender.fingerprint() == replier.fingerprint() {
        return Err(Error::InvalidInput(
            "an identity cannot reply to its own envelope",
        ));
    }
    let invoice_id = &answered.manifest.invoice_id;
    let binding = answered
        .reply_key
        .binding(replier.card(), sender, relay_id, invoice_id)?;
    let mut w = Writer::default();
    w.bytes16(REPLY_MAGIC.as_bytes())?;
    w.bytes16(relay_id.as_bytes())?;
    w.bytes16(invoice_id.as_bytes())?;
    w.raw(&binding);
    let document = Document {
        name: REPLY_NAME.to_owned(),
        media_type: REPLY_MEDIA_TYPE.to_owned(),
        data: w.bytes,
    };
    let options = SealOptions {
        recipients: vec![sender.recipient()],
        ..SealOptions::new(invoice_id, issued_at)
    };
    seal(replier, &[document], &options)
}

/// Opens and checks a reply to `original`, an envelope this `sender` sealed (opened with the
/// sender's own identity) and stored on the relay as `relay_id`: every check of SPEC §4.2 on
/// the reply, then that it names this envelope and carries its binding MAC.
pub fn read_reply(
    sender: &Identity,
    reply: &[u8],
    original: &Opened,
    relay_id: &str,
) -> Result<Connection> {
    if original.manifest.sender.fingerprint() != sender.fingerprint() {
        return Err(Error::InvalidInput(
            "the answered envelope was not sealed by this identity",
        ));
    }
    let opened = open(core::slice::from_ref(sender.age_identity()), reply, None)?;
    let replier = opened.manifest.sender;
    let [document] = opened.documents.as_slice() else {
        return Err(Error::Malformed("a reply holds exactly one document"));
    };
    if document.media_type != REPLY_MEDIA_TYPE || replier.fingerprint() == sender.fingerprint() {
        return Err(Error::Malformed("not a sealbill reply"));
    }
    let mut r = Reader::new(&document.data, "not a sealbill reply");
    if r.str16()? != REPLY_MAGIC {
        return Err(Error::Malformed("not a sealbill reply"));
    }
    let (named_relay_id, named_invoice_id) = (r.str16()?, r.str16()?);
    let mac: [u8; 32] = r.array()?;
    r.finish()?;
    let invoice_id = &original.manifest.invoice_id;
    // The sender's card as the replier saw it: the one the answered envelope carries.
    let expected =
        original
            .reply_key
            .binding(&replier, &original.manifest.sender, relay_id, invoice_id)?;
    let names_it = named_relay_id == relay_id
        && named_invoice_id == invoice_id
        && opened.manifest.invoice_id == *invoice_id;
    if !names_it || !bool::from(subtle::ConstantTimeEq::ct_eq(&mac[..], &expected[..])) {
        return Err(Error::UnboundReply);
    }
    Ok(Connection {
        card: replier,
        relay_id: relay_id.to_owned(),
        invoice_id: invoice_id.clone(),
        replied_at: opened.manifest.issued_at,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::seal::LinkRequest;

    const RELAY_ID: &str = "AAAAAAAAAAAAAAAAAAAAAA";
    const OTHER_ID: &str = "BBBBBBBBBBBBBBBBBBBBBB";

    struct World {
        business: Identity,
        client: Identity,
        mallory: Identity,
    }

    fn world() -> World {
        World {
            business: Identity::generate("Acme GmbH").unwrap(),
            client: Identity::generate("Client AG").unwrap(),
            mallory: Identity::generate("Mallory").unwrap(),
        }
    }

    /// An invoice sealed with a link: what the client opens with the link, and what the
    /// business reopens from its own copy.
    fn invoice(w: &World, id: &str) -> (Opened, Opened) {
        let options = SealOptions {
            link: Some(LinkRequest::Plain),
            ..SealOptions::new(id, 1_795_000_000)
        };
        let doc = Document {
            name: "invoice.xml".into(),
            media_type: "application/xml".into(),
            data: b"<Invoice/>".to_vec(),
        };
        let sealed = seal(&w.business, &[doc], &options).unwrap();
        let link = sealed.link.unwrap().identity(None).unwrap();
        let by_client = open(&[link], &sealed.envelope, None).unwrap();
        let own = open(
            core::slice::from_ref(w.business.age_identity()),
            &sealed.envelope,
            None,
        )
        .unwrap();
        (by_client, own)
    }

    #[test]
    fn a_reply_connects_the_replier_card() {
        let w = world();
        let (by_client, own) = invoice(&w, "INV-7");
        let reply = seal_reply(&w.client, &by_client, RELAY_ID, 1_795_000_100).unwrap();
        let connection = read_reply(&w.business, &reply.envelope, &own, RELAY_ID).unwrap();
        assert_eq!(connection.card, *w.client.card());
        assert_eq!(connection.invoice_id, "INV-7");
        assert_eq!(connection.relay_id, RELAY_ID);
        assert_eq!(connection.replied_at, 1_795_000_100);
        // Sealed to the business and the replier only.
        let opened = open(
            core::slice::from_ref(w.client.age_identity()),
            &reply.envelope,
            None,
        )
        .unwrap();
        assert_eq!(opened.manifest.recipients.len(), 2);
    }

    #[test]
    fn a_reply_moved_to_another_envelope_is_unbound() {
        let w = world();
        let (by_client, _) = invoice(&w, "INV-7");
        let (_, other_own) = invoice(&w, "INV-7");
        let reply = seal_reply(&w.client, &by_client, RELAY_ID, 1).unwrap();
        // The same invoice id on another envelope: the reply key differs.
        assert_eq!(
            read_reply(&w.business, &reply.envelope, &other_own, RELAY_ID).unwrap_err(),
            Error::UnboundReply
        );
    }

    #[test]
    fn a_reply_naming_another_relay_id_is_unbound() {
        let w = world();
        let (by_client, own) = invoice(&w, "INV-7");
        let reply = seal_reply(&w.client, &by_client, OTHER_ID, 1).unwrap();
        assert_eq!(
            read_reply(&w.business, &reply.envelope, &own, RELAY_ID).unwrap_err(),
            Error::UnboundReply
        );
    }

    #[test]
    fn a_reply_forged_without_the_reply_key_is_unbound() {
        let w = world();
        let (by_client, own) = invoice(&w, "INV-7");
        // Mallory knows the relay id and the invoice id but never opened the envelope: she
        // answers another envelope she did open, with the names of this one.
        let (mallorys, _) = invoice(&w, "INV-7");
        let forged = seal_reply(&w.mallory, &mallorys, RELAY_ID, 1).unwrap();
        assert_eq!(
            read_reply(&w.business, &forged.envelope, &own, RELAY_ID).unwrap_err(),
            Error::UnboundReply
        );
        // The genuine reply still reads.
        let reply = seal_reply(&w.client, &by_client, RELAY_ID, 1).unwrap();
        assert!(read_reply(&w.business, &reply.envelope, &own, RELAY_ID).is_ok());
    }

    #[test]
    fn an_ordinary_envelope_or_a_tampered_reply_is_refused() {
        let w = world();
        let (by_client, own) = invoice(&w, "INV-7");
        let plain = seal(
            &w.client,
            &[Document {
                name: "sealbill-reply".into(),
                media_type: "application/xml".into(),
                data: vec![1, 2, 3],
            }],
            &SealOptions {
                recipients: vec![w.business.recipient()],
                ..SealOptions::new("INV-7", 1)
            },
        )
        .unwrap();
        assert!(matches!(
            read_reply(&w.business, &plain.envelope, &own, RELAY_ID),
            Err(Error::Malformed(_))
        ));
        let mut reply = seal_reply(&w.client, &by_client, RELAY_ID, 1)
            .unwrap()
            .envelope;
        let middle = reply.len() / 2;
        if let Some(b) = reply.get_mut(middle) {
            *b ^= 1;
        }
        assert!(read_reply(&w.business, &reply, &own, RELAY_ID).is_err());
    }

    #[test]
    fn only_the_sender_reads_replies_and_nobody_replies_to_itself() {
        let w = world();
        let (by_client, own) = invoice(&w, "INV-7");
        let reply = seal_reply(&w.client, &by_client, RELAY_ID, 1).unwrap();
        assert_eq!(
            read_reply(&w.mallory, &reply.envelope, &own, RELAY_ID).unwrap_err(),
            Error::InvalidInput("the answered envelope was not sealed by this identity")
        );
        assert!(seal_reply(&w.business, &own, RELAY_ID, 1).is_err());
        assert!(seal_reply(&w.client, &by_client, "short", 1).is_err());
    }
}
