#include "hamail/mailsvc/outbound/mail_text.h"

namespace hamail::mailsvc::outbound {

std::size_t utf8_cut(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s.size();
  std::size_t n = max;
  // Back off over at most 3 continuation octets to the start of the cut sequence.
  for (int i = 0; i < 3 && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80; ++i) --n;
  return (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80 ? max : n;
}

std::string one_line(std::string_view text, std::size_t max_octets) {
  std::string out;
  out.reserve(text.size() < max_octets ? text.size() : max_octets);
  bool space = false;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() > max_octets) break;  // enough to know it is too long
  }
  if (out.size() > max_octets) {
    std::size_t keep = max_octets >= 3 ? max_octets - 3 : 0;
    out.resize(utf8_cut(out, keep));
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "...";
  }
  return out;
}

std::vector<std::string> fold_words(std::string_view first_prefix, std::string_view text,
                                    std::string_view next_prefix, std::size_t width, std::size_t hard_limit) {
  std::vector<std::string> lines;
  std::string cur(first_prefix);
  bool has_word = false;
  auto new_line = [&] {
    lines.push_back(std::move(cur));
    cur.assign(next_prefix);
    has_word = false;
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    if (has_word && cur.size() + 1 + word.size() > width) new_line();
    while (!word.empty()) {
      const std::size_t sep = has_word ? 1 : 0;
      const std::size_t used = cur.size() + sep;
      const std::size_t room = hard_limit > used ? hard_limit - used : 0;
      if (word.size() <= room) {
        if (sep) cur += ' ';
        cur += word;
        has_word = true;
        break;
      }
      if (has_word) {
        new_line();
        continue;
      }
      const std::size_t fit = room > 0 ? room : 1;  // a too-long prefix still makes progress
      std::size_t n = utf8_cut(word, fit);
      if (n == 0) n = fit;
      cur += word.substr(0, n);
      word.remove_prefix(n);
      new_line();
    }
  }
  if (has_word || lines.empty()) lines.push_back(std::move(cur));
  return lines;
}

}  // namespace hamail::mailsvc::outbound
