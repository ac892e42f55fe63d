//! Lines and document-level allowances and charges, from the model to the plain object.

use en16931::invoice;

use super::{amount, opt_code, party::period, reference, Unheld};
use crate::plain::{AllowanceCharge, ItemAttribute, Line, LineAllowanceCharge};

pub(super) fn line(u: &mut Unheld, l: &invoice::InvoiceLine) -> Line {
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
        object_id: u.identifier(l.object_identifier.as_ref(), "BT-128"),
        order_line_reference: reference(l.order_line_reference.as_ref()),
        accounting_reference: l.accounting_reference.clone(),
        period: l.period.as_ref().map(period),
        quantity: l.quantity.to_string(),
        unit_code: l.unit_code.as_str().into(),
        net_price: l.price.net_price.to_string(),
        gross_price: l.price.gross_price.map(|p| p.to_string()),
        price_discount: l.price.price_discount.map(|p| p.to_string()),
        base_quantity: l.price.base_quantity.map(|q| q.to_string()),
        base_quantity_unit_code: opt_code(l.price.base_quantity_code.as_ref()),
        vat_category: l.vat.category.as_str().into(),
        vat_rate: l.vat.rate.map(|r| r.to_string()),
        seller_item_id: l.item.seller_identifier.clone(),
        buyer_item_id: l.item.buyer_identifier.clone(),
        standard_item_id: u.identifier(l.item.standard_identifier.as_ref(), "BT-157"),
        classifications: l
            .item
            .classification_identifiers
            .iter()
            .filter_map(|c| u.identifier(Some(c), "BT-158"))
            .collect(),
        origin_country: opt_code(l.item.origin_country.as_ref()),
        attributes: l
            .item
            .attributes
            .iter()
            .map(|a| ItemAttribute {
                name: a.name.clone().unwrap_or_default(),
                value: a.value.clone().unwrap_or_default(),
            })
            .collect(),
        allowances: line_ac(&l.allowances),
        charges: line_ac(&l.charges),
        net_amount: Some(amount(l.net_amount)),
    }
}

pub(super) fn allowance_charge(x: &invoice::DocumentAllowanceCharge) -> AllowanceCharge {
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
