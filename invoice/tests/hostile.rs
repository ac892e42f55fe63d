//! Hostile XML: entity tricks, deep nesting, huge and malformed documents each get a clear error,
//! quickly, and nothing else.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::time::{Duration, Instant};

use sealbill_invoice::{read, read_valid_ubl, to_cii, Error, MAX_XML_DEPTH, MAX_XML_LEN};

fn hostile(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invoices/hostile");
    std::fs::read(path.join(name)).expect("hostile file")
}

fn valid_ubl() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invoices/valid/standard.xml");
    std::fs::read_to_string(path).expect("standard.xml")
}

/// Reads `bytes` every way the crate reads XML and expects the same refusal from each.
fn refused(bytes: &[u8]) -> Error {
    let start = Instant::now();
    let err = read(bytes).expect_err("refused");
    assert_eq!(read_valid_ubl(bytes).expect_err("refused"), err);
    assert!(to_cii(bytes).is_err());
    assert!(start.elapsed() < Duration::from_secs(2), "{err}");
    err
}

#[test]
fn documents_with_a_dtd_are_refused_so_no_entity_is_ever_expanded() {
    for name in [
        "xxe-file.xml",
        "xxe-parameter.xml",
        "billion-laughs.xml",
        "doctype-only.xml",
    ] {
        let err = refused(&hostile(name));
        assert_eq!(err.code(), "BAD_XML", "{name}");
        let text = err.to_string();
        assert!(text.contains("DTD"), "{name}: {text}");
        assert!(!text.contains("root:"), "{name}: file contents leaked");
    }
}

#[test]
fn malformed_and_foreign_documents_get_a_clear_error() {
    for (name, needle) in [
        ("not-well-formed.xml", "well-formed"),
        ("not-an-invoice.xml", "svg"),
        ("latin1.xml", "ISO-8859-1"),
    ] {
        let err = refused(&hostile(name));
        assert_eq!(err.code(), "BAD_XML", "{name}");
        assert!(err.to_string().contains(needle), "{name}: {err}");
    }
    for bytes in [
        &b""[..],
        b"\xff\xfe\x00",
        b"%PDF-1.7\n",
        b"{\"number\": \"1\"}",
    ] {
        assert_eq!(refused(bytes).code(), "BAD_XML", "{bytes:?}");
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_before_parsing() {
    let ubl = valid_ubl();
    for depth in [MAX_XML_DEPTH + 1, 10_000, 1_000_000] {
        let open = "<cbc:Note>".repeat(depth);
        let close = "</cbc:Note>".repeat(depth);
        let doc = ubl.replacen("<cbc:ID>", &format!("{open}<cbc:ID>"), 1);
        let doc = doc.replacen("</cbc:ID>", &format!("</cbc:ID>{close}"), 1);
        let err = refused(doc.as_bytes());
        if doc.len() > MAX_XML_LEN {
            assert_eq!(err, Error::TooLarge);
        } else {
            assert_eq!(err.code(), "BAD_XML");
            assert!(err.to_string().contains("deep"), "{err}");
        }
    }
}

#[test]
fn documents_over_the_size_limit_are_refused_unread() {
    let ubl = valid_ubl();
    let padding = " ".repeat(MAX_XML_LEN);
    let doc = ubl.replacen("<cbc:ID>", &format!("{padding}<cbc:ID>"), 1);
    assert_eq!(refused(doc.as_bytes()), Error::TooLarge);
}

#[test]
fn a_well_formed_invoice_that_breaks_the_rules_is_not_valid_ubl_to_seal() {
    // The payable amount no longer matches the lines: the kind of edit a forger makes.
    let forged = valid_ubl().replace(
        "<cbc:PayableAmount currencyID=\"EUR\">2605.98</cbc:PayableAmount>",
        "<cbc:PayableAmount currencyID=\"EUR\">2065.98</cbc:PayableAmount>",
    );
    assert_ne!(forged, valid_ubl());
    let checked = read(forged.as_bytes()).expect("readable");
    assert!(!checked.is_valid());
    match read_valid_ubl(forged.as_bytes()) {
        Err(Error::Invalid(problems)) => {
            assert!(
                problems.iter().any(|p| p.rule == "BR-CO-16"),
                "{problems:#?}"
            )
        }
        other => panic!("{other:?}"),
    }
    // A repeated element is a schema error, not a second value silently ignored.
    let doubled = valid_ubl().replacen(
        "<cbc:ID>2026-0042</cbc:ID>",
        "<cbc:ID>2026-0042</cbc:ID><cbc:ID>FORGED</cbc:ID>",
        1,
    );
    assert!(!read(doubled.as_bytes()).expect("readable").is_valid());
}

#[test]
fn attachments_are_bounded_and_must_be_base64() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invoices/valid/standard.json"),
    )
    .expect("standard.json");
    let mut invoice: serde_json::Value = serde_json::from_str(&text).expect("json");
    let attach = |content: String| {
        serde_json::json!([{ "reference": "T-1", "attachment":
            { "content": content, "mimeCode": "application/pdf", "filename": "t.pdf" } }])
    };
    for (content, words) in [
        ("A".repeat(MAX_XML_LEN * 2), "larger than"),
        ("not base64!".to_owned(), "not base64"),
    ] {
        invoice["attachments"] = attach(content);
        let plain: sealbill_invoice::PlainInvoice =
            serde_json::from_value(invoice.clone()).expect("object");
        let start = Instant::now();
        match sealbill_invoice::build(&plain) {
            Err(Error::Invalid(problems)) => {
                let p = problems.first().expect("a problem");
                assert_eq!(p.rule, sealbill_invoice::INPUT_RULE);
                assert_eq!(
                    p.field.as_deref(),
                    Some("attachments[0].attachment.content")
                );
                assert!(p.message.contains(words), "{p}");
            }
            other => panic!("{other:?}"),
        }
        assert!(start.elapsed() < Duration::from_secs(2));
    }
    // Just under the limit in base64 terms, the document itself is too large to write.
    invoice["attachments"] = attach("A".repeat(MAX_XML_LEN / 3 * 4));
    let plain: sealbill_invoice::PlainInvoice = serde_json::from_value(invoice).expect("object");
    assert_eq!(sealbill_invoice::build(&plain), Err(Error::TooLarge));
}
