// hamail webmail: composing (mailsvc/webmail/README.md, issue 19). Loaded after app.js and
// using its helpers (api, $, state, showError, setPane, folderPath, loadFolders): a Compose
// button, Reply / Reply all / Forward on a message, and the compose form (to, cc, bcc,
// subject, text, files) that sends through POST /api/send or saves to Drafts.
"use strict";

const compose = { draftUid: null, reply: null, inReplyTo: "", references: "", forwarded: [], files: [] };

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  e.append(...children);
  return e;
}

function buildComposeView() {
  const field = (label, id, type) => el("label", {}, label, el("input", { id, type: type || "text", autocomplete: "off" }));
  const view = el("section", { id: "compose-view", hidden: true },
    el("div", { className: "bar" },
      el("strong", { id: "compose-title" }, "New message"),
      el("button", { id: "compose-send", type: "button" }, "Send"),
      el("button", { id: "compose-save", type: "button" }, "Save draft"),
      el("button", { id: "compose-discard", type: "button" }, "Discard")),
    el("div", { className: "compose-fields" },
      field("To", "compose-to"), field("Cc", "compose-cc"), field("Bcc", "compose-bcc"),
      field("Subject", "compose-subject"),
      el("textarea", { id: "compose-text", rows: 16 }),
      el("label", {}, "Attach ", el("input", { id: "compose-files", type: "file", multiple: true })),
      el("ul", { id: "compose-attachments" })));
  $("main-view").append(view);
  const bar = $("logout-button").parentNode;
  bar.insertBefore(el("button", { id: "compose-button", type: "button" }, "Compose"), $("logout-button"));
  const messageBar = $("flag-button").parentNode;
  messageBar.prepend(el("button", { id: "edit-draft-button", type: "button" }, "Edit draft"),
                     el("button", { id: "reply-button", type: "button" }, "Reply"),
                     el("button", { id: "reply-all-button", type: "button" }, "Reply all"),
                     el("button", { id: "forward-button", type: "button" }, "Forward"));
}

function showAttachments() {
  const list = $("compose-attachments");
  list.replaceChildren();
  const remove = (arr, i) => () => { arr.splice(i, 1); showAttachments(); };
  compose.forwarded.forEach((a, i) => list.append(el("li", {}, a.filename + " (" + a.size + " bytes) ",
    el("button", { type: "button", onclick: remove(compose.forwarded, i) }, "remove"))));
  compose.files.forEach((f, i) => list.append(el("li", {}, f.name + " (" + f.size + " bytes) ",
    el("button", { type: "button", onclick: remove(compose.files, i) }, "remove"))));
}

function openCompose(prefill) {
  const p = prefill || {};
  compose.draftUid = null;
  compose.reply = p.reply_to_message || null;
  compose.inReplyTo = p.in_reply_to || "";
  compose.references = p.references || "";
  compose.forwarded = p.attachments || [];
  compose.files = [];
  $("compose-to").value = (p.to || []).join(", ");
  $("compose-cc").value = (p.cc || []).join(", ");
  $("compose-bcc").value = p.bcc || "";
  $("compose-subject").value = p.subject || "";
  $("compose-text").value = p.text || "";
  $("compose-files").value = "";
  $("compose-title").textContent = p.subject ? p.subject : "New message";
  showAttachments();
  $("compose-view").hidden = false;
  document.body.dataset.composing = "1";
  const first = p.to && p.to.length ? $("compose-text") : $("compose-to");
  first.focus();
  if (first === $("compose-text")) first.setSelectionRange(0, 0);  // write above the quote
}

function closeCompose() {
  $("compose-view").hidden = true;
  delete document.body.dataset.composing;
}

function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(new Error("cannot read " + file.name));
    reader.readAsDataURL(file);
  });
}

