//! The invoice corpus: every valid invoice builds, passes the rules, and round-trips exactly;
//! every broken variant is refused with the rule id and field it breaks.
//!
//! `tests/invoices/valid/NAME.json` is a plain invoice and `NAME.xml` the UBL document it must
//! build to, byte for byte. Set `SEALBILL_BLESS=1` to write missing `.xml` files after review.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use sealbill_invoice::{
    build, build_as, is_leitweg_id, read, read_valid_ubl, to_cii, write, Error, PlainInvoice,
    Profile, Syntax, INPUT_RULE,
};
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invoices")
}

fn valid_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus().join("valid"))
        .expect("corpus")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".json")?.to_owned())
        })
        .collect();
    names.sort();
    names
}

fn valid_json(name: &str) -> Value {
    let text = std::fs::read_to_string(corpus().join(format!("valid/{name}.json"))).expect("json");
    serde_json::from_str(&text).expect("json")
}

fn plain(value: Value) -> PlainInvoice {
    serde_json::from_value(value).expect("a plain invoice")
}

#[test]
fn the_corpus_covers_what_the_product_must_handle() {
    let names = valid_names();
    assert!(names.len() >= 15, "{names:?}");
    let all: Vec<PlainInvoice> = names.iter().map(|n| plain(valid_json(n))).collect();
    let categories: Vec<&str> = all
        .iter()
        .flat_map(|i| i.lines.iter().map(|l| l.vat_category.as_str()))
        .collect();
    for category in ["S", "E", "AE", "K", "G", "Z"] {
        assert!(categories.contains(&category), "no {category} line");
    }
    assert!(all.iter().any(|i| i.type_code == "381"));
    assert!(all.iter().any(|i| i.currency != "EUR"));
    assert!(all
        .iter()
        .any(|i| !i.allowances.is_empty() && !i.charges.is_empty()));
    assert!(all
        .iter()
        .any(|i| i.lines.iter().any(|l| !l.allowances.is_empty())));
    assert!(all.iter().any(|i| i.notes.iter().any(|n| n.len() > 1000)));
    assert!(all
        .iter()
        .any(|i| i.seller.name.chars().any(|c| c > '\u{3000}')));
    covers_every_profile_and_the_cases_of_issue_16(&all);
}

/// The invoices small businesses issue every day that need more than the basic model: each must
/// build, pass its profile's official rules (`scripts/official-rules.sh`) and round-trip.
fn covers_every_profile_and_the_cases_of_issue_16(all: &[PlainInvoice]) {
    let in_category = |i: &PlainInvoice, c: &str| i.lines.iter().any(|l| l.vat_category == c);
    let reason_for = |i: &PlainInvoice, c: &str| {
        i.vat_exemptions
            .iter()
            .any(|e| e.category == c && (e.reason.is_some() || e.reason_code.is_some()))
    };
    let seller_country = |i: &PlainInvoice| i.seller.address.country.clone();
    let delivered_to = |i: &PlainInvoice| {
        i.delivery
            .as_ref()
            .and_then(|d| d.address.as_ref())
            .map(|a| a.country.clone())
    };
    for profile in Profile::ALL {
        assert!(
            all.iter().any(|i| i.claimed_profile() == profile),
            "no invoice claims {profile}"
        );
    }
    // An intra-community supply of goods (BR-IC-11, BR-IC-12): the date of supply or the
    // invoicing period, and the deliver-to country, in another member state.
    assert!(
        all.iter().any(|i| in_category(i, "K")
            && reason_for(i, "K")
            && (i.delivery.as_ref().is_some_and(|d| d.date.is_some())
                || i.invoicing_period.is_some())
            && delivered_to(i).is_some_and(|c| c != seller_country(i))),
        "no intra-community supply"
    );
    // An export outside the EU.
    assert!(
        all.iter().any(|i| in_category(i, "G")
            && reason_for(i, "G")
            && delivered_to(i).is_some_and(|c| c != seller_country(i))),
        "no export"
    );
    // A German small business under §19 UStG: a tax number and no VAT id, exempt lines with the
    // reason, and a buyer reached by e-mail, which only plain EN 16931 allows.
    assert!(
        all.iter().any(|i| i.claimed_profile() == Profile::En16931
            && seller_country(i) == "DE"
            && i.seller.tax_number.is_some()
            && i.seller.vat_id.is_none()
            && in_category(i, "E")
            && reason_for(i, "E")
            && i.buyer
                .electronic_address
                .as_ref()
                .is_some_and(|a| a.scheme == "EM")),
        "no §19 small business"
    );
    // A German public-sector XRechnung, addressed by the buyer's Leitweg-ID (BT-10).
    assert!(
        all.iter().any(|i| i.claimed_profile() == Profile::Xrechnung
            && i.buyer.address.country == "DE"
            && i.buyer_reference.as_deref().is_some_and(is_leitweg_id)),
        "no XRechnung with a Leitweg-ID"
    );
    // A SEPA direct debit with its mandate reference and creditor id (BG-19).
    assert!(
        all.iter().any(|i| i.payment.as_ref().is_some_and(|p| {
            p.means_code == "59"
                && p.direct_debit
                    .as_ref()
                    .is_some_and(|d| d.mandate_reference.is_some() && d.creditor_id.is_some())
        })),
        "no direct debit"
    );
    // An invoicing period (BG-14), with line periods (BG-26).
    assert!(
        all.iter().any(|i| i
            .invoicing_period
            .as_ref()
            .is_some_and(|p| p.start.is_some() && p.end.is_some())
            && i.lines.iter().any(|l| l.period.is_some())),
        "no invoicing period"
    );
    // A payee other than the seller (BG-10).
    assert!(
        all.iter()
            .any(|i| i.payee.as_ref().is_some_and(|p| p.name != i.seller.name)),
        "no payee other than the seller"
    );
}

