#include "hamail/hacore/bootstrap/file_bundle.h"

#include <algorithm>
#include <optional>
#include <set>

namespace hamail::bootstrap {
namespace {

constexpr std::string_view kMagic = "hamail-files";
constexpr std::size_t kMaxLine = 128;  // a header, record or end line

const char* rule_word(OnExisting r) {
  switch (r) {
    case OnExisting::replace: return "replace";
    case OnExisting::keep_unless_example: return "keep-unless-example";
    case OnExisting::keep: return "keep";
  }
  return "keep";
}

std::optional<OnExisting> parse_rule(std::string_view w) {
  for (OnExisting r : {OnExisting::replace, OnExisting::keep_unless_example, OnExisting::keep})
    if (w == rule_word(r)) return r;
  return std::nullopt;
}

// Decimal without sign or leading zeros, at most `max`.
std::optional<std::size_t> parse_count(std::string_view w, std::size_t max) {
  if (w.empty() || w.size() > 10 || (w.size() > 1 && w[0] == '0')) return std::nullopt;
  std::size_t v = 0;
  for (char c : w) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

std::vector<std::string_view> split_spaces(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= line.size()) {
    std::size_t end = std::min(line.find(' ', start), line.size());
    out.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Absolute, normalized (no empty, "." or ".." segment, no trailing '/'), printable ASCII.
bool normalized_path(std::string_view p) {
  if (p.size() < 2 || p[0] != '/' || p.back() == '/') return false;
  if (!std::all_of(p.begin(), p.end(), [](char c) { return c > ' ' && c < 0x7f; })) return false;
  for (std::size_t start = 1; start <= p.size();) {
    std::size_t end = std::min(p.find('/', start), p.size());
    std::string_view seg = p.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    start = end + 1;
  }
  return true;
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  // The next line without its newline; nullopt at the end of the input or past kMaxLine.
  std::optional<std::string_view> line() {
    std::size_t nl = in_.find('\n', pos_);
    if (nl == std::string_view::npos || nl - pos_ > kMaxLine) return std::nullopt;
    std::string_view l = in_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    return l;
  }
  // n bytes followed by a newline.
  std::optional<std::string_view> block(std::size_t n) {
    if (in_.size() - pos_ < n + 1 || in_[pos_ + n] != '\n') return std::nullopt;
    std::string_view b = in_.substr(pos_, n);
    pos_ += n + 1;
    return b;
  }
  bool at_end() const { return pos_ == in_.size(); }
  std::size_t left() const { return in_.size() - pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

Status check_header(Reader& r) {
  auto header = r.line();
  if (!header) return Error{"file bundle: no header line (expected \"hamail-files " + std::to_string(kBundleVersion) + "\")"};
  auto words = split_spaces(*header);
  if (words.size() != 2 || words[0] != kMagic) return Error{"file bundle: not a hamail file bundle (bad header line)"};
  if (words[1] != std::to_string(kBundleVersion))
    return Error{"file bundle: version " + std::string(words[1].substr(0, 16)) + ", this hactl reads version " +
                 std::to_string(kBundleVersion) + " (install the same hamail version on both nodes)"};
  return Status::ok();
}

Result<PlannedFile> read_record(Reader& r, const std::vector<std::string_view>& w, std::size_t index) {
  std::string at = "file bundle: file " + std::to_string(index + 1);
  if (w.size() != 5) return Error{at + ": expected \"file MODE RULE PATH_BYTES CONTENT_BYTES\""};
  PlannedFile f;
  if (w[1].size() != 4 || w[1][0] != '0' ||
      !std::all_of(w[1].begin(), w[1].end(), [](char c) { return c >= '0' && c <= '7'; }))
    return Error{at + ": mode must be 4 octal digits from 0000 to 0777"};
  f.mode = static_cast<unsigned>(std::stoul(std::string(w[1]), nullptr, 8));
  auto rule = parse_rule(w[2]);
  if (!rule) return Error{at + ": rule must be replace, keep-unless-example or keep"};
  f.on_existing = *rule;
  auto path_bytes = parse_count(w[3], kMaxBundlePathBytes);
  if (!path_bytes) return Error{at + ": path length missing or over " + std::to_string(kMaxBundlePathBytes) + " bytes"};
  auto content_bytes = parse_count(w[4], kMaxBundleFileBytes);
  if (!content_bytes) return Error{at + ": content length missing or over " + std::to_string(kMaxBundleFileBytes) + " bytes"};
  auto path = r.block(*path_bytes);
  if (!path) return Error{at + ": truncated in its path"};
  if (!normalized_path(*path)) return Error{at + ": the path is not absolute and normalized"};
  f.path = std::string(*path);
  at += " (" + f.path + ")";
  auto content = r.block(*content_bytes);
  if (!content)
    return Error{at + ": truncated: " + std::to_string(*content_bytes) + " content bytes announced, " +
                 std::to_string(r.left()) + " left"};
  f.content = std::string(*content);
  return f;
}

}  // namespace

std::string encode_bundle(const std::vector<PlannedFile>& files) {
  std::string out = std::string(kMagic) + " " + std::to_string(kBundleVersion) + "\n";
  for (const auto& f : files) {
    out += "file " + octal_mode(f.mode) + " " + rule_word(f.on_existing) + " " + std::to_string(f.path.size()) + " " +
           std::to_string(f.content.size()) + "\n";
    out += f.path + "\n";
    out += f.content + "\n";
  }
  return out + "end " + std::to_string(files.size()) + "\n";
}

Result<std::vector<PlannedFile>> decode_bundle(std::string_view bytes) {
  if (bytes.size() > kMaxBundleBytes) return Error{"file bundle: over " + std::to_string(kMaxBundleBytes) + " bytes"};
  Reader r(bytes);
  if (auto st = check_header(r); !st) return Error{st.message()};
  std::vector<PlannedFile> files;
  std::set<std::string> paths;
  for (;;) {
    auto line = r.line();
    if (!line) return Error{"file bundle: truncated after " + std::to_string(files.size()) + " files (no end line)"};
    auto words = split_spaces(*line);
    if (words[0] == "end") {
      auto count = words.size() == 2 ? parse_count(words[1], kMaxBundleFiles) : std::nullopt;
      if (!count || *count != files.size())
        return Error{"file bundle: the end line does not count the " + std::to_string(files.size()) + " files read"};
      if (!r.at_end()) return Error{"file bundle: " + std::to_string(r.left()) + " bytes after the end line"};
      return files;
    }
    if (words[0] != "file") return Error{"file bundle: expected a file or end line after file " + std::to_string(files.size())};
    if (files.size() == kMaxBundleFiles) return Error{"file bundle: more than " + std::to_string(kMaxBundleFiles) + " files"};
    auto f = read_record(r, words, files.size());
    if (!f) return Error{f.error()};
    if (!paths.insert(f->path).second) return Error{"file bundle: " + f->path + " is given twice"};
    files.push_back(std::move(*f));
  }
}

}  // namespace hamail::bootstrap
