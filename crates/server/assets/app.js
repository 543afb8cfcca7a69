// levain dashboard. Hand-written, no dependencies. Every text from the
// store goes into the page through textContent (el() below), never as HTML;
// charts are SVG drawn and escaped by the server.
"use strict";

const T = {
  en: {
    overview: "Overview", cohorts: "Cohorts", fraud: "Fraud review", roi: "ROI & projection",
    actions: "Actions", imports: "Imports", from: "From", to: "To", channel: "Channel", all: "all",
    exclude: "without suspicious accounts", footer: "Local data, computed on this machine.",
    loading: "Loading…", posts: "own posts", engagement: "engagements", weighted: "weighted engagement",
    engagers: "unique engagers", suspicious: "suspicious accounts", alerts: "Alerts", no_alerts: "Nothing needs you right now.",
    paid: "paid", organic: "organic", cohort: "cohort", acquired: "acquired", after: "still following after",
    days: "days", engaged: "engaged", run_fraud: "Run the detection", running: "Running…",
    groups: "Groups", accounts: "Accounts", score: "score", patterns: "patterns", reasons: "reasons",
    mark: "your mark", confirm: "Confirm fake", overturn: "Overturn (real)", forget: "Forget mark",
    stale: "Data was imported after this detection: run it again to judge the new accounts.",
    source: "source", spend: "spend", followers: "followers", per_follower: "per follower",
    kept: "kept 30 / 90 / 365 days", conversions: "conversions", per_retained: "per retained (90 d)",
    scenario: "scenario", month: "month", audience: "audience", answer: "Answer", thank: "Thank",
    re_engage: "Re-engage", reshare: "Reshare", nothing: "Nothing to do.",
    drop: "Drop export files here, or choose them", choose: "Choose files", uploading: "Uploading",
    history: "Import history", imported: "imported", duplicates: "duplicates", rejected: "rejected",
    state: "state", token_needed: "This server needs its token.", token: "Token", save: "Save",
    error: "Error", summary_of: "of", judged: "accounts judged", not_run: "The detection has not run yet.",
    total_posts: "posts", unanswered: "unanswered",
    amplifiers: "Amplifiers", venues: "Venues", report: "Report", topic: "Topic", all_topics: "all topics",
    account: "account", reshares: "reshares", downstream: "engagement via", per_reshare: "per reshare",
    flagged: "flagged", suggestions: "Whom to engage next", venue: "venue", channel_col: "channel",
    authors: "authors", share_of_voice: "your share of voice", growth: "growth", opportunity: "opportunity",
    no_gaps: "No venue discusses your topics yet: import Reddit, forum or hashtag data first.",
    report_intro: "The report for your boss, with the filters above: what the money bought, who stays, what comes next.",
    french: "French", english: "English",
  },
  fr: {
    overview: "Vue d'ensemble", cohorts: "Cohortes", fraud: "Revue de fraude", roi: "ROI et projection",
    actions: "Actions", imports: "Imports", from: "Du", to: "Au", channel: "Canal", all: "tous",
    exclude: "sans les comptes suspects", footer: "Données locales, calculées sur cette machine.",
    loading: "Chargement…", posts: "posts publiés", engagement: "interactions", weighted: "engagement pondéré",
    engagers: "personnes engagées", suspicious: "comptes suspects", alerts: "Alertes", no_alerts: "Rien ne vous attend pour l'instant.",
    paid: "payant", organic: "organique", cohort: "cohorte", acquired: "acquis", after: "suivent encore après",
    days: "jours", engaged: "engagés", run_fraud: "Lancer la détection", running: "En cours…",
    groups: "Groupes", accounts: "Comptes", score: "score", patterns: "motifs", reasons: "raisons",
    mark: "votre marque", confirm: "Confirmer (faux)", overturn: "Infirmer (réel)", forget: "Retirer la marque",
    stale: "Des données ont été importées depuis cette détection : relancez-la pour juger les nouveaux comptes.",
    source: "source", spend: "dépense", followers: "abonnés", per_follower: "par abonné",
    kept: "restés 30 / 90 / 365 jours", conversions: "conversions", per_retained: "par abonné resté (90 j)",
    scenario: "scénario", month: "mois", audience: "audience", answer: "Répondre", thank: "Remercier",
    re_engage: "Relancer", reshare: "Repartager", nothing: "Rien à faire.",
    drop: "Déposez vos fichiers d'export ici, ou choisissez-les", choose: "Choisir des fichiers", uploading: "Envoi",
    history: "Historique des imports", imported: "importés", duplicates: "doublons", rejected: "rejetés",
    state: "état", token_needed: "Ce serveur demande son jeton.", token: "Jeton", save: "Enregistrer",
    error: "Erreur", summary_of: "sur", judged: "comptes jugés", not_run: "La détection n'a pas encore tourné.",
    total_posts: "posts", unanswered: "sans réponse",
    amplifiers: "Relais", venues: "Lieux", report: "Rapport", topic: "Sujet", all_topics: "tous les sujets",
    account: "compte", reshares: "partages", downstream: "engagement via", per_reshare: "par partage",
    flagged: "signalé", suggestions: "Qui contacter ensuite", venue: "lieu", channel_col: "canal",
    authors: "auteurs", share_of_voice: "votre part de voix", growth: "croissance", opportunity: "opportunité",
    no_gaps: "Aucun lieu ne discute encore de vos sujets : importez d'abord des données Reddit, forum ou mots-dièse.",
    report_intro: "Le rapport pour votre direction, avec les filtres ci-dessus : ce que l'argent a acheté, qui reste, ce qui vient.",
    french: "Français", english: "Anglais",
  },
};

