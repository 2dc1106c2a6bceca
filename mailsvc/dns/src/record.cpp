// Record RDATA helpers: where the names of the known types are, their targets, SOA fields.
#include "hamail/mailsvc/dns/record.h"

#include "hamail/mailsvc/dns/types.h"

namespace hamail::mailsvc::dns {
namespace {

// An uncompressed name at `pos` in `rdata`; advances `pos`.
Result<Name> read_plain_name(const std::vector<std::uint8_t>& rdata, std::size_t& pos) {
  std::vector<std::string> labels;
  while (true) {
    if (pos >= rdata.size()) return Error{"RDATA name runs past RDATA"};
    std::uint8_t len = rdata[pos++];
    if (len == 0) break;
    if (len > kMaxLabel) return Error{"RDATA name has a bad label type or length"};
    if (pos + len > rdata.size()) return Error{"RDATA name runs past RDATA"};
    labels.emplace_back(reinterpret_cast<const char*>(&rdata[pos]), len);
    pos += len;
  }
  return Name::from_labels(std::move(labels));
}

std::uint32_t read32(const std::vector<std::uint8_t>& d, std::size_t p) {
  return (std::uint32_t{d[p]} << 24) | (std::uint32_t{d[p + 1]} << 16) | (std::uint32_t{d[p + 2]} << 8) | d[p + 3];
}

}  // namespace

void append_name(std::vector<std::uint8_t>& out, const Name& name) {
  for (const auto& l : name.labels()) {
    out.push_back(static_cast<std::uint8_t>(l.size()));
    out.insert(out.end(), l.begin(), l.end());
  }
  out.push_back(0);
}

Result<std::vector<RdataName>> rdata_names(std::uint16_t type, const std::vector<std::uint8_t>& rdata) {
  std::vector<RdataName> names;
  std::size_t pos = 0;
  auto one = [&](bool compressible) -> Status {
    std::size_t at = pos;
    auto n = read_plain_name(rdata, pos);
    if (!n) return Error{n.error()};
    names.push_back({at, std::move(*n), compressible});
    return {};
  };
  auto fixed = [&](std::size_t want) -> Status {
    if (rdata.size() != want) return Error{"RDATA length " + std::to_string(rdata.size()) + " for type " +
                                           std::to_string(type) + " (want " + std::to_string(want) + ")"};
    return {};
  };
  Status st;
  switch (type) {
    case rrtype::A: st = fixed(4); break;
    case rrtype::AAAA: st = fixed(16); break;
    case rrtype::NS: case rrtype::CNAME: case rrtype::PTR: case rrtype::DNAME:
      st = one(type != rrtype::DNAME);
      if (st && pos != rdata.size()) st = Error{"bytes after the RDATA name"};
      break;
    case rrtype::MX: case rrtype::SRV: {
      pos = type == rrtype::MX ? 2 : 6;
      if (rdata.size() < pos) { st = Error{"RDATA too short"}; break; }
      st = one(type == rrtype::MX);
      if (st && pos != rdata.size()) st = Error{"bytes after the RDATA name"};
      break;
    }
    case rrtype::SOA:
      st = one(true);
      if (st) st = one(true);
      if (st && rdata.size() - pos != 20) st = Error{"SOA RDATA must end in 20 octets of numbers"};
      break;
    default: break;
  }
  if (!st) return Error{st.message()};
  return names;
}

std::optional<Name> rdata_target(std::uint16_t type, const std::vector<std::uint8_t>& rdata) {
  if (type != rrtype::NS && type != rrtype::CNAME && type != rrtype::DNAME && type != rrtype::PTR &&
      type != rrtype::MX && type != rrtype::SRV) {
    return std::nullopt;
  }
  auto names = rdata_names(type, rdata);
  if (!names || names->empty()) return std::nullopt;
  return (*names)[0].name;
}

std::optional<std::uint32_t> soa_minimum(const std::vector<std::uint8_t>& rdata) {
  if (rdata.size() < 20) return std::nullopt;
  return read32(rdata, rdata.size() - 4);
}

std::optional<std::uint32_t> soa_serial(const std::vector<std::uint8_t>& rdata) {
  if (rdata.size() < 20) return std::nullopt;
  return read32(rdata, rdata.size() - 20);
}

}  // namespace hamail::mailsvc::dns
