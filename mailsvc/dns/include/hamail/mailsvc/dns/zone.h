// One authoritative zone in memory: owner names -> RRsets, built record by record with the
// checks a zone must pass (one SOA, at the apex; no CNAME next to other data; nothing
// outside the zone), then finished (empty non-terminals known) and read-only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hamail/mailsvc/dns/record.h"

namespace hamail::mailsvc::dns {

struct Rr {
  std::uint32_t ttl = 0;
  std::vector<std::uint8_t> rdata;
};

struct RRset {
  std::uint16_t type = 0;
  std::vector<Rr> rrs;  // in load order
};

struct Node {
  Name owner;  // case as first loaded
  std::vector<std::uint8_t> owner_wire;  // the same in wire form (what answers reference)
  std::vector<RRset> rrsets;  // empty: an empty non-terminal
  const RRset* find(std::uint16_t type) const;
};

class Zone {
 public:
  explicit Zone(Name apex) : apex_(std::move(apex)), apex_key_(apex_.key()) {}

  // Adds one record (class IN). Refused: a name outside the zone; SOA not at the apex or a
  // second SOA; CNAME next to other data or a second CNAME; a class other than IN.
  // A duplicate record (same type and RDATA) is dropped silently, as NSD does.
  Status add(const Record& record);
  // After the last add: the apex must have its SOA. Marks empty non-terminals.
  Status finish();

  const Name& apex() const { return apex_; }
  const std::string& apex_key() const { return apex_key_; }  // Name::key() of the apex
  const Node* find(const Name& name) const;  // nullptr when no records at `name`
  // Whether `name` exists: it has records or is an empty non-terminal (RFC 4592 2.2.2).
  bool exists(const Name& name) const;
  // By key (Name::key(), see NameKey), one hash probe: the node when the name exists (an
  // empty non-terminal's has no RRsets), else nullptr.
  const Node* node_at(std::string_view key) const;
  const RRset& soa() const;       // only after a successful finish()
  const Node& apex_node() const;  // only after a successful finish(); no allocation
  std::uint32_t serial() const;
  // After finish(): whether any name below the apex has NS (a zone cut) or any name has a
  // DNAME. Without either, a name's answer depends on its own node alone (no walk from the
  // apex); without wildcards, a missing name is NXDOMAIN at once.
  bool has_cuts_or_dname() const { return has_cuts_or_dname_; }
  bool has_wildcards() const { return has_wildcards_; }
  std::size_t record_count() const { return record_count_; }

  // Every record in AXFR order (RFC 5936): the SOA, all others (apex first, then by name),
  // the SOA again.
  std::vector<Record> axfr_records() const;

 private:
  Name apex_;
  std::string apex_key_;
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
  };
  // By Name::key(); after finish() also the empty non-terminals (nodes without RRsets).
  std::unordered_map<std::string, Node, KeyHash, std::equal_to<>> nodes_;
  std::size_t record_count_ = 0;
  bool finished_ = false;
  bool has_cuts_or_dname_ = false;
  bool has_wildcards_ = false;
};

}  // namespace hamail::mailsvc::dns
