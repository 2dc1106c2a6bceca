// Reading a mail daemon's YAML file strictly: the text parsed (a syntax error names
// file:line:column), the top-level mapping handed to the daemon's reader, keys nobody
// read reported as unknown, and every error of the file returned at once, one per line.
#pragma once

#include <functional>
#include <string>

#include "hamail/base/result.h"
#include "hamail/base/yaml_reader.h"

namespace hamail::mailsvc::daemon {

// Reads the known keys from the top-level mapping; adds its own errors through top.sink().
using ReadTopLevel = std::function<void(config::MapReader& top)>;

// Reads the optional mapping under `key` of `parent` (smtpd's limits:, delivery:) with
// `read`, then reports its unknown keys; a value that is no mapping is an error.
void read_section(config::MapReader& parent, const std::string& key,
                  const std::function<void(config::MapReader& section)>& read);

// "pop3d.yaml:3:7: listeners[0].tls: ..." lines, or ok.
Status parse_config_text(const std::string& text, const std::string& file, const ReadTopLevel& read);
// The same for the file at `path` ("PATH: cannot read the file: ..." when it cannot be read).
Status read_config_file(const std::string& path, const ReadTopLevel& read);

// A daemon's whole config: `Config` starts from its defaults and `read` fills it from the
// top-level mapping (pop3d: read_pop3d_config). The errors as above.
template <class Config>
using ReadConfig = void (*)(config::MapReader& top, Config& out);

template <class Config>
Result<Config> parse_config(const std::string& text, const std::string& file, ReadConfig<Config> read) {
  Config c;
  if (Status s = parse_config_text(text, file, [&](config::MapReader& top) { read(top, c); }); !s)
    return Error{s.message()};
  return c;
}

template <class Config>
Result<Config> load_config(const std::string& path, ReadConfig<Config> read) {
  Config c;
  if (Status s = read_config_file(path, [&](config::MapReader& top) { read(top, c); }); !s) return Error{s.message()};
  return c;
}

}  // namespace hamail::mailsvc::daemon
