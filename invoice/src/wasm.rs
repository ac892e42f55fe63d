//! The JS API of the invoice module: only type conversion; the logic is in the crate root.
//!
//! The plain invoice and its results are Rust types whose TypeScript tsify generates, as in
//! the crypto module. Invoices come in through their JSON text, the CLI's reader: the object is
//! deeply nested, and serde_json refuses an unknown key or a float amount at any depth.

use js_sys::{Reflect, Uint8Array, JSON};
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::{Error, PlainInvoice, Problem, Profile};

#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR: &str = r#"
/** The stable `code` of every error the invoice module throws. */
export type InvoiceErrorCode = "INVALID_INVOICE" | "BAD_XML" | "XML_TOO_LARGE" | "NOT_UBL" | "INVALID_INPUT";
/** Thrown by every function of the module; `problems` is set for INVALID_INVOICE. */
export interface InvoiceError extends Error { name: "InvoiceError"; code: InvoiceErrorCode; problems?: Problem[]; }
"#;

/// A built invoice: the UBL bytes to seal, and the invoice with its computed parts.
#[derive(Tsify, Serialize)]
pub struct BuiltInvoice {
    /// The UBL 2.1 document.
    #[tsify(type = "Uint8Array")]
    pub xml: serde_bytes::ByteBuf,
    /// The invoice with its computed parts (line amounts, VAT breakdown, totals).
    pub invoice: PlainInvoice,
    /// Rule warnings (nothing fatal).
    pub warnings: Vec<Problem>,
}

/// A document read: the invoice it states and every problem found.
#[derive(Tsify, Serialize)]
pub struct ReadInvoice {
    /// The invoice the document states.
    pub invoice: PlainInvoice,
    /// Every problem found, fatal or not.
    pub problems: Vec<Problem>,
    /// Whether no problem is fatal.
    pub valid: bool,
    /// The syntax read.
    #[tsify(type = "\"UBL\" | \"CII\"")]
    pub syntax: &'static str,
    /// The profile whose rules ran: the one the document claims (BT-24), unless another was
    /// asked for.
    pub profile: Profile,
}

fn js_error(code: &str, message: &str, problems: Option<&[Problem]>) -> JsValue {
    let js = js_sys::Error::new(message);
    js.set_name("InvoiceError");
    // Setting properties on a fresh Error object cannot fail.
    let _ = Reflect::set(&js, &"code".into(), &code.into());
    if let Some(problems) = problems {
        if let Ok(list) = serde_wasm_bindgen::to_value(problems) {
            let _ = Reflect::set(&js, &"problems".into(), &list);
        }
    }
    js.into()
}

impl From<Error> for JsValue {
    fn from(error: Error) -> Self {
        let problems = match &error {
            Error::Invalid(problems) => Some(problems.as_slice()),
            _ => None,
        };
        js_error(error.code(), &error.to_string(), problems)
    }
}

/// Builds the JS object of a result.
fn encode<T: Tsify + Serialize>(value: &T) -> Result<Ts<T>, JsValue> {
    value
        .into_ts()
        .map_err(|e| js_error("INVALID_INPUT", &e.to_string(), None))
}

/// The plain invoice from a JS value, through its JSON text: the same reader as the CLI's, so
/// a misspelt key or a float amount fails the same way, with serde's message naming the field.
fn plain(value: JsValue) -> Result<PlainInvoice, JsValue> {
    let invalid = |why: String| {
        js_error(
            "INVALID_INPUT",
            &format!("not an invoice object: {why}"),
            None,
        )
    };
    let text = JSON::stringify(&value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| invalid("it cannot be written as JSON".into()))?;
    serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))
}

/// Builds an invoice into its UBL 2.1 document, or throws `INVALID_INVOICE` with `problems`.
#[wasm_bindgen(js_name = buildInvoice)]
pub fn build_invoice(
    #[wasm_bindgen(unchecked_param_type = "PlainInvoice")] invoice: JsValue,
) -> Result<Ts<BuiltInvoice>, JsValue> {
    let built = crate::build(&plain(invoice)?)?;
    encode(&BuiltInvoice {
        xml: built.xml.into_bytes().into(),
        invoice: built.invoice,
        warnings: built.warnings,
    })
}

/// Lists an invoice's problems (fatal and warnings) without building it: for live form feedback.
#[wasm_bindgen(js_name = checkInvoice)]
pub fn check_invoice(
    #[wasm_bindgen(unchecked_param_type = "PlainInvoice")] invoice: JsValue,
) -> Result<Vec<Ts<Problem>>, JsValue> {
    crate::check(&plain(invoice)?).iter().map(encode).collect()
}

/// Reads an untrusted UBL or CII document: the invoice it states, and its problems under the
/// rules of the profile it claims, or of `profile` (`"peppol"`, `"xrechnung"`, `"en16931"`) when
/// given.
#[wasm_bindgen(js_name = readInvoice)]
pub fn read_invoice(xml: &[u8], profile: Option<String>) -> Result<Ts<ReadInvoice>, JsValue> {
    let profile = match profile {
        Some(name) => Some(Profile::from_name(&name).ok_or_else(|| {
            js_error(
                "INVALID_INPUT",
                &format!("{name:?} is not a profile: use \"peppol\", \"xrechnung\" or \"en16931\""),
                None,
            )
        })?),
        None => None,
    };
    let checked = crate::read_as(xml, profile)?;
    encode(&ReadInvoice {
        valid: checked.is_valid(),
        syntax: if checked.is_ubl { "UBL" } else { "CII" },
        profile: checked.profile,
        invoice: checked.invoice,
        problems: checked.problems,
    })
}

/// The profile an invoice should claim, from its seller and buyer (SPEC §9.1): `xrechnung` for
/// a German buyer addressed by a Leitweg-ID, `peppol` when both parties have a Peppol address,
/// `en16931` otherwise.
#[wasm_bindgen(js_name = suggestProfile)]
pub fn suggest_profile(
    #[wasm_bindgen(unchecked_param_type = "PlainInvoice")] invoice: JsValue,
) -> Result<Ts<Profile>, JsValue> {
    encode(&crate::suggest_profile(&plain(invoice)?))
}

/// Converts a UBL document to CII D16B (Factur-X / ZUGFeRD XML), refusing any loss.
#[wasm_bindgen(js_name = invoiceToCii)]
pub fn invoice_to_cii(ubl: &[u8]) -> Result<Uint8Array, JsValue> {
    Ok(Uint8Array::from(crate::to_cii(ubl)?.as_bytes()))
}

/// The key under which two display names look alike: format characters removed, NFKC, case
/// folded, the UTS #39 confusable skeleton. Equal keys for different keys of a sender are the
/// mark of an impostor.
#[wasm_bindgen(js_name = nameKey)]
pub fn name_key(name: &str) -> String {
    sealbill::names::name_key(name)
}

#[cfg(test)]
mod tests;
