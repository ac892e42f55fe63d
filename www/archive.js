// The archive of signed invoices kept on this device, and what the accountant gets from it.
// Every sent envelope is sealed to the business's own key too, and kept with its record, so
// it opens from local data alone, long after the relay deleted it; a client's inbox keeps the
// envelopes it chose to keep. The search index (number, parties, dates, amounts, read from the
// signed UBL when the invoice was sent or kept) lives inside the record sealed to its owner's
// key, so searching happens in memory after unlock. The export is a ZIP of the signed
// envelopes, the verified documents and an index.csv.

import { open } from "/pkg/sealbill.js";
import { $, h, say, downloadLink, setText } from "/dom.js";
import { readUbl } from "/ubl.js";
import { msg } from "/i18n.js";

/** An invoice number as a file name part: letters, digits, `.`, `_` and `-`, no leading dot. */
export const fileSafe = (number) => number.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\./, "_");

/** What the archive searches and the index lists, read from the signed invoice (UBL bytes). */
export function indexOf(xml) {
  const invoice = readUbl(xml);
  const t = invoice.totals;
  return { number: invoice.number, issueDate: invoice.issueDate, dueDate: invoice.dueDate,
    client: invoice.buyer.name, seller: invoice.seller.name, currency: invoice.currency,
    net: t.taxExclusive, tax: t.vatTotal, total: t.taxInclusive, payable: t.payable };
}

/**
 * Opens and verifies an envelope this identity sent, from its own copy: no relay involved. A
 * team member's envelope names the business (its owner) as well: the signer must be this key.
 */
export function openSent(identity, envelope) {
  const opened = open(identity, envelope);
  if (opened.sender.fingerprint !== identity.fingerprint()) {
    throw Object.assign(new Error("this envelope was not signed by your key"), { code: "UNEXPECTED_SENDER", text: msg("this envelope was not signed by your key") });
  }
  return opened;
}

/**
 * The index of a sent record: the one sealed in its summary, or, for a record kept before
 * summaries held one, read from its envelope. Undefined for an invitation.
 */
export function sentIndex(identity, record, summary) {
  if (summary.invitation) return undefined;
  return summary.index ?? indexOf(openSent(identity, record.envelope).documents[0].data);
}

/** Text as people compare it: compatibility forms folded, case ignored, white space collapsed. */
const fold = (text) => (text ?? "").normalize("NFKC").toLocaleLowerCase().replace(/\s+/g, " ").trim();

/**
 * A decimal amount as an integer of millionths, without floating point: "2275.88" and
 * "2275,88" are 2275880000n. Undefined for anything else.
 */
function millionths(text) {
  const m = /^([+-]?)(\d+)(?:[.,](\d{1,6}))?$/.exec((text ?? "").trim());
  if (!m) return undefined;
  const value = BigInt(m[2]) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0"));
  return m[1] === "-" ? -value : value;
}

/**
 * The query a search form holds (fields `number`, `name`, `from`, `to`, `min`, `max`), or
 * throws an Error whose message tells what to fix.
 */
function queryOf(form) {
  const value = (name) => form.elements[name].value.trim();
  const amount = (name) => {
    if (!value(name)) return undefined;
    const parsed = millionths(value(name));
    form.elements[name].setAttribute("aria-invalid", String(parsed === undefined));
    if (parsed === undefined) throw Object.assign(new Error("bad amount"), { text: msg("Write an amount as digits with a decimal point or comma, such as 1200 or 2275.88.") });
    return parsed;
  };
  form.elements.min.removeAttribute("aria-invalid");
  form.elements.max.removeAttribute("aria-invalid");
  return { number: fold(value("number")), name: fold(value("name")), from: value("from"), to: value("to"),
    min: amount("min"), max: amount("max") };
}

const empty = (q) => !q.number && !q.name && !q.from && !q.to && q.min === undefined && q.max === undefined;

/**
 * Whether an archive index matches a query: the number and the name (`party`: "client" or
 * "seller") contain what was typed, the issue date is within the dates and the amount due
 * within the amounts (both ends included; the same amount twice finds it exactly). An entry
 * without an index (an invitation) matches only the empty query.
 */
