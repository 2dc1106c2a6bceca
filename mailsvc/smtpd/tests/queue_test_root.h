// A temporary mail root for tests of smtpd's queue and delivery: etc/ with one domain
// (example.org), one user (alice@example.org) and no aliases, and the SmtpdConfig fields a
// Mailer needs (mail_root, hostname, a queue lifetime of an hour). Removed by its owner.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "hamail/mailsvc/smtpd/config.h"

namespace hamail::mailsvc::smtpd {

// Makes the root under /tmp (its name starts with `prefix`) and fills `config`; "" on failure.
inline std::string make_queue_test_root(const std::string& prefix, SmtpdConfig& config) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return "";
  std::filesystem::create_directories(tmpl + "/etc");
  std::ofstream(tmpl + "/etc/domains") << "example.org\n";
  std::ofstream(tmpl + "/etc/passwd") << "alice@example.org:{CRYPT}x:5000:5000::/x::\n";
  std::ofstream(tmpl + "/etc/aliases") << "";
  config.mail_root = tmpl;
  config.hostname = "mx.example.org";
  config.delivery.retry.queue_lifetime_s = 3600;
  return tmpl;
}

}  // namespace hamail::mailsvc::smtpd
