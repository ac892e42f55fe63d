// A small client of Firefox's own remote protocol, Marionette, for the page's tests in a second
// engine: Debian's firefox-esr, no geckodriver. Each `launchFirefox()` starts a headless Firefox
// with a fresh profile (its own IndexedDB) in its own process group, connects over loopback TCP
// and opens a WebDriver session; `close()` ends the session, quits, kills whatever is left and
// removes the profile. Firefoxes still running when the test process ends (a failed test, a
// timeout, Ctrl-C) are killed and their profiles removed too. Every wait is bounded in time.
//
// The protocol: frames `LENGTH:JSON` (LENGTH in bytes of the UTF-8 JSON); the server greets with
// `{"applicationType":"gecko","marionetteProtocol":3}`; a command is `[0, id, NAME, PARAMS]`,
// its reply `[1, id, ERROR, RESULT]` with ERROR null or `{error, message, stacktrace}`.
//
// `page` is a thin stand-in for the few Playwright Page methods the shared flows (flows.mjs)
// use, so one sequence of steps drives both engines: goto, evaluate, waitForFunction,
// waitForSelector, fill, click, selectOption, inputValue, getAttribute, textContent, isDisabled,
// isHidden, screenshot, and locator(css).nth(i).locator(css) with fill, click, selectOption.
// Typing, clicks and option choices are WebDriver actions (real key and mouse events in Gecko).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";
/** The WebDriver key of an element reference. */
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const DEFAULT_TIMEOUT = 20_000;

/**
 * Preferences that keep Firefox off the network but for the pages it is sent to: no updates,
 * telemetry, studies, captive portal or connectivity checks, safe browsing lists, remote
 * settings, add-on, search or region updates, push, DNS over HTTPS, prefetching or first-run
 * pages. Whatever still tries goes to the recording proxy (see `launchFirefox`).
 */
