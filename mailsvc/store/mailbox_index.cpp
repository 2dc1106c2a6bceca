#include "hamail/mailsvc/store/mailbox_index.h"

#include "hamail/mailsvc/store/index_text.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace hamail::mailsvc::store {

namespace {

constexpr std::string_view kMagic = "hamail-uids";

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

template <class T>
std::optional<T> parse_num(std::string_view s) {
  T v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string shorten(std::string_view line) {
  return std::string(line.size() > 80 ? line.substr(0, 80) : line) + (line.size() > 80 ? "..." : "");
}

bool flag_letters(std::string_view f) {
  if (f.empty()) return false;
  for (std::size_t i = 0; i < f.size(); ++i) {
    bool letter = (f[i] >= 'A' && f[i] <= 'Z') || (f[i] >= 'a' && f[i] <= 'z');
    if (!letter || (i > 0 && f[i] <= f[i - 1])) return false;  // sorted, no duplicates
  }
  return true;
}

// Letters only, sorted, no duplicates: how the index keeps a listing's info part.
std::string canonical_letters(std::string_view info) {
  std::string f;
  for (char c : info) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) f += c;
  }
  std::sort(f.begin(), f.end());
  f.erase(std::unique(f.begin(), f.end()), f.end());
  return f;
}

// Maildir names in delivery order: digit runs compare as numbers ("1.M9P1Q10" after
// "1.M9P1Q9", "2.M10" after "2.M9"), everything else byte by byte.
bool delivered_before(std::string_view a, std::string_view b) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && digit(a[ei])) ++ei;
      while (ej < b.size() && digit(b[ej])) ++ej;
      std::string_view na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei, j = ej;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i, ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // equal but for leading zeros: any fixed order
}

constexpr const char* kHeaderV2 = "'hamail-uids v2 UIDVALIDITY UIDNEXT HIGHESTMODSEQ EXPUNGEFLOOR'";

}  // namespace

MailboxIndex MailboxIndex::fresh(std::uint32_t uidvalidity) {
  MailboxIndex m;
  m.uidvalidity_ = uidvalidity == 0 ? 1 : uidvalidity;
  return m;
}

std::optional<std::uint32_t> MailboxIndex::header_uidvalidity(std::string_view text) {
  auto f = split_spaces(text.substr(0, text.find('\n')));
  if (f.size() < 3 || f[0] != kMagic) return std::nullopt;
  return parse_num<std::uint32_t>(f[2]);
}

