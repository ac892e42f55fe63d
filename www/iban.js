// Bank details as a person types them, checked before they go on an invoice: the IBAN by its
// country's length (SWIFT IBAN registry) and its ISO 13616 mod-97 check digits, the BIC by its
// ISO 9362 format. One module for setup, the form and the team's account. What is wrong is said
// as a message (/i18n.js), in the reader's language.

import { msg } from "/i18n.js";

/** IBAN lengths per country, from the SWIFT IBAN registry: the SEPA countries and a few more. */
const COUNTRIES = {
  AD: [24, msg("An Andorran")], AT: [20, msg("An Austrian")], BE: [16, msg("A Belgian")], BG: [22, msg("A Bulgarian")],
  CH: [21, msg("A Swiss")], CY: [28, msg("A Cypriot")], CZ: [24, msg("A Czech")], DE: [22, msg("A German")], DK: [18, msg("A Danish")],
  EE: [20, msg("An Estonian")], ES: [24, msg("A Spanish")], FI: [18, msg("A Finnish")], FR: [27, msg("A French")],
  GB: [22, msg("A British")], GI: [23, msg("A Gibraltar")], GR: [27, msg("A Greek")], HR: [21, msg("A Croatian")],
  HU: [28, msg("A Hungarian")], IE: [22, msg("An Irish")], IS: [26, msg("An Icelandic")], IT: [27, msg("An Italian")],
  LI: [21, msg("A Liechtenstein")], LT: [20, msg("A Lithuanian")], LU: [20, msg("A Luxembourg")], LV: [21, msg("A Latvian")],
  MC: [27, msg("A Monegasque")], MT: [31, msg("A Maltese")], NL: [18, msg("A Dutch")], NO: [15, msg("A Norwegian")],
  PL: [28, msg("A Polish")], PT: [25, msg("A Portuguese")], RO: [24, msg("A Romanian")], SE: [24, msg("A Swedish")],
  SI: [19, msg("A Slovenian")], SK: [24, msg("A Slovak")], SM: [27, msg("A San Marino")], VA: [22, msg("A Vatican")],
  AL: [28, msg("An Albanian")], BA: [20, msg("A Bosnian")], ME: [22, msg("A Montenegrin")], MK: [19, msg("A North Macedonian")],
  RS: [22, msg("A Serbian")], TR: [26, msg("A Turkish")], UA: [29, msg("A Ukrainian")],
};

/** An IBAN without spaces, in capitals. */
export const normalizeIban = (text) => (text ?? "").replace(/\s+/g, "").toUpperCase();

/** ISO 13616: the country code and check digits moved to the end, letters as 10–35, mod 97 is 1. */
function checksumHolds(iban) {
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

/** What is wrong with an IBAN, in plain words (a message), or undefined when it is a valid IBAN. */
export function ibanProblem(text) {
  const iban = normalizeIban(text);
  if (!iban) return msg("Give the IBAN of the account your clients pay to.");
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) {
    return msg("An IBAN starts with two letters for the country and two check digits, followed by letters and digits only.");
  }
  const country = COUNTRIES[iban.slice(0, 2)];
  if (!country) return msg("This IBAN starts with “{code}”, which is not a country that uses IBANs.", { code: iban.slice(0, 2) });
  const [length, adjective] = country;
  if (iban.length !== length) {
    return msg("{adjective} IBAN has {length} characters; this one has {typed}.", { adjective, length, typed: iban.length });
  }
  if (!checksumHolds(iban)) return msg("This IBAN has a typing error: its check digits do not match.");
  return undefined;
}

/** What is wrong with a BIC, in plain words (a message), or undefined when it is empty or well formed. */
export function bicProblem(text) {
  const bic = (text ?? "").replace(/\s+/g, "").toUpperCase();
  if (!bic || /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic)) return undefined;
  return msg("A BIC has 8 or 11 characters: 4 letters for the bank, 2 for the country, 2 letters or digits for the place, and optionally 3 for the branch.");
}
