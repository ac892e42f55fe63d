// Numbers as people type them: German "1.200,00" and "7,5", English "1,200.00" and "7.5", and
// the plain "1200.5" in both. Read into the decimal strings of the invoice object ("1200.00",
// "7.5") and written back for the reader. Pure string work, no floats and no Intl, so that what
// is typed is what the invoice states, digit for digit.

import { msg } from "/i18n.js";

const SEPARATORS = { de: { decimal: ",", group: "." }, en: { decimal: ".", group: "," } };
const separators = (language) => SEPARATORS[language] ?? SEPARATORS.en;
// Spaces people put between thousands: a space, a no-break space, a narrow no-break space.
const SPACES = /[ \u00a0\u202f\u2009]/g;
const SPACE = /[ \u00a0\u202f\u2009]/;
const MINUS = /^[-\u2212]/;

/** Digits grouped by threes after a first group of one to three digits, not led by 0: "1.200.000". */
const grouped = (text, group) => new RegExp(`^[1-9]\\d{0,2}(?:\\${group}\\d{3})+$`).test(text);

/** Leading zeros dropped from the whole part ("007" → "7", "" → "0"). */
const whole = (digits) => digits.replace(/^0+(?=\d)/, "") || "0";

/**
 * Reads a number as typed in `language` ("de" or "en"). Returns `{ value }` with the decimal
 * string, or `{ problem }`: "empty", "garbage" or "ambiguous".
 */
export function parseDecimal(text, language) {
  const { decimal, group } = separators(language);
  let rest = String(text ?? "").trim();
  if (!rest) return { problem: "empty" };
  const negative = MINUS.test(rest);
  if (negative) rest = rest.slice(1).trim();
  // Spaces only between groups of three ("1 200,50").
  if (SPACE.test(rest)) {
    const at = rest.indexOf(decimal);
    const intText = at < 0 ? rest : rest.slice(0, at);
    if (!/^[1-9]\d{0,2}(?:[ \u00a0\u202f\u2009]\d{3})+$/.test(intText)) return { problem: "garbage" };
    rest = intText.replace(SPACES, "") + (at < 0 ? "" : rest.slice(at));
  }
  let intPart;
  let fraction;
  if (rest.includes(decimal) && rest.includes(group)) {
    // Both: groups before the one decimal separator ("1.200,00" / "1,200.00").
    const at = rest.lastIndexOf(decimal);
    intPart = rest.slice(0, at);
    fraction = rest.slice(at + 1);
    if (!grouped(intPart, group) || !/^\d+$/.test(fraction)) return { problem: "garbage" };
    intPart = intPart.replaceAll(group, "");
  } else if (rest.includes(decimal)) {
    // One decimal separator of the language ("7,5" / "7.5", also ",5").
    const parts = rest.split(decimal);
    if (parts.length !== 2 || !/^\d*$/.test(parts[0]) || !/^\d+$/.test(parts[1])) return { problem: "garbage" };
    [intPart, fraction] = parts;
  } else if (rest.includes(group)) {
    const parts = rest.split(group);
    if (group === "." && parts.length === 2 && /^\d+$/.test(parts[0]) && /^\d+$/.test(parts[1])) {
      // German with a point: "1200.5" is the plain decimal, but "1.200" could be 1200 or 1.2.
      if (grouped(rest, group)) return { problem: "ambiguous" };
      [intPart, fraction] = parts;
    } else if (grouped(rest, group)) {
      // Thousands only: "1.200.000" (German), "1,200" (English).
      intPart = parts.join("");
    } else if (group === "," && parts.length === 2 && /^\d+$/.test(parts[0]) && /^\d+$/.test(parts[1])) {
      // English with a decimal comma ("7,5"): not a number in English, and said so.
      return { problem: "garbage" };
    } else {
      return { problem: "garbage" };
    }
  } else {
    if (!/^\d+$/.test(rest)) return { problem: "garbage" };
    intPart = rest;
  }
  const value = whole(intPart) + (fraction !== undefined ? `.${fraction}` : "");
  return { value: negative && /[1-9]/.test(value) ? `-${value}` : value };
}

/** The decimal string of a number typed in `language`, or undefined when it is not one. */
export function readDecimal(text, language) {
  return parseDecimal(text, language).value;
}

/** A decimal string ("1200.5") as written in `language` ("1.200,5" / "1,200.5"). */
export function writeDecimal(value, language) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(value ?? ""));
  if (!m) return String(value ?? "");
  const { decimal, group } = separators(language);
  let intPart = m[2].replace(/\B(?=(\d{3})+$)/g, group);
  // "1.000" alone would read two ways in German (see parseDecimal): then without the point.
  if (m[3] === undefined && parseDecimal(intPart, language).problem) intPart = m[2];
  return `${m[1]}${intPart}${m[3] !== undefined ? decimal + m[3] : ""}`;
}

/**
 * What is wrong with a number typed in `language`, as a message for the reader, or undefined
 * when it is a number.
 */
export function decimalProblem(text, language) {
  const { problem } = parseDecimal(text, language);
  if (!problem) return undefined;
  const example = writeDecimal("1200.50", language);
  if (problem === "empty") return msg("Type a number, such as {example}.", { example });
  const typed = String(text).trim();
  if (problem === "ambiguous") {
    const { decimal } = separators(language);
    return msg("“{text}” can be read two ways: write {thousands} for the thousands, or {decimal} for a decimal number.", {
      text: typed, thousands: `${typed}${decimal}00`, decimal: typed.replace(".", decimal) });
  }
  return msg("“{text}” is not a number as written here: type it like {example}.", { text: typed, example });
}
