// The page's layout in English and German, on a laptop (1280 px) and a phone (390 px): the
// setup screen, the invoice form with two long lines, and the client's view of the sealed
// invoice. Full-page screenshots go to tests/e2e/output/layout-*.png; in the browser, every
// visible input, select, button and label shows its whole content, nothing is wider than the
// viewport, and no two form controls overlap.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { shot } from "./harness.mjs";
import { WAIT, fillInvoice, flows, newForm, start, stop } from "./flows.mjs";

const env = {};
const { setUp, openAsClient } = flows(env);

const WIDTHS = { laptop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const LANGUAGES = { en: "en-US", de: "de-DE" };
/**
 * Two lines with long item names (as long as a one-line input on a phone shows whole, about 36
 * characters), prices as each language writes them, and the reduced rate.
 */
const LINES = {
  en: [{ name: "Webdesign Startseite und Unterseiten", quantity: "1", unit: "C62", price: "1200.00", vat: "S7" },
    { name: "Suchmaschinenoptimierung Unterseiten", quantity: "7.5", unit: "HUR", price: "95.00", vat: "S7" }],
  de: [{ name: "Webdesign Startseite und Unterseiten", quantity: "1", unit: "C62", price: "1.200,00", vat: "S7" },
    { name: "Suchmaschinenoptimierung Unterseiten", quantity: "7,5", unit: "HUR", price: "95,00", vat: "S7" }],
};

/**
 * What is cut off or out of place on the page as shown: a control or label whose content is
 * wider than its box (a select's chosen option measured in the select's own font, beside its
 * arrow), anything beyond the viewport's width, and form controls that overlap.
 */
function layoutProblems() {
  const problems = [];
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px viewport`);
  }
  // What a person sees: not hidden, not folded away in a closed <details>, not visually hidden.
  const shown = (el) => el.getClientRects().length > 0 && el.checkVisibility({ visibilityProperty: true })
    && !el.closest(".visually-hidden, [hidden]") && !(el.closest("details:not([open])") && !el.closest("summary"));
  const describe = (el) => {
    const what = el.id ? `#${el.id}` : el.dataset.lineField ? `${el.localName}[${el.dataset.lineField}]` : el.localName;
    const content = el.localName === "select" ? el.selectedOptions[0]?.textContent
      : el.localName === "input" ? el.value || el.placeholder : el.textContent;
    return `${what} "${(content ?? "").replace(/\s+/g, " ").trim().slice(0, 60)}"`;
  };
  const context = document.createElement("canvas").getContext("2d");
  // The room a select's arrow takes inside its padding box (Chromium's menu list button).
  const ARROW = 20;
  const elements = [...document.querySelectorAll("input, select, textarea, button, label, a.button")].filter(shown);
  for (const el of elements) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 || box.left < -0.5) {
      problems.push(`${describe(el)} reaches beyond the viewport (${Math.round(box.left)}–${Math.round(box.right)} of ${width} px)`);
    }
    if (el.localName === "select") {
      const option = el.selectedOptions[0];
      if (!option) continue;
      const style = getComputedStyle(el);
      context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const needed = context.measureText(option.textContent).width;
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - ARROW;
      if (needed > room + 1) problems.push(`${describe(el)} needs ${Math.ceil(needed)} px, its box has ${Math.floor(room)} px`);
    } else if (el.type !== "checkbox" && el.type !== "radio" && el.type !== "file" && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${describe(el)} is cut off: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
    }
  }
  const controls = elements.filter((el) => el.matches("input:not([type=radio]):not([type=checkbox]), select, textarea, button, a.button"))
    .map((el) => [el, el.getBoundingClientRect()]);
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const [a, ra] = controls[i];
      const [b, rb] = controls[j];
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 1 && y > 1) problems.push(`${describe(a)} and ${describe(b)} overlap`);
    }
  }
  return problems;
}

describe("layout at 1280 px and 390 px, in English and German", () => {
  before(() => start(env));
  after(() => stop(env));

  for (const [lang, locale] of Object.entries(LANGUAGES)) {
    it(`fits every control of setup, the form and the client's view in ${lang}`, async () => {
      const problems = [];
      const contexts = [];
      const open = async () => {
        const ctx = await env.browser.newContext({ locale, viewport: WIDTHS.laptop });
        ctx.errors = [];
        ctx.on("page", (p) => p.on("pageerror", (e) => ctx.errors.push(e.message)));
        contexts.push(ctx);
        return ctx;
      };
      /** Checks and photographs the page at both widths, then returns to the laptop's. */
      const look = async (p, screen) => {
        for (const [device, size] of Object.entries(WIDTHS)) {
          await p.setViewportSize(size);
          await p.waitForFunction((w) => window.innerWidth === w, size.width, WAIT);
          await shot(p, `layout-${screen}-${lang}-${size.width}`);
          for (const problem of await p.evaluate(layoutProblems)) problems.push(`${screen}, ${device} (${size.width} px): ${problem}`);
        }
        await p.setViewportSize(WIDTHS.laptop);
      };
      try {
        const business = await open();
        const page = await business.newPage();
        await page.goto(`${env.relay.origin}/`);
        await page.waitForSelector("#setup:not([hidden])", WAIT);
        assert.equal(await page.getAttribute("html", "lang"), lang);
        await look(page, "setup");

        env.relay.addSender(await setUp(page, { name: lang === "de" ? "Müller & Söhne Webdesign GmbH" : undefined }));
        await page.click("#created-continue");
        await page.waitForSelector("#compose:not([hidden])", WAIT);
        await newForm(page);
        await fillInvoice(page, { lines: LINES[lang] });
        // 1200.00 + 7.5 × 95.00 = 1912.50 net, 7 % = 133.875 → 133.88, 2046.38 due.
        await page.waitForFunction(() => /2\D?046\D38/.test(document.getElementById("live-total").textContent)
          && document.getElementById("totals-note").hidden, null, WAIT);
        await look(page, "form");

        await page.click("#seal-button");
        await page.waitForSelector("#sent-link:not([hidden])", WAIT);
        const url = await page.inputValue("#link-url");
        const client = await openAsClient(url, { ctx: await open() });
        await client.waitForSelector("#invoice:not([hidden])", WAIT);
        await look(client, "invoice");

        for (const ctx of contexts) assert.deepEqual(ctx.errors, []);
        assert.deepEqual(problems, []);
      } finally {
        for (const ctx of contexts) await ctx.close();
      }
    });
  }
});