const PAGES = [
  ["/", "overview"], ["/cohorts", "cohorts"], ["/fraud", "fraud"],
  ["/roi", "roi"], ["/actions", "actions"], ["/amplifiers", "amplifiers"], ["/venues", "venues"],
  ["/report", "report"], ["/imports", "imports"],
];
const FILTER_KEYS = ["from", "to", "channel", "exclude_suspicious"];

function lang() {
  const l = new URLSearchParams(location.search).get("lang");
  if (l === "fr" || l === "en") return l;
  return (navigator.language || "en").startsWith("fr") ? "fr" : "en";
}
function t(key) { return T[lang()][key] || T.en[key] || key; }

// Builds an element; strings become text nodes, so user data is never parsed.
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function fmt(n) {
  if (n === null || n === undefined) return "–";
  if (typeof n !== "number") return String(n);
  return n.toLocaleString(lang() === "fr" ? "fr-FR" : "en-US", { maximumFractionDigits: 2 });
}
function pct(x) { return x === null || x === undefined ? "–" : fmt(Math.round(1000 * x) / 10) + " %"; }

// The filters in the URL, as API query parameters.
function filterParams(extra) {
  const here = new URLSearchParams(location.search);
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = here.get(k);
    if (v) q.set(k, v);
  }
  for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
  return q;
}

function headers() {
  const h = { Accept: "application/json" };
  const tok = sessionStorage.getItem("levain-token");
  if (tok) h.Authorization = "Bearer " + tok;
  return h;
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, params, init) {
  const url = "/api/v1/" + path + (params && String(params) ? "?" + params : "");
  const r = await fetch(url, Object.assign({ headers: headers() }, init || {}));
  if (!r.ok) {
    let msg = r.statusText;
    try { msg = (await r.json()).error || msg; } catch (_) { /* not JSON */ }
    throw new ApiError(r.status, msg);
  }
  return path.endsWith(".svg") ? r.text() : r.json();
}

async function post(path, body) {
  return api(path, null, {
    method: "POST",
    headers: Object.assign(headers(), { "Content-Type": "application/json" }),
    body: JSON.stringify(body),
  });
}

