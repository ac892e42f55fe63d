//! Delivery (BG-13), periods (BG-14, BG-26), preceding invoices (BG-3) and supporting documents
//! (BG-24).

use super::party::{Address, Identifier};
use super::plain_struct;

plain_struct! {
    /// Delivery information (BG-13).
    pub struct Delivery {
        /// BT-72: the actual delivery date (the date of supply), `YYYY-MM-DD`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub date: Option<String>,
        /// BT-70: the deliver-to party's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// BT-71: the deliver-to location, such as a GLN, with its scheme.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub location_id: Option<Identifier>,
        /// BG-15: the deliver-to address; its country (BT-80) is required.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub address: Option<Address>,
    }
}

plain_struct! {
    /// A period (BG-14 for the invoice, BG-26 for a line): `YYYY-MM-DD` dates.
    pub struct Period {
        /// BT-73 / BT-134: the first day.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub start: Option<String>,
        /// BT-74 / BT-135: the last day.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub end: Option<String>,
    }
}

plain_struct! {
    /// A preceding invoice (BG-3).
    pub struct PrecedingInvoice {
        /// BT-25: its number.
        pub reference: String,
        /// BT-26: its issue date, `YYYY-MM-DD`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub issue_date: Option<String>,
    }
}

plain_struct! {
    /// An additional supporting document (BG-24): a reference, a link, or an embedded file.
    pub struct SupportingDocument {
        /// BT-122: the document's reference.
        pub reference: String,
        /// BT-123: what it is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        /// BT-124: where to find it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub uri: Option<String>,
        /// BT-125: the embedded file.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attachment: Option<Attachment>,
    }
}

plain_struct! {
    /// An embedded file (BT-125).
    pub struct Attachment {
        /// The bytes, base64 (RFC 4648, standard alphabet).
        pub content: String,
        /// BT-125-1: the media type, such as `application/pdf`.
        pub mime_code: String,
        /// BT-125-2: the file name.
        pub filename: String,
    }
}

/// Base64 (RFC 4648 §4) of bytes, with padding.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        let sextet = |shift: u32| {
            char::from(
                ALPHABET
                    .get((n >> shift & 63) as usize)
                    .copied()
                    .unwrap_or(b'='),
            )
        };
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

/// The bytes of strict base64 (whitespace allowed), or `None`.
pub(crate) fn from_base64(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for (i, quad) in clean.chunks(4).enumerate() {
        let last = (i + 1) * 4 == clean.len();
        let mut n: u32 = 0;
        let mut pad = 0;
        for (j, &c) in quad.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' if last && j >= 2 => {
                    pad += 1;
                    0
                }
                _ => return None,
            };
            if pad > 0 && c != b'=' {
                return None;
            }
            n = n << 6 | u32::from(v);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(bytes.get(1..4 - pad)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_follows_rfc_4648() {
        for (plain, encoded) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"fooba", "Zm9vYmE="),
            (b"foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain), encoded);
            assert_eq!(from_base64(encoded).as_deref(), Some(plain));
        }
        for bad in ["Zg=", "Z===", "Zm9v!", "Zg==Zg==", "=Zg="] {
            assert_eq!(from_base64(bad), None, "{bad}");
        }
    }
}
