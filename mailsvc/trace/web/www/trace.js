// The mail trace page: webmail's login (/api/login, the same session cookie), then the
// trace API under /trace/api/ (GET only). Text is always set as text, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let liveTimer = null;
let openId = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

async function api(path, options) {
  const r = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  return { status: r.status, body };
}

async function start() {
  const s = await api("/api/session");
  if (s.status !== 200) return showLogin();
  showApp(s.body.user);
}

function showLogin() {
  // Nothing of the previous user stays in the page.
  stopLive();
  openId = null;
  $("login").reset();
  $("search").reset();
  $("results").tBodies[0].replaceChildren();
  $("timeline-body").replaceChildren();
  $("timeline").hidden = true;
  $("hours").replaceChildren();
  $("indicators").hidden = true;
  $("login").hidden = false;
  $("app").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
}

async function showApp(user) {
  $("login").hidden = true;
  $("app").hidden = false;
  $("logout").hidden = false;
  $("who").textContent = user;
  const ind = await loadIndicators();
  $("subject-field").hidden = !ind;  // admins only, as the indicators
  search();
}

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const r = await api("/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: f.user.value, password: f.password.value }),
  });
  if (r.status !== 200) {
    $("login-error").textContent = (r.body && r.body.error) || "login failed";
    return;
  }
  f.password.value = "";
  $("login-error").textContent = "";
  window.csrfToken = r.body.csrf_token;
  showApp(r.body.user);
});

$("logout").addEventListener("click", async () => {
  const s = await api("/api/session");
  const token = s.body && s.body.csrf_token;
  await api("/api/logout", { method: "POST", headers: { "X-CSRF-Token": token || "" } });
  showLogin();
});

function hourAgo(hours) {
  return new Date(Date.now() - hours * 3600 * 1000).toISOString().slice(0, 13);
}

async function loadIndicators() {
  const r = await api("/trace/api/indicators?since=" + encodeURIComponent(hourAgo(24)));
  if (r.status !== 200) { $("indicators").hidden = true; return false; }
  $("indicators").hidden = false;
  $("queue-size").textContent = String(r.body.queue_size);
  const tbody = $("hours");
  tbody.replaceChildren();
  for (const h of r.body.hours) {
    const tr = el("tr");
    for (const v of [h.hour, h.received, h.rejected, h.deferred, h.bounced]) tr.append(el("td", String(v)));
    tbody.append(tr);
  }
  return true;
}

$("search").addEventListener("submit", (ev) => { ev.preventDefault(); search(); });

async function search() {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData($("search"))) if (String(v).trim()) params.append(k, String(v).trim());
  const r = await api("/trace/api/messages?" + params.toString());
  if (r.status === 401) return showLogin();
  if (r.status !== 200) {
    $("search-error").textContent = (r.body && r.body.error) || "search failed";
    return;
  }
  $("search-error").textContent = "";
  const tbody = $("results").tBodies[0];
  tbody.replaceChildren();
  for (const m of r.body.messages) {
    const tr = el("tr");
    tr.append(el("td", m.received), el("td", m.from), el("td", m.to.join(", ")), el("td", m.subject),
              el("td", m.status, "status-" + m.status));
    tr.addEventListener("click", () => {
      for (const o of tbody.querySelectorAll("tr.open")) o.classList.remove("open");
      tr.classList.add("open");
      openTimeline(m.queue_id);
    });
    tbody.append(tr);
  }
  $("truncated").hidden = !r.body.truncated;
}

async function openTimeline(id) {
  openId = id;
  const r = await api("/trace/api/messages/" + encodeURIComponent(id));
  if (r.status === 401) return showLogin();
  const body = $("timeline-body");
  body.replaceChildren();
  $("timeline").hidden = false;
  if (r.status !== 200) {
    body.append(el("p", (r.body && r.body.error) || "not found", "error"));
    return;
  }
  for (const m of r.body.messages) {
    body.append(el("p", "Queue id " + m.queue_id + "  " + m.message_id + "  from " + m.from + "  to " +
                   m.to.join(", ") + "  status " + m.status));
    const table = el("table");
    const head = el("tr");
    for (const t of ["Time (UTC)", "Node", "Step", "Recipient", "Details"]) head.append(el("th", t));
    table.append(head);
    for (const s of m.timeline) {
      const tr = el("tr");
      const details = Object.entries(s.details).map(([k, v]) => k + "=" + v).join("  ");
      tr.append(el("td", s.ts), el("td", s.node), el("td", s.step, "step step-" + s.step), el("td", s.recipient),
                el("td", details, "details"));
      table.append(tr);
    }
    body.append(table);
  }
}

function stopLive() {
  if (liveTimer) clearInterval(liveTimer);
  liveTimer = null;
  $("live").checked = false;
}

$("live").addEventListener("change", (ev) => {
  if (!ev.target.checked) return stopLive();
  liveTimer = setInterval(() => { if (openId && !document.hidden) openTimeline(openId); }, 5000);
});

start();
