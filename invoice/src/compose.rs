//! From the plain object to the EN 16931 model: parse the decimals and dates, compute the line
//! amounts, then let the reconciler derive the VAT breakdown and the totals (SPEC §9.3).
//!
//! Two modes: [`Amounts::Compute`] (building: line amounts, VAT breakdown and totals are always
//! computed, whatever the object says) and [`Amounts::Stated`] (converting a document that was
//! read: what the object states is kept verbatim, and only what it leaves out is computed).

mod documents;
mod line;
mod party;
mod values;

use en16931::invoice::{DocumentKind, PrecedingInvoice};
use en16931::{codes, DocumentReference, Invoice, InvoiceAmount, InvoiceNote, Reconciler};

use crate::plain::PlainInvoice;
use crate::problem::Problem;
pub(crate) use values::text;
use values::Values;

/// BT-23 for Peppol BIS Billing 3.0.
pub(crate) const PEPPOL_PROCESS: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// Whether computed parts are computed or taken as stated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Amounts {
    /// Build: compute line amounts, the VAT breakdown and the totals; trim every text.
    Compute,
    /// Convert: keep stated line amounts, breakdown and totals, and every text verbatim.
    Stated,
}

/// Builds the model from the plain object, computing line amounts, VAT breakdown and totals.
///
/// Values that cannot be parsed are problems with rule [`crate::INPUT_RULE`]; everything else is
/// left for the business rules to judge.
pub(crate) fn compose(input: &PlainInvoice, mode: Amounts) -> Result<Invoice, Vec<Problem>> {
    let mut values = Values {
        problems: Vec::new(),
        stated: mode == Amounts::Stated,
    };
    let profile = input.claimed_profile();
    // `Invoice` is non-exhaustive: start from the default and set what the plain object states.
    let mut inv = Invoice::default();
    let credit_code = codes::contains(
        codes::generated::CREDIT_NOTE_TYPE_CODES,
        input.type_code.trim(),
    );
    inv.kind = if input.credit_note.unwrap_or(credit_code) {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    inv.specification_id = match values.opt(input.specification_id.as_deref()) {
        Some(id) if mode == Amounts::Stated => Some(id),
        Some(id) if id != profile.specification_id() => {
            values.problems.push(Problem::input(
                "specificationId",
                format!(
                    "sealbill writes the BT-24 of the profile it checks ({}); remove \
                     specificationId {id:?}, or choose that profile",
                    profile.specification_id()
                ),
            ));
            None
        }
        _ => Some(profile.specification_id().into()),
    };
    inv.business_process = values
        .opt(input.business_process.as_deref())
        .or_else(|| profile.business_process().map(Into::into));
    inv.number = values.req(&input.number);
    inv.issue_date = text(Some(&input.issue_date)).and_then(|d| values.date("issueDate", &d));
    inv.type_code = values.req(&input.type_code).map(Into::into);
    inv.currency = values.req(&input.currency).map(Into::into);
    inv.vat_accounting_currency = values.code(input.vat_accounting_currency.as_deref());
    inv.due_date = values.opt_date("dueDate", input.due_date.as_deref());
    inv.vat_point_date = values.opt_date("taxPointDate", input.tax_point_date.as_deref());
    inv.vat_point_date_code = values.code(input.tax_point_date_code.as_deref());
    inv.buyer_reference = values.opt(input.buyer_reference.as_deref());
    inv.project_reference = values.reference(input.project_reference.as_deref());
    inv.contract_reference = values.reference(input.contract_reference.as_deref());
    inv.purchase_order_reference = values.reference(input.order_reference.as_deref());
    inv.sales_order_reference = values.reference(input.sales_order_reference.as_deref());
    inv.receiving_advice_reference = values.reference(input.receiving_advice_reference.as_deref());
    inv.despatch_advice_reference = values.reference(input.despatch_advice_reference.as_deref());
    inv.tender_reference = values.reference(input.tender_reference.as_deref());
    inv.object_identifier = values.ident(input.invoiced_object.as_ref());
    inv.accounting_reference = values.opt(input.buyer_accounting_reference.as_deref());
    inv.payment_terms = values.opt(input.payment_terms.as_deref());
    inv.notes = input
        .notes
        .iter()
        .filter_map(|n| {
            Some(InvoiceNote {
                subject_code: values.code(n.subject_code()),
                note: Some(values.req(n.text())?),
            })
        })
        .collect();
    let first = values
        .opt(input.preceding_invoice.as_deref())
        .map(|r| PrecedingInvoice {
            reference: DocumentReference::new(r),
            issue_date: None,
        });
    inv.preceding_invoices = first.into_iter().collect();
    for (i, p) in input.preceding_invoices.iter().enumerate() {
        let field = format!("precedingInvoices[{i}]");
        let issue_date = values.opt_date(&format!("{field}.issueDate"), p.issue_date.as_deref());
        inv.preceding_invoices.push(PrecedingInvoice {
            reference: DocumentReference::new(values.req(&p.reference).unwrap_or_default()),
            issue_date,
        });
    }
    inv.seller = party::party(&values, &input.seller);
    inv.buyer = party::party(&values, &input.buyer);
    inv.payee = input.payee.as_ref().map(|p| party::payee(&values, p));
    inv.tax_representative = input
        .tax_representative
        .as_ref()
        .map(|t| party::tax_representative(&values, t));
    // A delivery with no value in it states nothing, as an empty contact does: left out.
    inv.delivery = input
        .delivery
        .as_ref()
        .map(|d| documents::delivery(&mut values, d))
        .filter(|d| {
            d.party_name.is_some()
                || d.location.is_some()
                || d.date.is_some()
                || d.address.is_some()
        });
    inv.invoicing_period = values.period("invoicingPeriod", input.invoicing_period.as_ref());
    inv.payment = input
        .payment
        .as_ref()
        .and_then(|p| party::payment(&mut values, p));
    party::check_creditor_id(&mut values, input);
    for (i, doc) in input.attachments.iter().enumerate() {
        if let Some(doc) = documents::supporting_document(&mut values, i, doc) {
            inv.attachments.push(doc);
        }
    }
    for (i, line) in input.lines.iter().enumerate() {
        if let Some(line) = line::compose_line(&mut values, i, line) {
            inv.lines.push(line);
        }
    }
    let line_total = InvoiceAmount::checked_sum(inv.lines.iter().map(|l| l.net_amount)).ok();
    for (list, out) in [
        (("allowances", &input.allowances), &mut inv.allowances),
        (("charges", &input.charges), &mut inv.charges),
    ] {
        let (name, items) = list;
        for (i, item) in items.iter().enumerate() {
            out.push(documents::allowance_charge(
                &mut values,
                &format!("{name}[{i}]"),
                item,
                line_total,
            ));
        }
    }
    let stated_totals = match (&input.totals, mode) {
        (Some(totals), Amounts::Stated) => {
            Some(documents::stated_totals(&mut values, input, totals))
        }
        _ => None,
    };
    let mut reconciler = Reconciler::new();
    for exemption in &input.vat_exemptions {
        reconciler = reconciler.exemption(
            exemption.category.trim(),
            text(exemption.reason.as_deref()).as_deref(),
            text(exemption.reason_code.as_deref()).as_deref(),
        );
    }
    if let Some(paid) = values.opt_amount("prepaid", input.prepaid.as_deref()) {
        reconciler = reconciler.paid(paid);
    }
    if let Some(rounding) = values.opt_amount("rounding", input.rounding.as_deref()) {
        reconciler = reconciler.rounding(rounding);
    }
    if let Some(vat) = values.opt_amount(
        "vatTotalInAccountingCurrency",
        input.vat_total_in_accounting_currency.as_deref(),
    ) {
        reconciler = reconciler.vat_total_accounting(vat);
    }
    if !values.problems.is_empty() {
        return Err(values.problems);
    }
    if let Some((breakdown, totals)) = stated_totals {
        inv.vat_breakdown = breakdown;
        inv.totals = totals;
    } else {
        // A failure here (an unknown category, a taxed line without a rate) is also a
        // business-rule finding, which validation reports with its rule id.
        let _ = reconciler.apply(&mut inv);
    }
    Ok(inv)
}
