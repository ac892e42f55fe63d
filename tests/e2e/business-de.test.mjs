// The business's screens in German: a German browser sets up a business, sees its fingerprint,
// locks and unlocks, and goes through Sent, Clients, Team, Backup and Security; every screen
// speaks German (amounts and dates as Germans write them), no text the page showed lacks a
// translation, and switching to English redraws the Sent list in English.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { shot, context } from "./harness.mjs";
import { WAIT, PASSPHRASE, CLIENT, fill, fillInvoice, flows, start, stop } from "./flows.mjs";

const env = {};
const { setUp } = flows(env);
let page;
let ctx;

const text = (selector) => page.textContent(selector);
const missing = () => page.evaluate(async () => [...(await import("/i18n.js")).missing]);
const statusText = () => page.textContent("#status");

/** Writes the standard invoice in the (German) form and seals it; returns the link. */
async function sendInvoice() {
  await fillInvoice(page);
  // 2275.88 due, in whatever form the form writes it ("2.275,88 €" in German).
  await page.waitForFunction(() => /2\D?275\D88/.test(document.getElementById("live-total").textContent)
    && document.getElementById("totals-note").hidden, null, WAIT);
  await page.click("#seal-button");
  await page.waitForSelector("#sent-link:not([hidden])", WAIT);
  return page.inputValue("#link-url");
}

