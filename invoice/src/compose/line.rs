//! Invoice lines, from the plain object to the model.

use en16931::invoice::{Item, ItemAttribute, LineAllowanceCharge, PriceDetails};
use en16931::{InvoiceLine, Quantity, UnitPriceAmount};
use rust_decimal::Decimal;

use super::{text, Values};
use crate::plain;
use crate::problem::Problem;

pub(super) fn compose_line(
    values: &mut Values,
    i: usize,
    input: &plain::Line,
) -> Option<InvoiceLine> {
    let at = format!("lines[{i}]");
    let quantity = values.decimal(&format!("{at}.quantity"), &input.quantity);
    let price = values.decimal(&format!("{at}.netPrice"), &input.net_price);
    let base = match text(input.base_quantity.as_deref()) {
        Some(b) => values.decimal(&format!("{at}.baseQuantity"), &b),
        None => Some(Decimal::ONE),
    };
    let rate = values.rate(&format!("{at}.vatRate"), input.vat_rate.as_deref());
    let gross_price = values
        .opt_decimal(&format!("{at}.grossPrice"), input.gross_price.as_deref())
        .map(UnitPriceAmount::new);
    let price_discount = values
        .opt_decimal(
            &format!("{at}.priceDiscount"),
            input.price_discount.as_deref(),
        )
        .map(UnitPriceAmount::new);
    let stated_net = if values.stated {
        values.opt_amount(&format!("{at}.netAmount"), input.net_amount.as_deref())
    } else {
        None
    };
    let period = values.period(&format!("{at}.period"), input.period.as_ref());
    let (quantity, price, base) = (quantity?, price?, base?);
    if base <= Decimal::ZERO && stated_net.is_none() {
        values.problems.push(Problem::input(
            format!("{at}.baseQuantity"),
            "the base quantity must be above zero",
        ));
        return None;
    }
    let gross = if base.is_zero() {
        None
    } else {
        quantity.checked_mul(price).map(|d| d / base)
    };
    let gross_cents = match stated_net {
        Some(net) => net,
        None => values.cents(&format!("{at}.netAmount"), gross)?,
    };
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
                None if values.stated => None,
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
                reason: values.opt(item.reason.as_deref()),
                reason_code: values.code(item.reason_code.as_deref()),
            });
        }
    }
    let [allowances, charges] = lists;
    let net_amount = match stated_net {
        Some(net) => net,
        None => {
            let net = charges
                .iter()
                .map(|c| c.amount.into_decimal())
                .try_fold(gross?, |acc, c| acc.checked_add(c));
            let net = allowances
                .iter()
                .map(|a| a.amount.into_decimal())
                .try_fold(net?, |acc, a| acc.checked_sub(a));
            values.cents(&format!("{at}.netAmount"), net)?
        }
    };
    let id = match values.req(&input.id) {
        Some(id) => id,
        None if values.stated => String::new(),
        None => (i + 1).to_string(),
    };
    let mut line = InvoiceLine::new(
        id,
        input.name.trim(),
        Quantity::new(quantity),
        if values.stated {
            input.unit_code.clone()
        } else {
            input.unit_code.trim().into()
        },
        net_amount,
        if values.stated {
            input.vat_category.clone()
        } else {
            input.vat_category.trim().into()
        },
        rate,
    )
    .with_price(PriceDetails {
        net_price: UnitPriceAmount::new(price),
        price_discount,
        gross_price,
        base_quantity: text(input.base_quantity.as_deref()).map(|_| Quantity::new(base)),
        base_quantity_code: values.code(input.base_quantity_unit_code.as_deref()),
    });
    line.note = values.opt(input.note.as_deref());
    line.object_identifier = values.ident(input.object_id.as_ref());
    line.order_line_reference = values.reference(input.order_line_reference.as_deref());
    line.accounting_reference = values.opt(input.accounting_reference.as_deref());
    line.period = period;
    line.item = Item {
        name: if values.stated {
            values.req(&input.name)
        } else {
            Some(input.name.trim().into())
        },
        description: values.opt(input.description.as_deref()),
        seller_identifier: values.opt(input.seller_item_id.as_deref()),
        buyer_identifier: values.opt(input.buyer_item_id.as_deref()),
        standard_identifier: values.ident(input.standard_item_id.as_ref()),
        classification_identifiers: input
            .classifications
            .iter()
            .filter_map(|c| values.ident(Some(c)))
            .collect(),
        origin_country: values.code(input.origin_country.as_deref()),
        attributes: input
            .attributes
            .iter()
            .map(|a| ItemAttribute {
                name: values.req(&a.name),
                value: values.req(&a.value),
            })
            .collect(),
    };
    line.allowances = allowances;
    line.charges = charges;
    Some(line)
}
