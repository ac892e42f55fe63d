//! The payee accounts of an invoice (BT-84), which a team member's invoice may name only when
//! the owner signed them (SPEC §3.8).

use crate::failure::Failure;

/// Every payee account identifier (BT-84) of a UBL invoice, as written: one per
/// `cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID`, of every `cac:PaymentMeans`.
///
/// A payment account the reader could not take into its model (a second account id in one
/// account, a second card or mandate) is refused rather than left unchecked. A card or a
/// mandate beside the accounts is held and names no payee account.
pub fn payee_accounts(xml: &[u8]) -> Result<Vec<String>, Failure> {
    let read = en16931_formats::read(xml).map_err(|e| {
        Failure::new(format!(
            "the invoice's payment accounts cannot be read: {e} [MALFORMED]"
        ))
    })?;
    if let Some(entry) = read.entries.iter().find(|e| {
        e.path.ends_with("PaymentMeans")
            || e.path.contains("PayeeFinancialAccount")
            || e.path.contains("PaymentMeans/CardAccount")
            || e.path.contains("PaymentMeans/PaymentMandate")
    }) {
        return Err(Failure::new(format!(
            "the invoice's payment means hold something that cannot be checked against the \
             team's bank accounts ({}: {}); a team's invoice names each account once, as \
             credit transfers only [ACCOUNT_NOT_ALLOWED]",
            entry.path, entry.message
        )));
    }
    let mut accounts = Vec::new();
    if let Some(p) = &read.invoice.payment {
        for transfer in &p.means.credit_transfers {
            match &transfer.account_identifier {
                Some(id) => accounts.push(id.clone()),
                // BR-50: a credit transfer names its account; one that does not is refused,
                // as it cannot be checked.
                None => accounts.push(String::new()),
            }
        }
    }
    Ok(accounts)
}

#[cfg(test)]
mod tests {
    use super::payee_accounts;

    const INVOICE: &str = include_str!("../../invoice/tests/invoices/valid/standard.xml");

    #[test]
    fn every_payee_account_is_found() {
        let accounts = payee_accounts(INVOICE.as_bytes()).unwrap();
        assert_eq!(accounts.len(), 1);
        let iban = accounts.first().unwrap().clone();
        // A second cac:PaymentMeans with another account is found too.
        let start = INVOICE.find("<cac:PaymentMeans>").unwrap();
        let end = INVOICE.find("</cac:PaymentMeans>").unwrap() + "</cac:PaymentMeans>".len();
        let means = &INVOICE[start..end];
        let second = means.replace(&iban, "GB82WEST12345698765432");
        let doubled = INVOICE.replacen(means, &format!("{means}\n    {second}"), 1);
        assert_eq!(
            payee_accounts(doubled.as_bytes()).unwrap(),
            [iban.as_str(), "GB82WEST12345698765432"]
        );
    }

    /// Payment details that another reader might show but the model does not hold are
    /// refused rather than left unchecked.
    #[test]
    fn accounts_the_model_does_not_hold_are_refused() {
        const ACCOUNT: &str = "<cbc:ID>DE02120300000000202051</cbc:ID>";
        let second_id = INVOICE.replacen(
            ACCOUNT,
            &format!("{ACCOUNT}<cbc:ID>GB82WEST12345698765432</cbc:ID>"),
            1,
        );
        let card = "<cac:CardAccount><cbc:PrimaryAccountNumberID>1234\
             </cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>";
        let start = INVOICE.find("<cac:PaymentMeans>").unwrap();
        let end = INVOICE.find("</cac:PaymentMeans>").unwrap() + "</cac:PaymentMeans>".len();
        let means = &INVOICE[start..end];
        let with_card = means.replacen(
            "<cac:PayeeFinancialAccount>",
            &format!("{card}<cac:PayeeFinancialAccount>"),
            1,
        );
        let other_card = with_card.replace("1234", "5678");
        let two_cards = INVOICE.replacen(means, &format!("{with_card}\n    {other_card}"), 1);
        for xml in [second_id, two_cards] {
            let err = payee_accounts(xml.as_bytes()).unwrap_err();
            assert!(err.to_string().contains("[ACCOUNT_NOT_ALLOWED]"), "{err}");
        }
        // A card beside the account is held, and the account is still found.
        let card_beside = INVOICE.replacen(means, &with_card, 1);
        assert_eq!(
            payee_accounts(card_beside.as_bytes()).unwrap(),
            ["DE02120300000000202051"]
        );
    }
}
