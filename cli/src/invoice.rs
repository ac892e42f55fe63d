//! The e-invoice inside an envelope: built from a JSON invoice or taken as UBL, checked against
//! the EN 16931 and Peppol rules, and described after opening.

use std::io::Read;
use std::path::{Path, PathBuf};

use sealbill_invoice::{PlainInvoice, Problem, MAX_XML_LEN};

use crate::failure::Failure;

/// A valid UBL invoice, ready to seal.
pub struct InvoiceDocument {
    /// The exact bytes to sign and seal.
    pub xml: Vec<u8>,
    /// BT-1, the invoice number.
    pub number: String,
    /// The file name inside the envelope.
    pub name: String,
}

impl From<sealbill_invoice::Error> for Failure {
    fn from(err: sealbill_invoice::Error) -> Failure {
        Failure::new(format!("{err} [{}]", err.code()))
    }
}

/// What an invoice file holds.
enum Source {
    /// A plain invoice object as JSON.
    Json(Box<PlainInvoice>),
    /// An XML document, UBL or CII.
    Xml(Vec<u8>),
}

/// Reads an invoice file of at most [`MAX_XML_LEN`] bytes, refusing a larger one unread.
fn read_bounded(path: &Path) -> Result<Vec<u8>, Failure> {
    let file = std::fs::File::open(path).map_err(|e| Failure::io("cannot read", path, &e))?;
    let mut bytes = Vec::new();
    file.take(MAX_XML_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::io("cannot read", path, &e))?;
    if bytes.len() > MAX_XML_LEN {
        return Err(sealbill_invoice::Error::TooLarge.into());
    }
    Ok(bytes)
}

/// Reads an invoice file: JSON if it starts with `{`, else XML.
fn read_source(path: &Path) -> Result<Source, Failure> {
    let bytes = read_bounded(path)?;
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    if start.and_then(|i| bytes.get(i)) == Some(&b'{') {
        let plain = serde_json::from_slice(&bytes).map_err(|e| {
            Failure::new(format!(
                "{} is not a sealbill invoice object: {e}",
                path.display()
            ))
        })?;
        Ok(Source::Json(Box::new(plain)))
    } else {
        Ok(Source::Xml(bytes))
    }
}

/// The file name the invoice gets inside the envelope: the input's stem plus `.xml`.
fn document_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.starts_with('.'))
        .unwrap_or("invoice");
    format!("{stem}.xml")
}

/// Loads the invoice to seal: a JSON invoice is built into UBL, a UBL file is sealed byte for
/// byte. Either way an invoice that breaks a rule is refused with every problem listed.
pub fn load(path: &Path) -> Result<InvoiceDocument, Failure> {
    let name = document_name(path);
    let (xml, invoice) = match read_source(path)? {
        Source::Json(plain) => {
            let built = sealbill_invoice::build(&plain).map_err(refused)?;
            print_problems(&built.warnings);
            (built.xml.into_bytes(), built.invoice)
        }
        Source::Xml(bytes) => {
            let checked = sealbill_invoice::read_valid_ubl(&bytes).map_err(refused)?;
            print_problems(&checked.problems);
            (bytes, checked.invoice)
        }
    };
    Ok(InvoiceDocument {
        xml,
        number: invoice.number,
        name,
    })
}

/// Lists every problem of a refused invoice on standard error, then fails in one line.
fn refused(err: sealbill_invoice::Error) -> Failure {
    if let sealbill_invoice::Error::Invalid(problems) = &err {
        print_problems(problems);
    }
    err.into()
}

fn print_problems(problems: &[Problem]) {
    for problem in problems {
        eprintln!("{problem}");
    }
}

/// `sealbill invoice check`: lists every problem; fails when one is fatal.
pub fn check(path: &Path) -> Result<(), Failure> {
    let (problems, invoice) = match read_source(path)? {
        Source::Json(plain) => (sealbill_invoice::check(&plain), None),
        Source::Xml(bytes) => {
            let checked = sealbill_invoice::read(&bytes)?;
            (checked.problems, Some(checked.invoice))
        }
    };
    for problem in &problems {
        println!("{problem}");
    }
    let fatal = problems.iter().filter(|p| p.is_fatal()).count();
    if fatal > 0 {
        return Err(Failure::new(format!(
            "{}: invalid, {fatal} EN 16931 rule(s) broken [INVALID_INVOICE]",
            path.display()
        )));
    }
    if let Some(invoice) = invoice {
        summarize(&invoice);
    }
    println!("{}: valid EN 16931 (Peppol BIS 3)", path.display());
    Ok(())
}

/// Prints who bills whom for how much, and where the money goes.
fn summarize(invoice: &PlainInvoice) {
    println!("invoice: {} of {}", invoice.number, invoice.issue_date);
    println!("seller: {}", invoice.seller.name);
    println!("buyer: {}", invoice.buyer.name);
    if let Some(totals) = &invoice.totals {
        println!("payable: {} {}", totals.payable, invoice.currency);
    }
    if let Some(due) = &invoice.due_date {
        println!("due: {due}");
    }
    if let Some(payment) = &invoice.payment {
        let accounts = payment
            .iban
            .iter()
            .chain(payment.additional_accounts.iter().map(|a| &a.iban));
        for iban in accounts {
            println!("pay to IBAN: {iban}");
        }
        if let Some(debit) = &payment.direct_debit {
            println!(
                "direct debit from: {}",
                debit
                    .debited_account
                    .as_deref()
                    .unwrap_or("(the mandate's account)")
            );
        }
        if let Some(card) = &payment.card {
            println!("card: {}", card.number);
        }
    }
}

/// After opening: checks the invoice document, prints its summary, and with `cii` writes its
/// CII form next to it as `NAME.cii.xml`. Returns the CII file written.
pub fn describe_opened(xml_path: &Path, cii: bool) -> Result<Option<PathBuf>, Failure> {
    let read =
        read_bounded(xml_path).and_then(|bytes| Ok((sealbill_invoice::read(&bytes)?, bytes)));
    let (checked, bytes) = match read {
        Ok(read) => read,
        // The envelope is verified and its documents are written; only the view is missing.
        Err(err) if !cii => {
            eprintln!("warning: the first document is not an EN 16931 invoice: {err}");
            return Ok(None);
        }
        Err(err) => return Err(err),
    };
    summarize(&checked.invoice);
    for problem in &checked.problems {
        eprintln!("warning: the signed invoice breaks a rule: {problem}");
    }
    if !cii {
        return Ok(None);
    }
    let cii_xml = sealbill_invoice::to_cii(&bytes)?;
    let target = xml_path.with_extension("cii.xml");
    crate::staging::write_new(&target, cii_xml.as_bytes())?;
    Ok(Some(target))
}
