// `hactl config import-heartbeat`: turns a Heartbeat v1 configuration (ha.cf, haresources,
// optionally authkeys) into cluster.yaml text. Sans-IO: file texts in, YAML text and the
// notes (lines it could not map, values to check) out; the caller reads and writes files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::config {

struct HeartbeatFile {
  std::string name;  // as the user named it: used in every note and error (name:line)
  std::string text;
};

struct HeartbeatAuthkeys {
  HeartbeatFile file;
  std::optional<unsigned> mode;  // permission bits (st_mode & 0777), when known
};

struct HeartbeatInput {
  HeartbeatFile ha_cf;
  HeartbeatFile haresources;
  std::optional<HeartbeatAuthkeys> authkeys;
};

// Something the user must read: a line not mapped, a placeholder, a value to check.
// Each is also a comment in the YAML, where it applies.
struct ImportNote {
  std::string where;  // "ha.cf:12", "haresources:3", "authkeys" (file:line when there is a line)
  std::string text;
};

struct HeartbeatImport {
  std::string yaml;                // cluster.yaml; loads with parse_cluster_config() as it is
  std::vector<ImportNote> notes;   // in file order: ha.cf, haresources, authkeys
};

// Largest file accepted (each of the three).
inline constexpr std::size_t kHeartbeatMaxFileBytes = 1 << 20;

// Errors (file:line and what is wrong): not exactly two nodes, a malformed haresources
// line, a file too large. An unknown or unmappable directive is a note, never an error.
// The key in authkeys is never copied into the output, a note or an error.
Result<HeartbeatImport> import_heartbeat(const HeartbeatInput& in);

}  // namespace hamail::config
