// expand_includes: line by line; only lines starting with $INCLUDE / $ORIGIN are looked at.
#include "hamail/mailsvc/dnsloader/include_expander.h"

#include <fstream>
#include <sstream>
#include <strings.h>

namespace hamail::mailsvc::dnsloader {
namespace {

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) {
    if (w[0] == ';') break;
    out.push_back(w);
  }
  return out;
}

std::string absolute(const std::string& name, const std::string& origin) {
  if (name == "@") return origin;
  if (!name.empty() && name.back() == '.' && (name.size() < 2 || name[name.size() - 2] != '\\')) return name;
  return origin == "." ? name + "." : name + "." + origin;
}

std::string folder_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

class Expander {
 public:
  explicit Expander(const ExpandLimits& limits) : limits_(limits) {}
  ExpandedFile out;

  Status file(const std::string& path, std::string& origin, int depth, const SourceLine& from) {
    std::ifstream in(path);
    if (!in) {
      std::string why = "cannot open " + path;
      return Error{from.file.empty() ? why : from.file + ":" + std::to_string(from.line) + ": " + why};
    }
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      bytes_ += line.size() + 1;
      if (bytes_ > limits_.max_bytes) return Error{path + ":" + std::to_string(n) + ": zone files over the size limit"};
      SourceLine here{path, n};
      auto w = line.empty() || line[0] != '$' ? std::vector<std::string>{} : words(line);
      if (!w.empty() && strcasecmp(w[0].c_str(), "$INCLUDE") == 0) {
        if (auto st = include(w, origin, depth, here); !st) return st;
        continue;
      }
      if (w.size() >= 2 && strcasecmp(w[0].c_str(), "$ORIGIN") == 0) origin = absolute(w[1], origin);
      emit(line, here);
    }
    return {};
  }

 private:
  void emit(const std::string& line, const SourceLine& where) {
    out.text += line;
    out.text += '\n';
    out.lines.push_back(where);
  }

  Status include(const std::vector<std::string>& w, std::string& origin, int depth, const SourceLine& here) {
    auto at = here.file + ":" + std::to_string(here.line) + ": ";
    if (w.size() < 2 || w.size() > 3) return Error{at + "$INCLUDE wants a file name and an optional origin"};
    if (depth >= limits_.max_depth) return Error{at + "$INCLUDE nested too deep"};
    std::string target = w[1][0] == '/' ? w[1] : folder_of(here.file) + "/" + w[1];
    std::string saved = origin;
    std::string inner = w.size() == 3 ? absolute(w[2], origin) : origin;
    emit("$ORIGIN " + inner, here);
    if (auto st = file(target, inner, depth + 1, here); !st) return st;
    emit("$ORIGIN " + saved, here);
    origin = saved;
    return {};
  }

  const ExpandLimits& limits_;
  std::size_t bytes_ = 0;
};

}  // namespace

SourceLine ExpandedFile::where(int line_1based) const {
  if (lines.empty()) return {};
  if (line_1based < 1) return lines.front();
  if (static_cast<std::size_t>(line_1based) > lines.size()) return lines.back();
  return lines[static_cast<std::size_t>(line_1based) - 1];
}

Result<ExpandedFile> expand_includes(const std::string& path, const std::string& origin, const ExpandLimits& limits) {
  Expander e(limits);
  std::string o = origin;
  if (auto st = e.file(path, o, 0, SourceLine{}); !st) return Error{st.message()};
  return std::move(e.out);
}

}  // namespace hamail::mailsvc::dnsloader
