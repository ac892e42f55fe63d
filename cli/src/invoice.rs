//! The e-invoice inside an envelope: built from a JSON invoice or taken as UBL, checked against
//! the rules of the profile it claims (EN 16931, Peppol BIS 3 or XRechnung), converted between
//! JSON, UBL and CII, and described after opening.

use std::io::Read;
use std::path::{Path, PathBuf};

use sealbill_invoice::{PlainInvoice, Problem, Profile, Syntax, MAX_XML_LEN};

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
            let checked = sealbill_invoice::read_valid_ubl(&bytes).map_err(|e| match e {
                sealbill_invoice::Error::NotUbl => Failure::new(format!(
                    "{e}: convert it first with `sealbill invoice convert --to ubl {} -o \
                     INVOICE.xml` [NOT_UBL]",
                    path.display()
                )),
                other => refused(other),
            })?;
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

/// `sealbill invoice check`: lists every problem under the invoice's profile (or `profile`);
/// fails when one is fatal.
pub fn check(path: &Path, profile: Option<Profile>) -> Result<(), Failure> {
    let (problems, invoice, rules) = match read_source(path)? {
        Source::Json(mut plain) => {
            if let Some(profile) = profile {
                plain.profile = Some(profile);
            }
            let rules = plain.claimed_profile();
            (sealbill_invoice::check(&plain), None, rules)
        }
        Source::Xml(bytes) => {
            let checked = sealbill_invoice::read_as(&bytes, profile)?;
            (checked.problems, Some(checked.invoice), checked.profile)
        }
    };
    for problem in &problems {
        println!("{problem}");
    }
    let fatal = problems.iter().filter(|p| p.is_fatal()).count();
    if fatal > 0 {
        return Err(Failure::new(format!(
            "{}: invalid under the {} rules, {fatal} rule(s) broken [INVALID_INVOICE]",
            path.display(),
            rules.title()
        )));
    }
    if let Some(invoice) = invoice {
        summarize(&invoice);
        let claimed = invoice.claimed_profile();
        if let Some(id) = &invoice.specification_id {
            println!("the invoice claims {id:?} (BT-24), a specification sealbill does not know");
        } else if claimed != rules {
            println!("the invoice claims {claimed}; checked as {rules}");
        }
    }
    println!(
        "{}: valid EN 16931 invoice ({})",
        path.display(),
        rules.title()
    );
    Ok(())
}

/// `sealbill invoice convert`: JSON, UBL and CII into one another, refusing any loss.
///
/// A JSON object that states its totals (as `--to json` writes it) is written as stated; one
/// without is built, its amounts computed. Either way it must pass its profile's rules.
pub fn convert(input: &Path, to: &str, output: &Path) -> Result<(), Failure> {
    let syntax = match to {
        "ubl" => Some(Syntax::Ubl),
        "cii" => Some(Syntax::Cii),
        _ => None,
    };
    let bytes = match (read_source(input)?, syntax) {
        (Source::Json(plain), None) => pretty(&plain)?,
        (Source::Json(plain), Some(syntax)) => {
            let xml = if plain.totals.is_some() {
                let xml = sealbill_invoice::write(&plain, syntax).map_err(refused)?;
                let checked = sealbill_invoice::read(xml.as_bytes())?;
                if !checked.is_valid() {
                    return Err(refused(sealbill_invoice::Error::Invalid(checked.problems)));
                }
                print_problems(&checked.problems);
                xml
            } else {
                let built = sealbill_invoice::build_as(&plain, syntax).map_err(refused)?;
                print_problems(&built.warnings);
                built.xml
            };
            xml.into_bytes()
        }
        (Source::Xml(bytes), None) => {
            let checked = sealbill_invoice::read(&bytes)?;
            let unheld: Vec<Problem> = checked
                .problems
                .iter()
                .filter(|p| p.rule == sealbill_invoice::UNHELD_RULE)
                .cloned()
                .collect();
            if !unheld.is_empty() {
                return Err(refused(sealbill_invoice::Error::Invalid(unheld)));
            }
            for problem in &checked.problems {
                eprintln!("warning: the invoice breaks a rule: {problem}");
            }
            pretty(&checked.invoice)?
        }
        (Source::Xml(bytes), Some(syntax)) => sealbill_invoice::convert(&bytes, syntax)
            .map_err(refused)?
            .into_bytes(),
    };
    crate::staging::write_new(output, &bytes)?;
    eprintln!("wrote {} ({to})", output.display());
    Ok(())
}

/// The invoice object as indented JSON, with a final newline.
fn pretty(invoice: &PlainInvoice) -> Result<Vec<u8>, Failure> {
    let mut json = serde_json::to_vec_pretty(invoice)
        .map_err(|e| Failure::new(format!("the invoice cannot be written as JSON: {e}")))?;
    json.push(b'\n');
    Ok(json)
}

/// Prints who bills whom for how much, and where the money goes.
fn summarize(invoice: &PlainInvoice) {
    println!("invoice: {} of {}", invoice.number, invoice.issue_date);
    println!("profile: {}", invoice.claimed_profile());
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