// A server-drawn SVG chart, inserted as a parsed SVG document (no script runs).
async function chart(name, extra) {
  const box = el("figure", { class: "chart", "data-chart": name });
  const p = filterParams(Object.assign({ lang: lang() }, extra || {}));
  // Awaited, so a page is ready (data-ready) only with its charts in.
  try {
    const text = await api("charts/" + name + ".svg", p);
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const svg = doc.documentElement;
    if (svg && svg.nodeName === "svg") {
      const node = document.importNode(svg, true);
      box.append(node);
      if (node.dataset.hover) interactive(box, node, JSON.parse(node.dataset.hover));
    }
  } catch (e) {
    box.append(errorBox(e));
  }
  return box;
}

// Line charts carry their values (data-hover, see levain-charts): the
// pointer shows the values at the nearest x; dragging across a time axis
// zooms the whole dashboard on that period (the from/to filters).
function interactive(box, svg, h) {
  if (!h.points.length) return;
  const NS = "http://www.w3.org/2000/svg";
  const guide = document.createElementNS(NS, "line");
  guide.setAttribute("class", "guide");
  guide.setAttribute("y1", "0");
  guide.setAttribute("y2", svg.viewBox.baseVal.height || svg.height.baseVal.value);
  const shade = document.createElementNS(NS, "rect");
  shade.setAttribute("class", "zoom");
  shade.setAttribute("y", "0");
  shade.setAttribute("height", svg.viewBox.baseVal.height || svg.height.baseVal.value);
  svg.append(guide, shade);
  const tip = el("div", { class: "tip", role: "status" });
  box.append(tip);
  // Pointer position in the SVG's own units, and the data x there.
  const svgX = (ev) => {
    const p = svg.createSVGPoint();
    p.x = ev.clientX; p.y = ev.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse()).x;
  };
  const dataX = (px) => h.x0 + (px - h.px0) / (h.px1 - h.px0) * (h.x1 - h.x0);
  const pixel = (x) => h.px0 + (x - h.x0) / (h.x1 - h.x0) * (h.px1 - h.px0);
  const nearest = (x) => h.points.reduce((a, b) => (Math.abs(b[0] - x) < Math.abs(a[0] - x) ? b : a));
  const isoDay = (d) => new Date(Math.round(d) * 86400000).toISOString().slice(0, 10);
  let start = null;
  svg.addEventListener("mousemove", (ev) => {
    const px = svgX(ev);
    const p = nearest(dataX(px));
    guide.setAttribute("x1", pixel(p[0]));
    guide.setAttribute("x2", pixel(p[0]));
    guide.style.display = "inline";
    const lines = [p[1]].concat(h.series.map((name, i) => (p[2][i] == null ? null : (name ? name + " : " : "") + p[2][i])).filter((x) => x));
    tip.replaceChildren(...lines.map((l, i) => el(i ? "div" : "strong", {}, l)));
    tip.style.display = "block";
    if (start !== null) {
      shade.setAttribute("x", Math.min(start, px));
      shade.setAttribute("width", Math.abs(px - start));
    }
  });
  svg.addEventListener("mouseleave", () => {
    guide.style.display = "none";
    tip.style.display = "none";
    start = null;
    shade.setAttribute("width", "0");
  });
  if (!h.dates) return;
  svg.addEventListener("mousedown", (ev) => { start = svgX(ev); ev.preventDefault(); });
  svg.addEventListener("mouseup", (ev) => {
    const end = svgX(ev);
    const from = start;
    start = null;
    shade.setAttribute("width", "0");
    if (from === null || Math.abs(end - from) < 6) return;
    const [a, b] = [dataX(Math.min(from, end)), dataX(Math.max(from, end))];
    const form = document.getElementById("filters");
    form.from.value = isoDay(a);
    form.to.value = isoDay(b + 1);
    onFilterChange();
  });
}

function errorBox(e) {
  if (e.status === 401) return tokenForm();
  return el("p", { class: "error", role: "alert" }, t("error") + " : " + e.message);
}

