// encode_response: names written from their wire form with a compression table (offsets
// of the name suffixes already written, compared by walking the packet, no strings) that
// can be rolled back to a mark, so an RRset that does not fit is undone whole.
// encode_message: a Message put in that form.
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
  std::array<std::uint16_t, kInline> inline_;
  std::vector<std::uint16_t> spill_;
  std::size_t count_ = 0;
};

class Writer {
 public:
  explicit Writer(std::vector<std::uint8_t>& out) : out(out) {}
  std::vector<std::uint8_t>& out;

  void u8(std::uint8_t v) { out.push_back(v); }
  void u16(std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void bytes(std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }
  void put16(std::size_t at, std::uint16_t v) {
    out[at] = static_cast<std::uint8_t>(v >> 8);
    out[at + 1] = static_cast<std::uint8_t>(v);
  }
  // A well-formed uncompressed name, compressed against the suffixes of the names written
  // before (not against this name's own labels: they are not terminated yet, and a suffix
  // of a name never equals a longer suffix of it).
  void name(WireName wire) {
    const std::size_t complete = table_.size();
    for (std::size_t at = 0; wire[at] != 0; at += 1 + wire[at]) {
      for (std::size_t e = 0; e < complete; ++e) {
        if (suffix_at(table_[e], wire, at)) {
          u16(static_cast<std::uint16_t>(0xC000 | table_[e]));
          return;
        }
      }
      if (out.size() < 0x3FFF) table_.push(static_cast<std::uint16_t>(out.size()));
      bytes(wire.subspan(at, 1 + wire[at]));
    }
    u8(0);
  }
  void rollback(std::size_t mark) {
    out.resize(mark);
    table_.truncate_at(mark);
  }

 private:
  // Whether the name written at `at` (labels, pointers to earlier ones, the root) is the
  // wire name's suffix from `from` (ASCII case-insensitive).
  bool suffix_at(std::size_t at, WireName wire, std::size_t from) const {
    std::size_t i = from;
    while (true) {
      std::uint8_t len = out[at];
      if ((len & 0xC0) == 0xC0) {
        at = static_cast<std::size_t>(((len & 0x3F) << 8) | out[at + 1]);
        continue;
      }
      if (len != wire[i]) return false;
      if (len == 0) return true;
      for (std::size_t k = 1; k <= len; ++k) {
        if (lower(out[at + k]) != lower(wire[i + k])) return false;
      }
      at += 1 + len;
      i += 1 + len;
    }
  }

  CompressionTable table_;
};

// Where the compressible names of RFC 1035 RDATA start (NS, CNAME, PTR: one at 0; MX: one
// at 2; SOA: two, then 20 octets); 0 names for other types or RDATA of another shape (then
// written as it is).
struct RdataNames {
  std::size_t count = 0;
  std::array<std::size_t, 2> at{};
};

RdataNames compressible_names(std::uint16_t type, std::span<const std::uint8_t> rdata) {
  RdataNames n;
  auto one_name_from = [&](std::size_t start) {
    if (start > rdata.size()) return;
    auto len = wire_name_length(rdata.subspan(start));
    if (len && start + *len == rdata.size()) n = RdataNames{1, {start, 0}};
  };
  switch (type) {
    case rrtype::NS: case rrtype::CNAME: case rrtype::PTR: one_name_from(0); break;
    case rrtype::MX: one_name_from(2); break;
    case rrtype::SOA: {
      auto first = wire_name_length(rdata);
      if (!first) break;
      auto second = wire_name_length(rdata.subspan(*first));
      if (second && rdata.size() - *first - *second == 20) n = RdataNames{2, {0, *first}};
      break;
    }
    default: break;
  }
  return n;
}

void write_record(Writer& w, const RecordRef& r) {
  w.name(r.owner);
  w.u16(r.type);
  w.u16(r.klass);
  w.u32(r.ttl);
  std::size_t len_at = w.out.size();
  w.u16(0);
  // Only the RFC 1035 types' names are compressed; other RDATA is opaque (RFC 3597 4).
  RdataNames names = compressible_names(r.type, r.rdata);
  std::size_t pos = 0;
  for (std::size_t i = 0; i < names.count; ++i) {
    w.bytes(r.rdata.subspan(pos, names.at[i] - pos));
    WireName n = r.rdata.subspan(names.at[i]);
    w.name(n);
    pos = names.at[i] + *wire_name_length(n);
  }
  w.bytes(r.rdata.subspan(pos));
  w.put16(len_at, static_cast<std::uint16_t>(w.out.size() - len_at - 2));
}

bool same_set(const RecordRef& a, const RecordRef& b) {
  return a.type == b.type && a.klass == b.klass && wire_equal(a.owner, b.owner);
}

enum class Fit { All, Truncated };

// Required sections (answer, authority): whole RRsets while they fit; the first that does
// not is undone and ends the message (Truncated).
Fit write_required(Writer& w, const std::vector<RecordRef>& records, std::size_t limit, std::uint16_t& count) {
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
void write_optional(Writer& w, const std::vector<RecordRef>& records, std::size_t limit, std::uint16_t& count) {
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

void encode_response(const Header& h, std::span<const QuestionRef> questions, const ResponseRefs& m, const Edns* edns,
                     std::size_t max_size, std::vector<std::uint8_t>& out) {
  out.clear();
  Writer w(out);
  for (int i = 0; i < 12; ++i) w.u8(0);
  std::uint16_t qd = 0, an = 0, ns = 0, ar = 0;
  for (const auto& q : questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.klass);
    ++qd;
  }
  std::size_t opt_size = edns ? 11 + edns->options.size() : 0;
  std::size_t limit = max_size > opt_size ? max_size - opt_size : 0;
  bool tc = h.tc;
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
  if (edns) {
    w.u8(0);
    w.u16(rrtype::OPT);
    w.u16(edns->udp_size);
    w.u8(static_cast<std::uint8_t>(h.rcode >> 4));
    w.u8(edns->version);
    w.u16(edns->dnssec_ok ? 0x8000 : 0);
    w.u16(static_cast<std::uint16_t>(edns->options.size()));
    w.bytes(edns->options);
    ++ar;
  }
  w.put16(0, h.id);
  out[2] = static_cast<std::uint8_t>((h.qr ? 0x80 : 0) | ((h.opcode & 0x0F) << 3) | (h.aa ? 0x04 : 0) | (tc ? 0x02 : 0) |
                                     (h.rd ? 0x01 : 0));
  out[3] = static_cast<std::uint8_t>((h.ra ? 0x80 : 0) | (h.ad ? 0x20 : 0) | (h.cd ? 0x10 : 0) | (h.rcode & 0x0F));
  w.put16(4, qd);
  w.put16(6, an);
  w.put16(8, ns);
  w.put16(10, ar);
}

std::vector<std::uint8_t> encode_message(const Message& m, std::size_t max_size) {
  // Every name in wire form first (the references point into `wires`, sized up front).
  std::size_t names = m.questions.size() + m.answer.size() + m.authority.size() + m.additional.size();
  std::vector<std::vector<std::uint8_t>> wires;
  wires.reserve(names);
  std::vector<QuestionRef> questions;
  for (const auto& q : m.questions) {
    wires.push_back(wire_of(q.name));
    questions.push_back(QuestionRef{wires.back(), q.type, q.klass});
  }
  ResponseRefs refs;
  refs.authority_is_optional = m.authority_is_optional;
  auto section = [&](const std::vector<Record>& in, std::vector<RecordRef>& to) {
    for (const auto& r : in) {
      wires.push_back(wire_of(r.owner));
      to.push_back(RecordRef{wires.back(), r.type, r.klass, r.ttl, r.rdata});
    }
  };
  section(m.answer, refs.answer);
  section(m.authority, refs.authority);
  section(m.additional, refs.additional);
  std::vector<std::uint8_t> out;
  out.reserve(512);
  encode_response(m.header, questions, refs, m.edns ? &*m.edns : nullptr, max_size, out);
  return out;
}

}  // namespace hamail::mailsvc::dns