const QUIET_PREFS = {
  "app.update.disabledForTesting": true, "app.update.auto": false, "app.update.checkInstallTime": false,
  "app.update.url": "", "app.update.staging.enabled": false, "app.update.service.enabled": false,
  "app.normandy.enabled": false, "app.normandy.api_url": "", "app.shield.optoutstudies.enabled": false,
  "messaging-system.rsexperimentloader.enabled": false, "nimbus.rollouts.enabled": false,
  "datareporting.healthreport.uploadEnabled": false, "datareporting.policy.dataSubmissionEnabled": false,
  "datareporting.policy.dataSubmissionPolicyBypassNotification": true, "datareporting.usage.uploadEnabled": false,
  "toolkit.telemetry.enabled": false, "toolkit.telemetry.unified": false, "toolkit.telemetry.archive.enabled": false,
  "toolkit.telemetry.server": "data:,", "toolkit.telemetry.shutdownPingSender.enabled": false,
  "toolkit.telemetry.firstShutdownPing.enabled": false, "toolkit.telemetry.newProfilePing.enabled": false,
  "toolkit.telemetry.updatePing.enabled": false, "toolkit.telemetry.bhrPing.enabled": false,
  "toolkit.coverage.opt-out": true, "browser.ping-centre.telemetry": false, "browser.discovery.enabled": false,
  "network.captive-portal-service.enabled": false, "captivedetect.canonicalURL": "",
  "network.connectivity-service.enabled": false, "network.trr.mode": 5, "doh-rollout.disable-heuristics": true,
  "network.dns.disablePrefetch": true, "network.prefetch-next": false, "network.predictor.enabled": false,
  "network.http.speculative-parallel-limit": 0, "browser.places.speculativeConnect.enabled": false,
  "browser.urlbar.speculativeConnect.enabled": false,
  "browser.safebrowsing.malware.enabled": false, "browser.safebrowsing.phishing.enabled": false,
  "browser.safebrowsing.downloads.enabled": false, "browser.safebrowsing.downloads.remote.enabled": false,
  "browser.safebrowsing.blockedURIs.enabled": false, "browser.safebrowsing.passwords.enabled": false,
  "browser.safebrowsing.provider.google.updateURL": "", "browser.safebrowsing.provider.google.gethashURL": "",
  "browser.safebrowsing.provider.google4.updateURL": "", "browser.safebrowsing.provider.google4.gethashURL": "",
  "browser.safebrowsing.provider.mozilla.updateURL": "", "browser.safebrowsing.provider.mozilla.gethashURL": "",
  "services.settings.server": "data:,#remote-settings-dummy/v1",
  "security.remote_settings.crlite_filters.enabled": false, "security.remote_settings.intermediates.enabled": false,
  "security.OCSP.enabled": 0, "security.certerrors.mitm.priming.enabled": false,
  "extensions.update.enabled": false, "extensions.update.autoUpdateDefault": false,
  "extensions.getAddons.cache.enabled": false, "extensions.blocklist.enabled": false,
  "extensions.systemAddon.update.enabled": false, "extensions.systemAddon.update.url": "",
  "extensions.getAddons.discovery.api_url": "", "extensions.webservice.discoverURL": "",
  "extensions.htmlaboutaddons.recommendations.enabled": false,
  "media.gmp-manager.url": "", "media.gmp-manager.updateEnabled": false, "media.gmp-gmpopenh264.autoupdate": false,
  "media.gmp-gmpopenh264.enabled": false, "media.gmp-widevinecdm.enabled": false,
  "browser.search.update": false, "browser.search.geoip.url": "", "browser.region.network.url": "",
  "browser.region.update.enabled": false, "geo.provider.network.url": "", "geo.enabled": false,
  "identity.fxaccounts.enabled": false, "services.sync.engine.addons": false,
  "dom.push.connection.enabled": false, "dom.push.serverURL": "",
  "browser.newtabpage.enabled": false, "browser.newtab.preload": false, "browser.startup.page": 0,
  "browser.startup.homepage": "about:blank", "startup.homepage_welcome_url": "about:blank",
  "startup.homepage_welcome_url.additional": "", "browser.startup.homepage_override.mstone": "ignore",
  "browser.newtabpage.activity-stream.feeds.system.topstories": false,
  "browser.newtabpage.activity-stream.feeds.section.topstories": false,
  "browser.newtabpage.activity-stream.feeds.snippets": false,
  "browser.newtabpage.activity-stream.showSponsored": false,
  "browser.newtabpage.activity-stream.showSponsoredTopSites": false,
  "browser.newtabpage.activity-stream.default.sites": "", "browser.topsites.contile.enabled": false,
  "browser.aboutwelcome.enabled": false, "browser.uitour.enabled": false,
  "browser.shell.checkDefaultBrowser": false, "browser.tabs.warnOnClose": false,
  "browser.sessionstore.resume_from_crash": false, "toolkit.startup.max_resumed_crashes": -1,
  "signon.rememberSignons": false, "browser.contentblocking.report.lockwise.enabled": false,
  "browser.vpn_promo.enabled": false, "extensions.pocket.enabled": false,
  "browser.download.useDownloadDir": true, "browser.download.folderList": 2,
  "browser.download.always_ask_before_handling_new_types": false,
  "browser.translations.enable": false, "browser.ml.enable": false,
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves `promise`, or rejects with `what` after `ms`. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** An error a Marionette command answered with. */
export class WebDriverError extends Error {
  constructor(command, { error, message }) {
    super(`${command}: ${error}: ${message}`);
    this.code = error;
  }
}

/** One Marionette connection: frames in and out, replies matched to commands by id. */
class Connection {
  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.pending = new Map();
    this.nextId = 1;
    this.greeting = new Promise((resolve) => { this.onGreeting = resolve; });
    this.closed = false;
    socket.on("data", (chunk) => this.receive(chunk));
    const end = (why) => {
      this.closed = true;
      for (const { reject } of this.pending.values()) reject(new Error(`Marionette connection ${why}`));
      this.pending.clear();
    };
    socket.on("close", () => end("closed"));
    socket.on("error", (e) => end(`failed: ${e.message}`));
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString("ascii"));
      if (!Number.isSafeInteger(length)) {
        this.socket.destroy(new Error(`a bad frame: ${this.buffer.subarray(0, 40)}`));
        return;
      }
      if (this.buffer.length < colon + 1 + length) return;
      const message = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString("utf8"));
      this.buffer = this.buffer.subarray(colon + 1 + length);
      if (!Array.isArray(message)) { this.onGreeting(message); continue; }
      const [, id, error, result] = message;
      const waiting = this.pending.get(id);
      if (!waiting) continue;
      this.pending.delete(id);
      if (error) waiting.reject(new WebDriverError(waiting.name, error));
      else waiting.resolve(result);
    }
  }

  /** Sends one command; its reply (or its error) within `timeout` ms. */
  send(name, params = {}, timeout = DEFAULT_TIMEOUT + 10_000) {
    if (this.closed) return Promise.reject(new Error(`${name}: the Marionette connection is closed`));
    const id = this.nextId++;
    const json = Buffer.from(JSON.stringify([0, id, name, params]), "utf8");
    const reply = new Promise((resolve, reject) => this.pending.set(id, { name, resolve, reject }));
    this.socket.write(Buffer.concat([Buffer.from(`${json.length}:`, "ascii"), json]));
    return within(reply, timeout, name).finally(() => this.pending.delete(id));
  }
}

