//! The one error type of the library.
//!
//! Variants say what the user needs to know and no more: a decryption failure does not tell
//! which byte or which check went wrong beyond the class of the problem. Messages never carry
//! secrets.

use core::fmt;

/// Everything that can go wrong when parsing, sealing, opening or decrypting.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The ASCII armor is not strict PEM (SPEC §2.4).
    Armor(&'static str),
    /// The input is not a well-formed age v1 header (SPEC §2.1).
    Header(&'static str),
    /// The input ended before the payload started (inside the header or the payload nonce).
    HeaderTruncated,
    /// None of the given identities can unwrap the file key.
    NoMatch,
    /// The header MAC does not verify: the header was changed.
    HeaderMac,
    /// A payload chunk failed authentication: the file was changed.
    PayloadTampered,
    /// The payload ended before its final chunk: the file was cut short.
    PayloadTruncated,
    /// The signature over the manifest does not verify.
    BadSignature,
    /// The signed manifest does not list the reader among its recipients.
    NotForYou,
    /// The envelope is validly signed, but by another key than the expected sender.
    UnexpectedSender,
    /// A decrypted payload, manifest, card, key or identity file is malformed.
    Malformed(&'static str),
    /// The input asks for more work or memory than the library allows.
    LimitExceeded(&'static str),
    /// The passphrase does not unlock the keystore or link (or the blob was altered).
    BadPassphrase,
    /// A checked link (SPEC §5.3, version 3) whose check holds unwraps no stanza: the
    /// envelope's key block was altered, or it is not the envelope the link was made for.
    KeyBlockAltered,
    /// A checked link with a passphrase (SPEC §5.3, version 4) unwraps no stanza: the
    /// passphrase is wrong, or the envelope's key block was altered (the two cannot be told
    /// apart).
    BadLinkPassphrase,
    /// The caller passed invalid arguments (for example a name with a line break).
    InvalidInput(&'static str),
    /// The keystore needs one of its passkeys as well as the passphrase (SPEC §5.2).
    PasskeyRequired,
    /// The passkey given is not one enrolled for this keystore.
    UnknownPasskey,
    /// A validly signed reply that does not answer the envelope it claims to (SPEC §5.5):
    /// forged by someone who never opened it, or moved from another envelope.
    UnboundReply,
    /// A validly signed team roster whose version is not newer than the one already known
    /// (SPEC §3.8): a replayed or rolled-back roster.
    StaleRoster,
    /// The card is not a member of the team roster, or is not the member a membership names.
    NotAMember,
    /// The member's role may not send invoices (an accountant only reads).
    RoleCannotSend,
    /// The membership's validity ended before the given time.
    MembershipExpired,
    /// The membership's validity starts after the given time.
    MembershipNotYetValid,
    /// A payment account of the invoice is not among those the business owner signed.
    AccountNotAllowed,
}

impl Error {
    /// A stable, machine-readable code for the error class, used by the CLI and the JS API.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Armor(_) | Error::Header(_) | Error::Malformed(_) => "MALFORMED",
            Error::HeaderTruncated | Error::PayloadTruncated => "TRUNCATED",
            Error::NoMatch => "WRONG_KEY",
            Error::HeaderMac | Error::PayloadTampered | Error::KeyBlockAltered => "TAMPERED",
            Error::BadSignature => "BAD_SIGNATURE",
            Error::NotForYou => "NOT_FOR_YOU",
            Error::UnexpectedSender => "UNEXPECTED_SENDER",
            Error::LimitExceeded(_) => "LIMIT_EXCEEDED",
            Error::BadPassphrase | Error::BadLinkPassphrase => "BAD_PASSPHRASE",
            Error::InvalidInput(_) => "INVALID_INPUT",
            Error::UnboundReply => "UNBOUND_REPLY",
            Error::PasskeyRequired => "PASSKEY_REQUIRED",
            Error::UnknownPasskey => "UNKNOWN_PASSKEY",
            Error::StaleRoster => "STALE_ROSTER",
            Error::NotAMember => "NOT_A_MEMBER",
            Error::RoleCannotSend => "ROLE_CANNOT_SEND",
            Error::MembershipExpired => "MEMBERSHIP_EXPIRED",
            Error::MembershipNotYetValid => "MEMBERSHIP_NOT_YET_VALID",
            Error::AccountNotAllowed => "ACCOUNT_NOT_ALLOWED",
        }
    }
}

impl Error {
    /// A broken rule as a reader reports it: a writer's `INVALID_INPUT` becomes `MALFORMED`
    /// (the same rules are checked when writing and when reading).
    pub(crate) fn when_reading(self) -> Error {
        match self {
            Error::InvalidInput(why) => Error::Malformed(why),
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Armor(why) => write!(f, "invalid ASCII armor: {why}"),
            Error::Header(why) => write!(f, "not a valid age v1 file: {why}"),
            Error::HeaderTruncated => {
                f.write_str("the file is truncated: it ends before its payload starts")
            }
            Error::NoMatch => {
                f.write_str("no identity matches: this file was not encrypted to your key")
            }
            Error::HeaderMac => {
                f.write_str("the file was tampered with: its header MAC does not verify")
            }
            Error::PayloadTampered => f.write_str(
                "the file is damaged: a payload chunk does not verify (cut short or tampered with)",
            ),
            Error::PayloadTruncated => {
                f.write_str("the file is truncated: it ends before its final chunk")
            }
            Error::BadSignature => f.write_str("the sender's signature does not verify"),
            Error::NotForYou => f.write_str(
                "the signed invoice is not addressed to you: it was forwarded by someone else",
            ),
            Error::UnexpectedSender => {
                f.write_str("the invoice is signed by a different key than the expected sender")
            }
            Error::Malformed(why) => write!(f, "malformed input: {why}"),
            Error::LimitExceeded(why) => write!(f, "limit exceeded: {why}"),
            Error::BadPassphrase => {
                f.write_str("wrong passphrase (or the locked key or backup was altered)")
            }
            Error::KeyBlockAltered => f.write_str(
                "the invoice was altered: the envelope's key block was changed, or it is not \
                 the envelope this link was made for (the link itself is intact)",
            ),
            Error::BadLinkPassphrase => f.write_str(
                "wrong passphrase, or the invoice was altered: the envelope's key block was \
                 changed, or it is not the envelope this link was made for",
            ),
            Error::InvalidInput(why) => write!(f, "invalid input: {why}"),
            Error::UnboundReply => f.write_str(
                "this reply does not answer that invoice: it was forged or moved from another one",
            ),
            Error::PasskeyRequired => {
                f.write_str("this key also needs one of its passkeys to unlock")
            }
            Error::UnknownPasskey => f.write_str("this passkey is not one enrolled for this key"),
            Error::StaleRoster => f.write_str(
                "this team roster is not newer than the one already known: it is an old one replayed",
            ),
            Error::NotAMember => f.write_str("this key is not a member of the team"),
            Error::RoleCannotSend => f.write_str("this member's role may not send invoices"),
            Error::MembershipExpired => {
                f.write_str("this member's membership had ended at that time")
            }
            Error::MembershipNotYetValid => {
                f.write_str("this member's membership had not started at that time")
            }
            Error::AccountNotAllowed => f.write_str(
                "the invoice names a bank account that the business owner did not sign",
            ),
        }
    }
}

impl std::error::Error for Error {}

/// The library's result type.
pub type Result<T> = core::result::Result<T, Error>;
