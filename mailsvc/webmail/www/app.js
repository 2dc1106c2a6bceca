// hamail webmail: the page over /api/ (mailsvc/webmail/README.md). Mail text only ever
// goes into the page as textContent; a mail's HTML only in the sandboxed iframe, whose
// answer carries its own Content-Security-Policy. State changes send X-CSRF-Token.
"use strict";

const PAGE = 50;
const state = { csrf: null, user: null, folders: [], folder: "INBOX", offset: 0, total: 0, sort: "date:desc",
                message: null, query: "", scope: "", threads: false };

const $ = (id) => document.getElementById(id);

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
  const r = await fetch(path, { method, headers, credentials: "same-origin",
                                body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (r.status === 401 && path !== "/api/login") { showLogin(); throw new Error("login required"); }
  if (!r.ok) throw new Error((data && data.error) || ("error " + r.status));
  return data;
}

const folderPath = (name) => "/api/folders/" + encodeURIComponent(name);

function setPane(name) { document.body.dataset.pane = name; }

function showLogin() {
  state.csrf = null;
  $("main-view").hidden = true;
  $("login-view").hidden = false;
  $("user").focus();
}

async function showMain(session) {
  state.csrf = session.csrf_token;
  state.user = session.user;
  $("whoami").textContent = session.user;
  $("login-view").hidden = true;
  $("main-view").hidden = false;
  setPane("list");
  await loadFolders();
  await loadMessages();
}

async function loadFolders() {
  const data = await api("GET", "/api/folders");
  state.folders = data.folders;
  const list = $("folders");
  list.replaceChildren();
  const move = $("move-select");
  move.replaceChildren();
  for (const f of data.folders) {
    const li = document.createElement("li");
    li.className = "folder" + (f.name === state.folder ? " current" : "");
    li.dataset.name = f.name;
    const name = document.createElement("span");
    name.textContent = f.name;
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = f.unread ? f.unread + "/" + f.total : String(f.total);
    li.append(name, count);
    li.addEventListener("click", () => { state.folder = f.name; state.offset = 0; state.query = "";
                                         $("search").value = ""; setPane("list");
                                         loadFolders().then(loadMessages).catch((e) => showError(e.message)); });
    list.append(li);
    const opt = document.createElement("option");
    opt.value = f.name;
    opt.textContent = f.name;
    move.append(opt);
  }
}

function formatDate(seconds) {
  const d = new Date(seconds * 1000);
  return d.toLocaleString();
}

// A search's body: the scope only when not the default (From/Subject of the list).
function searchBody(body) {
  if (state.scope) body.scope = state.scope;
  return body;
}

// A list row's date: the time today, else the date (the full one is in the message's headers).
function listDate(seconds) {
  const d = new Date(seconds * 1000);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toLocaleDateString([], { year: "2-digit", month: "short", day: "numeric" });
}

// Sort key (date, from, subject, size) and order (asc, desc); back to the first page.
function sortBy(key, order) {
  state.sort = key + ":" + order;
  state.offset = 0;
  $("order-button").textContent = order === "desc" ? "\u2193" : "\u2191";
  $("order-button").title = order === "desc" ? "descending" : "ascending";
  loadMessages().catch((e) => showError(e.message));
}

let listRequests = 0;  // only the newest list request draws (an older answer may come last)

async function loadMessages() {
  const mine = ++listRequests;
  const [sort, order] = state.sort.split(":");
  // A search is a POST (with the token), so its words stay out of the server's access log.
  const data = state.query
    ? await api("POST", folderPath(state.folder) + "/search",
                searchBody({ q: state.query, offset: state.offset, limit: PAGE, sort, order }))
    : await api("GET", folderPath(state.folder) + "/messages?offset=" + state.offset + "&limit=" + PAGE +
                       "&sort=" + sort + "&order=" + order + (state.threads ? "&threads=1" : ""));
  if (mine !== listRequests) return;
  state.total = data.total;
  $("folder-title").textContent = state.folder;
  const last = Math.min(data.total, state.offset + data.messages.length);
  $("page-info").textContent = data.total ? (state.offset + 1) + "-" + last + " of " + data.total : "empty";
  if (data.truncated) $("page-info").textContent += " (search stopped early)";
  $("prev-page").disabled = $("first-page").disabled = state.offset === 0;
  $("next-page").disabled = $("last-page").disabled = last >= data.total;
  const body = $("messages").tBodies[0];
  body.replaceChildren();
  for (const m of data.messages) {
    const tr = document.createElement("tr");
    tr.className = "message-row" + (m.seen ? "" : " unread") + (state.message === m.uid ? " current" : "");
    tr.dataset.uid = m.uid;
    const subject = (m.subject || "(no subject)") + (m.count > 1 ? " (" + m.count + ")" : "");
    const cells = [m.flagged ? "\u2605" : "", m.from, subject, listDate(m.date)];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      if (i === 0) td.className = "flag";
      td.textContent = text;
      tr.append(td);
    });
    body.append(tr);
    if (data.threads && m.count > 1) { threadRow(tr, m); continue; }
    tr.addEventListener("click", () => openMessage(m.uid).catch((e) => showError(e.message)));
  }
}

