//! What the fuzz targets share: the fixed reader, split points, and the error codes each
//! decoder may answer (the codes of `Error::code`, SPEC §7).

use std::sync::OnceLock;

use zeroize::Zeroizing;

/// The seed of the test kit's client (tests/vectors/sealbill/envelope-client), so that the
/// envelope vectors open with [`reader`].
const READER_SEED: [u8; 32] = [
    0x1e, 0xb0, 0x3e, 0xb7, 0x8d, 0x3f, 0x18, 0x5c, 0x43, 0x4e, 0xf7, 0xab, 0x6e, 0x31, 0x59, 0x6d,
    0x92, 0xa2, 0x3c, 0x87, 0xf6, 0x79, 0x1e, 0x65, 0x47, 0x64, 0xd4, 0xc0, 0x71, 0x4f, 0x7e, 0xfd,
];

/// The fixed identity the envelope target opens with: the test kit's client.
pub fn reader() -> &'static sealbill::Identity {
    static READER: OnceLock<sealbill::Identity> = OnceLock::new();
    READER.get_or_init(|| {
        match sealbill::Identity::from_seed("Fuzz reader", Zeroizing::new(READER_SEED)) {
            Ok(identity) => identity,
            Err(e) => panic!("the fixed reader seed is valid: {e}"),
        }
    })
}

/// Where to cut `data` in two when a target pushes it in pieces: chosen by its first byte, so
/// that the fuzzer explores every split of every input.
pub fn split_point(data: &[u8]) -> usize {
    data.first()
        .map_or(0, |&b| usize::from(b) * data.len() / usize::from(u8::MAX))
}

/// Panics (a finding) unless `result` is `Ok` or fails with one of `codes`.
pub fn expect_codes<T>(what: &str, result: &sealbill::Result<T>, codes: &[&str]) {
    if let Err(e) = result {
        assert!(
            codes.contains(&e.code()),
            "{what}: undocumented error {} ({e})",
            e.code()
        );
        // Every error has a message, and Display must not panic.
        assert!(!e.to_string().is_empty());
    }
}

/// The codes a decoder of untrusted bytes may answer: the input is malformed or over a limit.
pub const DECODE: &[&str] = &["MALFORMED", "LIMIT_EXCEEDED", "TRUNCATED"];

/// The codes opening an envelope may answer (SPEC §4.2), besides those of a team envelope.
pub const OPEN: &[&str] = &[
    "MALFORMED",
    "LIMIT_EXCEEDED",
    "TRUNCATED",
    "WRONG_KEY",
    "TAMPERED",
    "BAD_SIGNATURE",
    "NOT_FOR_YOU",
    "NOT_A_MEMBER",
    "ROLE_CANNOT_SEND",
    "MEMBERSHIP_EXPIRED",
    "MEMBERSHIP_NOT_YET_VALID",
];

/// The codes reading an invoice may answer (sealbill_invoice::Error::code).
const INVOICE: &[&str] = &["INVALID_INVOICE", "BAD_XML", "XML_TOO_LARGE", "NOT_UBL"];

/// Reads untrusted invoice XML every way the invoice crate does, and checks what holds for any
/// input: no panic, only the documented codes, `read_valid_ubl` agreeing with `read`, and a
/// document read as `syntax` that converts to the other syntax reads back with the same number,
/// currency, line amounts and amount due.
pub fn read_invoice(data: &[u8], syntax: sealbill_invoice::Syntax) {
    use sealbill_invoice::{convert, read, read_valid_ubl, Error, Syntax};
    let read_code = |r: &Result<sealbill_invoice::Checked, Error>| {
        if let Err(e) = r {
            assert!(
                INVOICE.contains(&e.code()),
                "undocumented error {}",
                e.code()
            );
            assert!(!e.to_string().is_empty());
        }
    };
    let checked = read(data);
    read_code(&checked);
    let valid = read_valid_ubl(data);
    read_code(&valid);
    match (&checked, &valid) {
        (Err(a), Err(b)) => assert_eq!(a, b),
        (Ok(c), Ok(v)) => assert!(c == v && c.is_ubl && c.is_valid()),
        (Ok(c), Err(Error::NotUbl)) => assert!(!c.is_ubl),
        (Ok(c), Err(Error::Invalid(_))) => assert!(c.is_ubl && !c.is_valid()),
        _ => panic!("read and read_valid_ubl disagree"),
    }
    let Ok(checked) = checked else {
        return;
    };
    if checked.is_ubl != (syntax == Syntax::Ubl) {
        return;
    }
    let other = match syntax {
        Syntax::Ubl => Syntax::Cii,
        _ => Syntax::Ubl,
    };
    match convert(data, other) {
        Ok(converted) => {
            let back = read(converted.as_bytes());
            match back {
                Ok(back) => {
                    assert_eq!(back.is_ubl, other == Syntax::Ubl);
                    // Not the whole object: the conversion does not keep a zero apart from an
                    // absent amount (docs/SECURITY-TESTING.md, "Findings").
                    let key = |i: &sealbill_invoice::PlainInvoice| {
                        let lines: Vec<_> = i
                            .lines
                            .iter()
                            .map(|l| (l.id.clone(), l.quantity.clone(), l.net_amount.clone()))
                            .collect();
                        let due = i.totals.as_ref().map(|t| t.payable.clone());
                        (i.number.clone(), i.currency.clone(), lines, due)
                    };
                    assert_eq!(
                        key(&back.invoice),
                        key(&checked.invoice),
                        "conversion keeps the invoice"
                    );
                }
                Err(e) => panic!("a converted document reads back: {e}"),
            }
        }
        Err(e) => assert!(
            matches!(e.code(), "INVALID_INVOICE" | "XML_TOO_LARGE"),
            "conversion: {e}"
        ),
    }
}