/**
 * A loopback HTTP proxy that refuses everything and records what it was asked for: Firefox
 * sends it every request to a host other than loopback, so `requests` lists any traffic that
 * would have left the machine.
 */
async function recordingProxy() {
  const requests = [];
  const server = createServer((socket) => {
    socket.once("data", (d) => {
      requests.push(d.toString("latin1").split("\r\n")[0]);
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    socket.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return { port: server.address().port, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Firefoxes not yet closed, killed when the process exits however it does. */
const running = new Set();
function killAll() {
  for (const ff of running) ff.kill();
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => { killAll(); process.exit(128 + (signal === "SIGINT" ? 2 : 15)); });
}

function userJs(prefs) {
  return Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join("");
}

/**
 * Starts headless Firefox with a fresh profile and opens a session. `timeout` bounds the start
 * (Firefox writes the port it listens on to the profile's MarionetteActivePort).
 */
export async function launchFirefox({ timeout = 60_000, locale = "en-US" } = {}) {
  const started = Date.now();
  const profile = mkdtempSync(join(tmpdir(), "sealbill-firefox-"));
  const proxy = await recordingProxy();
  writeFileSync(join(profile, "user.js"), userJs({
    ...QUIET_PREFS,
    "marionette.port": 0,
    // The language the Chromium tests see (Playwright's default), so amounts and dates read the same.
    "intl.locale.requested": locale, "intl.accept_languages": locale,
    "browser.download.dir": join(profile, "downloads"),
    "network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.http_port": proxy.port,
    "network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": proxy.port, "network.proxy.share_proxy_settings": false,
    "network.proxy.no_proxies_on": "", "network.proxy.allow_hijacking_localhost": false,
  }));
  const child = spawn(FIREFOX, ["--headless", "--marionette", "--no-remote", "--new-instance", "--profile", profile],
    { detached: true, stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, MOZ_HEADLESS: "1",
        // What Firefox's own test harnesses set: release builds then honour the remote settings
        // server above (a dummy that skips every sync) instead of Mozilla's.
        MOZ_DISABLE_NONLOCAL_CONNECTIONS: "1", MOZ_CRASHREPORTER_DISABLE: "1", MOZ_CRASHREPORTER: "0" } });
  const ff = new Firefox(child, profile, proxy);
  running.add(ff);
  // Firefox never keeps the test process alive: a test that fails before closing it ends, and
  // the exit handler above kills it.
  for (const handle of [child, child.stdout, child.stderr]) handle.unref();
  try {
    const portFile = join(profile, "MarionetteActivePort");
    let port;
    while (!port) {
      if (ff.exited) throw new Error(`Firefox exited while starting:\n${ff.log}`);
      if (Date.now() - started > timeout) throw new Error(`Firefox did not open Marionette in ${timeout} ms:\n${ff.log}`);
      if (existsSync(portFile)) port = Number(readFileSync(portFile, "utf8").trim()) || undefined;
      if (!port) await sleep(50);
    }
    const socket = connect(port, "127.0.0.1");
    await within(new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("error", reject); }),
      10_000, "connecting to Marionette");
    socket.unref();
    ff.connection = new Connection(socket);
    const hello = await within(ff.connection.greeting, 10_000, "the Marionette greeting");
    if (hello.marionetteProtocol !== 3) throw new Error(`unexpected Marionette protocol: ${JSON.stringify(hello)}`);
    const { capabilities } = await ff.connection.send("WebDriver:NewSession", {
      capabilities: { alwaysMatch: { acceptInsecureCerts: false, pageLoadStrategy: "normal",
        timeouts: { implicit: 0, pageLoad: 30_000, script: DEFAULT_TIMEOUT } } },
    }, 30_000);
    ff.version = capabilities.browserVersion;
    ff.startMs = Date.now() - started;
    return ff;
  } catch (e) {
    await ff.close();
    throw e;
  }
}

/** One running Firefox: its session (`send`), its page, and how to end it. */
class Firefox {
  constructor(child, profile, proxy) {
    this.child = child;
    this.profile = profile;
    this.proxy = proxy;
    this.log = "";
    this.exited = false;
    this.exit = new Promise((resolve) => {
      const ended = () => { this.exited = true; resolve(); };
      child.once("exit", ended);
      // Not started at all (no firefox-esr: run scripts/setup.sh).
      child.once("error", (e) => { this.log += `${FIREFOX}: ${e.message}\n`; ended(); });
    });
    const keep = (d) => { if (this.log.length < 200_000) this.log += d; };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    this.page = new Page(this);
  }

  /** Requests Firefox tried to send off the machine (to the recording proxy). */
  get outbound() { return [...this.proxy.requests]; }

  send(name, params, timeout) {
    if (!this.connection) throw new Error(`${name}: no Marionette session`);
    return this.connection.send(name, params, timeout);
  }

  /** Kills Firefox's whole process group (its content processes too), if any is left. */
  killGroup() {
    if (this.child.pid) {
      try { process.kill(-this.child.pid, "SIGKILL"); } catch { /* none left */ }
    }
  }

  /** Kills Firefox and removes the profile, synchronously (also from the exit handler). */
  kill() {
    running.delete(this);
    this.killGroup();
    this.connection?.socket.destroy();
    try { rmSync(this.profile, { recursive: true, force: true, maxRetries: 5 }); } catch { /* best effort at exit */ }
  }

  /** Quits (which ends the session), within a few seconds; then kills what is left and removes the profile. */
  async close() {
    if (!running.has(this)) return;
    try {
      if (this.connection && !this.connection.closed && !this.exited) {
        // Quit ends the session too (it needs one); without a session, the kill below does it.
        const quit = await this.send("Marionette:Quit", { flags: ["eForceQuit"] }, 5_000).then(() => true, () => false);
        if (quit) await within(this.exit, 5_000, "Firefox quitting").catch(() => {});
      }
    } finally {
      if (!this.exited) {
        this.killGroup();
        await within(this.exit, 5_000, "Firefox ending").catch(() => {});
      }
      // The group may hold content processes a moment after the parent left.
      this.kill();
      await this.proxy.close();
    }
  }
}

const isRetryable = (e) => e instanceof WebDriverError && ["no such element", "element not interactable",
  "element click intercepted", "stale element reference", "javascript error", "no such window", "invalid element state",
  "unknown error"].includes(e.code);

/** Calls `attempt` until it resolves, retrying retryable WebDriver errors, for at most `timeout` ms. */
async function retrying(what, timeout, attempt) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (!isRetryable(e) || Date.now() > deadline) throw new Error(`${what}: ${e.message}`, { cause: e });
      await sleep(50);
    }
  }
}