function matches(index, query, party) {
  if (empty(query)) return true;
  if (!index) return false;
  const amount = millionths(index.payable);
  return fold(index.number).includes(query.number) && fold(index[party]).includes(query.name)
    && (!query.from || index.issueDate >= query.from) && (!query.to || index.issueDate <= query.to)
    && (query.min === undefined || (amount !== undefined && amount >= query.min))
    && (query.max === undefined || (amount !== undefined && amount <= query.max));
}

/** "1 invoice", "2 invoices". */
const counted = (n) => (n === 1 ? msg("1 invoice") : msg("{n} invoices", { n }));

/** Why the ZIP writer refused, in plain words. */
const ZIP_PROBLEMS = {
  ZIP_BAD_NAME: (e) => msg("“{name}” cannot be a file name in a ZIP archive", { name: e.file }),
  ZIP_DUPLICATE_NAME: (e) => msg("“{name}” is twice in the ZIP archive", { name: e.file }),
  ZIP_TOO_MANY_FILES: () => msg("a ZIP archive without ZIP64 holds at most 65,535 files"),
  ZIP_TOO_LARGE: () => msg("a ZIP archive without ZIP64 holds at most 4 GiB"),
};

// index.csv is a file for spreadsheets and scripts: its columns are named the same in every
// language of the page (as its values are ISO dates and decimal points), so that an import or a
// script reads every export alike.
const CSV_HEADER = ["Number", "Issue date", "Client", "Seller", "Currency", "Net", "VAT", "Total", "Amount due", "Due date",
  "Relay id", "Sender fingerprint", "Envelope file", "Invoice file", "Attachment files"];

/**
 * The ZIP for the accountant, as a Blob (the ZIP and CSV writers load only now, off the path
 * that opens a link): per invoice the signed envelope as it was sent
 * (`NUMBER_RELAYID.age`), and in `NUMBER_RELAYID/` the invoice (UBL XML, as signed) and its
 * attachments, as `openEntry(entry)` opened and verified them; plus `index.csv` (UTF-8 with a
 * byte order mark, for spreadsheets). `entries` are `{ id, envelope, at }` (at: when sent or
 * received). Throws, naming the envelope, if one does not open; then nothing is exported.
 */
async function exportZip(entries, openEntry) {
  const [{ zip }, { csv }] = await Promise.all([import("/zip.js"), import("/csv.js")]);
  const files = [];
  const rows = [CSV_HEADER];
  for (const entry of entries) {
    const { id, envelope, at } = entry;
    let opened;
    try {
      opened = openEntry(entry);
    } catch (error) {
      throw Object.assign(new Error(`the envelope ${id} does not open`),
        { text: msg("the envelope {id} does not open ({reason})", { id, reason: error.code ?? error.message }) });
    }
    const [invoice, ...attachments] = opened.documents;
    const index = indexOf(invoice.data);
    const base = `${fileSafe(index.number)}_${id}`;
    const modified = new Date(at);
    files.push({ name: `${base}.age`, data: envelope, modified },
      ...opened.documents.map((d) => ({ name: `${base}/${d.name}`, data: d.data, modified })));
    rows.push([index.number, index.issueDate, index.client, index.seller, index.currency, index.net, index.tax, index.total,
      index.payable, index.dueDate, id, opened.sender.fingerprint, `${base}.age`, `${base}/${invoice.name}`,
      attachments.map((d) => `${base}/${d.name}`).join("; ")]);
  }
  files.push({ name: "index.csv", data: new TextEncoder().encode(`\ufeff${csv(rows)}`), modified: new Date() });
  return zip(files);
}

/**
 * The search form and export button of an archive view, drawn once into `#PREFIX-tools`; the
 * fields are `#PREFIX-search-number`, `-name` (labelled `partyLabel`), `-from`, `-to`, `-min`
 * and `-max`.
 */