function tokenForm() {
  const input = el("input", { type: "password", name: "token", "aria-label": t("token") });
  return el("form", {
    class: "token", onsubmit: (ev) => {
      ev.preventDefault();
      sessionStorage.setItem("levain-token", input.value);
      render();
    },
  }, el("p", {}, t("token_needed")), input, el("button", { type: "submit" }, t("save")));
}

function card(label, value) {
  return el("div", { class: "card" }, el("div", { class: "value" }, fmt(value)), el("div", { class: "label" }, label));
}

function table(head, rows) {
  return el("table", {},
    el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c) => el("td", {}, c))))));
}

// ---- pages ----

async function overview(main) {
  const o = await api("overview", filterParams());
  const engaged = (c) => c.likes + c.reshares + c.replies + c.quotes;
  main.append(
    el("h1", {}, t("overview")),
    el("div", { class: "cards" },
      card(t("posts"), o.totals.posts),
      el("div", { id: "total-engagement" }, card(t("engagement"), engaged(o.totals))),
      card(t("weighted"), o.totals.weighted),
      card(t("engagers"), o.totals.unique_engagers),
      el("div", { id: "suspicious-count" }, card(t("suspicious"), o.suspicious_accounts))),
    el("div", { class: "cards" },
      card(t("paid") + " — " + t("engagement"), engaged(o.paid)),
      card(t("organic") + " — " + t("engagement"), engaged(o.organic))),
    await chart("audience"),
    await chart("engagement"),
    el("h2", {}, t("alerts")),
    o.alerts.length
      ? el("ul", { class: "alerts" }, o.alerts.map((a) => el("li", { "data-kind": a.kind }, a.message)))
      : el("p", {}, t("no_alerts")));
}

async function cohorts(main) {
  const r = await api("cohorts", filterParams());
  const share = (c, k) => {
    const p = c.retention[k];
    return p && p.observed ? pct(p.following / p.observed) : "–";
  };
  main.append(
    el("h1", {}, t("cohorts")),
    await chart("retention"),
    table(
      [t("cohort"), t("acquired"), ...[0, 2, 11].map((k) => t("after") + " " + (k + 1) * r.period_days + " " + t("days"))],
      r.cohorts.map((c) => [c.cohort, fmt(c.acquired), share(c, 0), share(c, 2), share(c, 11)])));
}

async function fraud(main) {
  main.append(el("h1", {}, t("fraud")));
  const runButton = el("button", {
    id: "run-fraud", onclick: async () => {
      runButton.disabled = true;
      runButton.textContent = t("running");
      try { await api("fraud/run", null, { method: "POST", headers: headers() }); render(); } catch (e) { main.append(errorBox(e)); }
    },
  }, t("run_fraud"));
  main.append(runButton);
  // Ask the store whether the detection ran rather than draw a 409.
  const status = await api("status");
  if (!status.fraud) { main.append(el("p", { id: "fraud-not-run" }, t("not_run"))); return; }
  const r = await api("fraud", new URLSearchParams({ suspicious: "true", limit: "300" }));
  const s = r.summary;
  main.append(el("p", { id: "fraud-summary" }, fmt(s.suspicious) + " " + t("suspicious") + " " + t("summary_of") + " " + fmt(s.accounts) + " " + t("judged")));
  if (r.stale) main.append(el("p", { class: "warning" }, t("stale")));
  if (r.groups.length) {
    main.append(el("h2", {}, t("groups")), table(
      [t("patterns"), t("accounts"), t("from"), t("to"), t("reasons")],
      r.groups.map((g) => [g.pattern, fmt(g.accounts.length), g.from.slice(0, 10), g.to.slice(0, 10), g.reasons.join(" ")])));
  }
  const act = (account, verdict) => el("button", {
    class: "mark-" + verdict, "data-account": account, onclick: async (ev) => {
      ev.target.disabled = true;
      try { await post("fraud/marks", { account, verdict }); render(); } catch (e) { main.append(errorBox(e)); }
    },
  }, t(verdict === "fake" ? "confirm" : verdict === "real" ? "overturn" : "forget"));
  main.append(el("h2", {}, t("accounts")), table(
    [t("accounts"), t("score"), t("patterns"), t("reasons"), t("mark"), ""],
    r.accounts.map((a) => [
      a.handle ? "@" + a.handle : a.account, fmt(a.score), a.patterns.join(", "),
      el("ul", {}, a.reasons.map((x) => el("li", {}, x))), a.mark || "",
      el("span", { class: "buttons" }, a.mark ? act(a.account, "none") : [act(a.account, "fake"), act(a.account, "real")]),
    ])));
}

