//! Display names as people see them: characters that hide, and the key under which two names
//! that look alike compare equal.
//!
//! A card's name is chosen by its holder and verified by no one (SPEC §3.2). What protects a
//! reader is the fingerprint, and the check that a new sender's name does not look like the
//! name of someone already known under another key: "Acme GmbH" written with a Cyrillic "А",
//! with "rn" for "m", in fullwidth letters or with a zero-width joiner inside.
//! [`name_key`] maps all of those to one key; [`has_format_chars`] finds the invisible
//! characters that cards refuse outright. Document file names follow stricter rules of their
//! own ([`portable`]).

pub(crate) mod portable;

/// Unicode general category Cf (Unicode 15.1, unchanged in 16.0: 170 code points): invisible characters that change how text
/// around them is shown, such as U+200B ZERO WIDTH SPACE, U+200D ZERO WIDTH JOINER or U+202E
/// RIGHT-TO-LEFT OVERRIDE.
const FORMAT_CHARS: &[(u32, u32)] = &[
    (0xAD, 0xAD),
    (0x600, 0x605),
    (0x61C, 0x61C),
    (0x6DD, 0x6DD),
    (0x70F, 0x70F),
    (0x890, 0x891),
    (0x8E2, 0x8E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// Whether `c` is a Unicode format character (general category Cf).
pub fn is_format_char(c: char) -> bool {
    FORMAT_CHARS
        .iter()
        .any(|&(lo, hi)| (lo..=hi).contains(&u32::from(c)))
}

/// Whether `s` holds a Unicode format character (general category Cf), which would make it
/// look unlike its bytes: U+200B, U+200D, U+202E, U+FEFF and the like.
pub fn has_format_chars(s: &str) -> bool {
    s.chars().any(is_format_char)
}

/// The comparison key of a display name: two names with the same key look alike.
///
/// In order:
/// 1. format characters (Cf) are removed;
/// 2. NFKC (UAX #15): fullwidth "Ａｃｍｅ" and ligatures become plain letters;
/// 3. case folding and the UTS #39 confusable *skeleton*: the skeleton of the upper-case
///    form is taken, lower-cased, and skeletonized again, so that Latin, Greek and Cyrillic
///    lookalikes ("о", "ο", "o"), "rn" and "m", capital "I" and small "l", and "ACME" and
///    "acme" all meet;
/// 4. white space is collapsed to single spaces and trimmed.
///
/// The key is coarse on purpose: a missed lookalike lets an impostor through, while a false
/// match only asks the user to look twice. So some different names meet too, such as "Kiln"
/// and "Klin" (small "i" meets capital "I", which looks like small "l"). It is for comparison
/// only: it is not meant to be shown, and it changes when the Unicode tables do, so store
/// names, never keys.
#[cfg(feature = "unicode")]
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_security::skeleton;

    let visible: String = name.chars().filter(|c| !is_format_char(*c)).collect();
    let compatible: String = visible.nfkc().collect();
    // Upper case first, so that confusables that differ in case ("I" and "l") are mapped
    // before lower-casing would part them; then lower case, so that "ACME" meets "acme"; then
    // the skeleton again for lookalikes that only lower case has ("rn" and "m").
    let upper: String = compatible.chars().flat_map(char::to_uppercase).collect();
    let lower: String = skeleton(&upper).flat_map(char::to_lowercase).collect();
    let mut key = String::with_capacity(lower.len());
    for word in skeleton(&lower)
        .collect::<String>()
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_characters_are_found() {
        for hidden in [
            "Acme\u{200B}GmbH",
            "Acme\u{200D}GmbH",
            "Acme \u{202E}HbmG",
            "\u{FEFF}Acme",
            "Ac\u{AD}me",
            "Acme\u{2066}",
            "Acme\u{E0041}",
        ] {
            assert!(has_format_chars(hidden), "{hidden:?}");
        }
        for plain in [
            "Acme GmbH",
            "Müller & Söhne",
            "Ελληνικά",
            "Москва",
            "東京",
            "",
        ] {
            assert!(!has_format_chars(plain), "{plain:?}");
        }
    }

    #[test]
    fn the_format_table_is_sorted_and_holds_the_170_cf_code_points() {
        let count: u32 = FORMAT_CHARS.iter().map(|&(lo, hi)| hi - lo + 1).sum();
        assert_eq!(count, 170);
        for pair in FORMAT_CHARS.windows(2) {
            if let [(lo, hi), (next, _)] = pair {
                assert!(lo <= hi && hi + 1 < *next, "{pair:?}");
            }
        }
        // The ends of every range are Cf, and the code points just outside them are not.
        for &(lo, hi) in FORMAT_CHARS {
            for (c, cf) in [(lo, true), (hi, true), (lo - 1, false), (hi + 1, false)] {
                let c = char::from_u32(c).unwrap_or_default();
                assert_eq!(is_format_char(c), cf, "U+{:04X}", u32::from(c));
            }
        }
    }

    #[cfg(feature = "unicode")]
    #[test]
    fn lookalikes_share_a_key() {
        let pairs = [
            // Cyrillic А (U+0410) and с, е (U+0441, U+0435) for Latin letters.
            ("Acme GmbH", "\u{410}cme GmbH"),
            ("Acme GmbH", "A\u{441}m\u{435} GmbH"),
            // Greek Ο (U+039F) and ο (U+03BF), Cyrillic о (U+043E).
            ("Otto Logistik", "\u{39F}tto L\u{3BF}gistik"),
            ("Otto Logistik", "\u{41E}tt\u{43E} L\u{43E}gistik"),
            // "rn" for "m".
            ("Acme GmbH", "Acrne GrnbH"),
            // Capital I for small l, and digit 1 for l.
            ("PayPal", "PayPaI"),
            ("Global Trade", "G1obal Trade"),
            // Zero-width joiner, zero-width space, soft hyphen, byte order mark, RLO.
            ("Acme GmbH", "Ac\u{200D}me GmbH"),
            ("Acme GmbH", "Acme\u{200B} GmbH"),
            ("Acme GmbH", "Ac\u{AD}me GmbH"),
            ("Acme GmbH", "\u{FEFF}Acme GmbH"),
            ("Acme GmbH", "Acme \u{202E}GmbH"),
            // Fullwidth letters (NFKC) and a no-break space.
            ("Acme GmbH", "\u{FF21}\u{FF43}\u{FF4D}\u{FF45} GmbH"),
            ("Acme GmbH", "Acme\u{A0}GmbH"),
            // Case, and white space.
            ("Acme GmbH", "ACME GMBH"),
            ("Acme GmbH", "acme gmbh"),
            ("Acme GmbH", "  Acme   GmbH "),
            ("Straße AG", "STRASSE AG"),
            // Several tricks at once: Cyrillic а, a zero-width joiner and fullwidth M.
            ("Acme GmbH", "\u{430}c\u{200D}\u{FF4D}e GMBH"),
        ];
        for (a, b) in pairs {
            assert_eq!(name_key(a), name_key(b), "{a:?} and {b:?}");
        }
    }

    #[cfg(feature = "unicode")]
    #[test]
    fn different_names_keep_different_keys() {
        let names = [
            "Acme GmbH",
            "Acme AG",
            "Acne GmbH",
            "Apex GmbH",
            "Client AG",
            "Client SA",
            "Client SARL",
            "Mallory Ltd",
            "Müller & Söhne",
            "Muller & Sohne",
            "Bäckerei Schmidt",
            "Bäckerei Schmitt",
            "Anna Berg",
            "Hanna Berg",
            "Jan de Vries",
            "Jon de Vries",
            "Otto Logistik",
            "Otto Logistics",
            "Москва Трейд",
            "Ελληνικά Δίκτυα",
            "東京商事",
            "大阪商事",
            "Invoice Team 2",
            "Invoice Team 3",
        ];
        for (i, a) in names.iter().enumerate() {
            for b in names.iter().skip(i + 1) {
                assert_ne!(name_key(a), name_key(b), "{a:?} and {b:?} collide");
            }
        }
    }

    #[cfg(feature = "unicode")]
    #[test]
    fn keys_are_trimmed_and_collapsed() {
        assert_eq!(name_key("  Acme \t GmbH  "), name_key("Acme GmbH"));
        assert!(!name_key("Acme GmbH").contains("  "));
        assert_eq!(name_key("\u{200B}"), "");
        assert_eq!(name_key(""), "");
    }
}