function tools(prefix, legend, partyLabel) {
  const box = $(`${prefix}-tools`);
  if (!box.firstChild) {
    const field = (name, label, attributes = {}) => h("p", {},
      h("label", { for: `${prefix}-search-${name}` }, label), h("input", { id: `${prefix}-search-${name}`, name, ...attributes }));
    box.append(
      h("form", { id: `${prefix}-search`, role: "search" }, h("fieldset", {}, h("legend", {}, legend),
        h("div", { class: "row" }, field("number", msg("Number")), field("name", partyLabel),
          field("from", msg("Issued from"), { type: "date" }), field("to", msg("Issued until"), { type: "date" }),
          field("min", msg("Amount due from"), { inputmode: "decimal" }),
          field("max", msg("Amount due up to (the same for an exact amount)"), { inputmode: "decimal" })),
        h("button", { type: "submit" }, msg("Search")), " ", h("button", { type: "reset" }, msg("Show all")))),
      h("p", {}, h("span", { id: `${prefix}-count`, "aria-live": "polite" }), " ",
        h("button", { id: `${prefix}-export`, type: "button" }, msg("Download the invoices listed for your accountant (ZIP)"))));
  }
  return { form: $(`${prefix}-search`), count: $(`${prefix}-count`), exportButton: $(`${prefix}-export`) };
}

/**
 * Wires a search form and its export button (drawn by `tools`) to the rows of an archive view.
 * `entries` are `{ index, row, id, envelope, at }`; `party` is the name field searched
 * ("client" or "seller"); `openEntry` opens and verifies an entry's envelope for the export.
 * Typing filters the rows at once; the button exports the invoices listed.
 */
export function wireArchive({ prefix, legend, partyLabel, entries, party, openEntry }) {
  const { form, count, exportButton } = tools(prefix, legend, partyLabel);
  const invoices = entries.filter((e) => e.index);
  let listed = invoices;
  let invalid = false;
  const filter = () => {
    let query;
    try {
      query = queryOf(form);
    } catch (error) {
      invalid = true;
      say(error.text ?? error.message, "error");
      return;
    }
    if (invalid) say("");
    invalid = false;
    for (const e of entries) e.row.hidden = !matches(e.index, query, party);
    listed = invoices.filter((e) => !e.row.hidden);
    setText(count, empty(query) ? msg("{count}.", { count: counted(invoices.length) })
      : msg("{listed} of {count} match the search.", { listed: listed.length, count: counted(invoices.length) }));
    exportButton.disabled = listed.length === 0;
  };
  form.oninput = filter;
  form.onsubmit = (event) => {
    event.preventDefault();
    filter();
  };
  // A reset clears the fields after this event; filter once they are empty.
  form.onreset = () => setTimeout(filter);
  exportButton.onclick = async () => {
    say(msg("Preparing {count} for download…", { count: counted(listed.length) }));
    await new Promise((resolve) => setTimeout(resolve)); // the message shows before the work
    try {
      const archive = await exportZip(listed, openEntry);
      downloadLink(`sealbill-invoices-${new Date().toISOString().slice(0, 10)}.zip`, archive).click();
      say(msg("{count} exported: the signed envelopes, the invoices as signed and their attachments, with index.csv.", { count: counted(listed.length) }), "ok");
    } catch (error) {
      say(msg("Nothing exported: {reason}.", { reason: ZIP_PROBLEMS[error.code]?.(error) ?? error.text ?? error.message }), "error");
    }
  };
  filter();
}

/** The sent list's search and export, on the rows `listSent` made (`tr[data-id]`). */
export function showSentArchive(identity, entries) {
  wireArchive({ prefix: "sent", legend: msg("Search the archive"), partyLabel: msg("Client"), party: "client",
    openEntry: (entry) => openSent(identity, entry.envelope),
    entries: entries.map(({ record, index }) => ({ index, id: record.id, envelope: record.envelope, at: record.sentAt,
      row: $("sent-rows").querySelector(`tr[data-id="${CSS.escape(record.id)}"]`) })) });
}
