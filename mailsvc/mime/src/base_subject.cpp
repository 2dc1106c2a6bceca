// RFC 5256 section 2.1, the base subject, step by step on a decoded (UTF-8) subject.
#include <cctype>

#include "hamail/mailsvc/mime/sort_keys.h"

namespace hamail::mailsvc::mime {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && starts_with_ci(s.substr(s.size() - suffix.size()), suffix);
}

// Step 1: tabs and runs of white space made one space.
std::string collapse_space(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool ws = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (ws) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

// Step 2: subj-trailer = "(fwd)" / WSP, all of them.
void strip_trailers(std::string& s, bool& reply) {
  for (bool changed = true; changed;) {
    changed = false;
    if (!s.empty() && s.back() == ' ') {
      s.pop_back();
      changed = true;
    } else if (ends_with_ci(s, "(fwd)")) {
      s.resize(s.size() - 5);
      changed = reply = true;
    }
  }
}

// subj-blob = "[" *BLOBCHAR "]" *WSP at `pos`; its length, 0 if none.
std::size_t blob_at(std::string_view s, std::size_t pos) {
  if (pos >= s.size() || s[pos] != '[') return 0;
  std::size_t close = s.find_first_of("[]", pos + 1);
  if (close == std::string_view::npos || s[close] != ']') return 0;
  std::size_t end = close + 1;
  while (end < s.size() && s[end] == ' ') ++end;
  return end - pos;
}

// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"; its length, 0 if none.
std::size_t refwd_at(std::string_view s) {
  std::size_t n = 0;
  if (starts_with_ci(s, "re")) n = 2;
  else if (starts_with_ci(s, "fwd")) n = 3;
  else if (starts_with_ci(s, "fw")) n = 2;
  else return 0;
  while (n < s.size() && s[n] == ' ') ++n;
  n += blob_at(s, n);
  if (n >= s.size() || s[n] != ':') return 0;
  return n + 1;
}

// Steps 3-5: leaders (*subj-blob subj-refwd, or WSP) and a lone leading blob, repeated.
void strip_leaders(std::string& s, bool& reply) {
  for (bool changed = true; changed;) {
    changed = false;
    if (!s.empty() && s.front() == ' ') {
      s.erase(0, 1);
      changed = true;
      continue;
    }
    std::size_t pos = 0;
    while (std::size_t b = blob_at(s, pos)) pos += b;
    if (std::size_t r = refwd_at(std::string_view(s).substr(pos))) {
      s.erase(0, pos + r);
      changed = reply = true;
      continue;
    }
    std::size_t b = blob_at(s, 0);
    if (b > 0 && b < s.size()) {
      s.erase(0, b);
      changed = true;
    }
  }
}

}  // namespace

std::string base_subject(std::string_view decoded_subject, bool* reply_or_forward) {
  std::string s = collapse_space(decoded_subject);
  bool reply = false;
  for (;;) {
    strip_trailers(s, reply);
    strip_leaders(s, reply);
    // Step 6: "[fwd:" ... "]" wrapper, then again from step 2.
    if (starts_with_ci(s, "[fwd:") && !s.empty() && s.back() == ']') {
      s = s.substr(5, s.size() - 6);
      reply = true;
      continue;
    }
    if (reply_or_forward != nullptr) *reply_or_forward = reply;
    return s;
  }
}

}  // namespace hamail::mailsvc::mime
