// First-start helper for the mail servers: generates a self-signed certificate and its
// private key (EC P-256) with OpenSSL's API and writes them as PEM files, the key
// with mode 0600. Each file is written to a temporary name, fsynced and renamed.
#pragma once

#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::tls {

struct SelfSignedOptions {
  std::string cert_path;
  std::string key_path;
  std::string common_name = "localhost";
  std::vector<std::string> dns_names = {"localhost"};           // subjectAltName DNS entries
  std::vector<std::string> ip_addresses = {"127.0.0.1", "::1"};  // subjectAltName IP entries
  int days = 825;
  bool overwrite = false;  // false: an existing cert or key file is an error
};

Status generate_self_signed(const SelfSignedOptions& options);

}  // namespace hamail::tls
