// Live totals of the invoice form from whatever lines can be computed, while the invoice as a
// whole still has problems (the e-invoice module computes the binding totals once it builds).
// Decimal strings in, decimal strings out: exact arithmetic on scaled integers, never floats.

const DECIMAL = /^[+-]?(\d+)(?:\.(\d+))?$/;

/** A decimal string as [integer, scale], or undefined when it is not a plain decimal. */
function parse(text) {
  const m = DECIMAL.exec(text ?? "");
  if (!m) return undefined;
  const fraction = m[2] ?? "";
  const n = BigInt(m[1] + fraction);
  return [text.startsWith("-") ? -n : n, fraction.length];
}

/** `value / 10^scale` rounded half away from zero to 2 decimals, as hundredths. */
function hundredths(value, scale) {
  if (scale <= 2) return value * 10n ** BigInt(2 - scale);
  const divisor = 10n ** BigInt(scale - 2);
  const sign = value < 0n ? -1n : 1n;
  const abs = value * sign;
  return sign * ((abs + divisor / 2n) / divisor);
}

const text = (cents) => {
  const sign = cents < 0n ? "-" : "";
  const abs = (cents < 0n ? -cents : cents).toString().padStart(3, "0");
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
};

/**
 * The net, VAT and payable amounts of the lines whose quantity, price and rate are decimals
 * (EN 16931: each line net and each VAT group rounded to 2 decimals), or undefined when no
 * line can be computed yet.
 */
export function liveTotals(lines) {
  const groups = new Map();
  for (const line of lines) {
    const quantity = parse(line.quantity);
    const price = parse(line.netPrice);
    const rate = parse(line.vatRate ?? "0");
    if (!quantity || !price || !rate) continue;
    const net = hundredths(quantity[0] * price[0], quantity[1] + price[1]);
    const key = `${line.vatCategory} ${line.vatRate}`;
    const group = groups.get(key) ?? { net: 0n, rate };
    group.net += net;
    groups.set(key, group);
  }
  if (!groups.size) return undefined;
  let net = 0n;
  let vat = 0n;
  for (const group of groups.values()) {
    net += group.net;
    vat += hundredths(group.net * group.rate[0], group.rate[1] + 4); // cents × percent
  }
  return { taxExclusive: text(net), vatTotal: text(vat), payable: text(net + vat) };
}
