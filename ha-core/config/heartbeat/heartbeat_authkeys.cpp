// authkeys: checked, never copied. corosync has its own key (corosync-keygen), so the only
// things worth saying are the file's mode and a weak method; no note quotes a key line.
#include <cstdio>

#include "heartbeat_model.h"

namespace hamail::config::heartbeat {

void check_authkeys(const HeartbeatAuthkeys& a, Notes& notes) {
  const HeartbeatFile& f = a.file;
  add_note(notes, Section::cluster, f.name,
           "the Heartbeat key is not copied: corosync uses its own key in cluster.crypto.authkey, made once with "
           "`corosync-keygen` (or the bootstrap) and copied to both nodes");
  if (a.mode && (*a.mode & 077) != 0) {
    char octal[8];
    std::snprintf(octal, sizeof octal, "%03o", *a.mode & 0777);
    add_note(notes, Section::cluster, f.name,
             std::string("mode ") + octal + ": the key is readable by others than its owner (Heartbeat wants 600): "
             "chmod 600 it, and treat that key as disclosed");
  }
  std::string method;
  std::size_t auth_line = 0;
  for (const Line& l : split_lines(f.text, false)) {
    if (l.words[0] == "auth") {
      auth_line = l.number;
    } else if (l.words.size() >= 2 && (l.words[1] == "crc" || l.words[1] == "md5" || l.words[1] == "sha1")) {
      if (method.empty() || l.words[1] == "crc") method = l.words[1];
    } else {
      add_note(notes, Section::cluster, where(f, l.number), "not a line of authkeys (`auth N` or `N METHOD KEY`); its text is not shown");
    }
  }
  if (auth_line == 0) add_note(notes, Section::cluster, f.name, "no `auth N` line: Heartbeat would have refused this file");
  if (method == "crc")
    add_note(notes, Section::cluster, f.name,
             "crc authenticates nothing: anyone on the link could have spoken for a node. corosync here uses aes256 + sha256");
}

}  // namespace hamail::config::heartbeat
