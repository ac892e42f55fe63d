//! Passkeys as a second factor for a keystore (SPEC §5.2, keystore v2): the page asks the
//! authenticator for a WebAuthn PRF output and passes it here with the passphrase.

use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;
use zeroize::{Zeroize, Zeroizing};

use sealbill::{Error, Identity, PasskeyFactor, PasskeySlot, PRF_LEN};

use crate::errors::{js_error, JsResult};
use crate::identity::JsIdentity;
use crate::options::{decode, passphrase, KdfOptions};
use crate::results::encode;

/// A passkey's answer: its credential id, the PRF input it was asked with (`eval.first`) and
/// the PRF output it gave (`getClientExtensionResults().prf.results.first`). The output is a
/// secret: it is wiped from wasm memory after use; wipe the caller's copy too.
#[derive(Tsify, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Passkey {
    /// The WebAuthn credential id (`rawId`).
    #[tsify(type = "Uint8Array")]
    pub credential: serde_bytes::ByteBuf,
    /// The 32-byte PRF input.
    #[tsify(type = "Uint8Array")]
    pub prf_salt: serde_bytes::ByteBuf,
    /// The 32-byte PRF output.
    #[tsify(type = "Uint8Array")]
    pub prf: serde_bytes::ByteBuf,
}

impl Drop for Passkey {
    fn drop(&mut self) {
        self.prf.as_mut_slice().zeroize();
    }
}

impl Passkey {
    fn factor(value: Ts<Passkey>) -> JsResult<PasskeyFactor> {
        let passkey = decode(value)?;
        let salt: [u8; PRF_LEN] = passkey
            .prf_salt
            .as_slice()
            .try_into()
            .map_err(|_| js_error(Error::InvalidInput("a passkey PRF input is 32 bytes")))?;
        PasskeyFactor::new(&passkey.credential, salt, &passkey.prf).map_err(js_error)
    }
}

/// A passkey a keystore asks for: what to put in `allowCredentials` and `evalByCredential`.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyInfo {
    /// The WebAuthn credential id.
    #[tsify(type = "Uint8Array")]
    pub credential: serde_bytes::ByteBuf,
    /// The PRF input to evaluate.
    #[tsify(type = "Uint8Array")]
    pub prf_salt: serde_bytes::ByteBuf,
}

impl From<PasskeySlot> for PasskeyInfo {
    fn from(slot: PasskeySlot) -> Self {
        PasskeyInfo {
            credential: serde_bytes::ByteBuf::from(slot.credential),
            prf_salt: serde_bytes::ByteBuf::from(slot.prf_salt.to_vec()),
        }
    }
}

#[wasm_bindgen(js_class = Identity)]
impl JsIdentity {
    /// Locks the identity under a passphrase and a passkey (keystore v2): from then on it
    /// unlocks only with both.
    #[wasm_bindgen(js_name = lockWithPasskey)]
    pub fn lock_with_passkey(
        &self,
        passphrase: String,
        passkey: Ts<Passkey>,
        options: Option<Ts<KdfOptions>>,
    ) -> JsResult<Vec<u8>> {
        let params = KdfOptions::params(options)?;
        let factor = Passkey::factor(passkey)?;
        self.0
            .lock_with_passkey(
                &self::passphrase(&Zeroizing::new(passphrase))?,
                &params,
                &factor,
            )
            .map_err(js_error)
    }
}

/// Unlocks a keystore blob: v1 with the passphrase, v2 with the passphrase and a passkey.
pub(crate) fn unlock(
    blob: &[u8],
    passphrase: String,
    passkey: Option<Ts<Passkey>>,
) -> JsResult<JsIdentity> {
    let factor = passkey.map(Passkey::factor).transpose()?;
    Identity::unlock_with(
        blob,
        &self::passphrase(&Zeroizing::new(passphrase))?,
        factor.as_ref(),
    )
    .map(JsIdentity)
    .map_err(js_error)
}

/// The passkeys a keystore blob asks for; empty when the passphrase alone unlocks it.
#[wasm_bindgen(js_name = keystorePasskeys)]
pub fn keystore_passkeys(blob: &[u8]) -> JsResult<Vec<Ts<PasskeyInfo>>> {
    sealbill::passkeys(blob)
        .map_err(js_error)?
        .into_iter()
        .map(|slot| encode(&PasskeyInfo::from(slot)))
        .collect()
}

/// Adds a passkey to a keystore v2 blob; the passphrase and an enrolled passkey (`current`)
/// are both needed. Returns the new blob.
#[wasm_bindgen(js_name = addPasskey)]
pub fn add_passkey(
    blob: &[u8],
    passphrase: String,
    current: Ts<Passkey>,
    added: Ts<Passkey>,
) -> JsResult<Vec<u8>> {
    let (current, added) = (Passkey::factor(current)?, Passkey::factor(added)?);
    sealbill::add_passkey(
        blob,
        &self::passphrase(&Zeroizing::new(passphrase))?,
        &current,
        &added,
    )
    .map_err(js_error)
}

/// Removes the passkey `credential` from a keystore v2 blob, after unlocking it with the
/// passphrase and an enrolled passkey (`current`). The last one cannot be removed: lock the
/// identity again with `lock` to go back to the passphrase alone. Returns the new blob.
#[wasm_bindgen(js_name = removePasskey)]
pub fn remove_passkey(
    blob: &[u8],
    passphrase: String,
    current: Ts<Passkey>,
    credential: &[u8],
) -> JsResult<Vec<u8>> {
    let current = Passkey::factor(current)?;
    sealbill::remove_passkey(
        blob,
        &self::passphrase(&Zeroizing::new(passphrase))?,
        &current,
        credential,
    )
    .map_err(js_error)
}
