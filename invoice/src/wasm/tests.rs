//! The invoice module's JS API under wasm-bindgen-test, in Node and in headless Chromium: JS
//! objects in, and the `code` and `problems` of every error checked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use js_sys::{Array, JSON};
use wasm_bindgen_test::wasm_bindgen_test;

use super::*;

const STANDARD: &str = include_str!("../../tests/invoices/valid/standard.json");
const STANDARD_XML: &str = include_str!("../../tests/invoices/valid/standard.xml");
const XXE: &[u8] = include_bytes!("../../tests/invoices/hostile/xxe-file.xml");
const LAUGHS: &[u8] = include_bytes!("../../tests/invoices/hostile/billion-laughs.xml");

fn standard() -> JsValue {
    JSON::parse(STANDARD).unwrap()
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        Reflect::get(&v, &key.into()).expect("property")
    })
}

fn set(value: &JsValue, path: &str, new: JsValue) {
    let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
    let target = if parent.is_empty() {
        value.clone()
    } else {
        get(value, parent)
    };
    Reflect::set(&target, &key.into(), &new).unwrap();
}

fn code(err: &JsValue) -> String {
    get(err, "code").as_string().unwrap()
}

#[wasm_bindgen_test]
fn builds_the_same_ubl_as_the_native_library() {
    let built = build_invoice(standard()).unwrap().js_value();
    let xml = Uint8Array::new(&get(&built, "xml")).to_vec();
    assert_eq!(xml, STANDARD_XML.as_bytes());
    assert_eq!(
        get(&built, "invoice.totals.payable").as_string().as_deref(),
        Some("2605.98")
    );
    assert_eq!(Array::from(&get(&built, "warnings")).length(), 0);

    let read = read_invoice(&xml, None).unwrap().js_value();
    assert_eq!(get(&read, "valid").as_bool(), Some(true));
    assert_eq!(get(&read, "syntax").as_string().as_deref(), Some("UBL"));
    assert_eq!(
        JSON::stringify(&get(&read, "invoice")).unwrap(),
        JSON::stringify(&get(&built, "invoice")).unwrap()
    );
    let cii = invoice_to_cii(&xml).unwrap().to_vec();
    let back = read_invoice(&cii, None).unwrap().js_value();
    assert_eq!(get(&back, "syntax").as_string().as_deref(), Some("CII"));
}

#[wasm_bindgen_test]
fn an_invalid_invoice_is_refused_with_rule_ids_and_fields() {
    let invoice = standard();
    set(&invoice, "lines.0.vatRate", "0".into());
    set(&invoice, "dueDate", JsValue::UNDEFINED);
    set(&invoice, "paymentTerms", JsValue::NULL);
    let err = build_invoice(invoice.clone()).unwrap_err();
    assert_eq!(code(&err), "INVALID_INVOICE");
    let problems = Array::from(&get(&err, "problems"));
    let rules: Vec<String> = problems
        .iter()
        .map(|p| get(&p, "rule").as_string().unwrap())
        .collect();
    assert!(rules.contains(&"BR-S-05".into()), "{rules:?}");
    assert!(rules.contains(&"BR-CO-25".into()), "{rules:?}");
    let s05 = problems
        .iter()
        .find(|p| get(p, "rule").as_string().as_deref() == Some("BR-S-05"))
        .unwrap();
    assert_eq!(
        get(&s05, "field").as_string().as_deref(),
        Some("lines[0].vatRate")
    );
    assert_eq!(get(&s05, "level").as_string().as_deref(), Some("fatal"));
    // checkInvoice reports the same list without throwing.
    let checked: Array = check_invoice(invoice)
        .unwrap()
        .into_iter()
        .map(|p| p.js_value())
        .collect();
    assert_eq!(checked.length(), problems.length());
}

#[wasm_bindgen_test]
fn floats_unknown_keys_and_non_objects_are_input_errors() {
    let float = standard();
    set(&float, "lines.0.quantity", JsValue::from_f64(1.5));
    let misspelt = standard();
    set(&misspelt, "dueDtae", "2026-12-01".into());
    for (i, bad) in [float, misspelt, JsValue::from(42), JsValue::NULL]
        .into_iter()
        .enumerate()
    {
        let Err(err) = build_invoice(bad.clone()) else {
            panic!("bad input {i} was accepted");
        };
        assert_eq!(code(&err), "INVALID_INPUT");
        assert_eq!(code(&check_invoice(bad).unwrap_err()), "INVALID_INPUT");
    }
    let message = get(
        &build_invoice({
            let m = standard();
            set(&m, "dueDtae", "x".into());
            m
        })
        .unwrap_err(),
        "message",
    )
    .as_string()
    .unwrap();
    assert!(message.contains("dueDtae"), "{message}");
}

