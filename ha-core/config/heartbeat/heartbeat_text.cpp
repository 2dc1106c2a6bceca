// Lines, Heartbeat time values and YAML quoting for the Heartbeat import.
#include <cctype>

#include "heartbeat_model.h"

namespace hamail::config::heartbeat {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Words of one physical line up to a word that starts with '#'.
std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && blank(line[i])) ++i;
    if (i >= line.size() || line[i] == '#') break;
    std::size_t start = i;
    while (i < line.size() && !blank(line[i])) ++i;
    out.push_back(line.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::vector<Line> split_lines(const std::string& text, bool backslash_continues) {
  std::vector<Line> out;
  std::size_t number = 0, pos = 0;
  Line pending;
  bool continuing = false;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string physical = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    while (!physical.empty() && blank(physical.back())) physical.pop_back();
    bool continues = backslash_continues && !physical.empty() && physical.back() == '\\';
    if (continues) physical.pop_back();
    if (!continuing) pending = Line{number, {}, {}};
    for (auto& w : words_of(physical)) pending.words.push_back(std::move(w));
    continuing = continues;
    if (continuing) continue;
    if (!pending.words.empty()) out.push_back(std::move(pending));
  }
  if (continuing && !pending.words.empty()) out.push_back(std::move(pending));
  for (auto& l : out) {
    for (const auto& w : l.words) l.text += (l.text.empty() ? "" : " ") + w;
  }
  return out;
}

// Heartbeat's time syntax: a number of seconds ("30", "1.5"), or with a unit: "500ms", "2s",
// "200000us". At most one hour.
std::optional<Milliseconds> parse_heartbeat_time(const std::string& word) {
  std::size_t i = 0;
  std::uint64_t whole = 0, frac = 0, frac_scale = 1;
  while (i < word.size() && std::isdigit(static_cast<unsigned char>(word[i]))) {
    whole = whole * 10 + static_cast<std::uint64_t>(word[i++] - '0');
    if (whole > 3'600'000'000ULL) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  if (i < word.size() && word[i] == '.') {
    ++i;
    while (i < word.size() && std::isdigit(static_cast<unsigned char>(word[i]))) {
      if (frac_scale < 1000000) {
        frac = frac * 10 + static_cast<std::uint64_t>(word[i] - '0');
        frac_scale *= 10;
      }
      ++i;
    }
  }
  std::string unit = word.substr(i);
  std::uint64_t per_unit_us = unit.empty() || unit == "s" ? 1000000 : unit == "ms" ? 1000 : unit == "us" ? 1 : 0;
  if (per_unit_us == 0) return std::nullopt;
  std::uint64_t us = whole * per_unit_us + frac * per_unit_us / frac_scale;
  if (us > 3'600'000'000ULL) return std::nullopt;
  return Milliseconds(us / 1000);
}

std::string yaml_quote(const std::string& s) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f || c >= 0x80) {
      out += "\\x";  // bytes, not UTF-8: a value from a config file is ASCII in practice
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string comment_safe(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += (c < 0x20 || c == 0x7f || c >= 0x80) ? '?' : static_cast<char>(c);
  if (out.size() > 200) out = out.substr(0, 200) + "...";
  return out;
}

std::string where(const HeartbeatFile& f, std::size_t line) { return f.name + ":" + std::to_string(line); }

void write_notes(std::ostream& o, const Notes& notes, Section s) {
  for (const auto& n : notes)
    if (n.section == s) o << "# " << comment_safe(n.note.where) << ": " << comment_safe(n.note.text) << "\n";
}

void write_comment(std::ostream& o, const std::string& indent, const std::string& text) {
  o << indent << "# " << comment_safe(text) << "\n";
}

std::string flow_list(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + yaml_quote(items[i]);
  return s + "]";
}

std::string flow_map(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string s = "{";
  for (std::size_t i = 0; i < kv.size(); ++i) s += (i ? ", " : "") + kv[i].first + ": " + yaml_quote(kv[i].second);
  return s + "}";
}

void add_note(Notes& notes, Section s, std::string at, std::string text) {
  notes.push_back(Note{s, ImportNote{std::move(at), std::move(text)}});
}

}  // namespace hamail::config::heartbeat
