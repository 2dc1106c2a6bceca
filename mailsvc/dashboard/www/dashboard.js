// The cluster dashboard: logs in with the mail account (webmail's /api/login), then shows
// /dashboard/api/state (read again on hacored's events): which source did not answer, nodes, groups,
// drbd-lite volumes, fencing, failovers and switchovers; a live timeline from
// /dashboard/api/events (EventSource); for admins, action buttons that ask the server what
// will happen, show it in a dialog and send the confirmation token back. Text only
// through textContent.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let timer = null;
  let session = null;   // {user, role, csrf_token}
  let events = null;    // the EventSource
  let pending = null;   // the action waiting for the dialog: {request, offer}
  const kTimelineMax = 200;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function row(cells, head) {
    const tr = el("tr");
    for (const c of cells) {
      const td = el(head ? "th" : "td");
      if (c instanceof Node) td.appendChild(c); else td.textContent = c === undefined ? "" : String(c);
      tr.appendChild(td);
    }
    return tr;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  async function api(method, path, body) {
    const headers = {};
    if (method !== "GET" && session) headers["X-CSRF-Token"] = session.csrf_token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let r;
    try {
      r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                              credentials: "same-origin" });
    } catch (e) {
      return { status: 0, data: null };  // httpd not reachable (moving with its group?)
    }
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    return { status: r.status, data };
  }

  function showLogin(message) {
    if (timer) clearInterval(timer);
    timer = null;
    if (events) events.close();
    events = null;
    session = null;
    // Nothing of the last session stays on the page: the next user would see its state
    // (and its buttons) until the first read of the state answered.
    for (const id of ["sources", "cluster-name", "cluster-facts", "nodes", "groups", "volumes",
                      "fencing", "history", "live-state", "timeline"]) clear($(id));
    $("main").hidden = true; $("refresh").hidden = true; $("logout").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("who").textContent = "";
  }

  async function start() {
    const s = await api("GET", "/dashboard/api/session");
    if (s.status === 401) return showLogin("");
    if (s.status === 403) return showLogin("This account may not see the cluster dashboard.");
    if (s.status !== 200) return showLogin("The dashboard is not available (" + s.status + ").");
    session = s.data;
    $("who").textContent = s.data.user + " (" + s.data.role + ")";
    follow();
    $("login").hidden = true; $("main").hidden = false; $("refresh").hidden = false; $("logout").hidden = false;
    await refresh();
  }

  async function login() {
    const r = await api("POST", "/api/login", { user: $("user").value, password: $("password").value });
    $("password").value = "";
    if (r.status !== 200) return showLogin((r.data && r.data.error) || "Login failed.");
    await start();
  }

  async function logout() {
    if (session) await api("POST", "/api/logout");
    showLogin("");
  }

  // The live timeline: hacored's events as they happen; `source` says when hacored is lost
  // or back (then the state is read again: events in between are not replayed).
  function follow() {
    if (events) return;
    events = new EventSource("/dashboard/api/events");
    events.addEventListener("open", () => { $("live-state").textContent = "(following)"; $("live-state").className = "ok"; });
    // A network error: the browser reconnects by itself (retry: 5 s), e.g. while httpd
    // moves with its group. A refusal (the new httpd does not know this session: sessions
    // live in memory) closes the stream: the state read then asks for a login.
    events.addEventListener("error", () => {
      $("live-state").textContent = "(reconnecting: httpd may be moving with its group)"; $("live-state").className = "warn";
      if (events && events.readyState === EventSource.CLOSED) refresh();
    });
    events.addEventListener("hacored", (m) => {
      let e;
      try { e = JSON.parse(m.data); } catch (x) { return; }
      const parts = Object.entries(e).filter(([k]) => k !== "ts" && k !== "ts_ms" && k !== "event")
        .map(([k, v]) => k + "=" + (typeof v === "string" ? v : JSON.stringify(v)));
      const li = el("li", (e.ts || "") + " " + (e.event || "?") + " " + parts.join(" "),
                    /failed|lost|unclean/.test(e.event || "") || e.ok === false ? "bad" : "");
      const list = $("timeline");
      list.insertBefore(li, list.firstChild);
      while (list.childNodes.length > kTimelineMax) list.removeChild(list.lastChild);
      if (/^(switchover|failover|node|fence|resource)/.test(e.event || "")) refresh();
    });
    events.addEventListener("source", (m) => {
      let s;
      try { s = JSON.parse(m.data); } catch (x) { return; }
      const ok = s.hacored && s.hacored.ok;
      $("live-state").textContent = ok ? "(following)" : "(hacored on this node not answering)";
      $("live-state").className = ok ? "ok" : "bad";
      refresh();
    });
  }

  // An action: the server says what will happen and gives a one-time token; the dialog
  // sends it back only when the admin clicks "Do it".
  async function ask(request) {
    const r = await api("POST", "/dashboard/api/actions", request);
    if (r.status !== 200) return alert((r.data && r.data.error) || "refused (" + r.status + ")");
    pending = { request, offer: r.data };
    $("confirm-text").textContent = r.data.will;
    $("confirm-error").textContent = "";
    $("confirm-yes").disabled = false;
    $("confirm").showModal();
  }

  async function confirmAction() {
    if (!pending) return;
    $("confirm-yes").disabled = true;
    const body = Object.assign({}, pending.request, { confirm: pending.offer.confirm_token });
    pending = null;
    const r = await api("POST", "/dashboard/api/actions", body);
    if (r.status !== 200) {
      $("confirm-error").textContent = (r.data && r.data.error) || "failed (" + r.status + ")";
      return;
    }
    $("confirm").close();
    refresh();
  }

  function actionButton(label, request) {
    const b = el("button", label, "action");
    b.type = "button";
    b.addEventListener("click", () => ask(request));
    return b;
  }
  const isAdmin = () => session && session.role === "admin";

  async function refresh() {
    const r = await api("GET", "/dashboard/api/state");
    if (!session) return;  // logged out while the state was read
    if (r.status === 401) return showLogin("Your session ended (httpd moved with its group, or restarted): log in again.");
    if (r.status === 0) { $("sources").textContent = "httpd is not reachable (it moves with its group): waiting for it."; return; }
    if (r.status !== 200 || !r.data) { $("sources").textContent = "The dashboard did not answer (" + r.status + ")."; return; }
    render(r.data);
  }

  // No polling loop: the state is read again on hacored's events (follow()); only while a
  // volume resyncs it is read every 5 s, for the progress (drbdlited's is not streamed).
  function scheduleWhileSyncing(s) {
    const syncing = s.volumes.some((v) => v.sync);
    if (syncing && !timer) timer = setInterval(refresh, 5000);
    if (!syncing && timer) { clearInterval(timer); timer = null; }
  }

  function render(s) {
    scheduleWhileSyncing(s);
    const src = $("sources");
    clear(src);
    let allOk = true;
    for (const [name, st] of Object.entries(s.sources)) {
      if (!st.ok) { allOk = false; src.appendChild(el("div", st.error, "source-down")); }
    }
    if (allOk) src.appendChild(el("span", "hacored and drbdlited on this node answered at " + new Date().toLocaleTimeString(), "ok"));

    $("cluster-name").textContent = s.cluster ? s.cluster.name : "";
    const facts = $("cluster-facts");
    clear(facts);
    if (s.cluster) {
      facts.appendChild(el("span", s.cluster.quorate ? "quorum: yes" : "quorum: NO", s.cluster.quorate ? "ok" : "bad"));
      facts.appendChild(el("span", "  DC: " + (s.cluster.dc || "none")));
      if (s.cluster.maintenance) facts.appendChild(el("span", "  maintenance mode", "warn"));
    }
    const nodes = $("nodes");
    clear(nodes);
    nodes.appendChild(row(["node", "state", "status", "connectivity", "corosync links"].concat(isAdmin() ? [""] : []), true));
    for (const n of s.nodes) {
      const st = el("span", n.state, "state-" + n.state);
      const links = el("span");
      for (const l of n.links || []) {
        links.appendChild(el("span", "link" + l.link + " " + (l.connected ? "up" : "DOWN") + " (" + l.peer_addr + ") ",
                             l.connected ? "ok" : "bad"));
      }
      if (!n.links) links.textContent = n.local ? "" : (s.cluster && s.cluster.links_error) || "unknown";
      const cells = [n.name + (n.local ? " (this node)" : "") + (n.dc ? " DC" : ""), st, n.status,
                     n.connectivity_ok ? "ok" : "FAILED", links];
      if (isAdmin()) cells.push(n.standby ? actionButton("Unstandby", { action: "unstandby", target: n.name })
                                          : actionButton("Standby", { action: "standby", target: n.name }));
      nodes.appendChild(row(cells));
    }

    const groups = $("groups");
    clear(groups);
    for (const g of s.groups) {
      const h3 = el("h3", g.name + " on " + (g.node || "nowhere"));
      // Two nodes: the other one, named so that the dialog says where the group goes.
      const other = s.nodes.find((n) => n.name !== g.node && n.state === "online");
      if (isAdmin()) h3.appendChild(actionButton("Switchover", other ? { action: "switchover", target: g.name, to: other.name }
                                                                     : { action: "switchover", target: g.name }));
      groups.appendChild(h3);
      if (g.switchover) groups.appendChild(el("p", "switchover to " + g.switchover.to + ": " + g.switchover.note, "warn"));
      const t = el("table");
      t.appendChild(row(["resource", "agent", "where", "failures"].concat(isAdmin() ? [""] : []), true));
      for (const r of g.resources) {
        const where = Object.entries(r.on).map(([n, st]) => n + ": " + st).join(", ") || "stopped";
        const fails = r.fail_counts ? Object.entries(r.fail_counts).map(([n, c]) => n + ": " + c).join(", ") : "";
        const cells = [r.name, r.agent, where, fails];
        if (isAdmin()) cells.push(actionButton("Cleanup", { action: "cleanup", target: r.name }));
        t.appendChild(row(cells));
      }
      groups.appendChild(t);
    }

    const vols = $("volumes");
    clear(vols);
    vols.appendChild(row(["volume", "role (peer)", "connection", "disk (peer)", "sync", "out of sync", "notes"], true));
    for (const v of s.volumes) {
      if (!v.up) { vols.appendChild(row([v.volume, "down", "", "", "", "", ""])); continue; }
      let sync = "";
      if (v.sync) {
        const p = el("progress"); p.max = 100; p.value = v.sync.percent;
        const eta = v.sync.eta_s !== null && v.sync.eta_s !== undefined ? ", about " + v.sync.eta_s + " s left" : "";
        const span = el("span"); span.appendChild(p); span.appendChild(el("span", " " + v.sync.percent + "%" + eta));
        sync = span;
      }
      const notes = [v.io_frozen ? "I/O FROZEN" : "", v.fencing_peer ? "fence-peer running" : "",
                     v.peer_fenced ? "peer fenced" : "", v.last_error || ""].filter(Boolean).join("; ");
      vols.appendChild(row([v.volume, v.role + " (" + v.peer_role + ")", v.connection, v.disk + " (" + v.peer_disk + ")",
                            sync, v.out_of_sync_kib + " KiB", notes]));
    }

    const f = $("fencing");
    clear(f);
    f.appendChild(el("p", "fencing " + (s.fencing.enabled ? "enabled" : "disabled") +
                          (s.fencing.devices.length ? "; devices: " + s.fencing.devices.join(", ") : "")));
    if (s.fencing.monitors && s.fencing.monitors.length) {
      const t = el("table");
      t.id = "fence-devices";
      t.appendChild(row(["device", "agent", "fences", "last monitor"], true));
      for (const d of s.fencing.monitors) {
        const seen = d.checked_ago_ms !== undefined ? " (" + Math.round(d.checked_ago_ms / 1000) + " s ago)" : "";
        const mon = !d.monitored ? el("span", "not monitored")
          : d.ok === null ? el("span", "not yet run", "warn")
          : el("span", (d.ok ? "ok" : "FAILED: " + d.detail) + seen, d.ok ? "ok" : "bad");
        t.appendChild(row([d.name, d.agent, d.hosts.join(", "), mon]));
      }
      f.appendChild(t);
    }
    const last = s.fencing.last_result;
    if (last) {
      const ok = last.ok !== undefined ? last.ok : last.result === "fenced";
      f.appendChild(el("p", "last: " + (last.target || last.node || "?") + " " + (last.result || "") + " " +
                            (last.ts || "") + (last.reason ? " (" + last.reason + ")" : ""), ok ? "ok" : "bad"));
    }

    const h = $("history");
    clear(h);
    for (const e of s.history) {
      const inPlace = e.kind === "recovery" && (!e.to || e.to === e.from);  // restarted where it ran
      const where = inPlace ? (e.from ? " on " + e.from : "") : (e.from ? " from " + e.from : "") + (e.to ? " to " + e.to : "");
      const li = el("li", e.kind + " of " + (e.group || "?") + where +
                          ": " + e.result + (e.started ? ", " + e.started : "") +
                          (e.duration_ms !== undefined ? " (" + e.duration_ms + " ms)" : "") + (e.reason ? ": " + e.reason : ""),
                    e.result === "failed" ? "bad" : e.result === "running" ? "warn" : "");
      if (e.phases && e.phases.length) {
        const ol = el("ol");
        for (const p of e.phases) ol.appendChild(el("li", p.phase + (p.ok ? "" : " FAILED") + " at " + p.elapsed_ms + " ms",
                                                    p.ok ? "" : "bad"));
        li.appendChild(ol);
      }
      h.appendChild(li);
    }
  }

  $("login-button").addEventListener("click", login);
  $("password").addEventListener("keydown", (e) => { if (e.key === "Enter") login(); });
  $("refresh").addEventListener("click", refresh);
  $("logout").addEventListener("click", logout);
  $("confirm-yes").addEventListener("click", confirmAction);
  $("confirm-no").addEventListener("click", () => { pending = null; $("confirm").close(); });
  start();
})();
