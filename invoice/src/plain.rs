//! The plain invoice object: what the JS API and the CLI's JSON accept, and what opening returns.
//!
//! Every amount, quantity, price and rate is a decimal **string** (`"1190.00"`, `"19"`), never a
//! float. The computed parts (`netAmount` on lines, `vatBreakdown`, `totals`) are output only:
//! building an invoice recomputes them and ignores what the input says.

use serde::{Deserialize, Serialize};

/// An EN 16931 invoice or credit note, as a plain object (SPEC §9.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlainInvoice {
    /// BT-1: the invoice number.
    pub number: String,
    /// BT-3: `380` commercial invoice (the default), `381` credit note, or another UNTDID 1001 code.
    #[serde(default = "default_type_code")]
    pub type_code: String,
    /// BT-2: the issue date, `YYYY-MM-DD`.
    pub issue_date: String,
    /// BT-9: the payment due date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// BT-5: the ISO 4217 currency code.
    pub currency: String,
    /// BT-10: the buyer's reference (Peppol asks for it, or for an order reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_reference: Option<String>,
    /// BT-13: the buyer's purchase order reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_reference: Option<String>,
    /// BT-25: the invoice a credit note corrects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preceding_invoice: Option<String>,
    /// BT-20: payment terms as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_terms: Option<String>,
    /// BT-22: free-text notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// BG-4: the seller.
    pub seller: Party,
    /// BG-7: the buyer.
    pub buyer: Party,
    /// BG-25: the lines, at least one.
    pub lines: Vec<Line>,
    /// BG-20: document-level allowances (discounts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowances: Vec<AllowanceCharge>,
    /// BG-21: document-level charges (freight, packing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charges: Vec<AllowanceCharge>,
    /// BT-120, BT-121: why a VAT category is exempt, zero-rated or reverse-charged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vat_exemptions: Vec<VatExemption>,
    /// BG-16, BG-17: payment by credit transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
    /// BT-113: an amount already paid, deducted from the amount due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepaid: Option<String>,
    /// BG-23, computed: one entry per VAT category and rate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vat_breakdown: Vec<VatBreakdown>,
    /// BG-22, computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<Totals>,
}

fn default_type_code() -> String {
    "380".into()
}

/// A seller or a buyer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Party {
    /// BT-27 / BT-44: the registered name.
    pub name: String,
    /// BT-28 / BT-45: a trading name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trading_name: Option<String>,
    /// BT-31 / BT-48: the VAT identifier with its country prefix, such as `DE123456789`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    /// BT-30 / BT-47: the legal registration (company register) identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_id: Option<String>,
    /// BT-34 / BT-49: the electronic address (Peppol endpoint), such as `{scheme: "EM", id: "…"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub electronic_address: Option<ElectronicAddress>,
    /// BG-5 / BG-8: the postal address.
    pub address: Address,
    /// BG-6 / BG-9: a contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

/// An electronic address: an identifier and its EAS scheme code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ElectronicAddress {
    /// The identifier, such as an e-mail address or a GLN.
    pub id: String,
    /// The EAS code, such as `EM` (e-mail), `0088` (GLN) or `9930` (German VAT).
    pub scheme: String,
}

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Address {
    /// BT-35 / BT-50: street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// BT-36 / BT-51: a second address line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_street: Option<String>,
    /// BT-37 / BT-52: the city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// BT-38 / BT-53: the post code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_code: Option<String>,
    /// BT-39 / BT-54: the region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdivision: Option<String>,
    /// BT-40 / BT-55: the ISO 3166-1 alpha-2 country code.
    pub country: String,
}

/// A contact person or department.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Contact {
    /// BT-41 / BT-56.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// BT-42 / BT-57.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// BT-43 / BT-58.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// One invoice line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Line {
    /// BT-126: the line id (default: its position, from 1).
    #[serde(default)]
    pub id: String,
    /// BT-153: the item name.
    pub name: String,
    /// BT-154: the item description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// BT-127: a line note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// BT-129: the quantity (negative for a return).
    pub quantity: String,
    /// BT-130: the UN/ECE Rec 20 unit code (default `C62`, "one").
    #[serde(default = "default_unit_code")]
    pub unit_code: String,
    /// BT-146: the net price per base quantity.
    pub net_price: String,
    /// BT-149: the quantity the price is for (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_quantity: Option<String>,
    /// BT-151: the VAT category (`S`, `Z`, `E`, `AE`, `K`, `G`, `O`, `L`, `M`).
    pub vat_category: String,
    /// BT-152: the VAT rate in per cent; absent for category `O`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<String>,
    /// BG-27: line allowances.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowances: Vec<LineAllowanceCharge>,
    /// BG-28: line charges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charges: Vec<LineAllowanceCharge>,
    /// BT-131, computed: quantity × price ÷ base quantity − allowances + charges, to the cent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_amount: Option<String>,
}

fn default_unit_code() -> String {
    "C62".into()
}

/// A document-level allowance or charge.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AllowanceCharge {
    /// The amount; computed from `percentage` × `baseAmount` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// The base of a percentage (default: the sum of the line amounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_amount: Option<String>,
    /// The percentage, such as `"2"` for 2 %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentage: Option<String>,
    /// The reason as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The reason as a UNTDID 5189 (allowance) or 7161 (charge) code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// The VAT category it falls under.
    pub vat_category: String,
    /// The VAT rate in per cent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<String>,
}

/// A line-level allowance or charge; it takes the line's VAT.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LineAllowanceCharge {
    /// The amount; computed from `percentage` × `baseAmount` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// The base of a percentage (default: quantity × price ÷ base quantity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_amount: Option<String>,
    /// The percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentage: Option<String>,
    /// The reason as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The reason as a code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
}

/// Why a VAT category carries no VAT (BT-120, BT-121).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VatExemption {
    /// The VAT category this explains, such as `E` or `AE`.
    pub category: String,
    /// The reason as text, such as "Reverse charge".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The VATEX code, such as `VATEX-EU-AE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
}

/// Payment by credit transfer (payment means code 58, SEPA, or 30 otherwise).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Payment {
    /// BT-81: the UNTDID 4461 payment means code (default `58`, SEPA credit transfer).
    #[serde(default = "default_means_code")]
    pub means_code: String,
    /// BT-84: the account to pay into, an IBAN.
    pub iban: String,
    /// BT-86: the bank's BIC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// BT-85: the account holder's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// BT-83: the remittance information to quote when paying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

fn default_means_code() -> String {
    "58".into()
}

/// One VAT breakdown entry (BG-23), computed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VatBreakdown {
    /// BT-118.
    pub category: String,
    /// BT-119.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    /// BT-116.
    pub taxable_amount: String,
    /// BT-117.
    pub tax_amount: String,
    /// BT-120.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption_reason: Option<String>,
    /// BT-121.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption_reason_code: Option<String>,
}

/// The document totals (BG-22), computed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Totals {
    /// BT-106: the sum of the line net amounts.
    pub line_total: String,
    /// BT-107.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowance_total: Option<String>,
    /// BT-108.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_total: Option<String>,
    /// BT-109: the total without VAT.
    pub tax_exclusive: String,
    /// BT-110: the VAT total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_total: Option<String>,
    /// BT-112: the total with VAT.
    pub tax_inclusive: String,
    /// BT-113.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepaid: Option<String>,
    /// BT-115: the amount due.
    pub payable: String,
}
