// mailsvc_mime_dump FILE...: for each message, its ENVELOPE, BODYSTRUCTURE and the
// BODY[section]s of kSections, each as "<octets>\n<bytes>", for
// tests/data/dovecot_differential.py (not a ctest).
#include <fstream>
#include <iostream>
#include <sstream>

#include "hamail/mailsvc/mime/fetch.h"

namespace {

using hamail::mailsvc::imap::Section;
using hamail::mailsvc::imap::SectionText;

// Keep in the order of SECTIONS in dovecot_differential.py.
const Section kSections[] = {
    {{}, SectionText::header, {}},  {{}, SectionText::text, {}},    {{1}, SectionText::none, {}},
    {{1}, SectionText::mime, {}},   {{2}, SectionText::none, {}},   {{2}, SectionText::mime, {}},
    {{2}, SectionText::header, {}}, {{2}, SectionText::text, {}},   {{2, 1}, SectionText::none, {}},
    {{3}, SectionText::none, {}},   {{1, 1}, SectionText::none, {}},
};

void put(const std::string& bytes) { std::cout << bytes.size() << "\n" << bytes; }

}  // namespace

int main(int argc, char** argv) {
  using namespace hamail::mailsvc::mime;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::ostringstream raw;
    raw << in.rdbuf();
    hamail::Result<MimeMessage> msg = MimeMessage::parse(raw.str());
    put(msg ? envelope(*msg) : "NIL");
    put(msg ? body_structure(*msg, true) : "NIL");
    for (const Section& s : kSections) put(msg ? section_bytes(*msg, s) : "");
  }
  return 0;
}
