//! The official example invoices, term by term: every CEN, Peppol and XRechnung example in
//! `../shared/validation/examples/` is read into the plain invoice object, written back in its
//! own syntax and read again, and every business term of the two models must agree. Each must
//! also pass `check` under the profile it claims, and seal and open byte-identical.
//!
//! Without `../shared` this test says so and passes: the examples are test data kept out of the
//! repository.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::fmt::Display;
use std::path::{Path, PathBuf};

use en16931::invoice;
use en16931::Invoice;
use sealbill_invoice::{read, write, UNHELD_RULE};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/validation/examples")
}

/// Every example: `cen-ubl`, `cen-cii`, `peppol-ubl`, and XRechnung's UBL and CII.
fn examples() -> Option<Vec<PathBuf>> {
    let root = examples_dir();
    let mut files = Vec::new();
    for dir in ["cen-ubl", "cen-cii", "peppol-ubl", "xrechnung"] {
        for entry in std::fs::read_dir(root.join(dir)).ok()? {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.to_lowercase();
            if name.ends_with(".xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Some(files)
}

/// Every business term of a model, by its path (`BG-25[1]/BT-153`), as text.
#[derive(Default)]
struct Terms(BTreeMap<String, String>);

impl Terms {
    fn put(&mut self, path: impl Into<String>, value: Option<impl Display>) {
        if let Some(v) = value {
            self.0.insert(path.into(), v.to_string());
        }
    }

    fn id(&mut self, path: &str, id: Option<&en16931::Identifier>) {
        if let Some(id) = id {
            self.put(path, Some(id.content()));
            self.put(format!("{path}-1"), id.scheme());
            self.put(format!("{path}-v"), id.scheme_version());
        }
    }

    fn address(&mut self, at: &str, a: &invoice::PostalAddress, bt: [u16; 7]) {
        let [l1, l2, l3, city, post, sub, country] = bt;
        self.put(format!("{at}/BT-{l1}"), a.line1.as_ref());
        self.put(format!("{at}/BT-{l2}"), a.line2.as_ref());
        self.put(format!("{at}/BT-{l3}"), a.line3.as_ref());
        self.put(format!("{at}/BT-{city}"), a.city.as_ref());
        self.put(format!("{at}/BT-{post}"), a.post_code.as_ref());
        self.put(format!("{at}/BT-{sub}"), a.subdivision.as_ref());
        self.put(format!("{at}/BT-{country}"), a.country.as_ref());
    }

    fn party(&mut self, at: &str, p: &invoice::Party, first: u16, addr: [u16; 7], contact: u16) {
        self.put(format!("{at}/BT-{first}"), p.name.as_ref());
        self.put(format!("{at}/BT-{}", first + 1), p.trading_name.as_ref());
        for (i, id) in p.identifiers.iter().enumerate() {
            self.id(&format!("{at}/BT-{}[{i}]", first + 2), Some(id));
        }
        self.id(
            &format!("{at}/BT-{}", first + 3),
            p.legal_registration.as_ref(),
        );
        self.put(format!("{at}/BT-{}", first + 4), p.vat_identifier.as_ref());
        self.put(format!("{at}/BT-32"), p.tax_registration.as_ref());
        self.put(
            format!("{at}/BT-33"),
            p.additional_legal_information.as_ref(),
        );
        self.id(
            &format!("{at}/electronic-address"),
            p.electronic_address.as_ref(),
        );
        self.address(&format!("{at}/address"), &p.address, addr);
        self.put(format!("{at}/BT-{contact}"), p.contact.name.as_ref());
        self.put(format!("{at}/BT-{}", contact + 1), p.contact.phone.as_ref());
        self.put(format!("{at}/BT-{}", contact + 2), p.contact.email.as_ref());
    }

    fn period(&mut self, at: &str, p: Option<&invoice::Period>, start: u16) {
        if let Some(p) = p {
            self.put(format!("{at}/BT-{start}"), p.start);
            self.put(format!("{at}/BT-{}", start + 1), p.end);
        }
    }

    fn of(inv: &Invoice) -> Self {
        let mut t = Self::default();
        t.put("kind", Some(format!("{:?}", inv.kind)));
        t.put("BT-24", inv.specification_id.as_ref());
        t.put("BT-23", inv.business_process.as_ref());
        t.put("BT-1", inv.number.as_ref());
        t.put("BT-2", inv.issue_date);
        t.put("BT-3", inv.type_code.as_ref());
        t.put("BT-5", inv.currency.as_ref());
        t.put("BT-6", inv.vat_accounting_currency.as_ref());
        t.put("BT-7", inv.vat_point_date);
        t.put("BT-8", inv.vat_point_date_code.as_ref());
        t.put("BT-9", inv.due_date);
        t.put("BT-10", inv.buyer_reference.as_ref());
        t.put("BT-11", inv.project_reference.as_ref());
        t.put("BT-12", inv.contract_reference.as_ref());
        t.put("BT-13", inv.purchase_order_reference.as_ref());
        t.put("BT-14", inv.sales_order_reference.as_ref());
        t.put("BT-15", inv.receiving_advice_reference.as_ref());
        t.put("BT-16", inv.despatch_advice_reference.as_ref());
        t.put("BT-17", inv.tender_reference.as_ref());
        t.id("BT-18", inv.object_identifier.as_ref());
        t.put("BT-19", inv.accounting_reference.as_ref());
        t.put("BT-20", inv.payment_terms.as_ref());
        for (i, n) in inv.notes.iter().enumerate() {
            t.put(format!("BG-1[{i}]/BT-21"), n.subject_code.as_ref());
            t.put(format!("BG-1[{i}]/BT-22"), n.note.as_ref());
        }
        for (i, p) in inv.preceding_invoices.iter().enumerate() {
            t.put(format!("BG-3[{i}]/BT-25"), Some(&p.reference));
            t.put(format!("BG-3[{i}]/BT-26"), p.issue_date);
        }
        t.party("BG-4", &inv.seller, 27, [35, 36, 162, 37, 38, 39, 40], 41);
        t.party("BG-7", &inv.buyer, 44, [50, 51, 163, 52, 53, 54, 55], 56);
        if let Some(p) = &inv.payee {
            t.put("BG-10/BT-59", p.name.as_ref());
            t.id("BG-10/BT-60", p.identifier.as_ref());
            t.id("BG-10/BT-61", p.legal_registration.as_ref());
        }
        if let Some(r) = &inv.tax_representative {
            t.put("BG-11/BT-62", r.name.as_ref());
            t.put("BG-11/BT-63", r.vat_identifier.as_ref());
            t.address("BG-11/BG-12", &r.address, [64, 65, 164, 66, 67, 68, 69]);
        }
        if let Some(d) = &inv.delivery {
            t.put("BG-13", Some("present"));
            t.put("BG-13/BT-70", d.party_name.as_ref());
            t.id("BG-13/BT-71", d.location.as_ref());
            t.put("BG-13/BT-72", d.date);
            if let Some(a) = &d.address {
                t.address("BG-13/BG-15", a, [75, 76, 165, 77, 78, 79, 80]);
            }
        }
        t.period("BG-14", inv.invoicing_period.as_ref(), 73);
        if let Some(p) = &inv.payment {
            t.put("BG-16", Some("present"));
            t.put("BG-16/BT-81", p.means_code.as_ref());
            t.put("BG-16/BT-82", p.means_text.as_ref());
            t.put("BG-16/BT-83", p.remittance_information.as_ref());
            for (i, a) in p.means.credit_transfers.iter().enumerate() {
                t.put(format!("BG-17[{i}]"), Some("present"));
                t.put(format!("BG-17[{i}]/BT-84"), a.account_identifier.as_ref());
                t.put(format!("BG-17[{i}]/BT-85"), a.account_name.as_ref());
                t.put(format!("BG-17[{i}]/BT-86"), a.provider_identifier.as_ref());
            }
            if let Some(c) = &p.means.card {
                t.put("BG-18", Some("present"));
                t.put("BG-18/BT-87", c.primary_account_number.as_ref());
                t.put("BG-18/BT-88", c.holder_name.as_ref());
            }
            if let Some(d) = &p.means.direct_debit {
                t.put("BG-19", Some("present"));
                t.put("BG-19/BT-89", d.mandate_reference.as_ref());
                t.put("BG-19/BT-90", d.creditor_identifier.as_ref());
                t.put("BG-19/BT-91", d.debited_account.as_ref());
            }
        }
        for (group, list, first) in [("BG-20", &inv.allowances, 92), ("BG-21", &inv.charges, 99)] {
            for (i, x) in list.iter().enumerate() {
                let at = format!("{group}[{i}]");
                t.put(format!("{at}/BT-{first}"), Some(x.amount));
                t.put(format!("{at}/BT-{}", first + 1), x.base_amount);
                t.put(format!("{at}/BT-{}", first + 2), x.percentage);
                t.put(format!("{at}/BT-{}", first + 3), Some(&x.vat.category));
                t.put(format!("{at}/BT-{}", first + 4), x.vat.rate);
                t.put(format!("{at}/BT-{}", first + 5), x.reason.as_ref());
                t.put(format!("{at}/BT-{}", first + 6), x.reason_code.as_ref());
            }
        }
        let s = &inv.totals;
        t.put("BG-22/BT-106", Some(s.line_total));
        t.put("BG-22/BT-107", s.allowance_total);
        t.put("BG-22/BT-108", s.charge_total);
        t.put("BG-22/BT-109", Some(s.taxable_total));
        t.put("BG-22/BT-110", s.vat_total);
        t.put("BG-22/BT-111", s.vat_total_accounting);
        t.put("BG-22/BT-112", Some(s.gross_total));
        t.put("BG-22/BT-113", s.paid);
        t.put("BG-22/BT-114", s.rounding);
        t.put("BG-22/BT-115", Some(s.due));
        for (i, b) in inv.vat_breakdown.iter().enumerate() {
            let at = format!("BG-23[{i}]");
            t.put(format!("{at}/BT-116"), Some(b.taxable_amount));
            t.put(format!("{at}/BT-117"), Some(b.tax_amount));
            t.put(format!("{at}/BT-118"), Some(&b.category));
            t.put(format!("{at}/BT-119"), b.rate);
            t.put(format!("{at}/BT-120"), b.exemption_reason.as_ref());
            t.put(format!("{at}/BT-121"), b.exemption_reason_code.as_ref());
        }
        for (i, d) in inv.attachments.iter().enumerate() {
            let at = format!("BG-24[{i}]");
            t.put(format!("{at}/BT-122"), Some(&d.reference));
            t.put(format!("{at}/BT-123"), d.description.as_ref());
            t.put(format!("{at}/BT-124"), d.uri.as_ref());
            if let Some(a) = &d.attachment {
                t.put(format!("{at}/BT-125"), Some(format!("{:?}", a.content())));
                t.put(format!("{at}/BT-125-1"), Some(a.mime_code()));
                t.put(format!("{at}/BT-125-2"), Some(a.filename()));
            }
        }
        for (i, l) in inv.lines.iter().enumerate() {
            let at = format!("BG-25[{i}]");
            t.put(format!("{at}/BT-126"), Some(&l.id));
            t.put(format!("{at}/BT-127"), l.note.as_ref());
            t.id(&format!("{at}/BT-128"), l.object_identifier.as_ref());
            t.put(format!("{at}/BT-129"), Some(l.quantity));
            t.put(format!("{at}/BT-130"), Some(&l.unit_code));
            t.put(format!("{at}/BT-131"), Some(l.net_amount));
            t.put(format!("{at}/BT-132"), l.order_line_reference.as_ref());
            t.put(format!("{at}/BT-133"), l.accounting_reference.as_ref());
            t.period(&format!("{at}/BG-26"), l.period.as_ref(), 134);
            for (group, list, first) in [("BG-27", &l.allowances, 136), ("BG-28", &l.charges, 141)]
            {
                for (j, x) in list.iter().enumerate() {
                    let at = format!("{at}/{group}[{j}]");
                    t.put(format!("{at}/BT-{first}"), Some(x.amount));
                    t.put(format!("{at}/BT-{}", first + 1), x.base_amount);
                    t.put(format!("{at}/BT-{}", first + 2), x.percentage);
                    t.put(format!("{at}/BT-{}", first + 3), x.reason.as_ref());
                    t.put(format!("{at}/BT-{}", first + 4), x.reason_code.as_ref());
                }
            }
            let p = &l.price;
            t.put(format!("{at}/BT-146"), Some(p.net_price));
            t.put(format!("{at}/BT-147"), p.price_discount);
            t.put(format!("{at}/BT-148"), p.gross_price);
            t.put(format!("{at}/BT-149"), p.base_quantity);
            t.put(format!("{at}/BT-150"), p.base_quantity_code.as_ref());
            t.put(format!("{at}/BT-151"), Some(&l.vat.category));
            t.put(format!("{at}/BT-152"), l.vat.rate);
            let item = &l.item;
            t.put(format!("{at}/BT-153"), item.name.as_ref());
            t.put(format!("{at}/BT-154"), item.description.as_ref());
            t.put(format!("{at}/BT-155"), item.seller_identifier.as_ref());
            t.put(format!("{at}/BT-156"), item.buyer_identifier.as_ref());
            t.id(&format!("{at}/BT-157"), item.standard_identifier.as_ref());
            for (k, c) in item.classification_identifiers.iter().enumerate() {
                t.id(&format!("{at}/BT-158[{k}]"), Some(c));
            }
            t.put(format!("{at}/BT-159"), item.origin_country.as_ref());
            for (k, a) in item.attributes.iter().enumerate() {
                t.put(format!("{at}/BG-32[{k}]/BT-160"), a.name.as_ref());
                t.put(format!("{at}/BG-32[{k}]/BT-161"), a.value.as_ref());
            }
        }
        if !inv.extensions.is_empty() {
            t.put("extensions", Some(format!("{:?}", inv.extensions)));
        }
        t
    }
}

/// The terms that differ, each named with both values.
fn diff(before: &Terms, after: &Terms) -> Vec<String> {
    let mut out = Vec::new();
    for (path, a) in &before.0 {
        match after.0.get(path) {
            Some(b) if a == b => {}
            Some(b) => out.push(format!("{path}: {a:?} became {b:?}")),
            None => out.push(format!("{path}: {a:?} was lost")),
        }
    }
    for (path, b) in &after.0 {
        if !before.0.contains_key(path) {
            out.push(format!("{path}: {b:?} appeared"));
        }
    }
    out
}

/// Everything wrong with one example, or nothing.
fn round_trip(path: &Path) -> Vec<String> {
    let mut wrong = Vec::new();
    let bytes = std::fs::read(path).expect("example");
    let original = match en16931_formats::read(&bytes) {
        Ok(read) => read,
        Err(e) => return vec![format!("unreadable: {e}")],
    };
    let syntax = original.syntax;
    let checked = match read(&bytes) {
        Ok(checked) => checked,
        Err(e) => return vec![format!("sealbill_invoice::read refused it: {e}")],
    };
    for p in &checked.problems {
        if p.is_fatal() {
            wrong.push(format!("check under {} refuses it: {p}", checked.profile));
        } else if p.rule == UNHELD_RULE || p.rule.starts_with("SYNTAX-UNMAPPED") {
            wrong.push(format!("reading drops a term: {p}"));
        }
    }
    // Through the plain object's JSON, as the CLI would store it.
    let json = serde_json::to_string(&checked.invoice).expect("json");
    let plain = serde_json::from_str(&json).expect("the object reads its own JSON");
    // Building it (amounts recomputed) may refuse it, but never panics.
    let _ = sealbill_invoice::build(&plain);
    let written = match write(&plain, syntax) {
        Ok(xml) => xml,
        Err(e) => {
            wrong.push(format!("not written back: {e}"));
            return wrong;
        }
    };
    let again = match en16931_formats::read(written.as_bytes()) {
        Ok(read) => read.invoice,
        Err(e) => {
            wrong.push(format!("written back unreadably: {e}"));
            return wrong;
        }
    };
    let changed = diff(&Terms::of(&original.invoice), &Terms::of(&again));
    wrong.extend(changed.iter().map(|c| format!("term changed: {c}")));
    if changed.is_empty() && again != original.invoice {
        wrong.push("the models differ outside the enumerated terms".into());
    }
    // The same object again: reading what was written states the same invoice.
    match read(written.as_bytes()) {
        Ok(reread) if reread.invoice == checked.invoice => {}
        Ok(_) => wrong.push("the written document reads to another object".into()),
        Err(e) => wrong.push(format!("the written document does not read: {e}")),
    }
    wrong
}

/// Seals the original bytes and opens them: byte-identical, and the same object.
fn seal_and_open(path: &Path, business: &sealbill::Identity, client: &sealbill::Identity) {
    let bytes = std::fs::read(path).expect("example");
    let document = sealbill::Document {
        name: sealbill_invoice::FILE_NAME.into(),
        media_type: sealbill_invoice::MEDIA_TYPE.into(),
        data: bytes.clone(),
    };
    let options = sealbill::SealOptions {
        recipients: vec![client.recipient()],
        ..sealbill::SealOptions::new("example", 1_780_000_000)
    };
    let sealed = sealbill::seal(business, &[document], &options).expect("seal");
    let opened = sealbill::open(
        &[client.age_identity().clone()],
        &sealed.envelope,
        Some(&business.fingerprint()),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let data = &opened.documents.first().expect("the invoice").data;
    assert_eq!(data, &bytes, "{}: not the original bytes", path.display());
    assert_eq!(
        read(data).expect("reads").invoice,
        read(&bytes).expect("reads").invoice
    );
}

/// Examples whose claimed profile's rules refuse them, with the rules and why. The round trip
/// and the sealing still hold for them; only `check` refuses, with exactly these rules.
const REFUSED: &[(&str, &[&str], &str)] = &[
    (
        "cen-ubl/issue116.xml",
        &["PEPPOL-COMMON-R049"],
        "claims Peppol BIS 3, and the official Peppol rules refuse it too (CEN's example, valid \
         under the CEN rules only)",
    ),
    (
        "peppol-ubl/national-examples_GR_GR-base-example-TaxRepresentative.xml",
        &["BR-06"],
        "the official CEN rules refuse it too: the seller has no RegistrationName (BT-27)",
    ),
];

#[test]
fn official_examples_round_trip_term_by_term_pass_their_profile_and_seal() {
    let Some(files) = examples() else {
        eprintln!(
            "SKIPPED: the official examples are not at {} (../shared is missing); the term-by-term \
             round trip of the official examples did not run",
            examples_dir().display()
        );
        return;
    };
    assert!(files.len() >= 120, "only {} examples", files.len());
    let business = sealbill::Identity::generate("Acme GmbH").expect("identity");
    let client = sealbill::Identity::generate("Client SARL").expect("identity");
    let mut failed = Vec::new();
    let mut refused = 0;
    for path in &files {
        let name = path
            .strip_prefix(examples_dir())
            .unwrap_or(path)
            .display()
            .to_string();
        let mut wrong = round_trip(path);
        if let Some((_, rules, why)) = REFUSED.iter().find(|(n, _, _)| *n == name) {
            for rule in *rules {
                let before = wrong.len();
                wrong.retain(|w| {
                    !((w.starts_with("check under") || w.starts_with("reading drops"))
                        && w.contains(&format!("[{rule}]")))
                });
                assert!(
                    wrong.len() < before,
                    "{name}: no longer refused with {rule} ({why})"
                );
            }
            refused += 1;
        }
        seal_and_open(path, &business, &client);
        if !wrong.is_empty() {
            failed.push(format!("{name}:\n  {}", wrong.join("\n  ")));
        }
    }
    eprintln!(
        "{} official examples: {} round-trip term by term, seal and open byte-identical; {} of them \
         pass check under their profile, {} are refused as the table REFUSED says",
        files.len(),
        files.len() - failed.len(),
        files.len() - failed.len() - refused,
        refused
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
