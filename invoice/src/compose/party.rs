//! Parties, addresses and payment instructions, from the plain object to the model.

use en16931::invoice::{
    Contact, CreditTransfer, DirectDebit, Party, Payee, PaymentCard, PaymentInstructions,
    PaymentMeans, PostalAddress, TaxRepresentative,
};
use en16931::Identifier;

use super::{text, Values};
use crate::plain;
use crate::problem::Problem;

pub(super) fn address(values: &Values, a: &plain::Address) -> PostalAddress {
    PostalAddress {
        line1: values.opt(a.street.as_deref()),
        line2: values.opt(a.additional_street.as_deref()),
        line3: values.opt(a.line3.as_deref()),
        city: values.opt(a.city.as_deref()),
        post_code: values.opt(a.post_code.as_deref()),
        subdivision: values.opt(a.subdivision.as_deref()),
        country: values.req(&a.country).map(Into::into),
    }
}

/// A party's identifiers (BT-29, BT-46). Building puts those without a scheme first, as CII
/// writes them (`ram:ID` before `ram:GlobalID`), so that UBL and CII state the same list;
/// converting keeps the order stated.
fn identifiers(values: &Values, input: &[plain::Identifier]) -> Vec<Identifier> {
    let mut ids: Vec<Identifier> = input.iter().filter_map(|i| values.ident(Some(i))).collect();
    if !values.stated {
        ids.sort_by_key(|i| i.scheme().is_some());
    }
    ids
}

pub(super) fn party(values: &Values, input: &plain::Party) -> Party {
    let legal_registration = values.opt(input.legal_id.as_deref()).map(|id| {
        match values.opt(input.legal_id_scheme.as_deref()) {
            Some(scheme) => Identifier::schemed(id, scheme),
            None => Identifier::new(id),
        }
    });
    Party {
        name: values.req(&input.name),
        trading_name: values.opt(input.trading_name.as_deref()),
        identifiers: identifiers(values, &input.identifiers),
        legal_registration,
        vat_identifier: values.opt(input.vat_id.as_deref()),
        tax_registration: values.opt(input.tax_number.as_deref()),
        additional_legal_information: values.opt(input.legal_info.as_deref()),
        electronic_address: input.electronic_address.as_ref().and_then(|e| {
            Some(Identifier::schemed(
                if values.stated {
                    e.id.clone()
                } else {
                    text(Some(&e.id))?
                },
                if values.stated {
                    e.scheme.clone()
                } else {
                    e.scheme.trim().into()
                },
            ))
        }),
        address: address(values, &input.address),
        contact: input
            .contact
            .as_ref()
            .map(|c| Contact {
                name: values.opt(c.name.as_deref()),
                phone: values.opt(c.phone.as_deref()),
                email: values.opt(c.email.as_deref()),
            })
            .unwrap_or_default(),
    }
}

pub(super) fn payee(values: &Values, input: &plain::Payee) -> Payee {
    Payee {
        name: values.req(&input.name),
        identifier: values.ident(input.identifier.as_ref()),
        legal_registration: values.ident(input.legal_id.as_ref()),
    }
}

pub(super) fn tax_representative(
    values: &Values,
    input: &plain::TaxRepresentative,
) -> TaxRepresentative {
    TaxRepresentative {
        name: values.req(&input.name),
        vat_identifier: values.req(&input.vat_id),
        address: address(values, &input.address),
    }
}

/// An account identifier: an IBAN loses its spaces when building.
fn account_id(values: &Values, id: &str) -> Option<String> {
    if values.stated {
        return values.req(id);
    }
    let compact: String = id.chars().filter(|c| !c.is_whitespace()).collect();
    text(Some(&compact))
}

/// UBL writes a direct debit's creditor id (BT-90) as the seller's (or the payee's) identifier
/// with the scheme `SEPA`: stating both would put two values in one place, so it is refused
/// with a plain reason instead of failing the check that the document holds every value.
pub(super) fn check_creditor_id(values: &mut Values, input: &plain::PlainInvoice) {
    let creditor = input
        .payment
        .as_ref()
        .and_then(|p| p.direct_debit.as_ref())
        .and_then(|d| d.creditor_id.as_ref());
    let sepa = |id: &plain::Identifier| {
        id.scheme
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("SEPA"))
    };
    let seller = input.seller.identifiers.iter().any(sepa);
    let payee = input
        .payee
        .as_ref()
        .and_then(|p| p.identifier.as_ref())
        .is_some_and(sepa);
    if creditor.is_some() && (seller || payee) {
        values.problems.push(Problem::input(
            "payment.directDebit.creditorId",
            "the SEPA creditor id is stated twice: as the direct debit's creditor id and as an \
             identifier with the scheme SEPA; give it once, as the creditor id",
        ));
    }
}

pub(super) fn payment(values: &mut Values, input: &plain::Payment) -> Option<PaymentInstructions> {
    let first = input.iban.as_deref().map(|iban| CreditTransfer {
        account_identifier: account_id(values, iban),
        account_name: values.opt(input.account_name.as_deref()),
        provider_identifier: values.opt(input.bic.as_deref()),
    });
    let more = input.additional_accounts.iter().map(|a| CreditTransfer {
        account_identifier: account_id(values, &a.iban),
        account_name: values.opt(a.account_name.as_deref()),
        provider_identifier: values.opt(a.bic.as_deref()),
    });
    let means = PaymentMeans {
        credit_transfers: first.into_iter().chain(more).collect(),
        card: input.card.as_ref().map(|card| PaymentCard {
            primary_account_number: values.req(&card.number),
            holder_name: values.opt(card.holder_name.as_deref()),
        }),
        direct_debit: input.direct_debit.as_ref().map(|d| DirectDebit {
            mandate_reference: values.opt(d.mandate_reference.as_deref()),
            creditor_identifier: values.opt(d.creditor_id.as_deref()),
            debited_account: d
                .debited_account
                .as_deref()
                .and_then(|a| account_id(values, a)),
        }),
    };
    if !values.stated
        && (input.bic.is_some() || input.account_name.is_some())
        && input.iban.is_none()
    {
        values.problems.push(Problem::input(
            "payment.iban",
            "a BIC or an account name belongs to an account: give its IBAN",
        ));
    }
    Some(PaymentInstructions {
        means_code: values.req(&input.means_code).map(Into::into),
        means_text: values.opt(input.means_text.as_deref()),
        remittance_information: values.opt(input.reference.as_deref()),
        means,
    })
}
