// Zone: building with checks, lookups, AXFR order.
#include "hamail/mailsvc/dns/zone.h"

#include <algorithm>
#include <cassert>

#include "hamail/mailsvc/dns/name_key.h"
#include "hamail/mailsvc/dns/types.h"
#include "hamail/mailsvc/dns/wire_name.h"

namespace hamail::mailsvc::dns {

const RRset* Node::find(std::uint16_t type) const {
  for (const auto& s : rrsets) {
    if (s.type == type) return &s;
  }
  return nullptr;
}

Status Zone::add(const Record& r) {
  if (finished_) return Error{"zone already finished"};
  if (r.klass != kClassIN) return Error{"class " + std::to_string(r.klass) + " is not IN"};
  if (!r.owner.is_subdomain_of(apex_)) {
    return Error{"out-of-zone data: " + r.owner.to_text() + " is not in " + apex_.to_text()};
  }
  if (r.type == rrtype::SOA && !(r.owner == apex_)) return Error{"SOA not at the zone apex: " + r.owner.to_text()};
  if (r.type == rrtype::OPT || r.type == rrtype::AXFR || r.type == rrtype::IXFR || r.type == rrtype::ANY) {
    return Error{"type " + std::to_string(r.type) + " cannot be zone data"};
  }
  if (auto shape = rdata_names(r.type, r.rdata); !shape) return Error{shape.error()};
  auto [it, inserted] = nodes_.try_emplace(r.owner.key());
  Node& node = it->second;
  if (inserted) {
    node.owner = r.owner;
    node.owner_wire = wire_of(r.owner);
  }
  RRset* set = nullptr;
  for (auto& s : node.rrsets) {
    if (s.type == r.type) set = &s;
  }
  if (r.type == rrtype::CNAME) {
    if (set) {
      if (set->rrs[0].rdata == r.rdata) return {};
      return Error{"more than one CNAME at " + r.owner.to_text()};
    }
    if (!node.rrsets.empty()) return Error{"CNAME and other data at " + r.owner.to_text()};
  } else if (node.find(rrtype::CNAME)) {
    return Error{"CNAME and other data at " + r.owner.to_text()};
  }
  if (r.type == rrtype::SOA && set && !set->rrs.empty()) {
    if (set->rrs[0].rdata == r.rdata) return {};
    return Error{"more than one SOA at the apex"};
  }
  if (!set) {
    node.rrsets.push_back(RRset{r.type, {}});
    set = &node.rrsets.back();
  }
  for (const auto& x : set->rrs) {
    if (x.rdata == r.rdata) return {};  // duplicate
  }
  set->rrs.push_back(Rr{r.ttl, r.rdata});
  ++record_count_;
  return {};
}

Status Zone::finish() {
  const Node* apex = find(apex_);
  if (!apex || !apex->find(rrtype::SOA)) return Error{"no SOA at the zone apex " + apex_.to_text()};
  std::vector<Name> empty_non_terminals;
  for (const auto& [key, node] : nodes_) {
    for (std::size_t keep = apex_.label_count() + 1; keep < node.owner.label_count(); ++keep) {
      Name parent = node.owner.suffix(keep);
      if (!nodes_.count(parent.key())) empty_non_terminals.push_back(std::move(parent));
    }
  }
  for (auto& name : empty_non_terminals) {
    auto [it, inserted] = nodes_.try_emplace(name.key());
    if (inserted) {
      it->second.owner_wire = wire_of(name);
      it->second.owner = std::move(name);
    }
  }
  for (const auto& [key, node] : nodes_) {
    if (node.owner.is_wildcard()) has_wildcards_ = true;
    if (node.find(rrtype::DNAME) || (node.find(rrtype::NS) && node.owner.label_count() > apex_.label_count())) {
      has_cuts_or_dname_ = true;
    }
  }
  finished_ = true;
  return {};
}

const Node* Zone::node_at(std::string_view key) const {
  auto it = nodes_.find(key);
  return it == nodes_.end() ? nullptr : &it->second;
}

const Node* Zone::find(const Name& name) const {
  const Node* n = node_at(name.key());
  return n && !n->rrsets.empty() ? n : nullptr;
}

bool Zone::exists(const Name& name) const { return node_at(name.key()) != nullptr; }

const Node& Zone::apex_node() const {
  const Node* n = node_at(apex_key_);
  assert(n);
  return *n;
}

const RRset& Zone::soa() const {
  const RRset* s = apex_node().find(rrtype::SOA);
  assert(s);
  return *s;
}

std::uint32_t Zone::serial() const { return soa_serial(soa().rrs[0].rdata).value_or(0); }

std::vector<Record> Zone::axfr_records() const {
  std::vector<Record> out;
  const Node* apex = find(apex_);
  auto soa_record = [&] { return Record{apex->owner, rrtype::SOA, kClassIN, soa().rrs[0].ttl, soa().rrs[0].rdata}; };
  out.push_back(soa_record());
  // By key: the apex (a prefix of every other key) comes first.
  std::vector<std::pair<std::string_view, const Node*>> sorted;
  sorted.reserve(nodes_.size());
  for (const auto& [key, node] : nodes_) sorted.emplace_back(key, &node);
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [key, node] : sorted) {
    for (const auto& set : node->rrsets) {
      if (set.type == rrtype::SOA && node == apex) continue;
      for (const auto& rr : set.rrs) out.push_back(Record{node->owner, set.type, kClassIN, rr.ttl, rr.rdata});
    }
  }
  out.push_back(soa_record());
  return out;
}

}  // namespace hamail::mailsvc::dns
