//! The sealbill relay: stores envelopes (age ciphertext, nothing else) for clients to fetch,
//! serves the page, and lets only registered senders upload.
//!
//! The binary is `sealbill-relay`; this library exposes the router and the storage for tests
//! and for embedding.

#![forbid(unsafe_code)]

pub mod api;
mod auth;
mod body;
pub mod config;
mod errors;
mod handling;
mod limits;
pub mod log;
mod metrics;
pub mod migrate;
pub mod postgres;
mod rosters;
pub mod server;
pub mod snapshot;
pub mod sqlite;
pub mod store;
mod teams;
mod web;

pub use api::{app, now, AppState};
pub use web::CSP;
