#include "hamail/base/version.h"

namespace hamail {

const char* version() { return HAMAIL_VERSION; }

std::string version_text(const std::string& program) {
  return program + " (hamail) " + version() +
         "\nLicensed under the Apache License, Version 2.0.\n";
}

}  // namespace hamail