#[test]
fn valid_invoices_build_to_their_ubl_and_round_trip_exactly() {
    for name in valid_names() {
        let input = plain(valid_json(&name));
        let built = build(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(built.warnings.iter().all(|w| !w.is_fatal()), "{name}");

        let golden = corpus().join(format!("valid/{name}.xml"));
        match std::fs::read_to_string(&golden) {
            Ok(expected) => assert_eq!(built.xml, expected, "{name}: UBL output changed"),
            Err(_) if std::env::var_os("SEALBILL_BLESS").is_some() => {
                std::fs::write(&golden, &built.xml).expect("bless");
            }
            Err(_) => panic!("{name}: no golden {}", golden.display()),
        }

        // UBL -> model -> UBL, byte for byte, and the same plain object both ways.
        let read = read_valid_ubl(built.xml.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read.invoice, built.invoice, "{name}");
        assert!(read.problems.iter().all(|p| !p.is_fatal()), "{name}");
        let again = build(&read.invoice).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again.xml, built.xml, "{name}: UBL -> model -> UBL differs");

        // The computed parts add up.
        let totals = built.invoice.totals.as_ref().expect("totals");
        let cents = |s: &str| -> i64 { s.replace('.', "").parse().expect("cents") };
        let lines: i64 = built
            .invoice
            .lines
            .iter()
            .map(|l| cents(l.net_amount.as_deref().expect("net")))
            .sum();
        assert_eq!(lines, cents(&totals.line_total), "{name}");
        let vat: i64 = built
            .invoice
            .vat_breakdown
            .iter()
            .map(|b| cents(&b.tax_amount))
            .sum();
        assert_eq!(
            cents(&totals.tax_exclusive) + vat,
            cents(&totals.tax_inclusive),
            "{name}"
        );
    }
}

