// httpd.yaml's `trace:` section: the mail trace page under /trace/ (issue 20) over the
// SQLite index mailsvc-trace keeps, with the webmail's logins; admins see every message.
#pragma once

#include <string>
#include <vector>

#include "hamail/base/yaml_reader.h"

namespace hamail::mailsvc::httpd {

struct TraceSettings {
  std::string index;                // absolute path of the index (mailsvc-trace --db), read only
  std::vector<std::string> admins;  // mail users (lower-cased) who see all messages
};

struct HttpdConfig;

// Reads `trace:` (optional) into out.trace; it needs the `webmail:` section (its logins and
// sessions), read before it.
void read_trace(config::MapReader& top, HttpdConfig& out);

}  // namespace hamail::mailsvc::httpd
