// encode_message: a growing buffer with a compression table (lower-cased name suffix ->
// offset) that can be rolled back to a mark, so an RRset that does not fit is undone whole.
#include "hamail/mailsvc/dns/encode.h"

#include <string>
#include <unordered_map>

namespace hamail::mailsvc::dns {
namespace {

class Writer {
 public:
  std::vector<std::uint8_t> out;

  void u8(std::uint8_t v) { out.push_back(v); }
  void u16(std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void put16(std::size_t at, std::uint16_t v) {
    out[at] = static_cast<std::uint8_t>(v >> 8);
    out[at + 1] = static_cast<std::uint8_t>(v);
  }
  void name(const Name& n, bool compress) {
    const auto& labels = n.labels();
    for (std::size_t i = 0; i < labels.size(); ++i) {
      std::string key = n.suffix(labels.size() - i).key();
      if (compress) {
        auto it = table_.find(key);
        if (it != table_.end()) {
          u16(static_cast<std::uint16_t>(0xC000 | it->second));
          return;
        }
      }
      if (out.size() < 0x3FFF) table_.emplace(std::move(key), static_cast<std::uint16_t>(out.size()));
      u8(static_cast<std::uint8_t>(labels[i].size()));
      out.insert(out.end(), labels[i].begin(), labels[i].end());
    }
    u8(0);
  }
  void rollback(std::size_t mark) {
    out.resize(mark);
    for (auto it = table_.begin(); it != table_.end();) {
      it = it->second >= mark ? table_.erase(it) : std::next(it);
    }
  }

 private:
  std::unordered_map<std::string, std::uint16_t> table_;
};

bool compressible_type(std::uint16_t t) {
  return t == rrtype::NS || t == rrtype::CNAME || t == rrtype::SOA || t == rrtype::PTR || t == rrtype::MX;
}

void write_record(Writer& w, const Record& r) {
  w.name(r.owner, true);
  w.u16(r.type);
  w.u16(r.klass);
  w.u32(r.ttl);
  std::size_t len_at = w.out.size();
  w.u16(0);
  auto names = rdata_names(r.type, r.rdata);
  if (compressible_type(r.type) && names) {
    std::size_t pos = 0;
    for (const auto& n : *names) {
      w.out.insert(w.out.end(), r.rdata.begin() + static_cast<std::ptrdiff_t>(pos),
                   r.rdata.begin() + static_cast<std::ptrdiff_t>(n.offset));
      w.name(n.name, n.compressible);
      pos = n.offset + n.name.wire_length();
    }
    w.out.insert(w.out.end(), r.rdata.begin() + static_cast<std::ptrdiff_t>(pos), r.rdata.end());
  } else {
    w.out.insert(w.out.end(), r.rdata.begin(), r.rdata.end());
  }
  w.put16(len_at, static_cast<std::uint16_t>(w.out.size() - len_at - 2));
}

bool same_set(const Record& a, const Record& b) { return a.type == b.type && a.klass == b.klass && a.owner == b.owner; }

enum class Fit { All, Truncated };

// Required sections (answer, authority): whole RRsets while they fit; the first that does
// not is undone and ends the message (Truncated).
Fit write_required(Writer& w, const std::vector<Record>& records, std::size_t limit, std::uint16_t& count) {
  std::size_t i = 0;
  while (i < records.size()) {
    std::size_t mark = w.out.size();
    std::size_t j = i;
    do {
      write_record(w, records[j]);
      ++j;
    } while (j < records.size() && same_set(records[j], records[i]));
    if (w.out.size() > limit) {
      w.rollback(mark);
      return Fit::Truncated;
    }
    count = static_cast<std::uint16_t>(count + (j - i));
    i = j;
  }
  return Fit::All;
}

// Optional sections (additional, optional authority): record by record; one that does not
// fit skips the rest of its RRset.
void write_optional(Writer& w, const std::vector<Record>& records, std::size_t limit, std::uint16_t& count) {
  std::size_t i = 0;
  while (i < records.size()) {
    std::size_t mark = w.out.size();
    write_record(w, records[i]);
    if (w.out.size() > limit) {
      w.rollback(mark);
      std::size_t j = i + 1;
      while (j < records.size() && same_set(records[j], records[i])) ++j;
      i = j;
      continue;
    }
    ++count;
    ++i;
  }
}

}  // namespace

std::vector<std::uint8_t> encode_message(const Message& m, std::size_t max_size) {
  Writer w;
  w.out.reserve(512);
  for (int i = 0; i < 12; ++i) w.u8(0);
  std::uint16_t qd = 0, an = 0, ns = 0, ar = 0;
  for (const auto& q : m.questions) {
    w.name(q.name, true);
    w.u16(q.type);
    w.u16(q.klass);
    ++qd;
  }
  std::size_t opt_size = m.edns ? 11 + m.edns->options.size() : 0;
  std::size_t limit = max_size > opt_size ? max_size - opt_size : 0;
  bool tc = m.header.tc;
  if (write_required(w, m.answer, limit, an) == Fit::Truncated) {
    tc = true;
  } else if (m.authority_is_optional) {
    write_optional(w, m.authority, limit, ns);
    write_optional(w, m.additional, limit, ar);
  } else if (write_required(w, m.authority, limit, ns) == Fit::Truncated) {
    tc = true;
  } else {
    write_optional(w, m.additional, limit, ar);
  }
  if (m.edns) {
    w.u8(0);
    w.u16(rrtype::OPT);
    w.u16(m.edns->udp_size);
    w.u8(static_cast<std::uint8_t>(m.header.rcode >> 4));
    w.u8(m.edns->version);
    w.u16(m.edns->dnssec_ok ? 0x8000 : 0);
    w.u16(static_cast<std::uint16_t>(m.edns->options.size()));
    w.out.insert(w.out.end(), m.edns->options.begin(), m.edns->options.end());
    ++ar;
  }
  const Header& h = m.header;
  w.put16(0, h.id);
  w.out[2] = static_cast<std::uint8_t>((h.qr ? 0x80 : 0) | ((h.opcode & 0x0F) << 3) | (h.aa ? 0x04 : 0) |
                                       (tc ? 0x02 : 0) | (h.rd ? 0x01 : 0));
  w.out[3] = static_cast<std::uint8_t>((h.ra ? 0x80 : 0) | (h.ad ? 0x20 : 0) | (h.cd ? 0x10 : 0) | (h.rcode & 0x0F));
  w.put16(4, qd);
  w.put16(6, an);
  w.put16(8, ns);
  w.put16(10, ar);
  return w.out;
}

}  // namespace hamail::mailsvc::dns
