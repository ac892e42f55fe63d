//! Document file names that every common file system can hold, and the key under which two
//! names that would land on the same file compare equal (SPEC §3.6).
//!
//! A reader writes an envelope's documents to disk under their manifest names. A name that
//! Windows cannot create (`CON`, `a:b`, `invoice.`), or two names that a case-insensitive file
//! system maps to one file (`Invoice.xml` and `INVOICE.XML`), would make the second document
//! fail to be written, or overwrite the first.

use super::is_format_char;

/// The characters Windows refuses in file names besides `/` and `\`, which the manifest rule
/// refuses anyway, and the control characters, which no text field holds.
const WINDOWS_FORBIDDEN: [char; 7] = ['<', '>', ':', '"', '|', '?', '*'];

/// The stems Windows reserves for devices, in upper case; `COM` and `LPT` take a digit 0 to 9
/// or a superscript one, two or three (see [`is_reserved_device_name`]).
const DEVICES: [&str; 4] = ["CON", "PRN", "AUX", "NUL"];
const NUMBERED_DEVICES: [&str; 2] = ["COM", "LPT"];
const DEVICE_NUMBERS: [char; 13] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '\u{B9}', '\u{B2}', '\u{B3}',
];

/// Checks that `name` is portable: no `<>:"|?*`, no Unicode format character (Cf), not a
/// Windows device name (with or without an extension), and no trailing dot or space. Returns
/// the rule broken, as a message naming it.
pub(crate) fn check(name: &str) -> Result<(), &'static str> {
    if name.contains(WINDOWS_FORBIDDEN) {
        return Err("a document name must not contain any of < > : \" | ? *");
    }
    if name.chars().any(is_format_char) {
        return Err("a document name must not hide characters (Unicode format characters)");
    }
    if name.ends_with(['.', ' ']) {
        return Err("a document name must not end with a dot or a space");
    }
    if is_reserved_device_name(name) {
        return Err(
            "a document name must not be a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9), with or without an extension",
        );
    }
    Ok(())
}

/// Whether Windows reads `name` as a device: its part before the first dot, without trailing
/// spaces and compared in ASCII upper case, is `CON`, `PRN`, `AUX`, `NUL`, or `COM` or `LPT`
/// followed by a digit or a superscript ¹, ² or ³. So `con`, `Con.txt`, `nul .xml` and
/// `COM¹.pdf` are device names; `console.txt` and `com10` are not.
pub(crate) fn is_reserved_device_name(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end_matches(' ');
    let is = |upper: &str| stem.eq_ignore_ascii_case(upper);
    if DEVICES.iter().any(|d| is(d)) {
        return true;
    }
    let mut chars = stem.chars();
    let number = chars.next_back();
    NUMBERED_DEVICES
        .iter()
        .any(|d| chars.as_str().eq_ignore_ascii_case(d))
        && number.is_some_and(|n| DEVICE_NUMBERS.contains(&n))
}

/// The key under which two names collide on a case-insensitive file system: every character
/// mapped to upper case, then to lower case (Unicode default case mappings). `Invoice.xml`,
/// `INVOICE.XML` and `ınvoice.xml` (dotless ı) share a key. Names are not normalized (NFC):
/// the rule must hold alike in readers without Unicode normalization tables.
pub(crate) fn collision_key(name: &str) -> String {
    name.chars()
        .flat_map(char::to_uppercase)
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_are_found_with_any_case_and_extension() {
        for name in [
            "CON",
            "con",
            "Con.txt",
            "PRN.xml",
            "aux",
            "NUL.tar.gz",
            "nul .xml",
            "COM1",
            "com9.pdf",
            "COM0",
            "LPT1",
            "lpt9.txt",
            "COM\u{B9}",
            "lpt\u{B2}.pdf",
            "LPT\u{B3}",
        ] {
            assert!(is_reserved_device_name(name), "{name:?}");
            assert!(check(name).is_err(), "{name:?}");
        }
        for name in [
            "console.txt",
            "com10",
            "COM",
            "lpt",
            "LPTX",
            "nullable.xml",
            "auxiliary",
            "con-1.xml",
            "invoice.con",
            "my.nul",
            "COM\u{2074}",
        ] {
            assert!(!is_reserved_device_name(name), "{name:?}");
        }
    }

    #[test]
    fn unportable_names_break_a_named_rule() {
        let cases = [
            ("invoice:stream.xml", "< > :"),
            ("what?.pdf", "< > :"),
            ("a*b", "< > :"),
            ("a<b>.xml", "< > :"),
            ("say \"hi\".txt", "< > :"),
            ("a|b", "< > :"),
            ("invoice.", "dot or a space"),
            ("invoice.xml...", "dot or a space"),
            ("invoice ", "dot or a space"),
            ("invoice\u{200B}.xml", "format characters"),
            ("Ac\u{AD}me.pdf", "format characters"),
            ("invoice\u{2067}.xml", "format characters"),
            ("NUL.xml", "device name"),
        ];
        for (name, rule) in cases {
            let why = check(name).err().unwrap_or_default();
            assert!(why.contains(rule), "{name:?}: {why:?}");
        }
        for name in [
            "invoice.xml",
            "Rechnung Müller.pdf",
            "счёт.xml",
            "請求書.pdf",
            "a.b.c",
            "x",
        ] {
            assert_eq!(check(name), Ok(()), "{name:?}");
        }
    }

    #[test]
    fn names_that_differ_in_case_collide() {
        let key = collision_key("invoice.xml");
        for name in [
            "Invoice.xml",
            "INVOICE.XML",
            "iNvOiCe.XmL",
            "\u{131}nvoice.xml",
        ] {
            assert_eq!(collision_key(name), key, "{name:?}");
        }
        assert_eq!(
            collision_key("\u{212A}ontakt.pdf"),
            collision_key("kontakt.pdf")
        );
        assert_eq!(collision_key("Ωmega"), collision_key("ωMEGA"));
        assert_ne!(collision_key("invoice.xml"), collision_key("invoice2.xml"));
        assert_ne!(collision_key("a.pdf"), collision_key("ä.pdf"));
    }
}
