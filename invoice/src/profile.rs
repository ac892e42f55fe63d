//! The sensible default profile for an invoice, from its seller and buyer (SPEC §9.1).

use crate::plain::{Party, PlainInvoice, Profile};

/// Whether `text` has the shape of a Leitweg-ID, the routing id of German public buyers:
/// 2 to 12 digits (coarse address), optionally `-` and 1 to 30 letters or digits (fine address),
/// then `-` and 2 check digits, such as `991-01234-56` or `04011000-1234512345-06`.
pub fn is_leitweg_id(text: &str) -> bool {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    match parts.as_slice() {
        [coarse, check] => digits(coarse, 2, 12) && digits(check, 2, 2),
        [coarse, fine, check] => {
            digits(coarse, 2, 12)
                && (1..=30).contains(&fine.len())
                && fine.bytes().all(|b| b.is_ascii_alphanumeric())
                && digits(check, 2, 2)
        }
        _ => false,
    }
}

fn country(party: &Party) -> &str {
    party.address.country.trim()
}

/// Whether a party has an electronic address in a Peppol participant scheme (anything but `EM`,
/// an e-mail address, which Peppol BIS 3 does not accept).
fn on_peppol(party: &Party) -> bool {
    party
        .electronic_address
        .as_ref()
        .is_some_and(|e| !e.id.trim().is_empty() && !matches!(e.scheme.trim(), "" | "EM"))
}

/// The profile an invoice should claim, from its seller's and buyer's data (SPEC §9.1):
///
/// 1. **XRechnung** when the buyer is in Germany and is addressed by a Leitweg-ID: the buyer
///    reference (BT-10) has its shape, or the buyer's electronic address has scheme `0204`.
///    German public authorities must be sent XRechnung.
/// 2. **Peppol BIS 3** when both the seller and the buyer have an electronic address in a Peppol
///    participant scheme (a GLN, a VAT number, …; not `EM`).
/// 3. **Plain EN 16931** otherwise: it accepts e-mail addresses (`EM`) and has no Peppol rules,
///    which suits a small business invoicing clients who are not on Peppol.
pub fn suggest_profile(invoice: &PlainInvoice) -> Profile {
    let buyer = &invoice.buyer;
    let leitweg = invoice
        .buyer_reference
        .as_deref()
        .is_some_and(is_leitweg_id)
        || buyer
            .electronic_address
            .as_ref()
            .is_some_and(|e| e.scheme.trim() == "0204");
    if country(buyer).eq_ignore_ascii_case("DE") && leitweg {
        Profile::Xrechnung
    } else if on_peppol(&invoice.seller) && on_peppol(buyer) {
        Profile::Peppol
    } else {
        Profile::En16931
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plain::ElectronicAddress;

    #[test]
    fn leitweg_ids_are_recognised() {
        for id in [
            "991-01234-56",
            "04011000-1234512345-06",
            "992-90009-96",
            "05315-12",
        ] {
            assert!(is_leitweg_id(id), "{id}");
        }
        for id in ["PO-7781", "991-01234-5", "", "1-2-3-4", "991--56", "abc-12"] {
            assert!(!is_leitweg_id(id), "{id}");
        }
    }

    fn party(country: &str, scheme: Option<&str>) -> Party {
        let mut p = Party::default();
        p.address.country = country.into();
        p.electronic_address = scheme.map(|s| ElectronicAddress {
            id: "x@example.com".into(),
            scheme: s.into(),
        });
        p
    }

    #[test]
    fn the_default_follows_the_parties() {
        let mut inv = PlainInvoice {
            seller: party("DE", Some("9930")),
            buyer: party("DE", Some("9930")),
            buyer_reference: Some("991-01234-56".into()),
            ..PlainInvoice::default()
        };
        assert_eq!(suggest_profile(&inv), Profile::Xrechnung);
        inv.buyer_reference = Some("PO-1".into());
        assert_eq!(suggest_profile(&inv), Profile::Peppol);
        inv.buyer = party("DE", Some("0204"));
        assert_eq!(suggest_profile(&inv), Profile::Xrechnung);
        inv.buyer = party("FR", Some("EM"));
        assert_eq!(suggest_profile(&inv), Profile::En16931);
        inv.buyer = party("AT", None);
        inv.buyer_reference = Some("991-01234-56".into());
        assert_eq!(suggest_profile(&inv), Profile::En16931);
    }
}