// A conversation's row: a click shows its messages below it (indented by depth), again hides them.
function threadRow(tr, m) {
  tr.classList.add("thread");
  tr.addEventListener("click", async () => {
    const shown = tr.parentNode.querySelectorAll('tr[data-thread="' + m.uid + '"]');
    if (shown.length) { shown.forEach((r) => r.remove()); tr.classList.remove("open"); return; }
    try {
      const data = await api("GET", folderPath(state.folder) + "/messages/" + m.uid + "/thread");
      let after = tr;
      for (const x of data.messages) {
        const row = document.createElement("tr");
        row.className = "message-row thread-member" + (x.seen ? "" : " unread") +
                        (state.message === x.uid ? " current" : "");
        row.dataset.uid = x.uid;
        row.dataset.thread = m.uid;
        const cells = [x.flagged ? "\u2605" : "", x.from, x.subject || "(no subject)", listDate(x.date)];
        cells.forEach((text, i) => {
          const td = document.createElement("td");
          if (i === 0) td.className = "flag";
          if (i === 2) td.style.paddingLeft = (0.6 + 1.2 * Math.min(x.depth + 1, 6)) + "em";
          td.textContent = text;
          row.append(td);
        });
        row.addEventListener("click", () => openMessage(x.uid).catch((e) => showError(e.message)));
        after.after(row);
        after = row;
      }
      tr.classList.add("open");
    } catch (e) { showError(e.message); }
  });
}

async function openMessage(uid) {
  const path = folderPath(state.folder) + "/messages/" + uid;
  const m = await api("GET", path);
  state.message = uid;
  state.flagged = m.flagged;
  $("subject").textContent = m.subject || "(no subject)";
  $("from").textContent = m.from;
  $("to").textContent = m.to;
  $("date").textContent = formatDate(m.date);
  $("body-text").textContent = m.text;
  $("body-text").hidden = !m.text && m.has_html;
  const frame = $("html-frame");
  $("remote-images-button").hidden = !m.has_html;
  if (m.has_html) {
    frame.src = path + "/html";
    frame.hidden = false;
  } else {
    frame.removeAttribute("src");
    frame.hidden = true;
  }
  const list = $("attachments");
  list.replaceChildren();
  for (const a of m.attachments) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = path + "/parts/" + a.part;
    link.download = a.filename;
    link.textContent = a.filename + " (" + a.content_type + ", " + a.size + " bytes)";
    li.append(link);
    list.append(li);
  }
  $("flag-button").textContent = m.flagged ? "Unflag" : "Flag";
  $("message-pane").hidden = false;
  setPane("message");
  if (!m.seen) await api("POST", path + "/flags", { seen: true });
  await loadFolders();
  await loadMessages();
}

async function changeMessage(action) {
  if (state.message === null) return;
  const path = folderPath(state.folder);
  if (action === "flag") {
    await api("POST", path + "/messages/" + state.message + "/flags", { flagged: !state.flagged });
    return openMessage(state.message);
  }
  if (action === "unread") {
    await api("POST", path + "/messages/" + state.message + "/flags", { seen: false });
  } else if (action === "delete") {
    await api("POST", path + "/delete", { uids: [state.message] });
  } else if (action === "move") {
    await api("POST", path + "/move", { uids: [state.message], to: $("move-select").value });
  }
  state.message = null;
  $("message-pane").hidden = true;
  setPane("list");
  await loadFolders();
  await loadMessages();
}

function wire() {
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("");
    $("login-button").disabled = true;
    try {
      const session = await api("POST", "/api/login", { user: $("user").value, password: $("password").value });
      $("password").value = "";
      await showMain(session);
    } catch (e) {
      showError(e.message);
    } finally {
      $("login-button").disabled = false;
    }
  });
  $("logout-button").addEventListener("click", async () => {
    try { await api("POST", "/api/logout", {}); } catch (e) { /* the session is gone either way */ }
    state.message = null;
    $("message-pane").hidden = true;
    showLogin();
  });
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.query = $("search").value.trim();
    state.scope = $("search-scope").value;
    state.offset = 0;
    loadMessages().catch((e) => showError(e.message));
  });
  $("search-scope").addEventListener("change", () => {
    if (!state.query) return;
    state.scope = $("search-scope").value;
    state.offset = 0;
    loadMessages().catch((e) => showError(e.message));
  });
  $("threads-toggle").addEventListener("change", () => { state.threads = $("threads-toggle").checked; state.offset = 0;
                                                         loadMessages().catch((e) => showError(e.message)); });
  $("sort").addEventListener("change", () => sortBy($("sort").value, $("sort").value === "date" ||
                                                                      $("sort").value === "size" ? "desc" : "asc"));
  $("order-button").addEventListener("click", () => sortBy($("sort").value,
                                                           state.sort.endsWith(":desc") ? "asc" : "desc"));
  $("first-page").addEventListener("click", () => { state.offset = 0; loadMessages().catch((e) => showError(e.message)); });
  $("last-page").addEventListener("click", () => { state.offset = Math.max(0, Math.floor((state.total - 1) / PAGE) * PAGE);
                                                   loadMessages().catch((e) => showError(e.message)); });
  $("prev-page").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE);
                                                   loadMessages().catch((e) => showError(e.message)); });
  $("next-page").addEventListener("click", () => { state.offset += PAGE;
                                                   loadMessages().catch((e) => showError(e.message)); });
  $("back-button").addEventListener("click", () => setPane(document.body.dataset.pane === "message" ? "list" : "folders"));
  // Remote images only after this click, for this message: the frame reloaded under a policy allowing https: images.
  $("remote-images-button").addEventListener("click", () => {
    if (state.message === null) return;
    $("html-frame").src = folderPath(state.folder) + "/messages/" + state.message + "/html?remote_images=1";
    $("remote-images-button").hidden = true;
  });
  for (const [id, action] of [["flag-button", "flag"], ["unread-button", "unread"], ["delete-button", "delete"],
                              ["move-button", "move"]])
    $(id).addEventListener("click", () => changeMessage(action).catch((e) => showError(e.message)));
}

wire();
api("GET", "/api/session").then(showMain).catch(() => showLogin());
