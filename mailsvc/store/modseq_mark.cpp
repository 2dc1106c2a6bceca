#include "hamail/mailsvc/store/modseq_mark.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "hamail/mailsvc/store/fs.h"

namespace hamail::mailsvc::store {

namespace {

constexpr std::string_view kPrefix = "hamail-modseq v1 ";

bool boot_id_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

}  // namespace

std::optional<ModseqMark> parse_modseq_mark(std::string_view text) {
  if (!text.starts_with(kPrefix) || !text.ends_with('\n')) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  text.remove_suffix(1);
  auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  ModseqMark m;
  std::string_view num = text.substr(0, space), boot = text.substr(space + 1);
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), m.highest);
  if (ec != std::errc() || p != num.data() + num.size() || num.empty() || boot.size() > 64) return std::nullopt;
  for (char c : boot)
    if (!boot_id_char(c)) return std::nullopt;
  m.boot_id = std::string(boot);
  return m;
}

std::string serialize_modseq_mark(const ModseqMark& mark) {
  return std::string(kPrefix) + std::to_string(mark.highest) + " " + mark.boot_id + "\n";
}

const std::string& current_boot_id() {
  static const std::string id = [] {
    auto text = read_file_bounded("/proc/sys/kernel/random/boot_id", 128);
    std::string out;
    if (text)
      for (char c : *text)
        if (boot_id_char(c)) out += c;
    return out;
  }();
  return id;
}

Result<std::optional<ModseqMark>> load_modseq_mark(const std::string& maildir) {
  std::string file = maildir + "/" + kModseqMarkFile;
  auto text = read_file_bounded(file, 256);
  if (!text) {
    if (::access(file.c_str(), F_OK) != 0 && errno == ENOENT) return std::optional<ModseqMark>();
    return Error{text.error()};
  }
  auto mark = parse_modseq_mark(*text);
  if (!mark) return Error{file + ":1: expected 'hamail-modseq v1 HIGHESTMODSEQ BOOTID'"};
  return std::optional<ModseqMark>(std::move(*mark));
}

Status save_modseq_mark(const std::string& maildir, const ModseqMark& mark) {
  return replace_file_atomically(maildir + "/" + kModseqMarkFile, serialize_modseq_mark(mark), 0600);
}

}  // namespace hamail::mailsvc::store
