#include "hamail/mailsvc/webmailbackend/store_mail_access.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "hamail/mailsvc/daemon/maildir_path.h"
#include "hamail/mailsvc/mime/message.h"
#include "hamail/mailsvc/mime/part_text.h"
#include "hamail/mailsvc/mime/sort_keys.h"
#include "hamail/mailsvc/store/mailbox.h"
#include "hamail/mailsvc/store/mailbox_tree.h"
#include "hamail/mailsvc/store/message_flags.h"
#include "hamail/mailsvc/webmail/mail_html.h"

namespace hamail::mailsvc::webmailbackend {
namespace {

constexpr std::size_t kMaxMessageBytes = 64u << 20;
constexpr std::size_t kHeaderReadBytes = 64u << 10;

// Up to `max` bytes of the file (its start when longer).
Result<std::string> read_start(const std::string& path, std::size_t max) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"open " + path + ": " + std::strerror(errno)};
  std::string out;
  char buf[65536];
  while (out.size() < max) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, max - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Error{"read " + path + ": " + std::strerror(e)};
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<std::string> user_root(const std::string& mail_root, const std::string& user) {
  std::optional<std::string> p = daemon::maildir_path(mail_root, user);
  if (!p) return Error{"not a mail address"};
  return *p;
}


// Leaves of the part tree in depth-first order, numbered from 0 (the root); a message/rfc822
// part is one leaf (an attachment).
void each_leaf(const mime::MimePart& part, std::uint32_t& number,
               const std::function<void(const mime::MimePart&, std::uint32_t)>& visit) {
  std::uint32_t mine = number++;
  if (part.is_multipart()) {
    for (const mime::MimePart& child : part.children) each_leaf(child, number, visit);
    return;
  }
  visit(part, mine);
}

bool is_attachment(const mime::MimePart& part) {
  std::string d = part.disposition;
  for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return d == "attachment" || !part.is_text() || part.is_message();
}

bool subtype_is(const mime::MimePart& part, std::string_view subtype) {
  if (part.subtype.size() != subtype.size()) return false;
  for (std::size_t i = 0; i < subtype.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(part.subtype[i])) != subtype[i]) return false;
  return true;
}

Result<mime::MimeMessage> read_message(store::Mailbox& mb, std::uint32_t uid) {
  auto path = mb.file_path(uid);
  if (!path) return Error{path.error()};
  auto bytes = read_start(*path, kMaxMessageBytes + 1);
  if (!bytes) return Error{bytes.error()};
  if (bytes->size() > kMaxMessageBytes) return Error{"message over 64 MiB"};
  return mime::MimeMessage::parse(*bytes);
}

constexpr std::size_t kMaxInlineImageBytes = 8u << 20;  // all of one message's cid: images

// An image part with a Content-ID, for the HTML's cid: references (still listed as an attachment too).
void add_inline_image(const mime::MimeMessage& msg, const mime::MimePart& part,
                      std::vector<webmail::InlineImage>& out) {
  std::string type = part.type + "/" + part.subtype;
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string id = part.field_value("Content-ID");
  while (!id.empty() && (id.front() == '<' || id.front() == ' ')) id.erase(id.begin());
  while (!id.empty() && (id.back() == '>' || id.back() == ' ')) id.pop_back();
  if (id.empty() || !webmail::inline_image_type(type)) return;
  std::size_t used = 0;
  for (const auto& img : out) used += img.bytes.size();
  std::optional<std::string> bytes = mime::part_content(msg, part);
  if (!bytes || used + bytes->size() > kMaxInlineImageBytes) return;
  out.push_back({std::move(id), std::move(type), std::move(*bytes)});
}

MessageSummary with_flags(MessageSummary s, const store::MessageState& state) {
  s.seen = (state.flags.system & store::kSeen) != 0;
  s.flagged = (state.flags.system & store::kFlagged) != 0;
  s.answered = (state.flags.system & store::kAnswered) != 0;
  return s;
}

}  // namespace

Result<StoreMailAccess::Opened> StoreMailAccess::open_folder(const std::string& user, const std::string& folder) {
  auto root = user_root(mail_root_, user);
  if (!root) return Error{root.error()};
  auto tree = store::MailboxTree::open(*root);
  if (!tree) return Error{tree.error()};
  Opened out{std::move(*tree)};
  if (folder.empty()) return out;
  auto path = out.tree.path_of(folder);
  if (!path || !is_dir(*path)) return out;
  {
    std::lock_guard lock(boxes_mutex_);
    auto& slot = boxes_[*path];
    if (!slot) {
      if (boxes_.size() > kMaxOpenMailboxes)  // drop the ones no request holds
        std::erase_if(boxes_, [](const auto& kv) { return kv.second && kv.second.use_count() == 1; });
      slot = std::make_shared<OpenMailbox>();
    }
    out.box = slot;
  }
  out.lock = std::unique_lock(out.box->mutex);
  if (!out.box->mailbox) {
    auto mb = store::Mailbox::open(*path);
    if (!mb) return Error{mb.error()};
    out.box->mailbox = std::move(*mb);
  }
  if (auto r = out.box->mailbox->refresh(); !r) {
    out.box->mailbox.reset();  // opened afresh next time
    return Error{r.error()};
  }
  out.mailbox = &*out.box->mailbox;
  return out;
}