async function composedMessage() {
  const attachments = compose.forwarded.map((a) => ({ folder: a.folder, uid: a.uid, part: a.part }));
  for (const f of compose.files)
    attachments.push({ filename: f.name, content_type: f.type || "application/octet-stream", data: await base64Of(f) });
  const body = { to: $("compose-to").value, cc: $("compose-cc").value, bcc: $("compose-bcc").value,
                 subject: $("compose-subject").value, text: $("compose-text").value,
                 in_reply_to: compose.inReplyTo, references: compose.references, attachments };
  if (compose.reply) body.reply_to_message = compose.reply;
  if (compose.draftUid) body.draft_uid = compose.draftUid;
  return body;
}

const MAX_FILES_BYTES = 25 * 1024 * 1024;  // the server's bound (README)

// The files' size checked before they are read; a 413 from httpd's body limit explained.
async function post(path, body) {
  try {
    return await api("POST", path, body);
  } catch (e) {
    if (e.message === "error 413") throw new Error("too large for the server (httpd's limits: max_body_bytes)");
    throw e;
  }
}

function checkSizes() {
  const total = compose.files.reduce((n, f) => n + f.size, 0) + compose.forwarded.reduce((n, a) => n + a.size, 0);
  if (total > MAX_FILES_BYTES) throw new Error("attachments over 25 MiB");
}

async function sendComposed() {
  showError("");
  checkSizes();
  $("compose-send").disabled = true;
  try {
    await post("/api/send", await composedMessage());
    closeCompose();
    await loadFolders();
  } finally {
    $("compose-send").disabled = false;
  }
}

async function saveDraft() {
  showError("");
  checkSizes();
  const r = await post("/api/drafts", await composedMessage());
  compose.draftUid = r.uid;
  await loadFolders();
}

async function replyTo(mode) {
  if (state.message === null) return;
  const path = folderPath(state.folder) + "/messages/" + state.message + "/reply?mode=" + mode;
  openCompose(await api("GET", path));
}

const inDrafts = () => state.folders.some((f) => f.name === state.folder && f.special_use === "\\Drafts");

// A saved draft back in the form: its fields, its files by reference; saving or sending
// it replaces / removes it (draft_uid). Its Bcc, In-Reply-To/References and the message it
// answers or forwards (X-Hamail-Draft-Of: flagged \Answered / $Forwarded once sent) come back too.
async function editDraft() {
  if (state.message === null) return;
  const uid = state.message;
  const m = await api("GET", folderPath(state.folder) + "/messages/" + uid);
  openCompose({ to: m.to ? [m.to] : [], cc: m.cc ? [m.cc] : [], bcc: m.bcc || "", subject: m.subject, text: m.text,
                in_reply_to: m.in_reply_to, references: (m.references || "").replace(/\s+/g, " ").trim(),
                reply_to_message: m.reply_to_message,
                attachments: m.attachments.map((a) => Object.assign({ folder: state.folder, uid }, a)) });
  compose.draftUid = uid;
}

// The draft button only in the Drafts folder (checked whenever a message is shown).
function watchMessagePane() {
  new MutationObserver(() => { $("edit-draft-button").hidden = !inDrafts(); })
    .observe($("subject"), { childList: true, characterData: true, subtree: true });
  $("edit-draft-button").hidden = true;
}

function wireCompose() {
  buildComposeView();
  const guard = (fn) => () => fn().catch((e) => showError(e.message));
  $("compose-button").addEventListener("click", () => openCompose(null));
  $("edit-draft-button").addEventListener("click", guard(editDraft));
  watchMessagePane();
  $("reply-button").addEventListener("click", guard(() => replyTo("reply")));
  $("reply-all-button").addEventListener("click", guard(() => replyTo("all")));
  $("forward-button").addEventListener("click", guard(() => replyTo("forward")));
  $("compose-send").addEventListener("click", guard(sendComposed));
  $("compose-save").addEventListener("click", guard(saveDraft));
  $("compose-discard").addEventListener("click", closeCompose);
  $("compose-files").addEventListener("change", () => {
    compose.files.push(...$("compose-files").files);
    $("compose-files").value = "";
    showAttachments();
  });
}

wireCompose();
