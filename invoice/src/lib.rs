//! EN 16931 e-invoices for sealbill (SPEC §9).
//!
//! The document inside a sealbill envelope is **UBL 2.1 XML conforming to EN 16931, in the Peppol
//! BIS Billing 3.0 profile**. This crate turns a [`PlainInvoice`] (decimal strings, never floats)
//! into that document, computing line amounts, VAT breakdown and totals; validates the EN 16931
//! and Peppol business rules; reads untrusted UBL within fixed bounds; and exports CII.
//!
//! The model and the rules come from the `en16931` and `en16931-formats` crates. The wire format
//! is the standard, so either can be replaced without touching old envelopes.
//!
//! It is its own wasm module: pages that only seal and open do not load it.

mod compose;
mod describe;
mod plain;
mod problem;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod wasm;

mod profile;

use en16931::{En16931, Invoice, PeppolBis3, Validated, XRechnung};
use en16931_formats::report::Kind;
pub use en16931_formats::Syntax;

pub use describe::UNHELD_RULE;
pub use plain::{
    Account, Address, AllowanceCharge, Attachment, Card, Contact, Delivery, DirectDebit,
    ElectronicAddress, Identifier, ItemAttribute, Line, LineAllowanceCharge, Note, Party, Payee,
    Payment, Period, PlainInvoice, PrecedingInvoice, Profile, SubjectNote, SupportingDocument,
    TaxRepresentative, Totals, VatBreakdown, VatExemption,
};
pub use problem::{Level, Problem, INPUT_RULE};
pub use profile::{is_leitweg_id, suggest_profile};

/// The largest invoice document read, in bytes: far above any real invoice, and small enough that
/// parsing stays in the low milliseconds and megabytes.
pub const MAX_XML_LEN: usize = 4 << 20;
/// The deepest element nesting read; UBL invoices nest about 8 deep.
pub const MAX_XML_DEPTH: usize = en16931_formats::MAX_DEPTH;
/// The media type of the sealed invoice document.
pub const MEDIA_TYPE: &str = "application/xml";
/// The file name of the sealed invoice document.
pub const FILE_NAME: &str = "invoice.xml";

/// Why an invoice was not built, read or converted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The invoice breaks business rules; the list names each with its rule id and field.
    Invalid(Vec<Problem>),
    /// The bytes are not a readable EN 16931 document: not well-formed, a DTD, too deep.
    BadXml(String),
    /// The document is larger than [`MAX_XML_LEN`].
    TooLarge,
    /// The document is CII where UBL is required.
    NotUbl,
}

impl Error {
    /// A stable code for programs: `INVALID_INVOICE`, `BAD_XML`, `XML_TOO_LARGE`, `NOT_UBL`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "INVALID_INVOICE",
            Self::BadXml(_) => "BAD_XML",
            Self::TooLarge => "XML_TOO_LARGE",
            Self::NotUbl => "NOT_UBL",
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Invalid(problems) => {
                let fatal: Vec<String> = problems
                    .iter()
                    .filter(|p| p.is_fatal())
                    .map(|p| match &p.field {
                        Some(field) => format!("{} ({field})", p.rule),
                        None => p.rule.clone(),
                    })
                    .collect();
                write!(
                    f,
                    "the invoice breaks {} EN 16931 rule(s): {}",
                    fatal.len(),
                    fatal.join(", ")
                )
            }
            Self::BadXml(why) => write!(f, "not a readable invoice document: {why}"),
            Self::TooLarge => write!(
                f,
                "the invoice document is larger than {} MiB",
                MAX_XML_LEN >> 20
            ),
            Self::NotUbl => f.write_str("the invoice document is CII; sealbill seals UBL 2.1"),
        }
    }
}

impl std::error::Error for Error {}

/// A valid invoice, written as UBL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Built {
    /// The UBL 2.1 document: what gets signed and sealed.
    pub xml: String,
    /// The invoice as the document states it, computed parts included.
    pub invoice: PlainInvoice,
    /// Warnings that do not make the invoice invalid.
    pub warnings: Vec<Problem>,
}

