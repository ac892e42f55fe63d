//! Problems: what stops an invoice being sealed, each with its rule id and the field it concerns.

use en16931::bt::{Group, Path};
use en16931::{Finding, Severity};
use en16931_formats::report::Entry;
use serde::{Deserialize, Serialize};

/// The rule id of a problem found in the plain object before any business rule could run: a
/// value that is not a decimal, a date or a known code.
pub const INPUT_RULE: &str = "SEALBILL-INPUT";

/// How much a problem matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The invoice is invalid and is not sealed.
    Fatal,
    /// Advice; the invoice is still valid.
    Warning,
}

/// One problem with an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// The rule: an EN 16931 id (`BR-CO-10`), a Peppol id (`PEPPOL-EN16931-R003`), a syntax rule
    /// (`UBL-CR-646`), or [`INPUT_RULE`].
    pub rule: String,
    /// Fatal or warning.
    pub level: Level,
    /// The field of the plain object it concerns, such as `lines[1].vatRate`, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The business term it concerns, such as `BG-25[1]/BT-152`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl Problem {
    /// A fatal problem with the plain object itself.
    pub(crate) fn input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rule: INPUT_RULE.into(),
            level: Level::Fatal,
            field: Some(field.into()).filter(|f| !f.is_empty()),
            term: None,
            message: message.into(),
        }
    }

    /// Whether the problem stops the invoice being sealed.
    pub fn is_fatal(&self) -> bool {
        self.level == Level::Fatal
    }
}