StoreMailAccess::StoreMailAccess(std::string mail_root) : mail_root_(std::move(mail_root)), users_(mail_root_ + "/etc") {}

Result<bool> StoreMailAccess::verify_login(const std::string& user, const std::string& password) {
  auto db = users_.get();
  if (!db) return Error{db.error()};
  return (*db)->authenticate(user, password);
}

Result<std::vector<FolderInfo>> StoreMailAccess::folders(const std::string& user) {
  std::vector<store::FolderInfo> list;
  {
    auto opened = open_folder(user, "");  // no folder: only the tree
    if (!opened) return Error{opened.error()};
    auto l = opened->tree.list();
    if (!l) return Error{l.error()};
    list = std::move(*l);
  }
  std::vector<FolderInfo> out;
  for (const store::FolderInfo& f : list) {
    if (f.noselect) continue;
    auto opened = open_folder(user, f.name);
    if (!opened) return Error{opened.error()};
    if (!opened->mailbox) continue;
    FolderInfo info{f.name, f.special_use, 0, 0};
    for (std::uint32_t uid : opened->mailbox->uids()) {
      ++info.total;
      auto st = opened->mailbox->message(uid);
      if (st && (st->flags.system & store::kSeen) == 0) ++info.unread;
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::optional<MessageSummary> StoreMailAccess::cached_summary(const std::string& folder_path, std::uint32_t uidvalidity,
                                                              std::uint32_t uid) {
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(std::make_tuple(folder_path, uidvalidity, uid));
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

Result<MessageSummary> StoreMailAccess::header_summary(const std::string& folder_path, std::uint32_t uidvalidity,
                                                       std::uint32_t uid, const std::string& file, std::uint64_t size,
                                                       std::int64_t internal_date) {
  auto key = std::make_tuple(folder_path, uidvalidity, uid);
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  auto head = read_start(file, kHeaderReadBytes);
  if (!head) return Error{head.error()};
  std::size_t end = head->find("\r\n\r\n");
  if (end == std::string::npos) end = head->find("\n\n");
  if (end != std::string::npos) head->resize(end);
  head->append("\r\n\r\n");
  MessageSummary s;
  s.uid = uid;
  s.size = size;
  s.date = internal_date;
  if (auto msg = mime::MimeMessage::parse(*head)) {
    if (auto d = mime::sent_date(*msg)) s.date = d->utc_seconds;
    s.from = mime::header_text(msg->root(), "From");
    s.subject = mime::decoded_subject(*msg);
  }
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() >= kMaxCachedSummaries) cache_.clear();
  cache_.emplace(std::move(key), s);
  return s;
}

Result<std::optional<std::vector<MessageSummary>>> StoreMailAccess::messages(const std::string& user,
                                                                             const std::string& folder) {
  auto opened = open_folder(user, folder);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox) return std::optional<std::vector<MessageSummary>>();
  store::Mailbox& mb = *opened->mailbox;
  std::vector<MessageSummary> out;
  std::vector<std::uint32_t> uids = mb.uids();
  out.reserve(uids.size());
  for (std::uint32_t uid : uids) {
    auto state = mb.message(uid);
    if (!state) continue;
    if (auto cached = cached_summary(mb.path(), mb.uidvalidity(), uid)) {  // no stat, no read
      out.push_back(with_flags(*cached, *state));
      continue;
    }
    auto path = mb.file_path(uid);
    auto size = mb.size(uid);
    auto date = mb.internal_date(uid);
    if (!path || !size || !date) continue;  // expunged meanwhile
    auto s = header_summary(mb.path(), mb.uidvalidity(), uid, *path, *size, *date);
    if (!s) continue;
    out.push_back(with_flags(*s, *state));
  }
  return std::optional(std::move(out));
}

Result<std::optional<MessageView>> StoreMailAccess::message(const std::string& user, const std::string& folder,
                                                           std::uint32_t uid) {
  auto opened = open_folder(user, folder);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox) return std::optional<MessageView>();
  store::Mailbox& mb = *opened->mailbox;
  auto state = mb.message(uid);
  if (!state) return std::optional<MessageView>();
  auto msg = read_message(mb, uid);
  if (!msg) return Error{msg.error()};
  MessageView v;
  v.summary.uid = uid;
  v.summary.size = msg->bytes().size();
  auto date = mb.internal_date(uid);
  v.summary.date = date ? *date : 0;
  if (auto d = mime::sent_date(*msg)) v.summary.date = d->utc_seconds;
  v.summary.from = mime::header_text(msg->root(), "From");
  v.summary.subject = mime::decoded_subject(*msg);
  v.summary = with_flags(v.summary, *state);
  v.to = mime::header_text(msg->root(), "To");
  v.cc = mime::header_text(msg->root(), "Cc");
  v.bcc = mime::header_text(msg->root(), "Bcc");
  v.in_reply_to = mime::header_text(msg->root(), "In-Reply-To");
  v.references = mime::header_text(msg->root(), "References");
  v.draft_of = mime::header_text(msg->root(), "X-Hamail-Draft-Of");
  bool have_text = false;
  std::uint32_t number = 0;
  each_leaf(msg->root(), number, [&](const mime::MimePart& part, std::uint32_t n) {
    if (!is_attachment(part) && subtype_is(part, "plain") && !have_text) {
      v.text_body = mime::part_text(*msg, part);
      have_text = true;
    } else if (!is_attachment(part) && subtype_is(part, "html") && !v.html_body) {
      v.html_body = mime::part_text(*msg, part);
    } else {
      std::string name = mime::part_filename(part);
      v.attachments.push_back({n, name.empty() ? "part-" + std::to_string(n) : name, part.type + "/" + part.subtype,
                               part.end - part.body_begin});
      add_inline_image(*msg, part, v.inline_images);
    }
  });
  return std::optional(std::move(v));
}

Result<std::optional<AttachmentData>> StoreMailAccess::attachment(const std::string& user, const std::string& folder,
                                                                 std::uint32_t uid, std::uint32_t part) {
  auto opened = open_folder(user, folder);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox || !opened->mailbox->message(uid)) return std::optional<AttachmentData>();
  auto msg = read_message(*opened->mailbox, uid);
  if (!msg) return Error{msg.error()};
  std::optional<AttachmentData> out;
  std::uint32_t number = 0;
  each_leaf(msg->root(), number, [&](const mime::MimePart& p, std::uint32_t n) {
    if (n != part) return;
    std::optional<std::string> content = mime::part_content(*msg, p);
    std::string name = mime::part_filename(p);
    if (content) out = AttachmentData{name.empty() ? "part-" + std::to_string(n) : name, std::move(*content)};
  });
  return out;
}