/// A document read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The invoice as the document states it.
    pub invoice: PlainInvoice,
    /// Every problem: fatal ones make the invoice invalid.
    pub problems: Vec<Problem>,
    /// Whether the document is UBL (rather than CII).
    pub is_ubl: bool,
    /// The profile whose rules ran: the one the document claims (BT-24), unless another was
    /// asked for.
    pub profile: Profile,
}

impl Checked {
    /// Whether no problem is fatal.
    pub fn is_valid(&self) -> bool {
        !self.problems.iter().any(Problem::is_fatal)
    }
}

/// The business-rule problems of a model under a profile: the EN 16931 core rules, and Peppol
/// BIS 3's or XRechnung's own.
fn rule_problems(inv: &Invoice, profile: Profile) -> Vec<Problem> {
    profile
        .rules()
        .validate(inv)
        .findings()
        .iter()
        .map(Problem::from)
        .collect()
}

/// Lists every problem of a plain invoice, fatal and warnings: for live feedback in a form.
///
/// It is exactly what [`build`] reports, so an invoice with no fatal problem builds. The rules are
/// those of the profile the invoice claims (`profile`, Peppol BIS 3 when absent).
pub fn check(input: &PlainInvoice) -> Vec<Problem> {
    match build(input) {
        Ok(built) => built.warnings,
        Err(Error::Invalid(problems)) => problems,
        Err(other) => vec![Problem::input("", other.to_string())],
    }
}

/// The model validated under a profile and written, BT-24 stamped from the profile.
fn write_validated(inv: Invoice, profile: Profile, syntax: Syntax) -> Result<String, Error> {
    fn refused(report: &en16931::ValidationReport) -> Error {
        Error::Invalid(report.findings().iter().map(Problem::from).collect())
    }
    let written = match profile {
        Profile::Peppol => Validated::<PeppolBis3>::new(inv)
            .map(|proof| en16931_formats::write(&proof, syntax))
            .map_err(|e| refused(e.report()))?,
        Profile::Xrechnung => Validated::<XRechnung>::new(inv)
            .map(|proof| en16931_formats::write(&proof, syntax))
            .map_err(|e| refused(e.report()))?,
        Profile::En16931 => Validated::<En16931>::new(inv)
            .map(|proof| en16931_formats::write(&proof, syntax))
            .map_err(|e| refused(e.report()))?,
    };
    complete(written)
}

/// Builds a plain invoice into its UBL document, or refuses it with every problem.
///
/// Line amounts, the VAT breakdown and the totals are computed; the rules are those of the
/// profile the invoice claims, whose BT-24 the document states. The document is read back before
/// it is returned, so what the client opens is what was built.
pub fn build(input: &PlainInvoice) -> Result<Built, Error> {
    build_as(input, Syntax::Ubl)
}

/// [`build`], in UBL or in CII.
pub fn build_as(input: &PlainInvoice, syntax: Syntax) -> Result<Built, Error> {
    let profile = input.claimed_profile();
    let inv = compose::compose(input, compose::Amounts::Compute).map_err(Error::Invalid)?;
    let problems = rule_problems(&inv, profile);
    if problems.iter().any(Problem::is_fatal) {
        return Err(Error::Invalid(problems));
    }
    let expected = describe::describe(&inv);
    let xml = write_validated(inv, profile, syntax)?;
    let reread = read(xml.as_bytes())?;
    if reread.invoice != expected {
        return Err(Error::Invalid(vec![Problem::input(
            "",
            "the document does not hold every value of this invoice",
        )]));
    }
    Ok(Built {
        xml,
        invoice: reread.invoice,
        warnings: problems,
    })
}

/// Writes what a plain invoice states, in UBL or CII, without recomputing it: the conversion of a
/// document that was read (`read` → object → `write`). Stated line amounts, VAT breakdown and
/// totals are kept; what is absent is computed. Business rules are not a refusal here (call
/// [`read`] on the result for them); a term the syntax cannot carry is.
pub fn write(input: &PlainInvoice, syntax: Syntax) -> Result<String, Error> {
    let inv = compose::compose(input, compose::Amounts::Stated).map_err(Error::Invalid)?;
    let written = en16931_formats::write_unchecked(&inv, syntax)
        .map_err(|u| Error::Invalid(syntax_problems(&u.entries)))?;
    complete(written)
}

