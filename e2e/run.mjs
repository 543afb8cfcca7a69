// Browser tests of the levain dashboard with Debian's chromium.
// Run by crates/cli/tests/integration/serve.rs against a running
// `levain serve` (BASE_URL); screenshots go to ARTIFACTS (git-ignored).
import { chromium } from "playwright-core";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";

const BASE = process.env.BASE_URL || "http://127.0.0.1:8080";
const ART = process.env.ARTIFACTS || new URL("./artifacts", import.meta.url).pathname;
const UPLOAD = process.env.UPLOAD_FILE;
mkdirSync(ART, { recursive: true });
// Screenshots of an earlier run's failures would mislead.
for (const f of readdirSync(ART)) if (f.startsWith("failed-")) rmSync(join(ART, f));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
const problems = [];
page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()} (${m.location().url})`); });
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

for (const [path, name] of [["/", "overview"], ["/cohorts", "cohorts"], ["/fraud", "fraud"], ["/roi", "roi"], ["/actions", "actions"],
  ["/amplifiers", "amplifiers"], ["/venues", "venues"], ["/report", "report"], ["/imports", "imports"], ["/?lang=fr", "overview-fr"],
  ["/venues?lang=fr", "venues-fr"]]) {
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

await test("charts show values under the pointer and zoom on a dragged period", async () => {
  await open("/");
  const svg = page.locator('figure[data-chart="audience"] svg');
  await svg.waitFor();
  const box = await svg.boundingBox();
  // Hover in the middle of the plot: the tip names a month and values.
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  const tip = page.locator('figure[data-chart="audience"] .tip');
  await tip.waitFor({ state: "visible" });
  assert.match(await tip.textContent(), /\d/);
  // Drag across a third of the chart: the dashboard zooms on that period.
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  await page.waitForURL(/from=\d{4}-\d{2}-\d{2}.*to=\d{4}-\d{2}-\d{2}/);
  await page.waitForSelector("#page[data-ready]");
  const q = new URL(page.url()).searchParams;
  assert.ok(q.get("from") < q.get("to"), `${q.get("from")} .. ${q.get("to")}`);
  await page.screenshot({ path: join(ART, "zoomed.png"), fullPage: true });
});

await test("filters change the charts and stay in the URL", async () => {
  await open("/");
  // The data lines levain-charts draws (solid lines are one polyline each).
  const chart = 'figure[data-chart="engagement"] svg';
  const points = () => page.locator(chart + " polyline").evaluateAll((ls) => ls.map((l) => l.getAttribute("points")).join("|"));
  await page.waitForSelector(chart);
  const all = await points();
  assert.ok(all.length > 0, "the chart has lines");
  await page.fill('#filters input[name="from"]', "2023-02-01");
  await page.waitForURL(/from=2023-02-01/);
  await page.waitForSelector("#page[data-ready]");
  await page.waitForSelector(chart);
  const cut = await points();
  assert.notEqual(cut, all, "the chart was redrawn for the period");
  await page.reload();
  await page.waitForSelector("#page[data-ready]");
  await page.waitForSelector(chart);
  assert.equal(await page.inputValue('#filters input[name="from"]'), "2023-02-01");
  assert.equal(await points(), cut);
  // The filter follows to the other pages.
  await page.click('nav a[href^="/cohorts"]');
  await page.waitForURL(/\/cohorts\?.*from=2023-02-01/);
});

await test("amplifiers follow the chosen topic", async () => {
  await open("/amplifiers");
  await page.waitForSelector('figure[data-chart="amplifiers"] svg');
  const options = await page.locator("#topic option").evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(options.length > 0, "topics are offered");
  const all = await page.textContent("#amplifiers-table");
  await page.selectOption("#topic", options[0]);
  await page.waitForURL((u) => new URL(u).searchParams.get("topic") === options[0]);
  await page.waitForSelector("#page[data-ready]");
  await page.waitForSelector('figure[data-chart="amplifiers"] svg');
  assert.equal(await page.inputValue("#topic"), options[0]);
  const one = await page.textContent("#amplifiers-table");
  assert.notEqual(one, all, "the ranking changed with the topic");
  assert.ok(await page.locator("#suggestions li").count() > 0, "suggestions are listed");
  await page.screenshot({ path: join(ART, "amplifiers-topic.png"), fullPage: true });
});

await test("venue gaps show a matrix", async () => {
  await open("/venues");
  await page.waitForSelector('figure[data-chart="venues"] svg');
  assert.ok(await page.locator("#gaps tbody tr").count() > 0, "gaps are listed");
});

await test("report downloads in French and English, HTML and PDF", async () => {
  await open("/report?channel=bluesky");
  const links = await page.locator("#report-links a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.equal(links.length, 4);
  for (const href of links) {
    assert.match(href, /channel=bluesky/, "the filters follow the link");
    const r = await page.request.get(BASE + href);
    assert.equal(r.status(), 200, href);
    const body = await r.body();
    if (/format=pdf/.test(href)) assert.equal(body.subarray(0, 5).toString(), "%PDF-", href);
    else assert.match(body.toString(), /lang=\"(fr|en)\"/, href);
  }
  const [download] = await Promise.all([page.waitForEvent("download"), page.click('#report-links a[data-lang="fr"][data-format="pdf"]')]);
  assert.equal(download.suggestedFilename(), "levain-report-fr.pdf");
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