async function roi(main) {
  const r = await api("roi", filterParams());
  const money = (v, c) => (v === null || v === undefined ? "–" : fmt(v) + " " + c);
  main.append(el("h1", {}, t("roi")), table(
    [t("source"), t("spend"), t("followers"), t("per_follower"), t("kept"), t("conversions"), t("per_retained")],
    r.sources.map((s) => [s.source, money(s.spend, s.currency), fmt(s.followers_acquired), money(s.cost_per_follower, s.currency),
      s.retained.map((k) => pct(k.rate)).join(" / "), fmt(s.conversions.count),
      money(s.retained[1] && s.retained[1].cost_per_retained, s.currency)])));
  const p = await api("project", filterParams({ horizon: "24" }));
  main.append(el("h2", {}, t("audience")), await chart("projection", { horizon: "24" }));
  main.append(table([t("scenario"), "6 " + t("month"), "12 " + t("month"), "24 " + t("month")],
    p.scenarios.map((s) => [s.scenario, ...[6, 12, 24].map((m) => {
      const x = s.months[m - 1];
      return x ? fmt(Math.round(x.audience.value)) + " (" + fmt(Math.round(x.audience.low)) + "–" + fmt(Math.round(x.audience.high)) + ")" : "–";
    })])));
  for (const n of p.notes) main.append(el("p", { class: "note" }, n));
}

async function actions(main) {
  const r = await api("actions", filterParams());
  main.append(el("h1", {}, t("actions")));
  for (const kind of ["answer", "thank", "re_engage", "reshare"]) {
    const items = r.items.filter((i) => i.action === kind);
    main.append(el("h2", {}, t(kind) + " (" + fmt(items.length) + ")"));
    if (!items.length) { main.append(el("p", {}, t("nothing"))); continue; }
    main.append(el("ul", { class: "actions", "data-kind": kind }, items.map((i) => el("li", {},
      el("strong", {}, i.handle ? "@" + i.handle : i.account), " ",
      i.text ? el("q", { class: "post-text" }, i.text) : null, " ",
      el("span", { class: "why" }, i.why), " ",
      /^https:\/\//.test(i.url) ? el("a", { href: i.url, rel: "noopener noreferrer", target: "_blank" }, "↗") : null))));
  }
}

async function imports(main) {
  main.append(el("h1", {}, t("imports")));
  const input = el("input", { type: "file", multiple: true, id: "file-input" });
  const list = el("ul", { id: "uploads" });
  const zone = el("div", { id: "drop", class: "drop", tabindex: "0" }, el("p", {}, t("drop")), input);
  const send = (file) => {
    const bar = el("progress", { max: "100", value: "0" });
    const status = el("span", { class: "status" }, t("uploading"));
    list.append(el("li", {}, file.name + " ", bar, " ", status));
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/imports?name=" + encodeURIComponent(file.name));
    const tok = sessionStorage.getItem("levain-token");
    if (tok) xhr.setRequestHeader("Authorization", "Bearer " + tok);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(50 * e.loaded / e.total); };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      if (xhr.status !== 202) { status.textContent = t("error") + " : " + (body.error || xhr.status); return; }
      const poll = async () => {
        const j = await api("imports/" + encodeURIComponent(body.id));
        bar.value = 50 + (j.received ? Math.round(50 * Math.min(1, j.imported_bytes / j.received)) : 0);
        status.textContent = j.state;
        if (j.state === "done") {
          bar.value = 100;
          const s = j.summary;
          status.textContent = fmt(s.imported) + " " + t("imported") + ", " + fmt(s.duplicates) + " " + t("duplicates") + ", " + fmt(s.rejected) + " " + t("rejected") + (s.errors.length ? " — " + s.errors.map((e) => e.message).join("; ") : "");
          status.setAttribute("data-state", "done");
        } else if (j.state === "failed") {
          status.textContent = t("error") + " : " + j.error;
          status.setAttribute("data-state", "failed");
        } else setTimeout(poll, 500);
      };
      poll();
    };
    xhr.onerror = () => { status.textContent = t("error"); };
    xhr.send(file);
  };
  input.addEventListener("change", () => { for (const f of input.files) send(f); });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    for (const f of e.dataTransfer.files) send(f);
  });
  main.append(zone, list);
  const h = await api("imports");
  main.append(el("h2", {}, t("history")), table(
    ["id", "format", t("imported"), t("duplicates"), t("rejected"), t("state")],
    h.imports.slice().reverse().map((i) => [i.id, i.format, fmt(i.imported), fmt(i.duplicates), fmt(i.rejected), i.complete ? "✓" : "…"])));
}

