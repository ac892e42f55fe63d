//! The `Identity` handle: a sender's or client's keys, kept in wasm memory. Passphrases arrive
//! as owned strings so that the copy in wasm memory is wiped after use.

use tsify::Ts;
use wasm_bindgen::prelude::*;

use zeroize::Zeroizing;

use sealbill::Identity;

use crate::errors::{js_error, JsResult};
use crate::options::{now_seconds, passphrase, KdfOptions};
use crate::passkeys::Passkey;

/// A sealbill identity: a sender's or client's keys. Call `free()` to wipe it.
#[wasm_bindgen(js_name = Identity)]
pub struct JsIdentity(pub(crate) Identity);

#[wasm_bindgen(js_class = Identity)]
impl JsIdentity {
    /// Creates a fresh identity with a display name.
    pub fn generate(name: &str) -> JsResult<JsIdentity> {
        Identity::generate(name).map(JsIdentity).map_err(js_error)
    }

    /// The display name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.0.name().to_owned()
    }

    /// The public card (`sealbill-card:…`) to hand to clients.
    pub fn card(&self) -> String {
        self.0.card().to_text()
    }

    /// The fingerprint to compare aloud: eight groups of five digits.
    pub fn fingerprint(&self) -> String {
        self.0.fingerprint().to_string()
    }

    /// The `age1…` recipient of this identity.
    pub fn recipient(&self) -> String {
        self.0.recipient().to_string()
    }

    /// Locks the identity under a passphrase into a keystore blob for device storage.
    pub fn lock(&self, passphrase: String, options: Option<Ts<KdfOptions>>) -> JsResult<Vec<u8>> {
        let params = KdfOptions::params(options)?;
        self.0
            .lock(&self::passphrase(&Zeroizing::new(passphrase))?, &params)
            .map_err(js_error)
    }

    /// Unlocks a keystore blob made by `lock` (the passphrase alone), or by `lockWithPasskey`
    /// (then `passkey` is needed too: `PASSKEY_REQUIRED` without it).
    pub fn unlock(
        blob: &[u8],
        passphrase: String,
        passkey: Option<Ts<Passkey>>,
    ) -> JsResult<JsIdentity> {
        crate::passkeys::unlock(blob, passphrase, passkey)
    }

    /// An encrypted backup file (text) under its own passphrase.
    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(
        &self,
        passphrase: String,
        options: Option<Ts<KdfOptions>>,
    ) -> JsResult<String> {
        let params = KdfOptions::params(options)?;
        self.0
            .export_backup(&self::passphrase(&Zeroizing::new(passphrase))?, &params)
            .map_err(js_error)
    }

    /// Restores an identity from an `exportBackup` file.
    #[wasm_bindgen(js_name = importBackup)]
    pub fn import_backup(text: &str, passphrase: String) -> JsResult<JsIdentity> {
        Identity::import_backup(text, &self::passphrase(&Zeroizing::new(passphrase))?)
            .map(JsIdentity)
            .map_err(js_error)
    }

    /// Signs a relay request: returns the `Sealbill-Signature` header value for `method`, the
    /// relay's authority (`host[:port]` as the client addresses it, such as `location.host`),
    /// the request target (path and query) and the body, stamped with the current time.
    #[wasm_bindgen(js_name = signRequest)]
    pub fn sign_request(
        &self,
        method: &str,
        authority: &str,
        target: &str,
        body: &[u8],
    ) -> JsResult<String> {
        sealbill::sign_request(&self.0, method, authority, target, now_seconds(), body)
            .map_err(js_error)
    }
}
