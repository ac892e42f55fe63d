//! sealbill: end-to-end encrypted, signed invoices.
//!
//! An invoice and its attachments are signed by the sender (Ed25519), then encrypted in an
//! age v1 envelope to the client and to the sender. The library is pure: bytes in, bytes out,
//! with push-based streaming for large attachments. The format is specified in `SPEC.md`.

#![forbid(unsafe_code)]

pub mod age;
mod error;

pub use error::{Error, Result};
