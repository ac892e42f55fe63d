//! The document-level parts, from the plain object to the model: delivery, supporting documents,
//! allowances and charges, and the VAT breakdown and totals as stated.

use en16931::invoice::{
    Code, Delivery, DocumentAllowanceCharge, DocumentTotals, LineVat, SupportingDocument,
    VatBreakdown,
};
use en16931::{Attachment, DocumentReference, InvoiceAmount};

use super::{party, text, Values};
use crate::plain::{self, PlainInvoice};
use crate::problem::Problem;

/// The VAT breakdown and totals as the object states them (converting a document read).
pub(super) fn stated_totals(
    values: &mut Values,
    input: &PlainInvoice,
    totals: &plain::Totals,
) -> (Vec<VatBreakdown>, DocumentTotals) {
    let breakdown = input
        .vat_breakdown
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let at = format!("vatBreakdown[{i}]");
            VatBreakdown {
                taxable_amount: values
                    .amount(&format!("{at}.taxableAmount"), &b.taxable_amount)
                    .unwrap_or_default(),
                tax_amount: values
                    .amount(&format!("{at}.taxAmount"), &b.tax_amount)
                    .unwrap_or_default(),
                category: Code::new(b.category.clone()),
                rate: values.rate(&format!("{at}.rate"), b.rate.as_deref()),
                exemption_reason: values.opt(b.exemption_reason.as_deref()),
                exemption_reason_code: values.code(b.exemption_reason_code.as_deref()),
            }
        })
        .collect();
    let mut amount = |field: &str, value: &str| {
        values
            .amount(&format!("totals.{field}"), value)
            .unwrap_or_default()
    };
    let line_total = amount("lineTotal", &totals.line_total);
    let taxable_total = amount("taxExclusive", &totals.tax_exclusive);
    let gross_total = amount("taxInclusive", &totals.tax_inclusive);
    let due = amount("payable", &totals.payable);
    let mut opt = |field: &str, value: &Option<String>| {
        values.opt_amount(&format!("totals.{field}"), value.as_deref())
    };
    let totals = DocumentTotals {
        line_total,
        allowance_total: opt("allowanceTotal", &totals.allowance_total),
        charge_total: opt("chargeTotal", &totals.charge_total),
        taxable_total,
        vat_total: opt("vatTotal", &totals.vat_total),
        vat_total_accounting: opt("vatTotalAccounting", &totals.vat_total_accounting),
        gross_total,
        paid: opt("prepaid", &totals.prepaid),
        rounding: opt("rounding", &totals.rounding),
        due,
    };
    (breakdown, totals)
}

pub(super) fn delivery(values: &mut Values, input: &plain::Delivery) -> Delivery {
    Delivery {
        party_name: values.opt(input.name.as_deref()),
        location: values.ident(input.location_id.as_ref()),
        date: values.opt_date("delivery.date", input.date.as_deref()),
        address: input.address.as_ref().map(|a| party::address(values, a)),
    }
}

pub(super) fn supporting_document(
    values: &mut Values,
    i: usize,
    input: &plain::SupportingDocument,
) -> Option<SupportingDocument> {
    let field = format!("attachments[{i}]");
    let attachment = match &input.attachment {
        None => None,
        // Bound the work before decoding: no document over MAX_XML_LEN is written or read.
        Some(a) if a.content.len() > crate::MAX_XML_LEN / 3 * 4 => {
            values.problems.push(Problem::input(
                format!("{field}.attachment.content"),
                format!(
                    "the attachment is larger than an invoice document may be ({} MiB)",
                    crate::MAX_XML_LEN >> 20
                ),
            ));
            return None;
        }
        Some(a) => {
            let Some(content) = plain::documents::from_base64(&a.content) else {
                values.problems.push(Problem::input(
                    format!("{field}.attachment.content"),
                    "the attachment's content is not base64",
                ));
                return None;
            };
            match Attachment::new(content, a.mime_code.trim(), a.filename.trim()) {
                Ok(a) => Some(a),
                Err(e) => {
                    values
                        .problems
                        .push(Problem::input(format!("{field}.attachment"), e.to_string()));
                    return None;
                }
            }
        }
    };
    Some(SupportingDocument {
        reference: DocumentReference::new(values.req(&input.reference).unwrap_or_default()),
        description: values.opt(input.description.as_deref()),
        uri: values.opt(input.uri.as_deref()),
        attachment,
    })
}

pub(super) fn allowance_charge(
    values: &mut Values,
    field: &str,
    input: &plain::AllowanceCharge,
    line_total: Option<InvoiceAmount>,
) -> DocumentAllowanceCharge {
    let base_amount = match text(input.base_amount.as_deref()) {
        Some(b) => values.amount(&format!("{field}.baseAmount"), &b),
        None if values.stated => None,
        None => input.percentage.as_ref().and(line_total),
    };
    let percentage = values.rate(&format!("{field}.percentage"), input.percentage.as_deref());
    let amount = values.allowance_amount(field, input.amount.as_deref(), base_amount, percentage);
    DocumentAllowanceCharge {
        amount,
        base_amount,
        percentage,
        vat: LineVat {
            category: input.vat_category.trim().into(),
            rate: values.rate(&format!("{field}.vatRate"), input.vat_rate.as_deref()),
        },
        reason: values.opt(input.reason.as_deref()),
        reason_code: values.code(input.reason_code.as_deref()),
    }
}
