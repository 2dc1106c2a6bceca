// mailsvc_mime_dump FILE...: each message's ENVELOPE and BODYSTRUCTURE, each answer as
// "<octets>\n<answer>", for tests/data/dovecot_differential.py (not a ctest).
#include <fstream>
#include <iostream>
#include <sstream>

#include "hamail/mailsvc/mime/fetch.h"

int main(int argc, char** argv) {
  using namespace hamail::mailsvc::mime;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::ostringstream raw;
    raw << in.rdbuf();
    hamail::Result<MimeMessage> msg = MimeMessage::parse(raw.str());
    std::string env = msg ? envelope(*msg) : "NIL";
    std::string bs = msg ? body_structure(*msg, true) : "NIL";
    std::cout << env.size() << "\n" << env << bs.size() << "\n" << bs;
  }
  return 0;
}
