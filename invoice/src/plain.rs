//! The plain invoice object: what the JS API and the CLI's JSON accept, and what opening returns.
//!
//! Every amount, quantity, price and rate is a decimal **string** (`"1190.00"`, `"19"`), never a
//! float. The computed parts (`netAmount` on lines, `vatBreakdown`, `totals`) are output only:
//! building an invoice recomputes them and ignores what the input says.
//!
//! The object holds the whole EN 16931 semantic model (SPEC §9.2): reading a document never
//! drops a business term silently. The parts live in small modules: [`party`] (seller, buyer,
//! payee, tax representative), [`line`] (lines and items), [`payment`] (credit transfer, card,
//! direct debit), [`documents`] (delivery, periods, references, supporting documents).

use serde::{Deserialize, Serialize};

pub mod documents;
pub mod line;
pub mod party;
pub mod payment;

pub use documents::{Attachment, Delivery, Period, PrecedingInvoice, SupportingDocument};
pub use line::{AllowanceCharge, ItemAttribute, Line, LineAllowanceCharge};
pub use party::{Address, Contact, ElectronicAddress, Identifier, Party, Payee, TaxRepresentative};
pub use payment::{Account, Card, DirectDebit, Payment};

/// Derives what every plain struct derives: serde in camelCase refusing unknown keys, and the
/// TypeScript type on wasm.
macro_rules! plain_struct {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(
            all(target_arch = "wasm32", target_os = "unknown"),
            derive(tsify::Tsify)
        )]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name { $($body)* }
    };
}
pub(crate) use plain_struct;

/// The profile an invoice claims, and whose rules it is checked against (SPEC §9.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Peppol BIS Billing 3.0 (the default): BT-24
    /// `urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0`.
    #[default]
    Peppol,
    /// XRechnung 3.0, the German CIUS: BT-24
    /// `urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0`.
    Xrechnung,
    /// Plain EN 16931, no CIUS: BT-24 `urn:cen.eu:en16931:2017`. Allows `EM` addresses.
    En16931,
}

impl Profile {
    /// Every profile, in the order of the CLI's help.
    pub const ALL: [Self; 3] = [Self::Peppol, Self::Xrechnung, Self::En16931];

    /// The name used in JSON, JS and on the command line: `peppol`, `xrechnung`, `en16931`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Peppol => "peppol",
            Self::Xrechnung => "xrechnung",
            Self::En16931 => "en16931",
        }
    }

    /// The profile of a name, as [`Profile::name`] spells it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name.trim())
    }

    /// What people call it: "Peppol BIS Billing 3.0", "XRechnung 3.0", "EN 16931".
    pub fn title(self) -> &'static str {
        self.rules().id
    }

    /// The rule set of the `en16931` crate.
    pub(crate) fn rules(self) -> &'static en16931::Profile {
        match self {
            Self::Peppol => &en16931::profiles::PEPPOL_BIS_3,
            Self::Xrechnung => &en16931::profiles::XRECHNUNG,
            Self::En16931 => &en16931::profiles::EN16931,
        }
    }

    /// BT-24, as written.
    pub fn specification_id(self) -> &'static str {
        self.rules().specification_id
    }

    /// BT-23 as written when the invoice states none: the Peppol billing process for Peppol and
    /// XRechnung (which KoSIT's examples carry), none for plain EN 16931.
    pub fn business_process(self) -> Option<&'static str> {
        match self {
            Self::Peppol | Self::Xrechnung => Some(crate::compose::PEPPOL_PROCESS),
            Self::En16931 => None,
        }
    }

    /// The profile a BT-24 claims; an unknown or absent BT-24 is plain EN 16931.
    pub fn of_specification_id(bt24: Option<&str>) -> (Self, bool) {
        match en16931::profiles::classify(bt24).profile() {
            Some(p) if core::ptr::eq(p, &en16931::profiles::PEPPOL_BIS_3) => (Self::Peppol, true),
            Some(p) if core::ptr::eq(p, &en16931::profiles::XRECHNUNG) => (Self::Xrechnung, true),
            Some(p) if core::ptr::eq(p, &en16931::profiles::EN16931) => (Self::En16931, true),
            _ => (Self::En16931, false),
        }
    }
}

impl core::fmt::Display for Profile {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.title())
    }
}

/// A note (BG-1): its text, or its text with a UNTDID 4451 subject code (BT-21).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(untagged)]
pub enum Note {
    /// BT-22 alone, as a string.
    Text(String),
    /// BT-22 with its subject code.
    WithSubject(SubjectNote),
}

impl Note {
    /// BT-22.
    pub fn text(&self) -> &str {
        match self {
            Self::Text(t) => t,
            Self::WithSubject(n) => &n.text,
        }
    }

    /// BT-21, if any.
    pub fn subject_code(&self) -> Option<&str> {
        match self {
            Self::Text(_) => None,
            Self::WithSubject(n) => n.subject_code.as_deref(),
        }
    }