#[test]
fn valid_invoices_open_to_the_same_object_after_sealing() {
    let business = sealbill::Identity::generate("Acme GmbH").expect("identity");
    let client = sealbill::Identity::generate("Client SARL").expect("identity");
    for name in valid_names() {
        let built = build(&plain(valid_json(&name))).expect("valid");
        let document = sealbill::Document {
            name: sealbill_invoice::FILE_NAME.into(),
            media_type: sealbill_invoice::MEDIA_TYPE.into(),
            data: built.xml.clone().into_bytes(),
        };
        let options = sealbill::SealOptions {
            recipients: vec![client.recipient()],
            ..sealbill::SealOptions::new(&built.invoice.number, 1_780_000_000)
        };
        let sealed = sealbill::seal(&business, &[document], &options).expect("seal");
        let opened = sealbill::open(
            &[client.age_identity().clone()],
            &sealed.envelope,
            Some(&business.fingerprint()),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let xml = &opened.documents.first().expect("the invoice").data;
        assert_eq!(xml, built.xml.as_bytes(), "{name}: not the signed original");
        let read = read_valid_ubl(xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read.invoice, built.invoice, "{name}");
    }
}

#[test]
fn cii_export_states_the_same_invoice() {
    for name in valid_names() {
        let built = build(&plain(valid_json(&name))).expect("valid");
        let cii = to_cii(built.xml.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(cii.contains("CrossIndustryInvoice"), "{name}");
        let read = read(cii.as_bytes()).expect("CII reads");
        assert!(!read.is_ubl);
        assert!(read.is_valid(), "{name}: {:?}", read.problems);
        assert_eq!(
            read.invoice, built.invoice,
            "{name}: CII states another invoice"
        );
        assert_eq!(read_valid_ubl(cii.as_bytes()), Err(Error::NotUbl));
        // Built as CII directly, under the same profile: the same invoice again.
        let built_cii = build_as(&plain(valid_json(&name)), Syntax::Cii)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let direct = sealbill_invoice::read(built_cii.xml.as_bytes()).expect("CII reads");
        assert!(direct.is_valid(), "{name}: {:?}", direct.problems);
        assert_eq!(direct.invoice, built.invoice, "{name}: built CII differs");
        assert_eq!(direct.profile, built.invoice.claimed_profile(), "{name}");
    }
}

/// Credit-transfer accounts, a card and a direct debit stand together in one invoice, as
/// EN 16931 allows: built as UBL and as CII, each reads back with all of them. XRechnung
/// refuses a group beside the one the payment means code names (BR-DE-23-b), and so does
/// Peppol: each `cac:PaymentMeans` with code 59 needs the mandate (PEPPOL-EN16931-R061), and
/// for a German seller and buyer no account or card may stand beside it (DE-R-025-2).
#[test]
fn accounts_a_card_and_a_direct_debit_stand_together() {
    let mut value = valid_json("direct-debit");
    value["profile"] = "en16931".into();
    let payment = value["payment"].as_object_mut().expect("payment");
    payment.insert("iban".into(), "DE02120300000000202051".into());
    payment.insert("bic".into(), "BYLADEM1001".into());
    payment.insert(
        "additionalAccounts".into(),
        serde_json::json!([{ "iban": "GB82WEST12345698765432" }]),
    );
    payment.insert(
        "card".into(),
        serde_json::json!({ "number": "1234", "holderName": "A. Muster" }),
    );
    let input = plain(value);
    for syntax in [Syntax::Ubl, Syntax::Cii] {
        let built = build_as(&input, syntax).unwrap_or_else(|e| panic!("{syntax:?}: {e}"));
        let read = read(built.xml.as_bytes()).expect("reads");
        assert!(read.is_valid(), "{syntax:?}: {:?}", read.problems);
        assert_eq!(read.invoice.payment, input.payment, "{syntax:?}");
    }

    let mut peppol = input.clone();
    peppol.profile = Some(Profile::Peppol);
    let Err(Error::Invalid(problems)) = build(&peppol) else {
        panic!("Peppol with a direct debit beside two accounts and a card");
    };
    for rule in ["PEPPOL-EN16931-R061", "DE-R-025-2"] {
        assert!(
            problems.iter().any(|p| p.rule == rule),
            "{rule}: {problems:?}"
        );
    }

    let mut value = valid_json("xrechnung-leitweg");
    value["payment"]["directDebit"] = serde_json::json!({
        "mandateReference": "MD-1",
        "creditorId": "DE98ZZZ09999999999",
        "debitedAccount": "DE75512108001245126199"
    });
    let Err(Error::Invalid(problems)) = build(&plain(value)) else {
        panic!("XRechnung with a direct debit beside the account");
    };
    assert!(
        problems.iter().any(|p| p.rule == "BR-DE-23-b"),
        "{problems:?}"
    );
}

#[test]
fn every_invoice_reads_back_as_what_it_states_through_json() {
    for name in valid_names() {
        let built = build(&plain(valid_json(&name))).expect("valid");
        // The object as JSON (what `sealbill invoice convert --to json` writes) writes back to
        // the very same UBL, in both modes.
        let json = serde_json::to_string(&built.invoice).expect("json");
        let object: PlainInvoice = serde_json::from_str(&json).expect("reads its own JSON");
        assert_eq!(object, built.invoice, "{name}");
        assert_eq!(
            write(&object, Syntax::Ubl).as_deref(),
            Ok(built.xml.as_str()),
            "{name}"
        );
    }
}

/// Sets each JSON pointer of `set` in `value`; the parent of each must exist.
fn patch(mut value: Value, set: &serde_json::Map<String, Value>) -> Value {
    for (pointer, new) in set {
        let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
        match value.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.insert(key.to_owned(), new.clone());
            }
            Some(Value::Array(list)) => {
                list[key.parse::<usize>().expect("an index")] = new.clone();
            }
            _ => panic!("no {parent}"),
        }
    }
    value
}

#[test]
fn broken_variants_are_refused_with_their_rule_and_field() {
    let text = std::fs::read_to_string(corpus().join("broken.json")).expect("broken.json");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("json");
    assert!(cases.len() >= 25);
    for case in cases {
        let name = case["case"].as_str().expect("case");
        let base = valid_json(case["base"].as_str().expect("base"));
        let input = plain(patch(base, case["set"].as_object().expect("set")));
        let rule = case["rule"].as_str().expect("rule");
        let problems = match build(&input) {
            Err(Error::Invalid(problems)) => problems,
            other => panic!("{name}: expected a refusal, got {other:?}"),
        };
        let hit = problems
            .iter()
            .find(|p| p.rule == rule && p.is_fatal())
            .unwrap_or_else(|| panic!("{name}: no {rule} in {problems:#?}"));
        if let Some(field) = case["field"].as_str() {
            assert_eq!(hit.field.as_deref(), Some(field), "{name}");
        }
        assert!(!hit.message.is_empty(), "{name}");
        // The live check reports the same problem without building.
        assert!(
            sealbill_invoice::check(&input).contains(hit),
            "{name}: check() disagrees"
        );
        if rule == INPUT_RULE {
            assert!(problems.iter().all(|p| p.rule == INPUT_RULE), "{name}");
        }
    }
}

#[test]
fn unknown_keys_and_float_amounts_are_refused_by_the_object_reader() {
    let mut misspelt = valid_json("standard");
    misspelt["dueDtae"] = Value::from("2026-12-08");
    assert!(serde_json::from_value::<PlainInvoice>(misspelt).is_err());
    let mut float = valid_json("standard");
    float["lines"][0]["quantity"] = Value::from(1.5);
    assert!(serde_json::from_value::<PlainInvoice>(float).is_err());
}
