#include "hamail/mailsvc/daemon/config_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace hamail::mailsvc::daemon {

namespace {

Status joined(const std::vector<ConfigError>& errors) {
  std::string all;
  for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e.to_string();
  return Error{all};
}

}  // namespace

void read_section(config::MapReader& parent, const std::string& key,
                  const std::function<void(config::MapReader& section)>& read) {
  YAML::Node node = parent.child(key);
  if (!node.IsDefined()) return;
  config::MapReader m(parent.sink(), node, parent.key_path(key));
  if (!m.valid()) return;
  read(m);
  m.finish();
}

Status parse_config_text(const std::string& text, const std::string& file, const ReadTopLevel& read) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 0 : e.mark.line + 1, column = e.mark.is_null() ? 0 : e.mark.column + 1;
    return joined({ConfigError{file, line, column, "", "YAML syntax error: " + e.msg}});
  }
  if (!root.IsDefined() || root.IsNull()) return joined({ConfigError{file, 0, 0, "", "the file is empty"}});
  config::ErrorSink sink(file);
  config::MapReader top(sink, root, "");
  if (top.valid()) {
    read(top);
    top.finish();
  }
  if (!sink.errors().empty()) return joined(sink.errors());
  return Status::ok();
}

Status read_config_file(const std::string& path, const ReadTopLevel& read) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the file: " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config_text(text.str(), path, read);
}

}  // namespace hamail::mailsvc::daemon
