#include "hamail/mailsvc/dnsd/axfr_stream.h"

#include "hamail/mailsvc/dns/encode.h"

namespace hamail::mailsvc::dnsd {

std::vector<std::vector<std::uint8_t>> axfr_messages(const dns::Message& header_of, const dns::Zone& zone,
                                                     std::size_t message_bytes) {
  std::vector<std::vector<std::uint8_t>> out;
  dns::Message m;
  m.header = header_of.header;
  m.header.qr = true;
  m.header.aa = true;
  m.header.tc = false;
  m.header.rcode = dns::rcode::NoError;
  m.questions = header_of.questions;
  m.edns = header_of.edns;
  // Uncompressed size is an upper bound of the encoded size.
  std::size_t fixed = 12 + (m.edns ? 11 + m.edns->options.size() : 0);
  for (const auto& q : m.questions) fixed += q.name.wire_length() + 4;
  std::size_t size = fixed;
  for (auto& r : zone.axfr_records()) {
    std::size_t rr = r.owner.wire_length() + 10 + r.rdata.size();
    if (!m.answer.empty() && size + rr > message_bytes) {
      out.push_back(dns::encode_message(m));
      m.answer.clear();
      m.questions.clear();  // only the first message carries the question
      size = 12 + (m.edns ? 11 + m.edns->options.size() : 0);
    }
    size += rr;
    m.answer.push_back(std::move(r));
  }
  if (!m.answer.empty()) out.push_back(dns::encode_message(m));
  return out;
}

}  // namespace hamail::mailsvc::dnsd
