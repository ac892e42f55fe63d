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

use en16931::{profiles, Invoice, PeppolBis3, Validated};
use en16931_formats::report::Kind;
use en16931_formats::Syntax;

pub use plain::{
    Address, AllowanceCharge, Contact, ElectronicAddress, Line, LineAllowanceCharge, Party,
    Payment, PlainInvoice, Totals, VatBreakdown, VatExemption,
};
pub use problem::{Level, Problem, INPUT_RULE};

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
}

impl Checked {
    /// Whether no problem is fatal.
    pub fn is_valid(&self) -> bool {
        !self.problems.iter().any(Problem::is_fatal)
    }
}

/// The business-rule problems of a model: EN 16931 core rules and Peppol BIS 3.
fn rule_problems(inv: &Invoice) -> Vec<Problem> {
    profiles::PEPPOL_BIS_3
        .validate(inv)
        .findings()
        .iter()
        .map(Problem::from)
        .collect()
}

/// Lists every problem of a plain invoice, fatal and warnings: for live feedback in a form.
///
/// It is exactly what [`build`] reports, so an invoice with no fatal problem builds.
pub fn check(input: &PlainInvoice) -> Vec<Problem> {
    match build(input) {
        Ok(built) => built.warnings,
        Err(Error::Invalid(problems)) => problems,
        Err(other) => vec![Problem::input("", other.to_string())],
    }
}

/// Builds a plain invoice into its UBL document, or refuses it with every problem.
///
/// The document is read back before it is returned, so what the client opens is what was built.
pub fn build(input: &PlainInvoice) -> Result<Built, Error> {
    let inv = compose::compose(input).map_err(Error::Invalid)?;
    let problems = rule_problems(&inv);
    if problems.iter().any(Problem::is_fatal) {
        return Err(Error::Invalid(problems));
    }
    let proof = Validated::<PeppolBis3>::new(inv)
        .map_err(|e| Error::Invalid(e.report().findings().iter().map(Problem::from).collect()))?;
    let written = en16931_formats::write(&proof, Syntax::Ubl);
    let mut warnings = problems;
    // What UBL cannot carry would be missing from the signed original: refuse it.
    warnings.extend(
        written
            .entries
            .iter()
            .filter(|e| matches!(e.kind, Kind::Dropped | Kind::Prohibited))
            .map(|e| Problem::from_entry(e, true)),
    );
    if warnings.iter().any(Problem::is_fatal) {
        return Err(Error::Invalid(warnings));
    }
    let reread = read(written.xml.as_bytes())?;
    if reread.invoice != describe::describe(proof.invoice()) {
        return Err(Error::Invalid(vec![Problem::input(
            "",
            "the UBL document does not hold every value of this invoice",
        )]));
    }
    Ok(Built {
        xml: written.xml,
        invoice: reread.invoice,
        warnings,
    })
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

/// Reads an untrusted UBL or CII document and checks it against the business rules.
///
/// The input is bounded: at most [`MAX_XML_LEN`] bytes, no DTD (so no entities and no external
/// references), nesting at most [`MAX_XML_DEPTH`] deep.
pub fn read(xml: &[u8]) -> Result<Checked, Error> {
    if xml.len() > MAX_XML_LEN {
        return Err(Error::TooLarge);
    }
    if xml.starts_with(b"%PDF") {
        return Err(Error::BadXml("a PDF, not an XML document".into()));
    }
    let read = en16931_formats::read(xml).map_err(|e| Error::BadXml(e.to_string()))?;
    let mut problems = syntax_problems(&read.entries);
    problems.extend(rule_problems(&read.invoice));
    Ok(Checked {
        invoice: describe::describe(&read.invoice),
        problems,
        is_ubl: read.syntax == Syntax::Ubl,
    })
}

/// Reads a UBL document that is to be sealed or was opened, refusing CII and invalid invoices.
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
    if ubl.len() > MAX_XML_LEN {
        return Err(Error::TooLarge);
    }
    match en16931_formats::convert(ubl, Syntax::Cii, en16931_formats::Loss::Refuse) {
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
