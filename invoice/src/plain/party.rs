//! The parties: seller (BG-4), buyer (BG-7), payee (BG-10), tax representative (BG-11).

use super::plain_struct;

plain_struct! {
    /// A seller or a buyer.
    pub struct Party {
        /// BT-27 / BT-44: the registered name.
        pub name: String,
        /// BT-28 / BT-45: a trading name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub trading_name: Option<String>,
        /// BT-29 / BT-46: other identifiers (a GLN, a customer number), each with its scheme.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub identifiers: Vec<Identifier>,
        /// BT-31 / BT-48: the VAT identifier with its country prefix, such as `DE123456789`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vat_id: Option<String>,
        /// BT-32 (seller): the tax registration identifier, such as a German Steuernummer; what a
        /// small business under §19 UStG states instead of a VAT id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tax_number: Option<String>,
        /// BT-30 / BT-47: the legal registration (company register) identifier.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub legal_id: Option<String>,
        /// BT-30-1 / BT-47-1: the scheme of `legalId` (ISO 6523 ICD), when stated.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub legal_id_scheme: Option<String>,
        /// BT-33 (seller): additional legal information, such as the share capital.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub legal_info: Option<String>,
        /// BT-34 / BT-49: the electronic address (Peppol endpoint), such as `{scheme: "EM", id: "…"}`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub electronic_address: Option<ElectronicAddress>,
        /// BG-5 / BG-8: the postal address.
        pub address: Address,
        /// BG-6 / BG-9: a contact.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contact: Option<Contact>,
    }
}

plain_struct! {
    /// An electronic address: an identifier and its EAS scheme code.
    pub struct ElectronicAddress {
        /// The identifier, such as an e-mail address or a GLN.
        pub id: String,
        /// The EAS code, such as `EM` (e-mail), `0088` (GLN), `9930` (German VAT) or `0204`
        /// (Leitweg-ID).
        pub scheme: String,
    }
}

plain_struct! {
    /// An identifier with an optional scheme (ISO 6523 ICD, UNTDID 7143, …).
    pub struct Identifier {
        /// The identifier.
        pub id: String,
        /// Its scheme, such as `0088` (GLN) or `SEPA`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub scheme: Option<String>,
    }
}

plain_struct! {
    /// A postal address.
    pub struct Address {
        /// BT-35 / BT-50 / BT-64 / BT-75: street and number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub street: Option<String>,
        /// BT-36 / BT-51 / BT-65 / BT-76: a second address line.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub additional_street: Option<String>,
        /// BT-162 / BT-163 / BT-164 / BT-165: a third address line.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub line3: Option<String>,
        /// BT-37 / BT-52 / BT-66 / BT-77: the city.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub city: Option<String>,
        /// BT-38 / BT-53 / BT-67 / BT-78: the post code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub post_code: Option<String>,
        /// BT-39 / BT-54 / BT-68 / BT-79: the region.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subdivision: Option<String>,
        /// BT-40 / BT-55 / BT-69 / BT-80: the ISO 3166-1 alpha-2 country code.
        pub country: String,
    }
}

plain_struct! {
    /// A contact person or department.
    pub struct Contact {
        /// BT-41 / BT-56.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// BT-42 / BT-57.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub phone: Option<String>,
        /// BT-43 / BT-58.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email: Option<String>,
    }
}

plain_struct! {
    /// The payee (BG-10): who is paid, when it is not the seller (a factor, a parent company).
    pub struct Payee {
        /// BT-59: the payee's name.
        pub name: String,
        /// BT-60: the payee's identifier, such as its SEPA creditor id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub identifier: Option<Identifier>,
        /// BT-61: the payee's legal registration identifier.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub legal_id: Option<Identifier>,
    }
}

plain_struct! {
    /// The seller's tax representative (BG-11).
    pub struct TaxRepresentative {
        /// BT-62: the name.
        pub name: String,
        /// BT-63: the VAT identifier.
        pub vat_id: String,
        /// BG-12: the postal address (BT-69, the country, is required).
        pub address: Address,
    }
}
