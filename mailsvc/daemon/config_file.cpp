#include "hamail/mailsvc/daemon/config_file.h"

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
  config::ErrorSink sink(file);
  YAML::Node root = config::parse_document(sink, text);
  if (root.IsDefined()) {
    config::MapReader top(sink, root, "");
    if (top.valid()) {
      read(top);
      top.finish();
    }
  }
  if (!sink.errors().empty()) return joined(sink.errors());
  return Status::ok();
}

Status read_config_file(const std::string& path, const ReadTopLevel& read) {
  config::ErrorSink sink(path);
  auto text = config::read_file_text(sink);
  if (!text) return joined(sink.errors());
  return parse_config_text(*text, path, read);
}

}  // namespace hamail::mailsvc::daemon
