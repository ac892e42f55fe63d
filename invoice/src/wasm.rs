//! The JS API of the invoice module: only type conversion; the logic is in the crate root.

use js_sys::{Object, Reflect, Uint8Array, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Error, PlainInvoice, Problem};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** The stable `code` of every error the invoice module throws. */
export type InvoiceErrorCode = "INVALID_INVOICE" | "BAD_XML" | "XML_TOO_LARGE" | "NOT_UBL" | "INVALID_INPUT";
/** Thrown by every function of the module; `problems` is set for INVALID_INVOICE. */
export interface InvoiceError extends Error { name: "InvoiceError"; code: InvoiceErrorCode; problems?: Problem[]; }
/** One broken rule: its id, the plain-object field and the business term it concerns. */
export interface Problem { rule: string; level: "fatal" | "warning"; field?: string; term?: string; message: string; }
/** A postal address; `country` is ISO 3166-1 alpha-2. */
export interface Address { street?: string; additionalStreet?: string; city?: string; postCode?: string; subdivision?: string; country: string; }
/** A seller or buyer. `electronicAddress.scheme` is an EAS code such as "EM" or "0088". */
export interface Party { name: string; tradingName?: string; vatId?: string; legalId?: string;
  electronicAddress?: { id: string; scheme: string }; address: Address;
  contact?: { name?: string; phone?: string; email?: string }; }
/** A line allowance or charge: an amount, or a percentage of a base (default: the line). */
export interface LineAllowanceCharge { amount?: string; baseAmount?: string; percentage?: string; reason?: string; reasonCode?: string; }
/** A document allowance or charge, with its VAT category and rate. */
export interface AllowanceCharge extends LineAllowanceCharge { vatCategory: string; vatRate?: string; }
/** An invoice line. Decimal strings only; `netAmount` is computed. */
export interface Line { id?: string; name: string; description?: string; note?: string; quantity: string;
  unitCode?: string; netPrice: string; baseQuantity?: string; vatCategory: string; vatRate?: string;
  allowances?: LineAllowanceCharge[]; charges?: LineAllowanceCharge[]; readonly netAmount?: string; }
/** An EN 16931 invoice (typeCode "380") or credit note ("381"). Amounts are decimal strings. */
export interface PlainInvoice { number: string; typeCode?: string; issueDate: string; dueDate?: string; currency: string;
  buyerReference?: string; orderReference?: string; precedingInvoice?: string; paymentTerms?: string; notes?: string[];
  seller: Party; buyer: Party; lines: Line[]; allowances?: AllowanceCharge[]; charges?: AllowanceCharge[];
  vatExemptions?: { category: string; reason?: string; reasonCode?: string }[];
  payment?: { meansCode?: string; iban: string; bic?: string; accountName?: string; reference?: string };
  prepaid?: string;
  readonly vatBreakdown?: { category: string; rate?: string; taxableAmount: string; taxAmount: string;
    exemptionReason?: string; exemptionReasonCode?: string }[];
  readonly totals?: { lineTotal: string; allowanceTotal?: string; chargeTotal?: string; taxExclusive: string;
    vatTotal?: string; taxInclusive: string; prepaid?: string; payable: string }; }
/** A built invoice: the UBL bytes to seal, and the invoice with its computed parts. */
export interface BuiltInvoice { xml: Uint8Array; invoice: PlainInvoice; warnings: Problem[]; }
/** A document read: the invoice it states and every problem found. */
export interface ReadInvoice { invoice: PlainInvoice; problems: Problem[]; valid: boolean; syntax: "UBL" | "CII"; }
"#;

fn js_error(code: &str, message: &str, problems: Option<&[Problem]>) -> JsValue {
    let js = js_sys::Error::new(message);
    js.set_name("InvoiceError");
    // Setting properties on a fresh Error object cannot fail.
    let _ = Reflect::set(&js, &"code".into(), &code.into());
    if let Some(problems) = problems {
        if let Ok(list) = to_js(&problems) {
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

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| js_error("INVALID_INPUT", &e.to_string(), None))?;
    JSON::parse(&text)
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

fn object(entries: &[(&str, JsValue)]) -> Result<JsValue, JsValue> {
    let result = Object::new();
    for (key, value) in entries {
        Reflect::set(&result, &(*key).into(), value)?;
    }
    Ok(result.into())
}

/// Builds an invoice into its UBL 2.1 document, or throws `INVALID_INVOICE` with `problems`.
#[wasm_bindgen(js_name = buildInvoice, unchecked_return_type = "BuiltInvoice")]
pub fn build_invoice(
    #[wasm_bindgen(unchecked_param_type = "PlainInvoice")] invoice: JsValue,
) -> Result<JsValue, JsValue> {
    let built = crate::build(&plain(invoice)?)?;
    object(&[
        ("xml", Uint8Array::from(built.xml.as_bytes()).into()),
        ("invoice", to_js(&built.invoice)?),
        ("warnings", to_js(&built.warnings)?),
    ])
}

/// Lists an invoice's problems (fatal and warnings) without building it: for live form feedback.
#[wasm_bindgen(js_name = checkInvoice, unchecked_return_type = "Problem[]")]
pub fn check_invoice(
    #[wasm_bindgen(unchecked_param_type = "PlainInvoice")] invoice: JsValue,
) -> Result<JsValue, JsValue> {
    to_js(&crate::check(&plain(invoice)?))
}

/// Reads an untrusted UBL or CII document: the invoice it states, and its problems.
#[wasm_bindgen(js_name = readInvoice, unchecked_return_type = "ReadInvoice")]
pub fn read_invoice(xml: &[u8]) -> Result<JsValue, JsValue> {
    let checked = crate::read(xml)?;
    object(&[
        ("invoice", to_js(&checked.invoice)?),
        ("problems", to_js(&checked.problems)?),
        ("valid", checked.is_valid().into()),
        ("syntax", if checked.is_ubl { "UBL" } else { "CII" }.into()),
    ])
}

/// Converts a UBL document to CII D16B (Factur-X / ZUGFeRD XML), refusing any loss.
#[wasm_bindgen(js_name = invoiceToCii)]
pub fn invoice_to_cii(ubl: &[u8]) -> Result<Uint8Array, JsValue> {
    Ok(Uint8Array::from(crate::to_cii(ubl)?.as_bytes()))
}

#[cfg(test)]
mod tests;