function who(a) { return a.handle ? "@" + a.handle : a.account; }

async function amplifiersPage(main) {
  const here = new URLSearchParams(location.search);
  const topic = here.get("topic") || "";
  const topics = await api("topics", filterParams());
  const select = el("select", {
    id: "topic", name: "topic", "aria-label": t("topic"), onchange: () => {
      const q = new URLSearchParams(location.search);
      if (select.value) q.set("topic", select.value); else q.delete("topic");
      history.pushState(null, "", location.pathname + (String(q) ? "?" + q : ""));
      render();
    },
  }, el("option", { value: "" }, t("all_topics")),
  topics.topics.map((x) => el("option", { value: x.name }, x.name + " (" + fmt(x.posts) + ")")));
  select.value = topic;
  const extra = topic ? { topic } : {};
  const r = await api("amplifiers", filterParams(Object.assign({ limit: "30" }, extra)));
  main.append(
    el("h1", {}, t("amplifiers")),
    el("label", {}, t("topic") + " ", select),
    await chart("amplifiers", extra),
    table([t("account"), t("score"), t("reshares"), t("downstream"), t("per_reshare"), t("flagged"), t("reasons")],
      r.accounts.map((a) => [who(a), fmt(a.score), fmt(a.reshares), fmt(a.downstream), fmt(a.per_reshare),
        a.flagged ? "⚑" : "", el("ul", {}, a.reasons.map((x) => el("li", {}, x)))])));
  main.lastChild.id = "amplifiers-table";
  const s = await api("suggest", filterParams({ limit: "20" }));
  main.append(el("h2", {}, t("suggestions")),
    s.accounts.length
      ? el("ol", { id: "suggestions" }, s.accounts.map((a) => el("li", {}, el("strong", {}, who(a)), " ",
        el("span", { class: "why" }, a.reasons.join(" ")))))
      : el("p", {}, t("nothing")));
}

async function venuesPage(main) {
  const r = await api("venues", filterParams());
  main.append(el("h1", {}, t("venues")));
  if (!r.gaps.length) { main.append(el("p", { id: "no-gaps" }, t("no_gaps"))); return; }
  main.append(await chart("venues"), table(
    [t("topic"), t("venue"), t("channel_col"), t("total_posts"), t("authors"), t("share_of_voice"), t("growth"), t("opportunity")],
    r.gaps.slice(0, 40).map((g) => [g.topic, g.venue, g.channel, fmt(g.posts), fmt(g.authors), pct(g.share_of_voice),
      "×" + fmt(g.growth), fmt(g.opportunity)])));
  main.lastChild.id = "gaps";
  main.append(el("p", { class: "note" }, r.method));
}