Result<MailboxIndex> MailboxIndex::parse(std::string_view text, const std::string& file) {
  MailboxIndex m;
  std::size_t line_no = 0, pos = 0;
  int version = 0;
  std::unordered_map<std::string, std::size_t> seen_at;
  auto err = [&](const std::string& what) { return Error{file + ":" + std::to_string(line_no) + ": " + what}; };
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    auto f = split_spaces(line);
    if (version == 0) {
      bool v1 = f.size() == 4 && f[0] == kMagic && f[1] == "v1";
      bool v2 = f.size() == 6 && f[0] == kMagic && f[1] == "v2";
      auto v = v1 || v2 ? parse_num<std::uint32_t>(f[2]) : std::nullopt;
      auto n = v1 || v2 ? parse_num<std::uint32_t>(f[3]) : std::nullopt;
      auto h = v2 ? parse_num<std::uint64_t>(f[4]) : std::optional<std::uint64_t>(1);
      auto floor = v2 ? parse_num<std::uint64_t>(f[5]) : std::optional<std::uint64_t>(0);
      if (!v || !n || !h || !floor || *v == 0 || *n == 0 || *h == 0 || *floor > *h) {
        return err(std::string("expected header ") + kHeaderV2 +
                   " or 'hamail-uids v1 UIDVALIDITY NEXTUID' (non-zero numbers), got '" + shorten(line) + "'");
      }
      m.uidvalidity_ = *v;
      m.next_uid_ = *n;
      m.highest_modseq_ = *h;
      m.expunge_floor_ = *floor;
      version = v1 ? 1 : 2;
      continue;
    }
    if (f.empty()) continue;
    if (version == 2 && f[0] == "x") {
      auto uid = f.size() == 3 ? parse_num<std::uint32_t>(f[1]) : std::nullopt;
      auto ms = f.size() == 3 ? parse_num<std::uint64_t>(f[2]) : std::nullopt;
      if (!uid || !ms || *uid == 0 || *uid >= m.next_uid_ || *ms > m.highest_modseq_) {
        return err("expected 'x UID MODSEQ' (uid below UIDNEXT, modseq at most HIGHESTMODSEQ), got '" +
                   shorten(line) + "'");
      }
      if (!m.expunged_.empty() && *ms < m.expunged_.back().modseq) return err("expunge log out of modseq order");
      if (m.expunged_.size() == kMaxExpungeLog) return err("more than " + std::to_string(kMaxExpungeLog) + " expunged");
      m.expunged_.push_back({*uid, *ms});
      continue;
    }
    std::size_t want = version == 1 ? 2 : 4;
    auto uid = f.size() == want ? parse_num<std::uint32_t>(f[0]) : std::nullopt;
    auto ms = version == 1 ? std::optional<std::uint64_t>(1)
                           : (f.size() == want ? parse_num<std::uint64_t>(f[1]) : std::nullopt);
    bool flags_ok = version == 1 || (f.size() == want && (f[2] == "-" || flag_letters(f[2])));
    if (!uid || *uid == 0 || !ms || *ms == 0 || !flags_ok) {
      return err(std::string(version == 1 ? "expected 'UID BASENAME'" : "expected 'UID MODSEQ FLAGS|- BASENAME'") +
                 ", got '" + shorten(line) + "'");
    }
    if (!m.entries_.empty() && *uid <= m.entries_.back().uid) {
      return err("uid " + std::to_string(*uid) + " is not above the previous uid " +
                 std::to_string(m.entries_.back().uid));
    }
    if (*uid >= m.next_uid_) {
      return err("uid " + std::to_string(*uid) + " is not below the next uid " + std::to_string(m.next_uid_));
    }
    if (*ms > m.highest_modseq_) {
      return err("modseq " + std::to_string(*ms) + " is above HIGHESTMODSEQ " + std::to_string(m.highest_modseq_));
    }
    std::string base(f[want - 1]);
    if (auto it = seen_at.find(base); it != seen_at.end()) {
      return err("duplicate base name '" + base + "' (first at line " + std::to_string(it->second) + ")");
    }
    seen_at[base] = line_no;
    m.by_base_[base] = *uid;
    std::string flags = version == 1 || f[2] == "-" ? std::string() : std::string(f[2]);
    m.entries_.push_back({*uid, *ms, std::move(flags), std::move(base)});
  }
  if (version == 0) {
    line_no = 1;
    return err(std::string("empty file: expected header ") + kHeaderV2);
  }
  return m;
}

std::string MailboxIndex::serialize() const {
  std::string out;
  serialize_index_into(*this, out);
  return out;
}

void MailboxIndex::log_expunge(std::uint32_t uid, std::uint64_t modseq) {
  if (expunged_.size() == kMaxExpungeLog) {
    expunge_floor_ = std::max(expunge_floor_, expunged_.front().modseq);
    expunged_.pop_front();
  }
  expunged_.push_back({uid, modseq});
}

