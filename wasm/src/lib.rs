//! The JavaScript API of sealbill, built with wasm-bindgen for `wasm32-unknown-unknown`.
//!
//! The layer only converts: the rules live in the `sealbill` crate. Secrets stay in wasm memory
//! behind opaque handles ([`identity::JsIdentity`], [`links::JsLink`]) that JS wipes with
//! `free()`. Option and result shapes are Rust types whose TypeScript tsify generates. Errors
//! reach JS as `Error` objects named `SealbillError` with a stable `code`.

#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#![forbid(unsafe_code)]

mod backup;
mod errors;
mod identity;
mod links;
mod open;
mod options;
mod passkeys;
mod replies;
mod results;
mod seal;
mod streams;
mod team;

#[cfg(test)]
mod tests;