const asElement = (value, what) => {
  if (!value || !value[ELEMENT]) throw new WebDriverError(what, { error: "no such element", message: "not found" });
  return value[ELEMENT];
};

/** Runs in the page: the element a chain of [css, nth] steps names, or null. */
const RESOLVE = `
  const steps = arguments[0];
  let scope = document, found = null;
  for (const [css, nth] of steps) {
    const all = scope.querySelectorAll(css);
    found = nth === null ? all[0] : all[nth];
    if (!found) return null;
    scope = found;
  }
  return found;`;

/** Runs in the page: whether the element is shown (Playwright's "visible"). */
const VISIBLE = `
  const el = document.querySelector(arguments[0]);
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";`;

/** The subset of Playwright's Page that flows.mjs needs, over one Marionette session. */
class Page {
  constructor(ff) { this.ff = ff; }

  async goto(url) {
    await this.ff.send("WebDriver:Navigate", { url }, 40_000);
  }

  /** Runs `fn(arg)` in the page; awaits a promise it returns. Elements come back as references. */
  async evaluate(fn, arg) {
    const result = await this.ff.send("WebDriver:ExecuteScript",
      { script: `return (${fn}).apply(null, arguments);`, args: arg === undefined ? [] : [arg] });
    return result.value;
  }

  /** Polls `fn(arg)` in the page until it returns something truthy. */
  async waitForFunction(fn, arg, { timeout = DEFAULT_TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        const value = await this.evaluate(fn, arg);
        if (value) return value;
      } catch (e) {
        // A navigation in between answers with an error: try again.
        if (!isRetryable(e)) throw e;
        last = e;
      }
      if (Date.now() > deadline) {
        throw new Error(`waitForFunction timed out after ${timeout} ms: ${fn}${last ? ` (${last.message})` : ""}`);
      }
      await sleep(50);
    }
  }

  /** Waits until an element matches `css` and is shown. */
  async waitForSelector(css, { timeout = DEFAULT_TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        const shown = (await this.ff.send("WebDriver:ExecuteScript", { script: VISIBLE, args: [css] })).value;
        if (shown) return;
      } catch (e) {
        if (!isRetryable(e)) throw e;
      }
      if (Date.now() > deadline) throw new Error(`waitForSelector timed out after ${timeout} ms: ${css}`);
      await sleep(50);
    }
  }

  /**
   * Resolves the element named by a chain of [css, nth] steps and runs `act(id)` on it, again
   * (resolving it afresh) while it is missing, stale or not yet interactable, for at most
   * `timeout` ms. `script` picks another element from the one found (an option of a select).
   */
  act(steps, what, act, { script = "return arguments[0];", args = [], timeout = DEFAULT_TIMEOUT } = {}) {
    const name = steps.map(([css, nth]) => (nth === null ? css : `${css} >> nth=${nth}`)).join(" >> ");
    return retrying(`${what} ${name}`, timeout, async () => {
      const { value } = await this.ff.send("WebDriver:ExecuteScript", {
        script: `const found = (() => { ${RESOLVE} })(); return found && (function () { ${script} }).apply(null, [found, ...arguments[1]]);`,
        args: [steps, args] });
      return act(asElement(value, name));
    });
  }

  /** Clears the field and types `value` into it, key by key. */
  fillElement(steps, value) {
    return this.act(steps, "fill", async (id) => {
      await this.ff.send("WebDriver:ElementClear", { id });
      if (value !== "") await this.ff.send("WebDriver:ElementSendKeys", { id, text: value });
    });
  }

  clickElement(steps) {
    return this.act(steps, "click", (id) => this.ff.send("WebDriver:ElementClick", { id }));
  }

  /** Clicks the option whose value or label is `choice` (or `{ value }`, `{ label }`). */
  selectElement(steps, choice) {
    const { value, label } = typeof choice === "string" ? { value: choice, label: choice } : choice;
    return this.act(steps, `select ${JSON.stringify(choice)} in`, (id) => this.ff.send("WebDriver:ElementClick", { id }), {
      script: "return [...arguments[0].options].find((o) => o.value === arguments[1] || o.label === arguments[2]) ?? null;",
      args: [value ?? null, label ?? null] });
  }

  fill(css, value) { return this.fillElement([[css, null]], value); }
  click(css) { return this.clickElement([[css, null]]); }
  selectOption(css, choice) { return this.selectElement([[css, null]], choice); }

  property(css, name) {
    return this.act([[css, null]], `property ${name} of`,
      async (id) => (await this.ff.send("WebDriver:GetElementProperty", { id, name })).value);
  }

  inputValue(css) { return this.property(css, "value"); }
  textContent(css) { return this.property(css, "textContent"); }
  async isDisabled(css) { return Boolean(await this.property(css, "disabled")); }
  async isHidden(css) { return !(await this.ff.send("WebDriver:ExecuteScript", { script: VISIBLE, args: [css] })).value; }

  getAttribute(css, name) {
    return this.act([[css, null]], `attribute ${name} of`,
      async (id) => (await this.ff.send("WebDriver:GetElementAttribute", { id, name })).value);
  }

  /** Saves a PNG of the whole page (`{ path }`), as Playwright's screenshot does. */
  async screenshot({ path }) {
    const { value } = await this.ff.send("WebDriver:TakeScreenshot", { full: true, hash: false }, 30_000);
    writeFileSync(path, Buffer.from(value, "base64"));
  }

  locator(css) { return new Locator(this, [[css, null]]); }
}

/** A chain of CSS steps, each optionally narrowed to its nth match, resolved when used. */
class Locator {
  constructor(page, steps) { this.page = page; this.steps = steps; }
  nth(i) { return new Locator(this.page, [...this.steps.slice(0, -1), [this.steps.at(-1)[0], i]]); }
  locator(css) { return new Locator(this.page, [...this.steps, [css, null]]); }
  fill(value) { return this.page.fillElement(this.steps, value); }
  click() { return this.page.clickElement(this.steps); }
  selectOption(choice) { return this.page.selectElement(this.steps, choice); }
}