    /// A note with its length in characters, for tests and summaries.
    pub fn len(&self) -> usize {
        self.text().chars().count()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

impl From<&str> for Note {
    fn from(text: &str) -> Self {
        Self::Text(text.into())
    }
}

plain_struct! {
    /// A note with a subject code: `{ "subjectCode": "AAI", "text": "…" }`.
    pub struct SubjectNote {
        /// BT-21: the UNTDID 4451 subject code, such as `AAI` (general) or `REG` (regulatory).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subject_code: Option<String>,
        /// BT-22.
        pub text: String,
    }
}

/// An EN 16931 invoice or credit note, as a plain object (SPEC §9.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlainInvoice {
    /// The profile the invoice claims (BT-24) and is checked against: `peppol` (the default),
    /// `xrechnung` or `en16931`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// BT-24 as the document states it, when it is not the profile's own (a document read under
    /// another or an older specification). Building refuses it: sealbill writes its profile's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specification_id: Option<String>,
    /// BT-23: the business process, when it is not the profile's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_process: Option<String>,
    /// BT-1: the invoice number.
    pub number: String,
    /// BT-3: `380` commercial invoice (the default), `381` credit note, or another UNTDID 1001 code.
    #[serde(default = "default_type_code")]
    pub type_code: String,
    /// A credit note document (UBL `CreditNote`) whose BT-3 is not a credit-note code: set only
    /// then, as the document root is otherwise implied by `typeCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_note: Option<bool>,
    /// BT-2: the issue date, `YYYY-MM-DD`.
    pub issue_date: String,
    /// BT-9: the payment due date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// BT-7: the VAT point date (date of the tax point), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_point_date: Option<String>,
    /// BT-8: the VAT point date code (UNTDID 2005: `3` issue date, `35` delivery, `432` paid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_point_date_code: Option<String>,
    /// BT-5: the ISO 4217 currency code.
    pub currency: String,
    /// BT-6: the VAT accounting currency, when VAT is accounted in another currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_accounting_currency: Option<String>,
    /// BT-10: the buyer's reference (Peppol asks for it, or for an order reference; XRechnung
    /// carries the Leitweg-ID here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_reference: Option<String>,
    /// BT-11: the project reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_reference: Option<String>,
    /// BT-12: the contract reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_reference: Option<String>,
    /// BT-13: the buyer's purchase order reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_reference: Option<String>,
    /// BT-14: the seller's sales order reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_order_reference: Option<String>,
    /// BT-15: the receiving advice reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiving_advice_reference: Option<String>,
    /// BT-16: the despatch advice reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub despatch_advice_reference: Option<String>,
    /// BT-17: the tender or lot reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tender_reference: Option<String>,
    /// BT-18: the invoiced object (a meter point, a subscription), with its scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoiced_object: Option<Identifier>,
    /// BT-19: the buyer's accounting reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_accounting_reference: Option<String>,
    /// BT-25: the invoice a credit note corrects (the first, without a date; see
    /// `precedingInvoices`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preceding_invoice: Option<String>,
    /// BG-3: the preceding invoices with their dates (BT-25, BT-26), after `precedingInvoice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preceding_invoices: Vec<PrecedingInvoice>,
    /// BT-20: payment terms as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_terms: Option<String>,
    /// BG-1: notes, each a string (BT-22) or `{subjectCode, text}` (BT-21, BT-22).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// BG-4: the seller.
    pub seller: Party,
    /// BG-7: the buyer.
    pub buyer: Party,
    /// BG-10: the payee, when someone other than the seller is paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee: Option<Payee>,
    /// BG-11: the seller's tax representative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_representative: Option<TaxRepresentative>,
    /// BG-13: delivery: the actual delivery date (BT-72), where and to whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    /// BG-14: the invoicing period (the period of supply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoicing_period: Option<Period>,
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
    /// BG-16: payment instructions: credit transfer (BG-17), card (BG-18) and direct debit (BG-19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
    /// BG-24: additional supporting documents, with embedded files (base64) where allowed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<SupportingDocument>,
    /// BT-113: an amount already paid, deducted from the amount due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepaid: Option<String>,
    /// BT-114: a rounding amount added to the amount due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<String>,
    /// BT-111: the VAT total in the VAT accounting currency (BT-6); required with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_total_in_accounting_currency: Option<String>,
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

impl PlainInvoice {
    /// The profile claimed: `profile`, or Peppol BIS 3 when absent.
    pub fn claimed_profile(&self) -> Profile {
        self.profile.unwrap_or_default()
    }
}

plain_struct! {
    /// Why a VAT category carries no VAT (BT-120, BT-121).
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
}

plain_struct! {
    /// One VAT breakdown entry (BG-23), computed.
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
}

plain_struct! {
    /// The document totals (BG-22), computed.
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
        /// BT-111: the VAT total in the accounting currency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vat_total_accounting: Option<String>,
        /// BT-112: the total with VAT.
        pub tax_inclusive: String,
        /// BT-113.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub prepaid: Option<String>,
        /// BT-114.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub rounding: Option<String>,
        /// BT-115: the amount due.
        pub payable: String,
    }
}