describe("the business's screens in German", () => {
  before(async () => {
    await start(env);
    ctx = await context(env.browser, { locale: "de-DE" });
    page = await ctx.newPage();
  });
  after(async () => {
    await ctx?.close();
    await stop(env);
  });

  it("sets up a business in German: the form, the strength hint and the fingerprint screen", async () => {
    await page.goto(`${env.relay.origin}/`);
    await page.waitForSelector("#setup:not([hidden])", WAIT);
    assert.equal(await text("#setup h2"), "Ihr Unternehmen einrichten");
    assert.equal(await text('label[for="biz-street"]'), "Straße und Hausnummer");
    assert.equal(await text("#setup-form button[type=submit]"), "Meine Schlüssel erzeugen");
    await page.fill("#biz-passphrase", "short");
    assert.match(await text("#biz-strength"), /^Zu schwach\. Verwenden Sie mindestens 12 Zeichen/);
    // The level the CSS colours by stays the same in every language.
    assert.equal(await page.getAttribute("#biz-strength", "data-strength"), "Too weak");
    await page.fill("#biz-passphrase", "");
    // Joining a business changes the labels, in German too.
    await page.check("#setup-join");
    assert.match(await text("#biz-legend"), /^Das Unternehmen, dem Sie beitreten/);
    await page.check("#setup-own");
    assert.equal(await text("#biz-legend"), "Ihr Unternehmen (steht auf jeder Rechnung)");

    const card = await setUp(page);
    env.relay.addSender(card);
    assert.equal(await text("#created h2"), "Ihre Schlüssel sind bereit");
    assert.match(await text("#created-fingerprint"), /^(\d{5} ){7}\d{5}$/);
    assert.match(await text("#created"), /Das ist Ihr Fingerabdruck\./);
    assert.equal(await text("#backup-download a"), "Verschlüsselte Sicherung herunterladen");
    assert.equal(await text("#created-continue"), "Weiter");
    await shot(page, "business-de-created");
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
  });

  it("seals an invoice, locks and unlocks in German", async () => {
    await sendInvoice();
    assert.equal(await text("#sent-link h2"), "Senden Sie diesen Link an Ihren Kunden");
    assert.equal(await text("#link-copy"), "Link kopieren");
    assert.match(await statusText(), /^Rechnung \S+ versiegelt und auf dem Server abgelegt\.$/);
    // The email to the client is written in German too.
    const mail = decodeURIComponent(await page.getAttribute("#link-mailto", "href"));
    assert.match(mail, /subject=Rechnung \S+ von Muster Design GmbH/);
    assert.match(mail, /Guten Tag,/);

    assert.equal(await text("#nav-lock"), "Sperren");
    await page.click("#nav-lock");
    await page.waitForSelector("#unlock:not([hidden])", WAIT);
    assert.equal(await text("#unlock h2"), "Entsperren");
    assert.match(await text("#unlock"), /Ihre Schlüssel auf diesem Gerät:/);
    await page.fill("#unlock-passphrase", "not the passphrase at all");
    await page.click("#unlock-form button[type=submit]");
    await page.waitForFunction(() => document.getElementById("status").dataset.kind === "error", null, WAIT);
    assert.match(await statusText(), /^Falsche Passphrase/);
    await page.fill("#unlock-passphrase", PASSPHRASE);
    await page.click("#unlock-form button[type=submit]");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
  });

  it("lists what was sent with German amounts, dates and states, and redraws it in English", async () => {
    await page.click("#nav-sent");
    await page.waitForFunction(() => document.querySelectorAll("#sent-rows tr[data-id]").length === 1
      && (document.getElementById("sent-count")?.textContent ?? "") !== "", null, WAIT);
    assert.equal(await text("#sent h2"), "Versendete Rechnungen");
    assert.deepEqual(await page.$$eval("#sent thead th", (ths) => ths.map((th) => th.textContent)),
      ["Nummer", "Kunde", "Betrag", "Versendet", "Status", "Aktionen"]);
    const cells = () => page.$$eval("#sent-rows tr[data-id] td", (tds) => tds.map((td) => td.textContent));
    const [, client, amount, date, state] = await cells();
    assert.equal(client, CLIENT.name);
    assert.equal(amount, "2.275,88\u00a0€");
    assert.match(date, /^\d{2}\.\d{2}\.\d{4}$/);
    assert.equal(state, "aktiv");
    assert.equal(await page.getAttribute('#sent-rows [data-test="status"]', "data-status"), "active");
    assert.equal(await text("#sent-count"), "1 Rechnung.");
    assert.equal(await text("#sent-search legend"), "Archiv durchsuchen");
    await page.fill("#sent-search-number", "nothing like it");
    assert.equal(await text("#sent-count"), "Treffer: 0 von 1 Rechnung.");
    await page.fill("#sent-search-min", "zwölf");
    assert.match(await statusText(), /^Schreiben Sie einen Betrag als Ziffern/);
    await page.click("#sent-search button[type=reset]");
    await page.waitForFunction(() => document.getElementById("sent-count").textContent === "1 Rechnung.", null, WAIT);
    await shot(page, "business-de-sent");

    // A switch to English redraws the list from its data, then back to German.
    await page.selectOption("#language", "en");
    await page.waitForFunction(() => document.querySelector("#sent-rows tr[data-id] td:nth-child(3)")?.textContent === "€2,275.88",
      null, WAIT);
    assert.equal(await text("#sent h2"), "Sent invoices");
    assert.equal(await text('#sent-rows [data-test="status"]'), "active");
    await page.selectOption("#language", "de");
    await page.waitForFunction(() => document.querySelector('#sent-rows [data-test="status"]')?.textContent === "aktiv", null, WAIT);
    assert.equal((await cells())[2], "2.275,88\u00a0€");
  });

  it("shows Clients, Team, Backup and Security in German", async () => {
    await page.click("#nav-contacts");
    await page.waitForSelector("#contacts:not([hidden])", WAIT);
    assert.equal(await text("#contacts h2"), "Kunden");
    assert.match(await text("#contacts-empty"), /^Noch hat sich kein Kunde verbunden\./);
    assert.equal(await text("#invite-form legend"), "Einen Kunden einladen, sich vor der nächsten Rechnung zu verbinden");

    await page.click("#nav-team");
    await page.waitForSelector("#team:not([hidden])", WAIT);
    assert.equal(await text("#team h2"), "Team");
    assert.match(await text("#team-body"), /Noch kein Team: Laden Sie jemanden ein/);
    assert.deepEqual(await page.$$eval("#team-invite-role option", (os) => os.map((o) => [o.value, o.textContent])),
      [["biller", "Rechnungsstellung: schreibt und versendet Rechnungen"], ["accountant", "Buchhaltung: liest die Rechnungen, versendet keine"]]);
    assert.equal(await text("#team-rows td:nth-child(3)"), "Inhaber");
    await page.fill("#team-join-request", "not a request");
    assert.match(await text("#team-request"), /^Das ist keine vollständige Beitrittsanfrage\./);
    await page.click("#team-invite");
    await page.waitForSelector("#team-invitation:not([hidden])", WAIT);
    assert.match(await statusText(), /^Senden Sie diese Einladung an das neue Mitglied\./);
    await shot(page, "business-de-team");

    await page.click("#nav-backup");
    await page.waitForSelector("#backup:not([hidden])", WAIT);
    assert.equal(await text("#backup h2"), "Sicherung");
    assert.equal(await text('label[for="backup-passphrase"]'), "Passphrase der Sicherung");
    await fill(page, { "#backup-passphrase": "granite willow eleven comets", "#backup-passphrase2": "granite willow eleven comet" });
    await page.click("#backup-form button[type=submit]");
    assert.equal(await statusText(), "Die beiden Passphrasen stimmen nicht überein.");
    await fill(page, { "#backup-passphrase": "granite willow eleven comets", "#backup-passphrase2": "granite willow eleven comets" });
    await page.click("#backup-form button[type=submit]");
    await page.waitForSelector("#backup-link a", WAIT);
    assert.equal(await text("#backup-link a"), "Sicherung herunterladen");
    assert.match(await statusText(), /^Sicherung fertig\. Bewahren Sie sie getrennt von diesem Laptop auf/);

    await page.click("#nav-security");
    await page.waitForSelector("#business-security [data-test=unlock-needs]", WAIT);
    assert.equal(await text("#security h2"), "Sicherheit");
    assert.equal(await text("#business-security h3"), "Passkey (zweiter Faktor)");
    assert.equal(await text("#business-security [data-test=unlock-needs]"),
      "Zum Entsperren brauchen Sie Ihre Passphrase und diesen Browser. Sie können zusätzlich einen Passkey verlangen.");
    assert.equal(await page.getAttribute("#business-passkey-label", "placeholder"), "zum Beispiel: YubiKey oder mein Telefon");
    assert.equal(await text("#business-security button[type=submit]"), "Zusätzlich einen Passkey verlangen");
    await shot(page, "business-de-security");
  });

  it("left no text of these screens untranslated, and no page error", async () => {
    assert.deepEqual(await missing(), []);
    assert.deepEqual(ctx.errors, []);
  });
});
