//! Payment instructions (BG-16): credit transfer to one or more accounts (BG-17), payment card
//! (BG-18) and direct debit (BG-19), alone or together.

use super::plain_struct;

plain_struct! {
    /// How to pay. A credit transfer names `iban` (and `additionalAccounts`); a card payment
    /// `card`; a direct debit `directDebit`. EN 16931 allows them together (accounts beside a
    /// mandate, say); `meansCode` says which one the buyer is to use. XRechnung allows only the
    /// one `meansCode` names (BR-DE-23 to BR-DE-25).
    pub struct Payment {
        /// BT-81: the UNTDID 4461 payment means code (default `58`, SEPA credit transfer; `30`
        /// credit transfer, `48`/`54`/`55` card, `59` SEPA direct debit).
        #[serde(default = "default_means_code")]
        pub means_code: String,
        /// BT-82: the payment means as text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub means_text: Option<String>,
        /// BT-84: the account to pay into, an IBAN (or another account id for code 30).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub iban: Option<String>,
        /// BT-86: the bank's BIC.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bic: Option<String>,
        /// BT-85: the account holder's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account_name: Option<String>,
        /// BG-17: further accounts the buyer may pay into, after `iban`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub additional_accounts: Vec<Account>,
        /// BG-18: payment by card.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub card: Option<Card>,
        /// BG-19: payment by direct debit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub direct_debit: Option<DirectDebit>,
        /// BT-83: the remittance information to quote when paying.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reference: Option<String>,
    }
}

pub(crate) fn default_means_code() -> String {
    "58".into()
}

plain_struct! {
    /// A credit transfer account (BG-17).
    pub struct Account {
        /// BT-84: the account identifier, an IBAN for SEPA.
        pub iban: String,
        /// BT-86: the BIC.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bic: Option<String>,
        /// BT-85: the account holder's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account_name: Option<String>,
    }
}

plain_struct! {
    /// Payment card information (BG-18).
    pub struct Card {
        /// BT-87: the card number, at most its first six and last four digits (BR-51).
        pub number: String,
        /// BT-88: the card holder's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub holder_name: Option<String>,
    }
}

plain_struct! {
    /// A SEPA direct debit (BG-19).
    pub struct DirectDebit {
        /// BT-89: the mandate reference.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mandate_reference: Option<String>,
        /// BT-90: the seller's (or payee's) SEPA creditor identifier.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub creditor_id: Option<String>,
        /// BT-91: the buyer's account to be debited.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub debited_account: Option<String>,
    }
}