async function reportPage(main) {
  main.append(el("h1", {}, t("report")), el("p", {}, t("report_intro")));
  const list = el("ul", { id: "report-links" });
  for (const [code, name] of [["fr", "french"], ["en", "english"]]) {
    for (const format of ["html", "pdf"]) {
      const href = "/api/v1/report?" + filterParams({ lang: code, format });
      const file = "levain-report-" + code + "." + format;
      // With a token the link cannot carry it: fetch, then save the blob.
      const a = el("a", {
        href, download: file, "data-lang": code, "data-format": format, onclick: async (ev) => {
          const tok = sessionStorage.getItem("levain-token");
          if (!tok) return;
          ev.preventDefault();
          const r = await fetch(href, { headers: headers() });
          if (!r.ok) { main.append(errorBox(new ApiError(r.status, r.statusText))); return; }
          const url = URL.createObjectURL(await r.blob());
          const save = el("a", { href: url, download: file });
          save.click();
          setTimeout(() => URL.revokeObjectURL(url), 10000);
        },
      }, t(name) + " — " + format.toUpperCase());
      list.append(el("li", {}, a));
    }
  }
  main.append(list);
}

const RENDER = { overview, cohorts, fraud, roi, actions, amplifiers: amplifiersPage, venues: venuesPage, report: reportPage, imports };

// ---- chrome: navigation and filters, both in the URL ----

function pageName() {
  const hit = PAGES.find(([p]) => p === location.pathname);
  return hit ? hit[1] : "overview";
}

function setupChrome() {
  document.documentElement.lang = lang();
  const nav = document.getElementById("nav");
  nav.replaceChildren(...PAGES.map(([path, name]) => el("a", {
    href: path + location.search, "aria-current": name === pageName() ? "page" : null,
  }, t(name))));
  for (const n of document.querySelectorAll("[data-t]")) n.textContent = t(n.getAttribute("data-t"));
  const form = document.getElementById("filters");
  const q = new URLSearchParams(location.search);
  form.from.value = q.get("from") || "";
  form.to.value = q.get("to") || "";
  form.exclude_suspicious.checked = q.get("exclude_suspicious") === "true";
  form.lang.value = lang();
  const wanted = q.get("channel") || "";
  if (wanted && ![...form.channel.options].some((o) => o.value === wanted)) form.channel.append(el("option", { value: wanted }, wanted));
  form.channel.value = wanted;
}

async function loadChannels() {
  try {
    const s = await api("status");
    const sel = document.getElementById("filters").channel;
    for (const c of Object.keys(s.channels)) {
      if (![...sel.options].some((o) => o.value === c)) sel.append(el("option", { value: c }, c));
    }
    sel.value = new URLSearchParams(location.search).get("channel") || "";
  } catch (_) { /* the page itself shows the error */ }
}

function onFilterChange() {
  const form = document.getElementById("filters");
  const q = new URLSearchParams(location.search);
  const put = (k, v) => (v ? q.set(k, v) : q.delete(k));
  put("from", form.from.value);
  put("to", form.to.value);
  put("channel", form.channel.value);
  put("exclude_suspicious", form.exclude_suspicious.checked ? "true" : "");
  put("lang", form.lang.value);
  history.pushState(null, "", location.pathname + (String(q) ? "?" + q : ""));
  render();
}

let generation = 0;
async function render() {
  const mine = ++generation;
  setupChrome();
  const main = document.getElementById("main");
  const fresh = el("div", { id: "page", "data-page": pageName() });
  main.replaceChildren(el("p", { class: "loading" }, t("loading")));
  try {
    await RENDER[pageName()](fresh);
  } catch (e) {
    fresh.append(errorBox(e));
  }
  if (mine !== generation) return;
  fresh.setAttribute("data-ready", "true");
  main.replaceChildren(fresh);
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("filters").addEventListener("change", onFilterChange);
  document.getElementById("filters").addEventListener("submit", (e) => e.preventDefault());
  window.addEventListener("popstate", render);
  loadChannels();
  render();
});
