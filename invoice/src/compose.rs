//! From the plain object to the EN 16931 model: parse the decimals and dates, compute the line
//! amounts, then let the reconciler derive the VAT breakdown and the totals (SPEC §9.3).

use en16931::invoice::{
    Contact, CreditTransfer, DocumentAllowanceCharge, DocumentKind, LineAllowanceCharge, LineVat,
    Party, PaymentInstructions, PaymentMeans, PostalAddress, PrecedingInvoice, PriceDetails,
};
use en16931::{
    codes, profiles, Date, DocumentReference, Identifier, Invoice, InvoiceAmount, InvoiceLine,
    InvoiceNote, Percentage, Quantity, Reconciler, UnitPriceAmount,
};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::plain::{self, PlainInvoice};
use crate::problem::Problem;

/// BT-23 for Peppol BIS Billing 3.0.
pub(crate) const PEPPOL_PROCESS: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// Collects the problems found while reading the plain object's values.
#[derive(Default)]
struct Values {
    problems: Vec<Problem>,
}

impl Values {
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

    fn amount(&mut self, field: &str, value: &str) -> Option<InvoiceAmount> {
        match InvoiceAmount::parse(value) {
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

    fn rate(&mut self, field: &str, value: Option<&str>) -> Option<Percentage> {
        let value = text(value)?;
        self.decimal(field, &value).map(Percentage::new)
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
pub(crate) fn compose(input: &PlainInvoice) -> Result<Invoice, Vec<Problem>> {
    let mut values = Values::default();
    // `Invoice` is non-exhaustive: start from the default and set what the plain object states.
    let mut inv = Invoice::default();
    inv.kind = if codes::contains(
        codes::generated::CREDIT_NOTE_TYPE_CODES,
        input.type_code.trim(),
    ) {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    inv.specification_id = Some(profiles::PEPPOL_BIS_3.specification_id.into());
    inv.business_process = Some(PEPPOL_PROCESS.into());
    inv.number = text(Some(&input.number));
    inv.issue_date = text(Some(&input.issue_date)).and_then(|d| values.date("issueDate", &d));
    inv.type_code = text(Some(&input.type_code)).map(Into::into);
    inv.currency = text(Some(&input.currency)).map(Into::into);
    inv.due_date = text(input.due_date.as_deref()).and_then(|d| values.date("dueDate", &d));
    inv.buyer_reference = text(input.buyer_reference.as_deref());
    inv.purchase_order_reference =
        text(input.order_reference.as_deref()).map(DocumentReference::new);
    inv.payment_terms = text(input.payment_terms.as_deref());
    inv.notes = input
        .notes
        .iter()
        .filter_map(|n| text(Some(n)))
        .map(InvoiceNote::new)
        .collect();
    inv.preceding_invoices = text(input.preceding_invoice.as_deref())
        .map(|r| PrecedingInvoice {
            reference: DocumentReference::new(r),
            issue_date: None,
        })
        .into_iter()
        .collect();
    inv.seller = party(&input.seller);
    inv.buyer = party(&input.buyer);
    inv.payment = input.payment.as_ref().map(payment);
    for (i, line) in input.lines.iter().enumerate() {
        if let Some(line) = compose_line(&mut values, i, line) {
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
    let mut reconciler = Reconciler::new();
    for exemption in &input.vat_exemptions {
        reconciler = reconciler.exemption(
            exemption.category.trim(),
            text(exemption.reason.as_deref()).as_deref(),
            text(exemption.reason_code.as_deref()).as_deref(),
        );
    }
    if let Some(prepaid) = text(input.prepaid.as_deref()) {
        if let Some(paid) = values.amount("prepaid", &prepaid) {
            reconciler = reconciler.paid(paid);
        }
    }
    if !values.problems.is_empty() {
        return Err(values.problems);
    }
    // A failure here (an unknown category, a taxed line without a rate) is also a business-rule
    // finding, which validation reports with its rule id.
    let _ = reconciler.apply(&mut inv);
    Ok(inv)
}

fn party(input: &plain::Party) -> Party {
    let address = &input.address;
    Party {
        name: text(Some(&input.name)),
        trading_name: text(input.trading_name.as_deref()),
        legal_registration: text(input.legal_id.as_deref()).map(Identifier::new),
        vat_identifier: text(input.vat_id.as_deref()),
        electronic_address: input
            .electronic_address
            .as_ref()
            .and_then(|e| Some(Identifier::schemed(text(Some(&e.id))?, e.scheme.trim()))),
        address: PostalAddress {
            line1: text(address.street.as_deref()),
            line2: text(address.additional_street.as_deref()),
            city: text(address.city.as_deref()),
            post_code: text(address.post_code.as_deref()),
            subdivision: text(address.subdivision.as_deref()),
            country: text(Some(&address.country)).map(Into::into),
            ..PostalAddress::default()
        },
        contact: input
            .contact
            .as_ref()
            .map(|c| Contact {
                name: text(c.name.as_deref()),
                phone: text(c.phone.as_deref()),
                email: text(c.email.as_deref()),
            })
            .unwrap_or_default(),
        ..Party::default()
    }
}

fn payment(input: &plain::Payment) -> PaymentInstructions {
    let iban: String = input.iban.chars().filter(|c| !c.is_whitespace()).collect();
    PaymentInstructions {
        means_code: text(Some(&input.means_code)).map(Into::into),
        remittance_information: text(input.reference.as_deref()),
        means: Some(PaymentMeans::CreditTransfer(vec![CreditTransfer {
            account_identifier: text(Some(&iban)),
            account_name: text(input.account_name.as_deref()),
            provider_identifier: text(input.bic.as_deref()),
        }])),
        ..PaymentInstructions::default()
    }
}

fn compose_line(values: &mut Values, i: usize, input: &plain::Line) -> Option<InvoiceLine> {
    let at = format!("lines[{i}]");
    let quantity = values.decimal(&format!("{at}.quantity"), &input.quantity);
    let price = values.decimal(&format!("{at}.netPrice"), &input.net_price);
    let base = match text(input.base_quantity.as_deref()) {
        Some(b) => values.decimal(&format!("{at}.baseQuantity"), &b),
        None => Some(Decimal::ONE),
    };
    let rate = values.rate(&format!("{at}.vatRate"), input.vat_rate.as_deref());
    let (quantity, price, base) = (quantity?, price?, base?);
    if base <= Decimal::ZERO {
        values.problems.push(Problem::input(
            format!("{at}.baseQuantity"),
            "the base quantity must be above zero",
        ));
        return None;
    }
    let gross = quantity.checked_mul(price).map(|d| d / base);
    let gross_cents = values.cents(&format!("{at}.netAmount"), gross)?;
    let mut lists = [Vec::new(), Vec::new()];
    for ((name, items), out) in [
        ("allowances", &input.allowances),
        ("charges", &input.charges),
    ]
    .into_iter()
    .zip(lists.iter_mut())
    {
        for (j, item) in items.iter().enumerate() {
            let field = format!("{at}.{name}[{j}]");
            let base_amount = match text(item.base_amount.as_deref()) {
                Some(b) => values.amount(&format!("{field}.baseAmount"), &b),
                None => item.percentage.as_ref().map(|_| gross_cents),
            };
            let percentage =
                values.rate(&format!("{field}.percentage"), item.percentage.as_deref());
            let amount =
                values.allowance_amount(&field, item.amount.as_deref(), base_amount, percentage);
            out.push(LineAllowanceCharge {
                amount,
                base_amount,
                percentage,
                reason: text(item.reason.as_deref()),
                reason_code: text(item.reason_code.as_deref()).map(Into::into),
            });
        }
    }
    let [allowances, charges] = lists;
    let net = charges
        .iter()
        .map(|c| c.amount.into_decimal())
        .try_fold(gross?, |acc, c| acc.checked_add(c));
    let net = allowances
        .iter()
        .map(|a| a.amount.into_decimal())
        .try_fold(net?, |acc, a| acc.checked_sub(a));
    let net_amount = values.cents(&format!("{at}.netAmount"), net)?;
    let id = text(Some(&input.id)).unwrap_or_else(|| (i + 1).to_string());
    let mut line = InvoiceLine::new(
        id,
        input.name.trim(),
        Quantity::new(quantity),
        input.unit_code.trim(),
        net_amount,
        input.vat_category.trim(),
        rate,
    )
    .with_price(PriceDetails {
        net_price: UnitPriceAmount::new(price),
        base_quantity: text(input.base_quantity.as_deref()).map(|_| Quantity::new(base)),
        ..PriceDetails::default()
    });
    line.note = text(input.note.as_deref());
    line.item.description = text(input.description.as_deref());
    line.allowances = allowances;
    line.charges = charges;
    Some(line)
}

fn document_allowance_charge(
    values: &mut Values,
    field: &str,
    input: &plain::AllowanceCharge,
    line_total: Option<InvoiceAmount>,
) -> DocumentAllowanceCharge {
    let base_amount = match text(input.base_amount.as_deref()) {
        Some(b) => values.amount(&format!("{field}.baseAmount"), &b),
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
        reason: text(input.reason.as_deref()),
        reason_code: text(input.reason_code.as_deref()).map(Into::into),
    }
}
