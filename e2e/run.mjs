// Browser tests of the levain dashboard with Debian's chromium.
// Run by crates/cli/tests/integration/serve.rs against a running
// `levain serve` (BASE_URL); screenshots go to ARTIFACTS (git-ignored).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";

const BASE = process.env.BASE_URL || "http://127.0.0.1:8080";
const ART = process.env.ARTIFACTS || new URL("./artifacts", import.meta.url).pathname;
const UPLOAD = process.env.UPLOAD_FILE;
mkdirSync(ART, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
const problems = [];
page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

async function open(path) {
  await page.goto(BASE + path);
  await page.waitForSelector("#page[data-ready]", { timeout: 120000 });
  await page.waitForLoadState("networkidle");
}
async function number(selector) {
  const t = await page.textContent(selector + " .value");
  return Number(t.replace(/[^\d]/g, ""));
}
let failed = 0;
async function test(name, f) {
  const before = problems.length;
  try {
    await f();
    assert.deepEqual(problems.slice(before), [], "no console errors");
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
    await page.screenshot({ path: join(ART, `failed-${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
  }
}

// The detection first, from its button, so the review queue has verdicts.
await test("fraud detection runs from the page", async () => {
  await open("/fraud");
  await page.click("#run-fraud");
  await page.waitForSelector("#fraud-summary", { timeout: 120000 });
});

for (const [path, name] of [["/", "overview"], ["/cohorts", "cohorts"], ["/fraud", "fraud"], ["/roi", "roi"], ["/actions", "actions"], ["/imports", "imports"], ["/?lang=fr", "overview-fr"]]) {
  await test(`page ${name} loads without console errors`, async () => {
    await open(path);
    assert.equal(await page.locator(".error").count(), 0, await page.locator(".error").allTextContents().then((t) => t.join("; ")));
    await page.screenshot({ path: join(ART, `${name}.png`), fullPage: true });
  });
}

await test("French labels", async () => {
  await open("/?lang=fr");
  assert.match(await page.textContent("nav"), /Vue d'ensemble/);
  assert.equal(await page.getAttribute("html", "lang"), "fr");
});

await test("overturning a verdict changes the overview", async () => {
  await open("/?exclude_suspicious=true");
  const suspicious = await number("#suspicious-count");
  const engagement = await number("#total-engagement");
  assert.ok(suspicious > 0, "some accounts are suspicious");
  await open("/fraud");
  const account = await page.getAttribute("button.mark-real", "data-account");
  await page.click("button.mark-real");
  await page.waitForSelector(`button.mark-none[data-account="${account}"]`);
  await open("/?exclude_suspicious=true");
  assert.equal(await number("#suspicious-count"), suspicious - 1);
  assert.ok((await number("#total-engagement")) >= engagement);
  // And back.
  await open("/fraud");
  await page.click(`button.mark-none[data-account="${account}"]`);
  await page.waitForSelector(`button.mark-real[data-account="${account}"]`);
  await open("/?exclude_suspicious=true");
  assert.equal(await number("#suspicious-count"), suspicious);
});

await test("filters change the charts and stay in the URL", async () => {
  await open("/");
  const points = () => page.getAttribute('figure[data-chart="engagement"] polyline', "points");
  await page.waitForSelector('figure[data-chart="engagement"] polyline');
  const all = await points();
  await page.fill('#filters input[name="from"]', "2023-02-01");
  await page.waitForURL(/from=2023-02-01/);
  await page.waitForSelector("#page[data-ready]");
  await page.waitForSelector('figure[data-chart="engagement"] polyline');
  const cut = await points();
  assert.notEqual(cut, all, "the chart was redrawn for the period");
  await page.reload();
  await page.waitForSelector('figure[data-chart="engagement"] polyline');
  assert.equal(await page.inputValue('#filters input[name="from"]'), "2023-02-01");
  assert.equal(await points(), cut);
  // The filter follows to the other pages.
  await page.click('nav a[href^="/cohorts"]');
  await page.waitForURL(/\/cohorts\?.*from=2023-02-01/);
});

await test("post texts render as text", async () => {
  await open("/actions");
  const texts = await page.locator(".post-text").allTextContents();
  assert.ok(texts.some((t) => t.includes("<script>")), `a text with <script> is shown literally: ${texts.join(" | ")}`);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator("main script").count(), 0);
});

if (UPLOAD) {
  await test("drag-and-drop import shows progress to the end", async () => {
    await open("/imports");
    await page.setInputFiles("#file-input", UPLOAD);
    await page.waitForSelector('#uploads .status[data-state="done"]', { timeout: 120000 });
    assert.match(await page.textContent("#uploads"), /imported/);
    await page.screenshot({ path: join(ART, "imports-done.png"), fullPage: true });
  });
}

await browser.close();
console.log(failed ? `${failed} browser test(s) failed` : "all browser tests passed");
process.exit(failed ? 1 : 0);
