#include "hamail/mailsvc/store/uid_map.h"

#include <charconv>
#include <limits>
#include <unordered_set>

namespace hamail::mailsvc::store {

namespace {

constexpr std::string_view kMagic = "hamail-uids";
constexpr std::string_view kVersion = "v1";

std::vector<std::string_view> split_spaces(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<std::uint32_t> parse_u32(std::string_view s) {
  std::uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string shorten(std::string_view line) {
  return std::string(line.size() > 80 ? line.substr(0, 80) : line) + (line.size() > 80 ? "..." : "");
}

}  // namespace

UidMap UidMap::fresh(std::uint32_t uidvalidity) {
  UidMap m;
  m.uidvalidity_ = uidvalidity == 0 ? 1 : uidvalidity;
  return m;
}

Result<UidMap> UidMap::parse(std::string_view text, const std::string& file) {
  UidMap m;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  bool header = false;
  std::unordered_map<std::string, std::size_t> seen_at;
  auto err = [&](const std::string& what) { return Error{file + ":" + std::to_string(line_no) + ": " + what}; };
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    auto f = split_spaces(line);
    if (!header) {
      std::optional<std::uint32_t> v, n;
      if (f.size() == 4 && f[0] == kMagic && f[1] == kVersion) {
        v = parse_u32(f[2]);
        n = parse_u32(f[3]);
      }
      if (!v || !n || *v == 0 || *n == 0) {
        return err("expected header 'hamail-uids v1 UIDVALIDITY NEXTUID' (non-zero numbers), got '" +
                   shorten(line) + "'");
      }
      m.uidvalidity_ = *v;
      m.next_uid_ = *n;
      header = true;
      continue;
    }
    if (f.empty()) continue;
    std::optional<std::uint32_t> uid = f.size() == 2 ? parse_u32(f[0]) : std::nullopt;
    if (!uid || *uid == 0) return err("expected 'UID BASENAME', got '" + shorten(line) + "'");
    if (!m.entries_.empty() && *uid <= m.entries_.back().uid) {
      return err("uid " + std::to_string(*uid) + " is not above the previous uid " +
                 std::to_string(m.entries_.back().uid));
    }
    if (*uid >= m.next_uid_) {
      return err("uid " + std::to_string(*uid) + " is not below the next uid " + std::to_string(m.next_uid_));
    }
    std::string base(f[1]);
    if (auto it = seen_at.find(base); it != seen_at.end()) {
      return err("duplicate base name '" + base + "' (first at line " + std::to_string(it->second) + ")");
    }
    seen_at[base] = line_no;
    m.by_base_[base] = *uid;
    m.entries_.push_back({*uid, std::move(base)});
  }
  if (!header) {
    line_no = 1;
    return err("empty file: expected header 'hamail-uids v1 UIDVALIDITY NEXTUID'");
  }
  return m;
}

std::string UidMap::serialize() const {
  std::string out = std::string(kMagic) + " " + std::string(kVersion) + " " + std::to_string(uidvalidity_) +
                    " " + std::to_string(next_uid_) + "\n";
  for (const auto& e : entries_) out += std::to_string(e.uid) + " " + e.base + "\n";
  return out;
}

bool UidMap::sync(const std::vector<std::string>& present_bases) {
  std::unordered_set<std::string> present(present_bases.begin(), present_bases.end());
  bool changed = false;
  std::vector<UidEntry> kept;
  kept.reserve(entries_.size());
  for (auto& e : entries_) {
    if (present.count(e.base)) {
      kept.push_back(std::move(e));
    } else {
      by_base_.erase(e.base);
      changed = true;
    }
  }
  entries_ = std::move(kept);
  std::size_t missing = 0;
  for (const auto& b : present_bases) missing += by_base_.count(b) ? 0 : 1;
  constexpr std::uint32_t kMax = std::numeric_limits<std::uint32_t>::max();
  if (missing > 0 && kMax - next_uid_ < missing) {
    // UIDs exhausted: a new UIDVALIDITY and everything renumbered from 1.
    *this = fresh(uidvalidity_ == kMax ? 1 : uidvalidity_ + 1);
    for (const auto& b : present_bases) {
      if (by_base_.count(b)) continue;
      by_base_[b] = next_uid_;
      entries_.push_back({next_uid_++, b});
    }
    return true;
  }
  for (const auto& b : present_bases) {
    if (by_base_.count(b)) continue;
    by_base_[b] = next_uid_;
    entries_.push_back({next_uid_++, b});
    changed = true;
  }
  return changed;
}

std::optional<std::uint32_t> UidMap::uid_of(const std::string& base) const {
  auto it = by_base_.find(base);
  if (it == by_base_.end()) return std::nullopt;
  return it->second;
}

}  // namespace hamail::mailsvc::store