#[wasm_bindgen_test]
fn hostile_xml_gets_a_clear_error_and_the_module_survives() {
    for hostile in [XXE, LAUGHS, b"<a>".repeat(100_000).as_slice(), b"\xff\xfe"] {
        let err = read_invoice(hostile, None).unwrap_err();
        assert_eq!(code(&err), "BAD_XML");
        assert_eq!(code(&invoice_to_cii(hostile).unwrap_err()), "BAD_XML");
    }
    let huge = vec![b' '; crate::MAX_XML_LEN + 1];
    assert_eq!(
        code(&read_invoice(&huge, None).unwrap_err()),
        "XML_TOO_LARGE"
    );
    // Still working after every refusal.
    assert!(build_invoice(standard()).is_ok());
}

#[wasm_bindgen_test]
fn the_whole_model_and_the_profiles_cross_the_js_api() {
    // An XRechnung for a German authority, with a date of supply, a payee, a line period and
    // item attributes, and an embedded file (base64).
    let invoice = standard();
    set(&invoice, "buyerReference", "991-01234-56".into());
    assert_eq!(
        suggest_profile(invoice.clone())
            .unwrap()
            .js_value()
            .as_string()
            .as_deref(),
        Some("xrechnung")
    );
    let extra = JSON::parse(
        r#"{"delivery": {"date": "2026-11-20", "address": {"city": "Hamburg", "postCode": "20095", "country": "DE"}},
            "payee": {"name": "Factor Bank AG"},
            "attachments": [{"reference": "T-1", "attachment":
                {"content": "JVBERi0xLjc=", "mimeCode": "application/pdf", "filename": "t.pdf"}}]}"#,
    )
    .unwrap();
    for key in ["delivery", "payee", "attachments"] {
        set(&invoice, key, get(&extra, key));
    }
    set(&invoice, "profile", "xrechnung".into());
    set(
        &invoice,
        "lines.0.period",
        JSON::parse(r#"{"start": "2026-11-01", "end": "2026-11-15"}"#).unwrap(),
    );
    let built = build_invoice(invoice).unwrap().js_value();
    let xml = Uint8Array::new(&get(&built, "xml")).to_vec();
    let read = read_invoice(&xml, None).unwrap().js_value();
    assert_eq!(
        get(&read, "profile").as_string().as_deref(),
        Some("xrechnung")
    );
    assert_eq!(get(&read, "valid").as_bool(), Some(true));
    for (path, value) in [
        ("invoice.profile", "xrechnung"),
        ("invoice.delivery.date", "2026-11-20"),
        ("invoice.payee.name", "Factor Bank AG"),
        ("invoice.attachments.0.attachment.content", "JVBERi0xLjc="),
        ("invoice.lines.0.period.end", "2026-11-15"),
    ] {
        assert_eq!(
            get(&read, path).as_string().as_deref(),
            Some(value),
            "{path}"
        );
    }
    // Checked as Peppol instead, the XRechnung BT-24 is refused.
    let as_peppol = read_invoice(&xml, Some("peppol".into()))
        .unwrap()
        .js_value();
    assert_eq!(get(&as_peppol, "valid").as_bool(), Some(false));
    assert_eq!(
        code(&read_invoice(&xml, Some("zugferd".into())).unwrap_err()),
        "INVALID_INPUT"
    );
}

#[wasm_bindgen_test]
fn name_keys_meet_for_lookalikes_only() {
    let acme = name_key("Acme GmbH");
    // Cyrillic "А" and "е", a zero-width joiner, fullwidth letters, "rn" for "m".
    for lookalike in [
        "\u{410}cm\u{435} GmbH",
        "Ac\u{200d}me GmbH",
        "\u{ff21}\u{ff43}\u{ff4d}\u{ff45} GmbH",
        "Acrne GmbH",
        "ACME  gmbh",
    ] {
        assert_eq!(name_key(lookalike), acme, "{lookalike:?}");
    }
    assert_ne!(name_key("Acne GmbH"), acme);
}
