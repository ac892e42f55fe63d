//! From the EN 16931 model back to the plain object, computed parts included.
//!
//! Every term of the model has a place in the object; what has none (the XRechnung Extension's
//! sub-lines and third-party payments, advance payments, identifier scheme versions) is named in
//! the problems [`describe`] returns, so that reading never drops a term silently.

mod line;
mod party;

use en16931::invoice;
use en16931::{Invoice, InvoiceAmount};

use crate::plain::{
    Attachment, Delivery, Identifier, Note, Payee, PlainInvoice, PrecedingInvoice, Profile,
    SubjectNote, SupportingDocument, TaxRepresentative, Totals, VatBreakdown, VatExemption,
};
use crate::problem::Problem;
use line::{allowance_charge, line};
use party::{address, party, payment, period};

/// The rule id of a term the plain object cannot hold.
pub const UNHELD_RULE: &str = "SEALBILL-UNHELD";

fn amount(a: InvoiceAmount) -> String {
    a.to_string()
}

fn code(c: Option<&invoice::Code>) -> String {
    c.map(|c| c.as_str().to_owned()).unwrap_or_default()
}

fn opt_code(c: Option<&invoice::Code>) -> Option<String> {
    c.map(|c| c.as_str().to_owned())
}

fn date(d: Option<en16931::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn reference(r: Option<&en16931::DocumentReference>) -> Option<String> {
    r.map(|r| r.as_str().into())
}

/// Collects what the object cannot hold.
#[derive(Default)]
struct Unheld(pub(super) Vec<Problem>);

impl Unheld {
    pub(super) fn identifier(
        &mut self,
        id: Option<&en16931::Identifier>,
        term: &str,
    ) -> Option<Identifier> {
        let id = id?;
        if id.scheme_version().is_some() {
            self.0.push(unheld(term, "an identifier's scheme version"));
        }
        Some(Identifier {
            id: id.content().into(),
            scheme: id.scheme().map(Into::into),
        })
    }
}

fn unheld(term: &str, what: &str) -> Problem {
    Problem {
        rule: UNHELD_RULE.into(),
        level: crate::Level::Fatal,
        field: None,
        term: Some(term.into()),
        message: format!("{what} ({term}) has no place in the sealbill invoice object"),
    }
}

/// The plain object for a model, with line amounts, VAT breakdown and totals as the model
/// states them; and a fatal problem for each term it cannot hold.
pub(crate) fn describe_all(inv: &Invoice) -> (PlainInvoice, Vec<Problem>) {
    let mut unheld_terms = Unheld::default();
    let u = &mut unheld_terms;
    let (profile, known) = Profile::of_specification_id(inv.specification_id.as_deref());
    let specification_id = inv
        .specification_id
        .clone()
        .filter(|id| !known || id != profile.specification_id());
    let business_process = inv
        .business_process
        .clone()
        .filter(|p| Some(p.as_str()) != profile.business_process());
    let credit_code = invoice_kind_of(inv.type_code.as_ref());
    let is_credit = inv.kind == invoice::DocumentKind::CreditNote;
    let (preceding_invoice, preceding_invoices) = match inv.preceding_invoices.as_slice() {
        [only] if only.issue_date.is_none() => (Some(only.reference.as_str().into()), vec![]),
        all => (
            None,
            all.iter()
                .map(|p| PrecedingInvoice {
                    reference: p.reference.as_str().into(),
                    issue_date: date(p.issue_date),
                })
                .collect(),
        ),
    };
    if !inv.extensions.is_empty() {
        u.0.push(unheld(
            &inv.extensions.populated().join(", "),
            "an extension group",
        ));
    }
    let plain = PlainInvoice {
        profile: Some(profile),
        specification_id,
        business_process,
        number: inv.number.clone().unwrap_or_default(),
        type_code: code(inv.type_code.as_ref()),
        credit_note: (is_credit != credit_code).then_some(is_credit),
        issue_date: date(inv.issue_date).unwrap_or_default(),
        due_date: date(inv.due_date),
        tax_point_date: date(inv.vat_point_date),
        tax_point_date_code: opt_code(inv.vat_point_date_code.as_ref()),
        currency: code(inv.currency.as_ref()),
        vat_accounting_currency: opt_code(inv.vat_accounting_currency.as_ref()),
        buyer_reference: inv.buyer_reference.clone(),
        project_reference: reference(inv.project_reference.as_ref()),
        contract_reference: reference(inv.contract_reference.as_ref()),
        order_reference: reference(inv.purchase_order_reference.as_ref()),
        sales_order_reference: reference(inv.sales_order_reference.as_ref()),
        receiving_advice_reference: reference(inv.receiving_advice_reference.as_ref()),
        despatch_advice_reference: reference(inv.despatch_advice_reference.as_ref()),
        tender_reference: reference(inv.tender_reference.as_ref()),
        invoiced_object: u.identifier(inv.object_identifier.as_ref(), "BT-18"),
        buyer_accounting_reference: inv.accounting_reference.clone(),
        preceding_invoice,
        preceding_invoices,
        payment_terms: inv.payment_terms.clone(),
        notes: inv
            .notes
            .iter()
            .map(|n| match &n.subject_code {
                None => Note::Text(n.note.clone().unwrap_or_default()),
                Some(code) => Note::WithSubject(SubjectNote {
                    subject_code: Some(code.as_str().into()),
                    text: n.note.clone().unwrap_or_default(),
                }),
            })
            .collect(),
        seller: party(u, &inv.seller, "BG-4"),
        buyer: party(u, &inv.buyer, "BG-7"),
        payee: inv.payee.as_ref().map(|p| Payee {
            name: p.name.clone().unwrap_or_default(),
            identifier: u.identifier(p.identifier.as_ref(), "BT-60"),
            legal_id: u.identifier(p.legal_registration.as_ref(), "BT-61"),
        }),
        tax_representative: inv.tax_representative.as_ref().map(|t| TaxRepresentative {
            name: t.name.clone().unwrap_or_default(),
            vat_id: t.vat_identifier.clone().unwrap_or_default(),
            address: address(&t.address),
        }),
        delivery: inv.delivery.as_ref().map(|d| Delivery {
            date: date(d.date),
            name: d.party_name.clone(),
            location_id: u.identifier(d.location.as_ref(), "BT-71"),
            address: d.address.as_ref().map(address),
        }),
        invoicing_period: inv.invoicing_period.as_ref().map(period),
        lines: inv.lines.iter().map(|l| line(u, l)).collect(),
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
        payment: inv.payment.as_ref().map(payment),
        attachments: inv
            .attachments
            .iter()
            .map(|a| SupportingDocument {
                reference: a.reference.as_str().into(),
                description: a.description.clone(),
                uri: a.uri.clone(),
                attachment: a.attachment.as_ref().map(|f| Attachment {
                    content: crate::plain::documents::base64(f.content()),
                    mime_code: f.mime_code().into(),
                    filename: f.filename().into(),
                }),
            })
            .collect(),
        prepaid: inv.totals.paid.map(amount),
        rounding: inv.totals.rounding.map(amount),
        vat_total_in_accounting_currency: inv.totals.vat_total_accounting.map(amount),
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
            vat_total_accounting: inv.totals.vat_total_accounting.map(amount),
            tax_inclusive: amount(inv.totals.gross_total),
            prepaid: inv.totals.paid.map(amount),
            rounding: inv.totals.rounding.map(amount),
            payable: amount(inv.totals.due),
        }),
    };
    (plain, unheld_terms.0)
}

/// The plain object for a model (see [`describe_all`]).
pub(crate) fn describe(inv: &Invoice) -> PlainInvoice {
    describe_all(inv).0
}

/// Whether a BT-3 is a credit-note code, which implies a `CreditNote` document.
fn invoice_kind_of(type_code: Option<&invoice::Code>) -> bool {
    type_code.is_some_and(|c| {
        en16931::codes::contains(
            en16931::codes::generated::CREDIT_NOTE_TYPE_CODES,
            c.as_str().trim(),
        )
    })
}
