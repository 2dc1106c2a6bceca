#include "hamail/mailsvc/users/passwd_file.h"

#include <unordered_map>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/users/address.h"
#include "hamail/mailsvc/users/text_lines.h"

namespace hamail::mailsvc::users {

namespace {

constexpr std::size_t kMaxFields = 8;

std::vector<std::string> split_colons(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto c = line.find(':', start);
    out.emplace_back(line.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
    if (c == std::string_view::npos) break;
    start = c + 1;
  }
  return out;
}

bool is_number(std::string_view s) {
  if (s.empty() || s.size() > 10) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string format(const PasswdEntry& e) {
  std::string out = e.user + ":" + e.password + ":" + e.uid + ":" + e.gid + ":" + e.gecos + ":" + e.home + ":" +
                    e.shell + ":" + e.extra;
  return out;
}

}  // namespace

Result<PasswdFile> PasswdFile::parse(std::string_view text, const std::string& file) {
  PasswdFile pf;
  std::unordered_map<std::string, std::size_t> first_at;
  for (const TextLine& l : split_lines(text)) {
    auto err = [&](const std::string& what) { return Error{file + ":" + std::to_string(l.number) + ": " + what}; };
    if (is_comment_or_blank(l.text)) {
      pf.lines_.push_back({std::string(l.text), std::nullopt});
      continue;
    }
    auto f = split_colons(l.text);
    if (f.size() < 2) {
      return err("expected 'user@domain:{SCHEME}hash:uid:gid::home::', got '" + quote_line(l.text) + "'");
    }
    if (f.size() > kMaxFields) {
      return err("too many fields (" + std::to_string(f.size()) +
                 ", at most 8: user:password:uid:gid:gecos:home:shell:extra)");
    }
    f.resize(kMaxFields);
    auto user = normalize_address(trim(f[0]));
    if (!user) return err("bad user: " + user.error());
    if (f[1].empty()) return err("user '" + *user + "' has an empty password field");
    if (f[1].front() == '{' && f[1].find('}') == std::string::npos) {
      return err("user '" + *user + "': password field has '{' without '}'");
    }
    if (!f[2].empty() && !is_number(f[2])) return err("uid '" + f[2] + "' is not a number");
    if (!f[3].empty() && !is_number(f[3])) return err("gid '" + f[3] + "' is not a number");
    if (!f[5].empty() && f[5].front() != '/') return err("home '" + f[5] + "' is not an absolute path");
    if (auto it = first_at.find(*user); it != first_at.end()) {
      return err("duplicate user '" + *user + "' (first at line " + std::to_string(it->second) + ")");
    }
    first_at[*user] = l.number;
    pf.lines_.push_back({"", PasswdEntry{*user, f[1], f[2], f[3], f[4], f[5], f[6], f[7]}});
  }
  return pf;
}

Result<PasswdFile> PasswdFile::load(const std::string& path) {
  if (!store::path_exists(path)) return PasswdFile();
  auto text = store::read_file_bounded(path, kMaxFileBytes);
  if (!text) return Error{text.error()};
  return parse(*text, path);
}

std::string PasswdFile::serialize() const {
  std::string out;
  for (const auto& l : lines_) out += (l.entry ? format(*l.entry) : l.raw) + "\n";
  return out;
}

PasswdEntry* PasswdFile::find_mut(std::string_view user) {
  for (auto& l : lines_) {
    if (l.entry && l.entry->user == user) return &*l.entry;
  }
  return nullptr;
}

const PasswdEntry* PasswdFile::find(std::string_view user) const {
  return const_cast<PasswdFile*>(this)->find_mut(user);
}

std::vector<const PasswdEntry*> PasswdFile::entries() const {
  std::vector<const PasswdEntry*> out;
  for (const auto& l : lines_) {
    if (l.entry) out.push_back(&*l.entry);
  }
  return out;
}

Status PasswdFile::add(PasswdEntry e) {
  if (find(e.user)) return Error{"user '" + e.user + "' already exists"};
  lines_.push_back({"", std::move(e)});
  return Status::ok();
}

Status PasswdFile::remove(std::string_view user) {
  for (auto it = lines_.begin(); it != lines_.end(); ++it) {
    if (it->entry && it->entry->user == user) {
      lines_.erase(it);
      return Status::ok();
    }
  }
  return Error{"no user '" + std::string(user) + "'"};
}

Status PasswdFile::set_password(std::string_view user, std::string password) {
  PasswdEntry* e = find_mut(user);
  if (!e) return Error{"no user '" + std::string(user) + "'"};
  e->password = std::move(password);
  return Status::ok();
}

}  // namespace hamail::mailsvc::users
