//! From the plain object to the EN 16931 model: parse the decimals and dates, compute the line
//! amounts, then let the reconciler derive the VAT breakdown and the totals (SPEC §9.3).
//!
//! Two modes: [`Amounts::Compute`] (building: line amounts, VAT breakdown and totals are always
//! computed, whatever the object says) and [`Amounts::Stated`] (converting a document that was
//! read: what the object states is kept verbatim, and only what it leaves out is computed).

mod line;
mod party;

use en16931::invoice::{
    Code, Delivery, DocumentAllowanceCharge, DocumentKind, LineVat, Period, PrecedingInvoice,
    SupportingDocument, VatBreakdown,
};
use en16931::{
    codes, Attachment, Date, DocumentReference, Identifier, Invoice, InvoiceAmount, InvoiceNote,
    Percentage, Reconciler,
};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::plain::{self, PlainInvoice};
use crate::problem::Problem;

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

/// Collects the problems found while reading the plain object's values.
struct Values {
    problems: Vec<Problem>,
    stated: bool,
}

impl Values {
    /// An optional text: verbatim when converting, else trimmed; empty is absent when building.
    fn opt(&self, value: Option<&str>) -> Option<String> {
        if self.stated {
            return value.map(Into::into);
        }
        text(value)
    }

    /// A required text: absent when empty.
    fn req(&self, value: &str) -> Option<String> {
        if self.stated {
            return Some(value.to_owned()).filter(|v| !v.is_empty());
        }
        text(Some(value))
    }

    fn code(&self, value: Option<&str>) -> Option<Code> {
        self.opt(value).map(Code::new)
    }

    fn ident(&self, value: Option<&plain::Identifier>) -> Option<Identifier> {
        let value = value?;
        // A document read may state an empty identifier with a scheme: keep it as stated.
        let id = if self.stated {
            value.id.clone()
        } else {
            text(Some(&value.id))?
        };
        Some(match self.opt(value.scheme.as_deref()) {
            Some(scheme) => Identifier::schemed(id, scheme),
            None => Identifier::new(id),
        })
    }

    fn reference(&self, value: Option<&str>) -> Option<DocumentReference> {
        self.opt(value).map(DocumentReference::new)
    }

    fn decimal(&mut self, field: &str, value: &str) -> Option<Decimal> {
        let parsed = Decimal::from_str_exact(value.trim()).ok();
        if parsed.is_none() {
            self.problems.push(Problem::input(
                field,
                format!("{value:?} is not a decimal number such as \"12.50\""),
            ));
        }
        parsed
    }

    fn opt_decimal(&mut self, field: &str, value: Option<&str>) -> Option<Decimal> {
        let value = text(value)?;
        self.decimal(field, &value)
    }

    fn amount(&mut self, field: &str, value: &str) -> Option<InvoiceAmount> {
        match InvoiceAmount::parse(value.trim()) {
            Ok(amount) => Some(amount),
            Err(err) => {
                self.problems.push(Problem::input(
                    field,
                    format!("{value:?} is not an amount with at most two decimals ({err})"),
                ));
                None
            }
        }
    }

    fn opt_amount(&mut self, field: &str, value: Option<&str>) -> Option<InvoiceAmount> {
        let value = text(value)?;
        self.amount(field, &value)
    }

    fn date(&mut self, field: &str, value: &str) -> Option<Date> {
        let parsed = Date::parse(value.trim()).ok();
        if parsed.is_none() {
            self.problems.push(Problem::input(
                field,
                format!("{value:?} is not a date in the form YYYY-MM-DD"),
            ));
        }
        parsed
    }

    fn opt_date(&mut self, field: &str, value: Option<&str>) -> Option<Date> {
        let value = text(value)?;
        self.date(field, &value)
    }

    fn rate(&mut self, field: &str, value: Option<&str>) -> Option<Percentage> {
        self.opt_decimal(field, value).map(Percentage::new)
    }

    fn period(&mut self, field: &str, value: Option<&plain::Period>) -> Option<Period> {
        let value = value?;
        Some(Period {
            start: self.opt_date(&format!("{field}.start"), value.start.as_deref()),
            end: self.opt_date(&format!("{field}.end"), value.end.as_deref()),
        })
    }

    /// Rounds to the cent, half away from zero (EN 16931 amounts carry two decimals).
    /// `None` in means the computation overflowed, which is reported like an amount too large.
    fn cents(&mut self, field: &str, value: Option<Decimal>) -> Option<InvoiceAmount> {
        let amount = value
            .map(|v| v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
            .and_then(|v| InvoiceAmount::from_decimal_exact(v).ok());
        if amount.is_none() {
            self.problems
                .push(Problem::input(field, "the amount is too large to compute"));
        }
        amount
    }

    /// An allowance or charge amount: stated, or `percentage` × base ÷ 100.
    fn allowance_amount(
        &mut self,
        field: &str,
        amount: Option<&str>,
        base: Option<InvoiceAmount>,
        percentage: Option<Percentage>,
    ) -> InvoiceAmount {
        if let Some(amount) = text(amount) {
            return self
                .amount(&format!("{field}.amount"), &amount)
                .unwrap_or_default();
        }
        let computed = match (base, percentage) {
            (Some(base), Some(pct)) => base
                .into_decimal()
                .checked_mul(pct.into_decimal())
                .map(|d| d / Decimal::ONE_HUNDRED),
            _ => {
                self.problems.push(Problem::input(
                    format!("{field}.amount"),
                    "give an amount, or a percentage of a base amount",
                ));
                return InvoiceAmount::ZERO;
            }
        };
        self.cents(&format!("{field}.amount"), computed)
            .unwrap_or_default()
    }
}

/// A trimmed, non-empty text, or nothing.
pub(crate) fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Into::into)
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
    inv.delivery = input.delivery.as_ref().map(|d| delivery(&mut values, d));
    inv.invoicing_period = values.period("invoicingPeriod", input.invoicing_period.as_ref());
    inv.payment = input
        .payment
        .as_ref()
        .and_then(|p| party::payment(&mut values, p));
    for (i, doc) in input.attachments.iter().enumerate() {
        if let Some(doc) = supporting_document(&mut values, i, doc) {
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
            out.push(document_allowance_charge(
                &mut values,
                &format!("{name}[{i}]"),
                item,
                line_total,
            ));
        }
    }
    let stated_totals = match (&input.totals, mode) {
        (Some(totals), Amounts::Stated) => Some(stated_totals(&mut values, input, totals)),
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

/// The VAT breakdown and totals as the object states them (converting a document read).
fn stated_totals(
    values: &mut Values,
    input: &PlainInvoice,
    totals: &plain::Totals,
) -> (Vec<VatBreakdown>, en16931::invoice::DocumentTotals) {
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
    let totals = en16931::invoice::DocumentTotals {
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

fn delivery(values: &mut Values, input: &plain::Delivery) -> Delivery {
    Delivery {
        party_name: values.opt(input.name.as_deref()),
        location: values.ident(input.location_id.as_ref()),
        date: values.opt_date("delivery.date", input.date.as_deref()),
        address: input.address.as_ref().map(|a| party::address(values, a)),
    }
}

fn supporting_document(
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

fn document_allowance_charge(
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