bool MailboxIndex::sync(const std::vector<PresentMessage>& present) {
  std::unordered_map<std::string_view, std::string> flags_of;
  flags_of.reserve(present.size());
  for (const auto& p : present) flags_of.emplace(p.base, canonical_letters(p.flags));  // the first listing wins
  const std::uint64_t modseq = highest_modseq_ + 1;
  bool changed = false;
  std::vector<IndexEntry> kept;
  kept.reserve(entries_.size());
  for (auto& e : entries_) {
    auto it = flags_of.find(e.base);
    if (it == flags_of.end()) {
      by_base_.erase(e.base);
      log_expunge(e.uid, modseq);
      changed = true;
      continue;
    }
    if (it->second != e.flags) {
      e.flags = it->second;
      e.modseq = modseq;
      changed = true;
    }
    kept.push_back(std::move(e));
  }
  entries_ = std::move(kept);
  std::vector<const PresentMessage*> added;
  for (const auto& p : present) {
    if (!by_base_.count(p.base)) added.push_back(&p);
  }
  std::sort(added.begin(), added.end(), [](auto* a, auto* b) { return delivered_before(a->base, b->base); });
  added.erase(std::unique(added.begin(), added.end(), [](auto* a, auto* b) { return a->base == b->base; }),
              added.end());
  constexpr std::uint32_t kMax = std::numeric_limits<std::uint32_t>::max();
  if (!added.empty() && kMax - next_uid_ < added.size()) {
    // UIDs exhausted: a new UIDVALIDITY and everything renumbered from 1 (clients resync).
    std::vector<PresentMessage> all;
    for (const auto& e : entries_) all.push_back({e.base, e.flags});
    for (auto* p : added) all.push_back(*p);
    std::uint64_t keep_modseq = modseq;
    *this = fresh(uidvalidity_ == kMax ? 1 : uidvalidity_ + 1);
    highest_modseq_ = keep_modseq - 1;  // modseqs never go back
    (void)sync(all);
    return true;
  }
  for (auto* p : added) {
    by_base_[p->base] = next_uid_;
    entries_.push_back({next_uid_++, modseq, flags_of[p->base], p->base});
    changed = true;
  }
  if (changed) highest_modseq_ = modseq;
  return changed;
}

bool MailboxIndex::set_flags(const std::vector<std::pair<std::uint32_t, std::string>>& flags) {
  const std::uint64_t modseq = highest_modseq_ + 1;
  bool changed = false;
  for (const auto& [uid, letters] : flags) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), uid,
                               [](const IndexEntry& e, std::uint32_t u) { return e.uid < u; });
    if (it == entries_.end() || it->uid != uid) continue;
    std::string canonical = canonical_letters(letters);
    if (canonical == it->flags) continue;
    it->flags = std::move(canonical);
    it->modseq = modseq;
    changed = true;
  }
  if (changed) highest_modseq_ = modseq;
  return changed;
}

Status MailboxIndex::apply_log_record(const IndexLogRecord& record) {
  if (record.modseq <= highest_modseq_) {
    return Error{"modseq " + std::to_string(record.modseq) + " is not above HIGHESTMODSEQ " +
                 std::to_string(highest_modseq_)};
  }
  std::vector<IndexEntry*> targets;
  targets.reserve(record.flags.size());
  for (const auto& [uid, letters] : record.flags) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), uid,
                               [](const IndexEntry& e, std::uint32_t u) { return e.uid < u; });
    if (it == entries_.end() || it->uid != uid) return Error{"uid " + std::to_string(uid) + " is not in the index"};
    if (canonical_letters(letters) != letters) return Error{"flags '" + letters + "' are not sorted letters"};
    targets.push_back(&*it);
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    targets[i]->flags = record.flags[i].second;
    targets[i]->modseq = record.modseq;
  }
  highest_modseq_ = record.modseq;
  return Status::ok();
}

IndexLogRecord MailboxIndex::latest_change() const {
  IndexLogRecord r{highest_modseq_, {}};
  for (const auto& e : entries_)
    if (e.modseq == highest_modseq_) r.flags.emplace_back(e.uid, e.flags);
  return r;
}

void MailboxIndex::raise_highest_modseq(std::uint64_t floor) { highest_modseq_ = std::max(highest_modseq_, floor); }

std::optional<std::uint32_t> MailboxIndex::uid_of(const std::string& base) const {
  auto it = by_base_.find(base);
  if (it == by_base_.end()) return std::nullopt;
  return it->second;
}

const IndexEntry* MailboxIndex::find(std::uint32_t uid) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), uid,
                             [](const IndexEntry& e, std::uint32_t u) { return e.uid < u; });
  return it != entries_.end() && it->uid == uid ? &*it : nullptr;
}

std::optional<std::vector<std::uint32_t>> MailboxIndex::expunged_since(std::uint64_t since) const {
  if (since < expunge_floor_) return std::nullopt;
  std::vector<std::uint32_t> out;
  for (auto it = expunged_.rbegin(); it != expunged_.rend() && it->modseq > since; ++it) out.push_back(it->uid);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hamail::mailsvc::store
