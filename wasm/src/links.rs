//! The `Link` handle: a link's secret, kept in wasm memory.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use sealbill::LinkSecret;

use crate::errors::{js_error, JsResult};

/// A link to an envelope on a relay. Holds the link secret; call `free()` to wipe it.
#[wasm_bindgen(js_name = Link)]
pub struct JsLink {
    pub(crate) relay_id: Option<String>,
    pub(crate) secret: LinkSecret,
}

impl JsLink {
    /// A link fresh from sealing, before the relay assigned its id.
    pub(crate) fn fresh(secret: LinkSecret) -> JsLink {
        JsLink {
            relay_id: None,
            secret,
        }
    }
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

    /// Whether the link carries a check (SPEC §5.3, versions 3 and 4, as sealing now makes
    /// them). Only then does an envelope whose key block was altered fail as `TAMPERED` (or,
    /// with a passphrase, as `BAD_PASSPHRASE`, which then also means that) instead of
    /// `WRONG_KEY`; a link of version 1 or 2 cannot tell that from a broken link.
    #[wasm_bindgen(getter)]
    pub fn checked(&self) -> bool {
        self.secret.is_checked()
    }

    /// The full link: `base` (the page URL) + `#<relayId>.<secret>`. Send it to the client
    /// only: it opens the envelope. (The JS string is copied from a wasm buffer that is wiped
    /// at once, so no copy of the secret is left in wasm memory.)
    pub fn url(&self, base: &str, relay_id: &str) -> JsResult<JsString> {
        self.secret
            .url(base, relay_id)
            .map(|url| JsString::from(url.as_str()))
            .map_err(js_error)
    }
}
