#include "hamail/mailsvc/users/aliases.h"

#include <algorithm>
#include <unordered_map>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/users/address.h"
#include "hamail/mailsvc/users/text_lines.h"

namespace hamail::mailsvc::users {

namespace {

std::string chain(const std::vector<std::string>& path, std::string_view last) {
  std::string out;
  for (const auto& p : path) out += p + " -> ";
  return out + std::string(last);
}

struct Expander {
  const AliasFile& file;
  int max_depth;
  std::vector<std::string> path;
  std::vector<std::string> out;

  Status visit(const std::string& address) {
    const AliasEntry* e = file.find(address);
    if (!e) {
      if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
      if (out.size() > AliasFile::kMaxExpansion) {
        return Error{"alias expansion of '" + path.front() + "' gives more than " +
                     std::to_string(AliasFile::kMaxExpansion) + " addresses"};
      }
      return Status::ok();
    }
    if (std::find(path.begin(), path.end(), address) != path.end()) {
      return Error{"alias loop: " + chain(path, address)};
    }
    if (static_cast<int>(path.size()) >= max_depth) {
      return Error{"alias expansion of '" + path.front() + "' is deeper than " + std::to_string(max_depth) +
                   " levels: " + chain(path, address)};
    }
    path.push_back(address);
    for (const auto& t : e->targets) {
      Status s = Status::ok();
      if (t == address) {
        // Self-reference: deliver to the alias's own mailbox too.
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
      } else {
        s = visit(t);
      }
      if (!s) return s;
    }
    path.pop_back();
    return Status::ok();
  }
};

}  // namespace

Result<AliasFile> AliasFile::parse(std::string_view text, const std::string& file) {
  AliasFile af;
  std::unordered_map<std::string, std::size_t> first_at;
  for (const TextLine& l : split_lines(text)) {
    auto err = [&](const std::string& what) { return Error{file + ":" + std::to_string(l.number) + ": " + what}; };
    if (is_comment_or_blank(l.text)) continue;
    auto colon = l.text.find(':');
    if (colon == std::string_view::npos) {
      return err("expected 'alias@domain: target@domain, ...', got '" + quote_line(l.text) + "'");
    }
    auto alias = normalize_address(trim(l.text.substr(0, colon)));
    if (!alias) return err("bad alias: " + alias.error());
    AliasEntry e{*alias, {}};
    std::string_view rest = l.text.substr(colon + 1);
    while (true) {
      auto comma = rest.find(',');
      std::string_view item = trim(rest.substr(0, comma));
      if (!item.empty()) {
        auto t = normalize_address(item);
        if (!t) return err("bad target of '" + *alias + "': " + t.error());
        if (std::find(e.targets.begin(), e.targets.end(), *t) == e.targets.end()) e.targets.push_back(*t);
      } else if (comma != std::string_view::npos) {
        return err("empty target in the list of '" + *alias + "'");
      }
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
    if (e.targets.empty()) return err("alias '" + *alias + "' has no targets");
    if (auto it = first_at.find(*alias); it != first_at.end()) {
      return err("duplicate alias '" + *alias + "' (first at line " + std::to_string(it->second) + ")");
    }
    first_at[*alias] = l.number;
    af.entries_.push_back(std::move(e));
  }
  return af;
}

Result<AliasFile> AliasFile::load(const std::string& path) {
  if (!store::path_exists(path)) return AliasFile();
  auto text = store::read_file_bounded(path, kMaxFileBytes);
  if (!text) return Error{text.error()};
  return parse(*text, path);
}

std::string AliasFile::serialize() const {
  std::string out;
  for (const auto& e : entries_) {
    out += e.alias + ":";
    for (std::size_t i = 0; i < e.targets.size(); ++i) out += (i ? ", " : " ") + e.targets[i];
    out += "\n";
  }
  return out;
}

const AliasEntry* AliasFile::find(std::string_view alias) const {
  for (const auto& e : entries_) {
    if (e.alias == alias) return &e;
  }
  return nullptr;
}

Status AliasFile::add(const std::string& alias, const std::vector<std::string>& targets) {
  if (targets.empty()) return Error{"alias '" + alias + "' needs at least one target"};
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const AliasEntry& e) { return e.alias == alias; });
  if (it == entries_.end()) {
    entries_.push_back({alias, {}});
    it = entries_.end() - 1;
  }
  for (const auto& t : targets) {
    if (std::find(it->targets.begin(), it->targets.end(), t) == it->targets.end()) it->targets.push_back(t);
  }
  return Status::ok();
}

Status AliasFile::remove(std::string_view alias, std::string_view target) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const AliasEntry& e) { return e.alias == alias; });
  if (it == entries_.end()) return Error{"no alias '" + std::string(alias) + "'"};
  if (!target.empty()) {
    auto t = std::find(it->targets.begin(), it->targets.end(), target);
    if (t == it->targets.end()) {
      return Error{"alias '" + std::string(alias) + "' has no target '" + std::string(target) + "'"};
    }
    it->targets.erase(t);
    if (!it->targets.empty()) return Status::ok();
  }
  entries_.erase(it);
  return Status::ok();
}

Result<std::vector<std::string>> AliasFile::expand(std::string_view address, int max_depth) const {
  auto a = normalize_address(address);
  if (!a) return Error{a.error()};
  Expander x{*this, max_depth, {}, {}};
  x.path.reserve(static_cast<std::size_t>(max_depth) + 1);
  if (!find(*a)) return std::vector<std::string>{*a};
  Status s = x.visit(*a);
  if (!s) return Error{s.message()};
  return std::move(x.out);
}

}  // namespace hamail::mailsvc::users