/// The written document, unless the syntax could not carry a term of the invoice (it would be
/// missing from the signed original) or it is larger than [`MAX_XML_LEN`].
fn complete(written: en16931_formats::Written) -> Result<String, Error> {
    let lost: Vec<Problem> = written
        .entries
        .iter()
        .filter(|e| matches!(e.kind, Kind::Dropped | Kind::Prohibited))
        .map(|e| Problem::from_entry(e, true))
        .collect();
    if !lost.is_empty() {
        return Err(Error::Invalid(lost));
    }
    if written.xml.len() > MAX_XML_LEN {
        return Err(Error::TooLarge);
    }
    Ok(written.xml)
}

/// Problems from reading or writing a syntax; information-level entries are left out.
fn syntax_problems(entries: &[en16931_formats::report::Entry]) -> Vec<Problem> {
    entries
        .iter()
        .filter_map(|e| match e.kind.level() {
            en16931::Severity::Fatal => Some(Problem::from_entry(e, true)),
            en16931::Severity::Warning => Some(Problem::from_entry(e, false)),
            en16931::Severity::Info if e.kind == Kind::Unmapped => {
                Some(Problem::from_entry(e, false))
            }
            en16931::Severity::Info => None,
        })
        .collect()
}

/// Reads an untrusted UBL or CII document and checks it against the rules of the profile it
/// claims (BT-24; an unknown or absent BT-24 is checked as plain EN 16931).
///
/// The input is bounded: at most [`MAX_XML_LEN`] bytes, no DTD (so no entities and no external
/// references), nesting at most [`MAX_XML_DEPTH`] deep.
pub fn read(xml: &[u8]) -> Result<Checked, Error> {
    read_as(xml, None)
}

/// [`read`], checking against `profile`'s rules instead of the claimed profile's when given.
pub fn read_as(xml: &[u8], profile: Option<Profile>) -> Result<Checked, Error> {
    if xml.len() > MAX_XML_LEN {
        return Err(Error::TooLarge);
    }
    if xml.starts_with(b"%PDF") {
        return Err(Error::BadXml("a PDF, not an XML document".into()));
    }
    let read = en16931_formats::read(xml).map_err(|e| Error::BadXml(e.to_string()))?;
    let (invoice, unheld) = describe::describe_all(&read.invoice);
    let profile = profile.unwrap_or(invoice.claimed_profile());
    let mut problems = syntax_problems(&read.entries);
    problems.extend(unheld);
    problems.extend(rule_problems(&read.invoice, profile));
    Ok(Checked {
        invoice,
        problems,
        is_ubl: read.syntax == Syntax::Ubl,
        profile,
    })
}

/// Reads a UBL document that is to be sealed or was opened, refusing CII and invoices that break
/// the rules of the profile they claim.
pub fn read_valid_ubl(xml: &[u8]) -> Result<Checked, Error> {
    let checked = read(xml)?;
    if !checked.is_ubl {
        return Err(Error::NotUbl);
    }
    if !checked.is_valid() {
        return Err(Error::Invalid(checked.problems));
    }
    Ok(checked)
}

/// Converts a UBL document to UN/CEFACT CII D16B (the XML of Factur-X and ZUGFeRD).
///
/// Refuses a conversion that would lose content, naming what.
pub fn to_cii(ubl: &[u8]) -> Result<String, Error> {
    convert(ubl, Syntax::Cii)
}

/// Converts a UBL or CII document to `to`, refusing a conversion that would lose content.
pub fn convert(xml: &[u8], to: Syntax) -> Result<String, Error> {
    if xml.len() > MAX_XML_LEN {
        return Err(Error::TooLarge);
    }
    match en16931_formats::convert(xml, to, en16931_formats::Loss::Refuse) {
        Ok(converted) => Ok(converted.document),
        Err(en16931_formats::ConvertError::Read(e)) => Err(Error::BadXml(e.to_string())),
        Err(en16931_formats::ConvertError::Lossy { lost }) => Err(Error::Invalid(
            lost.iter().map(|e| Problem::from_entry(e, true)).collect(),
        )),
        Err(en16931_formats::ConvertError::Unwritable(u)) => {
            Err(Error::Invalid(syntax_problems(&u.entries)))
        }
    }
}
