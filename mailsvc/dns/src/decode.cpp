// decode_message: a bounds-checked reader over the packet, names with compression
// pointers that must point strictly backwards (so no loop is possible), RDATA names of the
// RFC 1035 types decompressed into plain form, OPT pulled out of the additional section.
#include "hamail/mailsvc/dns/decode.h"

#include <string>

namespace hamail::mailsvc::dns {
namespace {

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> p) : p_(p) {}
  std::size_t pos() const { return pos_; }
  std::size_t left() const { return p_.size() - pos_; }
  bool u8(std::uint8_t& v) {
    if (left() < 1) return false;
    v = p_[pos_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    if (left() < 2) return false;
    v = static_cast<std::uint16_t>((p_[pos_] << 8) | p_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u32(std::uint32_t& v) {
    std::uint16_t hi = 0, lo = 0;
    if (left() < 4) return false;
    (void)u16(hi);
    (void)u16(lo);
    v = (std::uint32_t{hi} << 16) | lo;
    return true;
  }
  // A possibly compressed name starting at the current position.
  Result<Name> name() {
    std::vector<std::string> labels;
    std::size_t at = pos_;
    std::size_t lowest = pos_;  // every pointer must go below where this run started
    std::size_t total = 1;
    bool jumped = false;
    while (true) {
      if (at >= p_.size()) return Error{"name runs past the end of the packet"};
      std::uint8_t len = p_[at];
      if ((len & 0xC0) == 0xC0) {
        if (at + 1 >= p_.size()) return Error{"compression pointer cut short"};
        std::size_t target = (static_cast<std::size_t>(len & 0x3F) << 8) | p_[at + 1];
        if (target >= lowest) return Error{"compression pointer forward or in a loop"};
        if (!jumped) pos_ = at + 2;
        jumped = true;
        lowest = target;
        at = target;
        continue;
      }
      if ((len & 0xC0) != 0) return Error{"unsupported label type"};
      if (len == 0) {
        if (!jumped) pos_ = at + 1;
        break;
      }
      if (at + 1 + len > p_.size()) return Error{"label runs past the end of the packet"};
      total += 1 + len;
      if (total > kMaxName) return Error{"name over 255 octets"};
      labels.emplace_back(reinterpret_cast<const char*>(&p_[at + 1]), len);
      at += 1 + len;
    }
    return Name::from_labels(std::move(labels));
  }
  bool bytes(std::size_t n, std::vector<std::uint8_t>& out) {
    if (left() < n) return false;
    out.assign(p_.begin() + static_cast<std::ptrdiff_t>(pos_), p_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return true;
  }
  void seek(std::size_t p) { pos_ = p; }

 private:
  std::span<const std::uint8_t> p_;
  std::size_t pos_ = 0;
};

bool compressible_type(std::uint16_t t) {
  return t == rrtype::NS || t == rrtype::CNAME || t == rrtype::SOA || t == rrtype::PTR || t == rrtype::MX;
}

// RDATA of `type` and `len` octets at the reader; names of the RFC 1035 types expanded.
Result<std::vector<std::uint8_t>> read_rdata(Reader& r, std::uint16_t type, std::uint16_t len) {
  if (r.left() < len) return Error{"RDATA runs past the end of the packet"};
  std::size_t end = r.pos() + len;
  std::vector<std::uint8_t> out;
  if (!compressible_type(type)) {
    (void)r.bytes(len, out);
    auto ok = rdata_names(type, out);
    if (!ok) return Error{ok.error()};
    return out;
  }
  std::size_t prefix = type == rrtype::MX ? 2 : 0;
  if (!r.bytes(prefix, out) || r.pos() > end) return Error{"RDATA too short"};
  int name_count = type == rrtype::SOA ? 2 : 1;
  for (int i = 0; i < name_count; ++i) {
    auto n = r.name();
    if (!n) return Error{"RDATA: " + n.error()};
    if (r.pos() > end) return Error{"RDATA name runs past RDLENGTH"};
    append_name(out, *n);
  }
  std::vector<std::uint8_t> tail;
  (void)r.bytes(end - r.pos(), tail);
  out.insert(out.end(), tail.begin(), tail.end());
  auto ok = rdata_names(type, out);
  if (!ok) return Error{ok.error()};
  return out;
}

Status read_record(Reader& r, Record& rec) {
  auto owner = r.name();
  if (!owner) return Error{owner.error()};
  rec.owner = std::move(*owner);
  std::uint16_t len = 0;
  if (!r.u16(rec.type) || !r.u16(rec.klass) || !r.u32(rec.ttl) || !r.u16(len)) return Error{"record cut short"};
  auto rdata = read_rdata(r, rec.type, len);
  if (!rdata) return Error{rdata.error()};
  rec.rdata = std::move(*rdata);
  return {};
}

Header header_from(const std::uint8_t* p) {
  Header h;
  h.id = static_cast<std::uint16_t>((p[0] << 8) | p[1]);
  h.qr = p[2] & 0x80;
  h.opcode = (p[2] >> 3) & 0x0F;
  h.aa = p[2] & 0x04;
  h.tc = p[2] & 0x02;
  h.rd = p[2] & 0x01;
  h.ra = p[3] & 0x80;
  h.ad = p[3] & 0x20;
  h.cd = p[3] & 0x10;
  h.rcode = p[3] & 0x0F;
  return h;
}

Status take_opt(Message& m, Record& rec) {
  if (m.edns) return Error{"more than one OPT record"};
  if (!rec.owner.is_root()) return Error{"OPT record not at the root"};
  Edns e;
  e.udp_size = rec.klass;
  m.header.rcode = static_cast<std::uint16_t>(m.header.rcode | ((rec.ttl >> 24) << 4));
  e.version = static_cast<std::uint8_t>((rec.ttl >> 16) & 0xFF);
  e.dnssec_ok = rec.ttl & 0x8000;
  e.options = std::move(rec.rdata);
  m.edns = std::move(e);
  return {};
}

}  // namespace

std::optional<Header> peek_header(std::span<const std::uint8_t> packet) {
  if (packet.size() < 12) return std::nullopt;
  return header_from(packet.data());
}

Result<Message> decode_message(std::span<const std::uint8_t> packet) {
  if (packet.size() < 12) return Error{"packet shorter than a header (" + std::to_string(packet.size()) + " octets)"};
  Message m;
  m.header = header_from(packet.data());
  Reader r(packet);
  r.seek(4);
  std::uint16_t qd = 0, an = 0, ns = 0, ar = 0;
  (void)r.u16(qd);
  (void)r.u16(an);
  (void)r.u16(ns);
  (void)r.u16(ar);
  for (std::uint16_t i = 0; i < qd; ++i) {
    Question q;
    auto n = r.name();
    if (!n) return Error{"question: " + n.error()};
    q.name = std::move(*n);
    if (!r.u16(q.type) || !r.u16(q.klass)) return Error{"question cut short (QDCOUNT too large?)"};
    m.questions.push_back(std::move(q));
  }
  std::vector<Record>* sections[3] = {&m.answer, &m.authority, &m.additional};
  std::uint16_t counts[3] = {an, ns, ar};
  for (int s = 0; s < 3; ++s) {
    for (std::uint16_t i = 0; i < counts[s]; ++i) {
      if (r.left() == 0) return Error{"fewer records than the header counts"};
      Record rec;
      if (auto st = read_record(r, rec); !st) return Error{st.message()};
      if (rec.type == rrtype::OPT) {
        if (s != 2) return Error{"OPT record outside the additional section"};
        if (auto st = take_opt(m, rec); !st) return Error{st.message()};
        continue;
      }
      sections[s]->push_back(std::move(rec));
    }
  }
  if (r.left() != 0) return Error{std::to_string(r.left()) + " octets after the last record"};
  return m;
}

Result<Message> decode_query(std::span<const std::uint8_t> packet) {
  auto m = decode_message(packet);
  if (!m) return m;
  if (m->header.qr) return Error{"QR set in a query"};
  if (m->questions.size() != 1) return Error{"QDCOUNT " + std::to_string(m->questions.size()) + " in a query (want 1)"};
  return m;
}

}  // namespace hamail::mailsvc::dns
