// encode_message: a growing buffer with a compression table (offsets of the name suffixes
// already written, compared by walking the packet, no strings) that can be rolled back to a
// mark, so an RRset that does not fit is undone whole.
#include "hamail/mailsvc/dns/encode.h"

#include <array>

namespace hamail::mailsvc::dns {
namespace {

unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c; }

// Offsets of suffixes written uncompressed, in the order written (so increasing). A few
// inline; a message with more (large TCP answers) spills into a vector.
class CompressionTable {
 public:
  std::size_t size() const { return count_; }
  std::uint16_t operator[](std::size_t i) const { return i < kInline ? inline_[i] : spill_[i - kInline]; }
  void push(std::uint16_t offset) {
    if (count_ < kInline) {
      inline_[count_] = offset;
    } else {
      spill_.push_back(offset);
    }
    ++count_;
  }
  // Drops the entries at or after `mark`.
  void truncate_at(std::size_t mark) {
    while (count_ > 0 && (*this)[count_ - 1] >= mark) {
      if (count_ > kInline) spill_.pop_back();
      --count_;
    }
  }

 private:
  static constexpr std::size_t kInline = 128;
  std::array<std::uint16_t, kInline> inline_{};
  std::vector<std::uint16_t> spill_;
  std::size_t count_ = 0;
};

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
      if (compress) {
        for (std::size_t e = 0; e < table_.size(); ++e) {
          if (suffix_at(table_[e], labels, i)) {
            u16(static_cast<std::uint16_t>(0xC000 | table_[e]));
            return;
          }
        }
      }
      if (out.size() < 0x3FFF && (compress || !known(labels, i))) table_.push(static_cast<std::uint16_t>(out.size()));
      u8(static_cast<std::uint8_t>(labels[i].size()));
      out.insert(out.end(), labels[i].begin(), labels[i].end());
    }
    u8(0);
  }
  void rollback(std::size_t mark) {
    out.resize(mark);
    table_.truncate_at(mark);
  }

 private:
  // Whether the name written at `at` (labels, pointers to earlier ones, the root) is
  // labels[first..] (ASCII case-insensitive).
  bool suffix_at(std::size_t at, const std::vector<std::string>& labels, std::size_t first) const {
    std::size_t i = first;
    while (true) {
      std::uint8_t len = out[at];
      if ((len & 0xC0) == 0xC0) {
        at = static_cast<std::size_t>(((len & 0x3F) << 8) | out[at + 1]);
        continue;
      }
      if (len == 0) return i == labels.size();
      if (i == labels.size() || labels[i].size() != len) return false;
      const auto& l = labels[i];
      for (std::size_t k = 0; k < len; ++k) {
        if (lower(out[at + 1 + k]) != lower(static_cast<unsigned char>(l[k]))) return false;
      }
      at += 1 + len;
      ++i;
    }
  }
  // Whether labels[first..] is in the table already (a name written without compression
  // keeps the first offset of a suffix, as a map would).
  bool known(const std::vector<std::string>& labels, std::size_t first) const {
    for (std::size_t e = 0; e < table_.size(); ++e) {
      if (suffix_at(table_[e], labels, first)) return true;
    }
    return false;
  }

  CompressionTable table_;
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
  // Only the RFC 1035 types' names are looked for (and compressed); others are opaque.
  auto names = compressible_type(r.type) ? rdata_names(r.type, r.rdata) : Error{"opaque"};
  if (names) {
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
