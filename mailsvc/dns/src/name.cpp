// Name: labels, limits, presentation form, case-insensitive comparison.
#include "hamail/mailsvc/dns/name.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace hamail::mailsvc::dns {
namespace {

unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c; }

int compare_labels(std::string_view a, std::string_view b) {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = lower(static_cast<unsigned char>(a[i]));
    unsigned char y = lower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace

bool label_equal(std::string_view a, std::string_view b) { return a.size() == b.size() && compare_labels(a, b) == 0; }

Result<Name> Name::from_labels(std::vector<std::string> labels) {
  std::size_t total = 1;
  for (const auto& l : labels) {
    if (l.empty()) return Error{"empty label"};
    if (l.size() > kMaxLabel) return Error{"label over 63 octets"};
    total += 1 + l.size();
  }
  if (total > kMaxName) return Error{"name over 255 octets"};
  Name n;
  n.labels_ = std::move(labels);
  return n;
}

Result<Name> Name::from_text(std::string_view text) {
  if (text == "." || text.empty()) return Name();
  std::vector<std::string> labels;
  std::string cur;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size()) return Error{"name ends in a backslash"};
      if (std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
        if (i + 3 >= text.size()) return Error{"short \\DDD escape"};
        int v = 0;
        for (int k = 1; k <= 3; ++k) {
          char d = text[i + k];
          if (!std::isdigit(static_cast<unsigned char>(d))) return Error{"bad \\DDD escape"};
          v = v * 10 + (d - '0');
        }
        if (v > 255) return Error{"\\DDD escape over 255"};
        cur.push_back(static_cast<char>(v));
        i += 3;
      } else {
        cur.push_back(text[++i]);
      }
    } else if (c == '.') {
      if (cur.empty()) return Error{"empty label"};
      labels.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) labels.push_back(std::move(cur));
  return from_labels(std::move(labels));
}

std::size_t Name::wire_length() const {
  std::size_t n = 1;
  for (const auto& l : labels_) n += 1 + l.size();
  return n;
}

std::string Name::to_text() const {
  if (labels_.empty()) return ".";
  std::string out;
  for (const auto& l : labels_) {
    for (unsigned char c : l) {
      if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' || c == '$' || c == '@') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c <= 0x20 || c >= 0x7f) {
        char buf[5];
        std::snprintf(buf, sizeof buf, "\\%03u", c);
        out += buf;
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('.');
  }
  return out;
}

Name Name::suffix(std::size_t keep_labels) const {
  Name n;
  std::size_t k = std::min(keep_labels, labels_.size());
  n.labels_.assign(labels_.end() - static_cast<std::ptrdiff_t>(k), labels_.end());
  return n;
}

bool Name::is_subdomain_of(const Name& other) const {
  if (other.labels_.size() > labels_.size()) return false;
  std::size_t off = labels_.size() - other.labels_.size();
  for (std::size_t i = 0; i < other.labels_.size(); ++i) {
    if (!label_equal(labels_[off + i], other.labels_[i])) return false;
  }
  return true;
}

Result<Name> Name::prepend(const std::vector<std::string>& prefix) const {
  std::vector<std::string> all = prefix;
  all.insert(all.end(), labels_.begin(), labels_.end());
  return from_labels(std::move(all));
}

std::string Name::key() const {
  std::string k;
  for (auto it = labels_.rbegin(); it != labels_.rend(); ++it) {
    for (unsigned char c : *it) k.push_back(static_cast<char>(lower(c)));
    k.push_back('\0');
  }
  return k;
}

bool operator==(const Name& a, const Name& b) {
  return a.label_count() == b.label_count() && a.is_subdomain_of(b);
}

int canonical_compare(const Name& a, const Name& b) {
  const auto& la = a.labels();
  const auto& lb = b.labels();
  std::size_t n = std::min(la.size(), lb.size());
  for (std::size_t i = 1; i <= n; ++i) {
    int c = compare_labels(la[la.size() - i], lb[lb.size() - i]);
    if (c != 0) return c;
  }
  if (la.size() == lb.size()) return 0;
  return la.size() < lb.size() ? -1 : 1;
}

}  // namespace hamail::mailsvc::dns
