//! Invoice lines (BG-25) with their item (BG-31), price (BG-29) and allowances and charges, and
//! the document-level allowances and charges (BG-20, BG-21).

use super::documents::Period;
use super::party::Identifier;
use super::plain_struct;

plain_struct! {
    /// One invoice line.
    pub struct Line {
        /// BT-126: the line id (default: its position, from 1).
        #[serde(default)]
        pub id: String,
        /// BT-153: the item name.
        pub name: String,
        /// BT-154: the item description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        /// BT-127: a line note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub note: Option<String>,
        /// BT-128: the invoiced object of this line, with its scheme.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object_id: Option<Identifier>,
        /// BT-132: the buyer's purchase order line this line bills.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub order_line_reference: Option<String>,
        /// BT-133: the buyer's accounting reference for this line.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub accounting_reference: Option<String>,
        /// BG-26: the period this line bills.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub period: Option<Period>,
        /// BT-129: the quantity (negative for a return).
        pub quantity: String,
        /// BT-130: the UN/ECE Rec 20 unit code (default `C62`, "one").
        #[serde(default = "default_unit_code")]
        pub unit_code: String,
        /// BT-146: the net price per base quantity.
        pub net_price: String,
        /// BT-148: the gross price, before the price discount.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gross_price: Option<String>,
        /// BT-147: the price discount (gross price − net price).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub price_discount: Option<String>,
        /// BT-149: the quantity the price is for (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub base_quantity: Option<String>,
        /// BT-150: the unit code of the base quantity (the line's, BT-130).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub base_quantity_unit_code: Option<String>,
        /// BT-151: the VAT category (`S`, `Z`, `E`, `AE`, `K`, `G`, `O`, `L`, `M`).
        pub vat_category: String,
        /// BT-152: the VAT rate in per cent; absent for category `O`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vat_rate: Option<String>,
        /// BT-155: the seller's item identifier (article number).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub seller_item_id: Option<String>,
        /// BT-156: the buyer's item identifier.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub buyer_item_id: Option<String>,
        /// BT-157: a standard item identifier, such as a GTIN (scheme `0160`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub standard_item_id: Option<Identifier>,
        /// BT-158: item classifications, each with its UNTDID 7143 scheme (such as `STI`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub classifications: Vec<Identifier>,
        /// BT-159: the item's country of origin.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub origin_country: Option<String>,
        /// BG-32: item attributes, such as colour or size.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub attributes: Vec<ItemAttribute>,
        /// BG-27: line allowances.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub allowances: Vec<LineAllowanceCharge>,
        /// BG-28: line charges.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub charges: Vec<LineAllowanceCharge>,
        /// BT-131, computed: quantity × price ÷ base quantity − allowances + charges, to the cent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub net_amount: Option<String>,
    }
}

fn default_unit_code() -> String {
    "C62".into()
}

plain_struct! {
    /// An item attribute (BG-32).
    pub struct ItemAttribute {
        /// BT-160: the attribute's name, such as "Colour".
        pub name: String,
        /// BT-161: its value, such as "Red".
        pub value: String,
    }
}

plain_struct! {
    /// A document-level allowance or charge.
    pub struct AllowanceCharge {
        /// The amount; computed from `percentage` × `baseAmount` when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amount: Option<String>,
        /// The base of a percentage (default: the sum of the line amounts).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub base_amount: Option<String>,
        /// The percentage, such as `"2"` for 2 %.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub percentage: Option<String>,
        /// The reason as text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
        /// The reason as a UNTDID 5189 (allowance) or 7161 (charge) code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason_code: Option<String>,
        /// The VAT category it falls under.
        pub vat_category: String,
        /// The VAT rate in per cent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vat_rate: Option<String>,
    }
}

plain_struct! {
    /// A line-level allowance or charge; it takes the line's VAT.
    pub struct LineAllowanceCharge {
        /// The amount; computed from `percentage` × `baseAmount` when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amount: Option<String>,
        /// The base of a percentage (default: quantity × price ÷ base quantity).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub base_amount: Option<String>,
        /// The percentage.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub percentage: Option<String>,
        /// The reason as text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
        /// The reason as a code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason_code: Option<String>,
    }
}