impl core::fmt::Display for Problem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let level = match self.level {
            Level::Fatal => "error",
            Level::Warning => "warning",
        };
        write!(f, "{level} [{}]", self.rule)?;
        if let Some(at) = self.field.as_ref().or(self.term.as_ref()) {
            write!(f, " {at}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl From<&Finding> for Problem {
    fn from(finding: &Finding) -> Self {
        let mut message = finding.message.clone();
        if let Some(detail) = &finding.detail {
            message.push_str(&format!(
                " (expected {}, found {})",
                detail.expected, detail.actual
            ));
        }
        // Hints that name the crate's Rust API mean nothing to someone filling in a form.
        if let Some(hint) = finding.hint.as_ref().filter(|h| !h.contains("::")) {
            message.push_str(&format!(" Hint: {hint}"));
        }
        Self {
            rule: finding.rule.clone(),
            level: match finding.severity {
                Severity::Fatal => Level::Fatal,
                _ => Level::Warning,
            },
            field: field_of(&finding.path),
            term: Some(finding.path.to_string().trim().to_owned()),
            message,
        }
    }
}

impl Problem {
    /// A problem from reading or writing a document's syntax; `fatal` says whether it makes the
    /// document invalid.
    pub(crate) fn from_entry(entry: &Entry, fatal: bool) -> Self {
        let mut message = format!("{}: {}", entry.path, entry.message);
        if let Some(hint) = &entry.hint {
            message.push_str(&format!(" Hint: {hint}"));
        }
        Self {
            rule: entry
                .rule
                .clone()
                .unwrap_or_else(|| format!("SYNTAX-{:?}", entry.kind).to_uppercase()),
            level: if fatal { Level::Fatal } else { Level::Warning },
            field: entry
                .term
                .as_deref()
                .and_then(|t| t.strip_prefix("BT-")?.parse().ok())
                .and_then(|t| field_of(&Path::term(en16931::BtId(t)))),
            term: entry.term.clone(),
            message,
        }
    }
}

/// The plain-object field of a business-term path, where the plain object has one.
fn field_of(path: &Path) -> Option<String> {
    let term = path.term.map(|t| t.0);
    let at = |list: &str| path.index.map(|i| format!("{list}[{i}]"));
    let party = |name: &str, first: u16, street: u16| -> Option<String> {
        let Some(term) = term else {
            return Some(name.into());
        };
        let field = if term == first {
            "name"
        } else if term == first + 1 {
            "tradingName"
        } else if term == first + 2 {
            "identifiers"
        } else if term == 32 {
            "taxNumber"
        } else if term == 33 {
            "legalInfo"
        } else if term == first + 3 {
            "legalId"
        } else if term == first + 4 {
            "vatId"
        } else if term == street - 1 {
            "electronicAddress"
        } else {
            match term.checked_sub(street)? {
                0 => "address.street",
                1 => "address.additionalStreet",
                2 => "address.city",
                3 => "address.postCode",
                4 => "address.subdivision",
                5 => "address.country",
                6 => "contact.name",
                7 => "contact.phone",
                8 => "contact.email",
                _ => return Some(name.into()),
            }
        };
        Some(format!("{name}.{field}"))
    };
    let allowance_charge = |list: &str, base: u16| -> Option<String> {
        let item = at(list)?;
        let field = match term.and_then(|t| t.checked_sub(base)) {
            Some(0) => "amount",
            Some(1) => "baseAmount",
            Some(2) => "percentage",
            Some(3) => "vatCategory",
            Some(4) => "vatRate",
            Some(5) => "reason",
            Some(6) => "reasonCode",
            _ => return Some(item),
        };
        Some(format!("{item}.{field}"))
    };
    match path.group {
        Group::Document => Some(
            match term? {
                1 => "number",
                2 => "issueDate",
                3 => "typeCode",
                5 => "currency",
                6 => "vatAccountingCurrency",
                7 => "taxPointDate",
                8 => "taxPointDateCode",
                9 => "dueDate",
                10 => "buyerReference",
                11 => "projectReference",
                12 => "contractReference",
                13 => "orderReference",
                14 => "salesOrderReference",
                15 => "receivingAdviceReference",
                16 => "despatchAdviceReference",
                17 => "tenderReference",
                18 => "invoicedObject",
                19 => "buyerAccountingReference",
                20 => "paymentTerms",
                21 | 22 => "notes",
                23 => "businessProcess",
                24 => "specificationId",
                25 | 26 => "precedingInvoice",
                73 => "invoicingPeriod.start",
                74 => "invoicingPeriod.end",
                _ => return None,
            }
            .into(),
        ),
        Group::Seller => party("seller", 27, 35),
        Group::Buyer => party("buyer", 44, 50),
        Group::Payee => Some(
            match term {
                Some(59) => "payee.name",
                Some(60) => "payee.identifier",
                Some(61) => "payee.legalId",
                _ => "payee",
            }
            .into(),
        ),
        Group::TaxRepresentative => Some(
            match term {
                Some(62) => "taxRepresentative.name",
                Some(63) => "taxRepresentative.vatId",
                Some(64) => "taxRepresentative.address.street",
                Some(65) => "taxRepresentative.address.additionalStreet",
                Some(164) => "taxRepresentative.address.line3",
                Some(66) => "taxRepresentative.address.city",
                Some(67) => "taxRepresentative.address.postCode",
                Some(68) => "taxRepresentative.address.subdivision",
                Some(69) => "taxRepresentative.address.country",
                _ => "taxRepresentative",
            }
            .into(),
        ),
        Group::Delivery => Some(
            match term {
                Some(70) => "delivery.name",
                Some(71) => "delivery.locationId",
                Some(72) => "delivery.date",
                Some(75) => "delivery.address.street",
                Some(76) => "delivery.address.additionalStreet",
                Some(165) => "delivery.address.line3",
                Some(77) => "delivery.address.city",
                Some(78) => "delivery.address.postCode",
                Some(79) => "delivery.address.subdivision",
                Some(80) => "delivery.address.country",
                Some(73) => "invoicingPeriod.start",
                Some(74) => "invoicingPeriod.end",
                _ => "delivery",
            }
            .into(),
        ),
        Group::Attachment => at("attachments"),
        Group::Payment => Some(
            match term {
                Some(81) => "payment.meansCode",
                Some(82) => "payment.meansText",
                Some(83) => "payment.reference",
                Some(84) => "payment.iban",
                Some(85) => "payment.accountName",
                Some(86) => "payment.bic",
                Some(87) => "payment.card.number",
                Some(88) => "payment.card.holderName",
                Some(89) => "payment.directDebit.mandateReference",
                Some(90) => "payment.directDebit.creditorId",
                Some(91) => "payment.directDebit.debitedAccount",
                _ => "payment",
            }
            .into(),
        ),
        Group::DocumentAllowance => allowance_charge("allowances", 92),
        Group::DocumentCharge => allowance_charge("charges", 99),
        Group::VatBreakdown => match term {
            Some(120 | 121) => Some("vatExemptions".into()),
            _ => at("vatBreakdown"),
        },
        Group::Totals => Some(
            match term {
                Some(111) => "vatTotalInAccountingCurrency",
                Some(113) => "prepaid",
                Some(114) => "rounding",
                _ => "totals",
            }
            .into(),
        ),
        Group::Line => {
            let line = at("lines")?;
            let field = match term {
                Some(126) => "id",
                Some(127) => "note",
                Some(128) => "objectId",
                Some(132) => "orderLineReference",
                Some(133) => "accountingReference",
                Some(134) => "period.start",
                Some(135) => "period.end",
                Some(147) => "priceDiscount",
                Some(148) => "grossPrice",
                Some(150) => "baseQuantityUnitCode",
                Some(155) => "sellerItemId",
                Some(156) => "buyerItemId",
                Some(157) => "standardItemId",
                Some(158) => "classifications",
                Some(159) => "originCountry",
                Some(160 | 161) => "attributes",
                Some(129) => "quantity",
                Some(130) => "unitCode",
                Some(131) => "netAmount",
                Some(136..=140) => "allowances",
                Some(141..=145) => "charges",
                Some(146) => "netPrice",
                Some(149) => "baseQuantity",
                Some(151) => "vatCategory",
                Some(152) => "vatRate",
                Some(153) => "name",
                Some(154) => "description",
                _ => return Some(line),
            };
            Some(format!("{line}.{field}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use en16931::bt::BtId;

    #[test]
    fn terms_map_to_plain_fields() {
        let cases = [
            (Path::term(BtId(1)), Some("number")),
            (
                Path::group_term(Group::Seller, BtId(31)),
                Some("seller.vatId"),
            ),
            (
                Path::group_term(Group::Buyer, BtId(55)),
                Some("buyer.address.country"),
            ),
            (
                Path::at_term(Group::Line, 2, BtId(152)),
                Some("lines[2].vatRate"),
            ),
            (
                Path::at_term(Group::DocumentCharge, 0, BtId(101)),
                Some("charges[0].percentage"),
            ),
            (
                Path::group_term(Group::Payment, BtId(84)),
                Some("payment.iban"),
            ),
            (
                Path::group_term(Group::Buyer, BtId(49)),
                Some("buyer.electronicAddress"),
            ),
            (
                Path::group_term(Group::Seller, BtId(43)),
                Some("seller.contact.email"),
            ),
            (Path::term(BtId(24)), Some("specificationId")),
            (Path::term(BtId(4)), None),
            (
                Path::group_term(Group::Delivery, BtId(80)),
                Some("delivery.address.country"),
            ),
            (
                Path::group_term(Group::Seller, BtId(32)),
                Some("seller.taxNumber"),
            ),
        ];
        for (path, field) in cases {
            assert_eq!(field_of(&path).as_deref(), field, "{path}");
        }
    }
}
