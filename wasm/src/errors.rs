//! Library errors as JS `Error` objects with a stable `code` (SPEC §7).

use wasm_bindgen::prelude::*;

use sealbill::Error;

#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR: &str = r#"
/** The stable `code` of every error the module throws (SPEC §7). */
export type ErrorCode =
  | "MALFORMED" | "TRUNCATED" | "WRONG_KEY" | "TAMPERED" | "BAD_SIGNATURE" | "NOT_FOR_YOU"
  | "UNEXPECTED_SENDER" | "BAD_PASSPHRASE" | "LIMIT_EXCEEDED" | "INVALID_INPUT"
  | "UNBOUND_REPLY" | "PASSKEY_REQUIRED" | "UNKNOWN_PASSKEY" | "STALE_ROSTER" | "NOT_A_MEMBER"
  | "ROLE_CANNOT_SEND" | "MEMBERSHIP_EXPIRED" | "MEMBERSHIP_NOT_YET_VALID" | "ACCOUNT_NOT_ALLOWED";
/** Thrown by every function of the module. */
export interface SealbillError extends Error { name: "SealbillError"; code: ErrorCode; }
"#;

/// What every exported function returns: a value, or a thrown `SealbillError`.
pub(crate) type JsResult<T> = Result<T, JsValue>;

/// The error of a stream used after it finished or failed.
pub(crate) const STREAM_DONE: Error =
    Error::InvalidInput("this stream has already finished or failed");

/// Turns a library error into a JS `Error` with a `code` property.
pub(crate) fn js_error(error: Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("SealbillError");
    // Defining a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&js, &"code".into(), &error.code().into());
    js.into()
}
