//! Parties, addresses, periods and payment, from the model to the plain object.

use en16931::invoice;

use super::{code, date, unheld, Unheld};
use crate::plain::{
    Account, Address, Card, Contact, DirectDebit, ElectronicAddress, Party, Payment, Period,
};

pub(super) fn period(p: &invoice::Period) -> Period {
    Period {
        start: date(p.start),
        end: date(p.end),
    }
}

pub(super) fn address(a: &invoice::PostalAddress) -> Address {
    Address {
        street: a.line1.clone(),
        additional_street: a.line2.clone(),
        line3: a.line3.clone(),
        city: a.city.clone(),
        post_code: a.post_code.clone(),
        subdivision: a.subdivision.clone(),
        country: code(a.country.as_ref()),
    }
}

pub(super) fn party(u: &mut Unheld, p: &invoice::Party, group: &str) -> Party {
    let legal = p.legal_registration.as_ref();
    if legal.is_some_and(|l| l.scheme_version().is_some()) {
        u.0.push(unheld(group, "a legal registration's scheme version"));
    }
    if p.electronic_address
        .as_ref()
        .is_some_and(|e| e.scheme_version().is_some())
    {
        u.0.push(unheld(group, "an electronic address's scheme version"));
    }
    Party {
        name: p.name.clone().unwrap_or_default(),
        trading_name: p.trading_name.clone(),
        identifiers: p
            .identifiers
            .iter()
            .filter_map(|i| u.identifier(Some(i), group))
            .collect(),
        vat_id: p.vat_identifier.clone(),
        tax_number: p.tax_registration.clone(),
        legal_id: legal.map(|i| i.content().into()),
        legal_id_scheme: legal.and_then(|i| i.scheme()).map(Into::into),
        legal_info: p.additional_legal_information.clone(),
        electronic_address: p.electronic_address.as_ref().map(|e| ElectronicAddress {
            id: e.content().into(),
            scheme: e.scheme().unwrap_or_default().into(),
        }),
        address: address(&p.address),
        contact: [&p.contact.name, &p.contact.phone, &p.contact.email]
            .iter()
            .any(|f| f.is_some())
            .then(|| Contact {
                name: p.contact.name.clone(),
                phone: p.contact.phone.clone(),
                email: p.contact.email.clone(),
            }),
    }
}

pub(super) fn payment(p: &invoice::PaymentInstructions) -> Payment {
    let mut out = Payment {
        means_code: code(p.means_code.as_ref()),
        means_text: p.means_text.clone(),
        reference: p.remittance_information.clone(),
        ..Payment::default()
    };
    let mut accounts = p.means.credit_transfers.iter().map(|a| Account {
        iban: a.account_identifier.clone().unwrap_or_default(),
        bic: a.provider_identifier.clone(),
        account_name: a.account_name.clone(),
    });
    if let Some(first) = accounts.next() {
        out.iban = Some(first.iban);
        out.bic = first.bic;
        out.account_name = first.account_name;
    }
    out.additional_accounts = accounts.collect();
    out.card = p.means.card.as_ref().map(|card| Card {
        number: card.primary_account_number.clone().unwrap_or_default(),
        holder_name: card.holder_name.clone(),
    });
    out.direct_debit = p.means.direct_debit.as_ref().map(|d| DirectDebit {
        mandate_reference: d.mandate_reference.clone(),
        creditor_id: d.creditor_identifier.clone(),
        debited_account: d.debited_account.clone(),
    });
    out
}
