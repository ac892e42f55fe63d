// Bank details as a person types them, checked before they go on an invoice: the IBAN by its
// country's length (SWIFT IBAN registry) and its ISO 13616 mod-97 check digits, the BIC by its
// ISO 9362 format. One module for setup, the form and the team's account.

/** IBAN lengths per country, from the SWIFT IBAN registry: the SEPA countries and a few more. */
const COUNTRIES = {
  AD: [24, "An Andorran"], AT: [20, "An Austrian"], BE: [16, "A Belgian"], BG: [22, "A Bulgarian"],
  CH: [21, "A Swiss"], CY: [28, "A Cypriot"], CZ: [24, "A Czech"], DE: [22, "A German"], DK: [18, "A Danish"],
  EE: [20, "An Estonian"], ES: [24, "A Spanish"], FI: [18, "A Finnish"], FR: [27, "A French"],
  GB: [22, "A British"], GI: [23, "A Gibraltar"], GR: [27, "A Greek"], HR: [21, "A Croatian"],
  HU: [28, "A Hungarian"], IE: [22, "An Irish"], IS: [26, "An Icelandic"], IT: [27, "An Italian"],
  LI: [21, "A Liechtenstein"], LT: [20, "A Lithuanian"], LU: [20, "A Luxembourg"], LV: [21, "A Latvian"],
  MC: [27, "A Monegasque"], MT: [31, "A Maltese"], NL: [18, "A Dutch"], NO: [15, "A Norwegian"],
  PL: [28, "A Polish"], PT: [25, "A Portuguese"], RO: [24, "A Romanian"], SE: [24, "A Swedish"],
  SI: [19, "A Slovenian"], SK: [24, "A Slovak"], SM: [27, "A San Marino"], VA: [22, "A Vatican"],
  AL: [28, "An Albanian"], BA: [20, "A Bosnian"], ME: [22, "A Montenegrin"], MK: [19, "A North Macedonian"],
  RS: [22, "A Serbian"], TR: [26, "A Turkish"], UA: [29, "A Ukrainian"],
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

/** What is wrong with an IBAN, in plain words, or undefined when it is a valid IBAN. */
export function ibanProblem(text) {
  const iban = normalizeIban(text);
  if (!iban) return "Give the IBAN of the account your clients pay to.";
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) {
    return "An IBAN starts with two letters for the country and two check digits, followed by letters and digits only.";
  }
  const country = COUNTRIES[iban.slice(0, 2)];
  if (!country) return `This IBAN starts with "${iban.slice(0, 2)}", which is not a country that uses IBANs.`;
  const [length, adjective] = country;
  if (iban.length !== length) return `${adjective} IBAN has ${length} characters; this one has ${iban.length}.`;
  if (!checksumHolds(iban)) return "This IBAN has a typing error: its check digits do not match.";
  return undefined;
}

/** What is wrong with a BIC, in plain words, or undefined when it is empty or well formed. */
export function bicProblem(text) {
  const bic = (text ?? "").replace(/\s+/g, "").toUpperCase();
  if (!bic || /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic)) return undefined;
  return "A BIC has 8 or 11 characters: 4 letters for the bank, 2 for the country, 2 letters or digits for the place, and optionally 3 for the branch.";
}