Result<bool> StoreMailAccess::set_flag(const std::string& user, const std::string& folder, std::uint32_t uid,
                                       const std::string& flag, FlagChange change) {
  auto opened = open_folder(user, folder);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox || !opened->mailbox->message(uid)) return false;
  auto flags = store::flags_from_names({flag});
  if (!flags) return Error{flags.error()};
  auto r = opened->mailbox->store_flags({uid}, change == FlagChange::set ? store::FlagOp::add : store::FlagOp::remove,
                                        *flags, std::nullopt);
  if (!r) return Error{r.error()};
  return true;
}

Result<bool> StoreMailAccess::move(const std::string& user, const std::string& folder,
                                   const std::vector<std::uint32_t>& uids, const std::string& to) {
  auto opened = open_folder(user, folder);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox) return false;
  auto dest_path = opened->tree.path_of(to);
  if (!dest_path || !is_dir(*dest_path) || *dest_path == opened->mailbox->path()) return false;
  auto dest = store::Mailbox::open(*dest_path);
  if (!dest) return Error{dest.error()};
  std::vector<std::uint32_t> known;
  for (std::uint32_t uid : uids)
    if (opened->mailbox->message(uid)) known.push_back(uid);
  if (known.empty()) return false;
  auto moved = opened->mailbox->move(known, *dest);
  if (!moved) return Error{moved.error()};
  return true;
}

Result<bool> StoreMailAccess::remove(const std::string& user, const std::string& folder,
                                     const std::vector<std::uint32_t>& uids) {
  std::optional<std::string> trash;  // a \Trash folder other than this one
  {
    auto opened = open_folder(user, folder);
    if (!opened) return Error{opened.error()};
    if (!opened->mailbox) return false;
    auto list = opened->tree.list();
    if (!list) return Error{list.error()};
    for (const store::FolderInfo& f : *list) {
      if (f.special_use != "\\Trash" || f.noselect) continue;
      auto trash_path = opened->tree.path_of(f.name);
      if (trash_path && *trash_path != opened->mailbox->path()) trash = f.name;
    }
  }  // the folder's lock is given back before move() takes it
  if (trash) return move(user, folder, uids, *trash);
  return expunge_known(user, folder, uids);
}

Result<bool> StoreMailAccess::expunge_known(const std::string& user, const std::string& folder,
                                            const std::vector<std::uint32_t>& uids) {
  auto opened = open_folder(user, folder);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox) return false;
  std::vector<std::uint32_t> known;
  for (std::uint32_t uid : uids)
    if (opened->mailbox->message(uid)) known.push_back(uid);
  if (known.empty()) return false;
  auto gone = opened->mailbox->expunge(known);
  if (!gone) return Error{gone.error()};
  return true;
}

}  // namespace hamail::mailsvc::webmailbackend
