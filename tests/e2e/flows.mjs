// The page's flows as a person goes through them, shared by the end-to-end suites: set up a
// business, write and seal the standard invoice, open a link as a client. Every wait is bounded.
import assert from "node:assert/strict";
import { startRelay, launch, context, shot } from "./harness.mjs";

export const WAIT = { timeout: 20_000 };
export const PASSPHRASE = "plum harbour seven lanterns";
export const BUSINESS = { name: "Muster Design GmbH", street: "Hauptstraße 1", postcode: "10115", city: "Berlin",
  country: "DE", vat: "DE123456789", email: "anna@muster-design.example", iban: "DE02120300000000202051", bic: "BYLADEM1001" };
export const IBAN_SHOWN = "DE02 1203 0000 0000 2020 51";
export const CLIENT = { name: "Beispiel AG", street: "Marktplatz 2", postcode: "20095", city: "Hamburg",
  country: "DE", vat: "DE987654321", email: "ap@beispiel.example" };
export const LINES = [
  { name: "Logo design", quantity: "1", unit: "C62", price: "1200.00", vat: "S19" },
  { name: "Consulting", quantity: "7.5", unit: "HUR", price: "95.00", vat: "S19" },
];
/** An amount in euro as the page shows it to an English (en-US) browser: "€2,275.88". */
export const eur = (amount) => new Intl.NumberFormat("en-US", { style: "currency", currency: "EUR",
  minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
// 1200.00 + 7.5 × 95.00 = 1912.50 net; 19 % VAT = 363.375 → 363.38.
export const PAYABLE = eur("2275.88");

export const relayId = (url) => new URL(url).hash.slice(1).split(".")[0];

export async function fill(p, values) {
  for (const [selector, value] of Object.entries(values)) await p.fill(selector, value);
}

/** Fills the standard client and `lines` (and any other `fields`) into the open invoice form. */
export async function fillInvoice(page, { lines = LINES, fields = {} } = {}) {
  await fill(page, { "#buyer-name": CLIENT.name, "#buyer-street": CLIENT.street, "#buyer-postcode": CLIENT.postcode,
    "#buyer-city": CLIENT.city, "#buyer-country": CLIENT.country, "#buyer-vat": CLIENT.vat, "#buyer-email": CLIENT.email,
    "#inv-buyer-ref": "PO-7781", ...fields });
  for (const [i, line] of lines.entries()) {
    if (i > 0) await page.click("#add-line");
    const row = page.locator("#lines fieldset.line").nth(i);
    await row.locator('[data-line-field="name"]').fill(line.name);
    await row.locator('[data-line-field="quantity"]').fill(line.quantity);
    await row.locator('[data-line-field="unitCode"]').selectOption(line.unit);
    await row.locator('[data-line-field="netPrice"]').fill(line.price);
    await row.locator('[data-line-field="vatChoice"]').selectOption(line.vat);
  }
}

/** Opens a fresh invoice form and waits until it has been reset. */
export async function newForm(p) {
  const generation = () => p.evaluate(() => document.getElementById("invoice-form").dataset.generation ?? "0");
  const before = await generation();
  await p.click("#nav-new");
  await p.waitForFunction((g) => document.getElementById("invoice-form").dataset.generation !== g, before, WAIT);
  await p.waitForSelector("#compose:not([hidden])", WAIT);
}

/** Starts the relay (with `flags` added), the browser and the business's context and page, into `env`. */
export async function start(env, { flags = [] } = {}) {
  env.relay = await startRelay({ flags });
  env.browser = await launch();
  env.business = await context(env.browser);
  env.page = await env.business.newPage();
  return env;
}

/** Stops what `start` started. */
export async function stop(env) {
  await env.browser?.close();
  await env.relay?.stop();
}

/**
 * The flows that need the running relay and browser: `env` holds `relay`, `browser` and the
 * business's `page`, set once they are started.
 */
export function flows(env) {
  /** Fills the first-visit form and creates the identity; returns the card. */
  async function setUp(p, { iban = BUSINESS.iban, name = BUSINESS.name, screenshot, timeout = WAIT.timeout } = {}) {
    await p.goto(`${env.relay.origin}/`);
    await p.waitForSelector("#setup:not([hidden])", WAIT);
    if (screenshot) await shot(p, screenshot);
    await fill(p, { "#biz-name": name, "#biz-street": BUSINESS.street, "#biz-postcode": BUSINESS.postcode,
      "#biz-city": BUSINESS.city, "#biz-country": BUSINESS.country, "#biz-vat": BUSINESS.vat, "#biz-email": BUSINESS.email,
      "#biz-iban": iban, "#biz-bic": BUSINESS.bic, "#biz-passphrase": "short" });
    assert.equal(await p.getAttribute("#biz-strength", "data-strength"), "Too weak");
    await fill(p, { "#biz-passphrase": PASSPHRASE, "#biz-passphrase2": PASSPHRASE });
    assert.notEqual(await p.getAttribute("#biz-strength", "data-strength"), "Too weak");
    await p.click("#setup-form button[type=submit]");
    await p.waitForSelector("#created:not([hidden])", { timeout });
    return p.inputValue("#created-card");
  }

  /** Writes the standard invoice and seals it; returns the link. */
  async function sendInvoice({ passphrase, number, from = env.page, keepForm = false, contact, refused = false } = {}) {
    const page = from;
    if (!keepForm) await newForm(page);
    if (number) await page.fill("#inv-number", number);
    await fillInvoice(page);
    if (passphrase) await page.fill("#inv-link-passphrase", passphrase);
    // A connected client is chosen by label; "" sends a link even to a connected buyer.
    if (contact !== undefined) await page.selectOption("#inv-contact", contact ? { label: contact } : { value: "" });
    // The amount due, computed by the e-invoice module (not the totals so far beside problems).
    await page.waitForFunction((t) => document.getElementById("live-total").textContent === t
      && document.getElementById("totals-note").hidden, PAYABLE, WAIT);
    assert.equal(await page.isDisabled("#seal-button"), false);
    await page.click("#seal-button");
    if (refused) {
      await page.waitForFunction(() => document.getElementById("status").dataset.kind === "error", null, WAIT);
      return page.textContent("#status");
    }
    await page.waitForSelector("#sent-link:not([hidden])", WAIT);
    return page.inputValue("#link-url");
  }

  /**
   * Opens a link in a fresh browser context (or `ctx`); returns the page after the click.
   * `unlock` is the passphrase of the client key this context holds, asked for after the
   * click (null: answer "Not now").
   */
  async function openAsClient(url, { passphrase, ctx, unlock } = {}) {
    const client = ctx ?? await context(env.browser);
    const p = await client.newPage();
    await p.goto(url);
    await p.waitForSelector("#open:not([hidden])", WAIT);
    // A link whose check fails is broken on arrival: its failure shows, with no button to click.
    if (await p.isHidden("#open-button") && await p.evaluate(() => document.getElementById("status").dataset.failure)) return p;
    if (passphrase !== undefined) await p.fill("#link-passphrase", passphrase);
    await p.click("#open-button");
    if (unlock !== undefined) {
      await p.waitForSelector("#client-key:not([hidden])", WAIT);
      if (unlock === null) await p.click("#client-key-cancel");
      else {
        await p.fill("#client-unlock-passphrase", unlock);
        await p.click("#client-unlock-form button[type=submit]");
      }
    }
    await p.waitForFunction(() => !document.getElementById("invoice").hidden
      || document.getElementById("status").dataset.failure, null, WAIT);
    return p;
  }

  return { setUp, sendInvoice, openAsClient };
}

export const failure = (p) => p.evaluate(() => document.getElementById("status").dataset.failure);

