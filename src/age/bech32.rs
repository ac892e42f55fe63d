//! Bech32 (BIP 173) without the length limit, as age uses it for keys (C2SP age
//! "Conventions"). Written here so that secret keys pass only through buffers we wipe.

use zeroize::Zeroizing;

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR: [u32; 5] = [
    0x3b6a_57b2,
    0x2650_8e6d,
    0x1ea1_19fa,
    0x3d42_33dd,
    0x2a14_62b3,
];

fn polymod(values: impl Iterator<Item = u8>) -> u32 {
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GENERATOR.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

fn hrp_expand(hrp: &[u8]) -> impl Iterator<Item = u8> + '_ {
    hrp.iter()
        .map(|c| c >> 5)
        .chain(core::iter::once(0))
        .chain(hrp.iter().map(|c| c & 31))
}

/// Regroups bits (8 → 5 or 5 → 8); `pad` adds a final partial group, otherwise the leftover
/// bits must be zero padding of fewer than `from` bits.
fn convert_bits(data: &[u8], from: u32, to: u32, pad: bool) -> Option<Zeroizing<Vec<u8>>> {
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let max = (1u32 << to) - 1;
    let mut out = Zeroizing::new(Vec::with_capacity(
        data.len() * from as usize / to as usize + 1,
    ));
    for &value in data {
        acc = ((acc << from) | u32::from(value)) & 0xffff;
        bits += from;
        while bits >= to {
            bits -= to;
            out.push(((acc >> bits) & max) as u8);
        }
    }
    if pad {
        if bits > 0 {
            out.push(((acc << (to - bits)) & max) as u8);
        }
    } else if bits >= from || (acc << (to - bits)) & max != 0 {
        return None;
    }
    zeroize::Zeroize::zeroize(&mut acc);
    Some(out)
}

/// Encodes `data` under the lowercase `hrp`.
pub(crate) fn encode(hrp: &str, data: &[u8]) -> Zeroizing<String> {
    let words = convert_bits(data, 8, 5, true).unwrap_or_default();
    let checksum = polymod(
        hrp_expand(hrp.as_bytes())
            .chain(words.iter().copied())
            .chain([0u8; 6]),
    ) ^ 1;
    let mut out = Zeroizing::new(String::with_capacity(hrp.len() + 1 + words.len() + 6));
    out.push_str(hrp);
    out.push('1');
    let symbol = |w: u32| char::from(CHARSET.get((w & 31) as usize).copied().unwrap_or(b'q'));
    for &w in words.iter() {
        out.push(symbol(u32::from(w)));
    }
    for i in 0..6 {
        out.push(symbol(checksum >> (5 * (5 - i))));
    }
    out
}

/// Decodes a Bech32 string, all lowercase or all uppercase; returns the lowercase HRP and data.
pub(crate) fn decode(text: &str) -> Option<(String, Zeroizing<Vec<u8>>)> {
    let bytes = text.as_bytes();
    let has_lower = bytes.iter().any(u8::is_ascii_lowercase);
    let has_upper = bytes.iter().any(u8::is_ascii_uppercase);
    if has_lower && has_upper || !bytes.iter().all(|c| (33..=126).contains(c)) {
        return None;
    }
    let lower = Zeroizing::new(text.to_ascii_lowercase());
    let sep = lower.rfind('1')?;
    let (hrp, rest) = lower.split_at(sep);
    let data = rest.get(1..)?;
    if hrp.is_empty() || data.len() < 6 {
        return None;
    }
    let mut words = Zeroizing::new(Vec::with_capacity(data.len()));
    for c in data.bytes() {
        let w = CHARSET.iter().position(|&x| x == c)?;
        words.push(w as u8);
    }
    if polymod(hrp_expand(hrp.as_bytes()).chain(words.iter().copied())) != 1 {
        return None;
    }
    let payload = words.get(..words.len() - 6)?;
    Some((hrp.to_owned(), convert_bits(payload, 5, 8, false)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bip173_valid_checksums() {
        for s in [
            "A12UEL5L",
            "a12uel5l",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        ] {
            assert!(decode(s).is_some(), "{s}");
        }
    }

    #[test]
    fn bip173_invalid() {
        for s in [
            "pzry9x0s0muk",
            "1pzry9x0s0muk",
            "x1b4n0q5v",
            "li1dgmt3",
            "A1G7SGD8",
            "10a06t8",
            "1qzzfhee",
            "A12uEL5L",
        ] {
            assert!(decode(s).is_none(), "{s}");
        }
    }

    #[test]
    fn round_trip() {
        let data: Vec<u8> = (0u8..32).collect();
        let text = encode("age", &data);
        let (hrp, back) = decode(&text).unwrap_or_else(|| (String::new(), Zeroizing::new(vec![])));
        assert_eq!(hrp, "age");
        assert_eq!(back.as_slice(), data.as_slice());
    }
}
