//! From the EN 16931 model back to the plain object, computed parts included.

use en16931::invoice::{self, PaymentMeans};
use en16931::{Invoice, InvoiceAmount};

use crate::plain::{
    Address, AllowanceCharge, Contact, ElectronicAddress, Line, LineAllowanceCharge, Party,
    Payment, PlainInvoice, Totals, VatBreakdown, VatExemption,
};

fn amount(a: InvoiceAmount) -> String {
    a.to_string()
}

fn code(c: Option<&invoice::Code>) -> String {
    c.map(|c| c.as_str().to_owned()).unwrap_or_default()
}

/// The plain object for a model, with line amounts, VAT breakdown and totals as the model
/// states them.
pub(crate) fn describe(inv: &Invoice) -> PlainInvoice {
    PlainInvoice {
        number: inv.number.clone().unwrap_or_default(),
        type_code: code(inv.type_code.as_ref()),
        issue_date: inv.issue_date.map(|d| d.to_string()).unwrap_or_default(),
        due_date: inv.due_date.map(|d| d.to_string()),
        currency: code(inv.currency.as_ref()),
        buyer_reference: inv.buyer_reference.clone(),
        order_reference: inv
            .purchase_order_reference
            .as_ref()
            .map(|r| r.as_str().into()),
        preceding_invoice: inv
            .preceding_invoices
            .first()
            .map(|p| p.reference.as_str().into()),
        payment_terms: inv.payment_terms.clone(),
        notes: inv.notes.iter().filter_map(|n| n.note.clone()).collect(),
        seller: party(&inv.seller),
        buyer: party(&inv.buyer),
        lines: inv.lines.iter().map(line).collect(),
        allowances: inv.allowances.iter().map(allowance_charge).collect(),
        charges: inv.charges.iter().map(allowance_charge).collect(),
        vat_exemptions: inv
            .vat_breakdown
            .iter()
            .filter(|b| b.has_exemption_reason())
            .map(|b| VatExemption {
                category: b.category.as_str().into(),
                reason: b.exemption_reason.clone(),
                reason_code: b.exemption_reason_code.as_ref().map(|c| c.as_str().into()),
            })
            .collect(),
        payment: inv.payment.as_ref().and_then(payment),
        prepaid: inv.totals.paid.map(amount),
        vat_breakdown: inv
            .vat_breakdown
            .iter()
            .map(|b| VatBreakdown {
                category: b.category.as_str().into(),
                rate: b.rate.map(|r| r.to_string()),
                taxable_amount: amount(b.taxable_amount),
                tax_amount: amount(b.tax_amount),
                exemption_reason: b.exemption_reason.clone(),
                exemption_reason_code: b.exemption_reason_code.as_ref().map(|c| c.as_str().into()),
            })
            .collect(),
        totals: Some(Totals {
            line_total: amount(inv.totals.line_total),
            allowance_total: inv.totals.allowance_total.map(amount),
            charge_total: inv.totals.charge_total.map(amount),
            tax_exclusive: amount(inv.totals.taxable_total),
            vat_total: inv.totals.vat_total.map(amount),
            tax_inclusive: amount(inv.totals.gross_total),
            prepaid: inv.totals.paid.map(amount),
            payable: amount(inv.totals.due),
        }),
    }
}

fn party(p: &invoice::Party) -> Party {
    let a = &p.address;
    Party {
        name: p.name.clone().unwrap_or_default(),
        trading_name: p.trading_name.clone(),
        vat_id: p.vat_identifier.clone(),
        legal_id: p.legal_registration.as_ref().map(|i| i.content().into()),
        electronic_address: p.electronic_address.as_ref().map(|e| ElectronicAddress {
            id: e.content().into(),
            scheme: e.scheme().unwrap_or_default().into(),
        }),
        address: Address {
            street: a.line1.clone(),
            additional_street: a.line2.clone(),
            city: a.city.clone(),
            post_code: a.post_code.clone(),
            subdivision: a.subdivision.clone(),
            country: code(a.country.as_ref()),
        },
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

fn payment(p: &invoice::PaymentInstructions) -> Option<Payment> {
    let Some(PaymentMeans::CreditTransfer(accounts)) = &p.means else {
        return None;
    };
    let account = accounts.first()?;
    Some(Payment {
        means_code: code(p.means_code.as_ref()),
        iban: account.account_identifier.clone().unwrap_or_default(),
        bic: account.provider_identifier.clone(),
        account_name: account.account_name.clone(),
        reference: p.remittance_information.clone(),
    })
}

fn line(l: &invoice::InvoiceLine) -> Line {
    let line_ac = |items: &[invoice::LineAllowanceCharge]| {
        items
            .iter()
            .map(|x| LineAllowanceCharge {
                amount: Some(amount(x.amount)),
                base_amount: x.base_amount.map(amount),
                percentage: x.percentage.map(|p| p.to_string()),
                reason: x.reason.clone(),
                reason_code: x.reason_code.as_ref().map(|c| c.as_str().into()),
            })
            .collect()
    };
    Line {
        id: l.id.clone(),
        name: l.item.name.clone().unwrap_or_default(),
        description: l.item.description.clone(),
        note: l.note.clone(),
        quantity: l.quantity.to_string(),
        unit_code: l.unit_code.as_str().into(),
        net_price: l.price.net_price.to_string(),
        base_quantity: l.price.base_quantity.map(|q| q.to_string()),
        vat_category: l.vat.category.as_str().into(),
        vat_rate: l.vat.rate.map(|r| r.to_string()),
        allowances: line_ac(&l.allowances),
        charges: line_ac(&l.charges),
        net_amount: Some(amount(l.net_amount)),
    }
}

fn allowance_charge(x: &invoice::DocumentAllowanceCharge) -> AllowanceCharge {
    AllowanceCharge {
        amount: Some(amount(x.amount)),
        base_amount: x.base_amount.map(amount),
        percentage: x.percentage.map(|p| p.to_string()),
        reason: x.reason.clone(),
        reason_code: x.reason_code.as_ref().map(|c| c.as_str().into()),
        vat_category: x.vat.category.as_str().into(),
        vat_rate: x.vat.rate.map(|r| r.to_string()),
    }
}
