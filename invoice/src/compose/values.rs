//! Reading the plain object's values: texts, codes, identifiers, decimals, dates, periods and
//! computed amounts, each problem named with its field.

use en16931::invoice::{Code, Period};
use en16931::{Date, DocumentReference, Identifier, InvoiceAmount, Percentage};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::plain;
use crate::problem::Problem;

/// Collects the problems found while reading the plain object's values.
pub(super) struct Values {
    pub(super) problems: Vec<Problem>,
    pub(super) stated: bool,
}

impl Values {
    /// An optional text: verbatim when converting, else trimmed; empty is absent when building.
    pub(super) fn opt(&self, value: Option<&str>) -> Option<String> {
        if self.stated {
            return value.map(Into::into);
        }
        text(value)
    }

    /// A required text: absent when empty.
    pub(super) fn req(&self, value: &str) -> Option<String> {
        if self.stated {
            return Some(value.to_owned()).filter(|v| !v.is_empty());
        }
        text(Some(value))
    }

    pub(super) fn code(&self, value: Option<&str>) -> Option<Code> {
        self.opt(value).map(Code::new)
    }

    pub(super) fn ident(&self, value: Option<&plain::Identifier>) -> Option<Identifier> {
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

    pub(super) fn reference(&self, value: Option<&str>) -> Option<DocumentReference> {
        self.opt(value).map(DocumentReference::new)
    }

    pub(super) fn decimal(&mut self, field: &str, value: &str) -> Option<Decimal> {
        let parsed = Decimal::from_str_exact(value.trim()).ok();
        if parsed.is_none() {
            self.problems.push(Problem::input(
                field,
                format!("{value:?} is not a decimal number such as \"12.50\""),
            ));
        }
        parsed
    }

    pub(super) fn opt_decimal(&mut self, field: &str, value: Option<&str>) -> Option<Decimal> {
        let value = text(value)?;
        self.decimal(field, &value)
    }

    pub(super) fn amount(&mut self, field: &str, value: &str) -> Option<InvoiceAmount> {
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

    pub(super) fn opt_amount(&mut self, field: &str, value: Option<&str>) -> Option<InvoiceAmount> {
        let value = text(value)?;
        self.amount(field, &value)
    }

    pub(super) fn date(&mut self, field: &str, value: &str) -> Option<Date> {
        let parsed = Date::parse(value.trim()).ok();
        if parsed.is_none() {
            self.problems.push(Problem::input(
                field,
                format!("{value:?} is not a date in the form YYYY-MM-DD"),
            ));
        }
        parsed
    }

    pub(super) fn opt_date(&mut self, field: &str, value: Option<&str>) -> Option<Date> {
        let value = text(value)?;
        self.date(field, &value)
    }

    pub(super) fn rate(&mut self, field: &str, value: Option<&str>) -> Option<Percentage> {
        self.opt_decimal(field, value).map(Percentage::new)
    }

    pub(super) fn period(&mut self, field: &str, value: Option<&plain::Period>) -> Option<Period> {
        let value = value?;
        Some(Period {
            start: self.opt_date(&format!("{field}.start"), value.start.as_deref()),
            end: self.opt_date(&format!("{field}.end"), value.end.as_deref()),
        })
    }

    /// Rounds to the cent, half away from zero (EN 16931 amounts carry two decimals).
    /// `None` in means the computation overflowed, which is reported like an amount too large.
    pub(super) fn cents(&mut self, field: &str, value: Option<Decimal>) -> Option<InvoiceAmount> {
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
    pub(super) fn allowance_amount(
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
