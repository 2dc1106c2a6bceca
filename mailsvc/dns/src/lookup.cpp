// Lookup: one question through the zones, NSD's order and section rules, by reference.
#include "lookup.h"

#include <algorithm>
#include <cstring>

namespace hamail::mailsvc::dns {
namespace {

const Node* with_records(const Node* n) { return n && !n->rrsets.empty() ? n : nullptr; }

RecordRef ref(WireName owner, std::uint16_t type, const Rr& rr) {
  return RecordRef{owner, type, kClassIN, rr.ttl, rr.rdata};
}

// Whether the name of `key` is the apex of `zone` or below it.
bool in_zone(const Zone& zone, const NameKey& key) {
  std::size_t apex_labels = zone.apex().label_count();
  return key.label_count() >= apex_labels && key.suffix(apex_labels) == zone.apex_key();
}

}  // namespace

WireName rdata_target_wire(std::uint16_t type, std::span<const std::uint8_t> rdata) {
  std::size_t at = 0;
  switch (type) {
    case rrtype::NS: case rrtype::CNAME: case rrtype::DNAME: case rrtype::PTR: break;
    case rrtype::MX: at = 2; break;
    case rrtype::SRV: at = 6; break;
    default: return {};
  }
  if (rdata.size() <= at) return {};
  auto len = wire_name_length(rdata.subspan(at));
  if (!len) return {};
  return rdata.subspan(at, *len);
}

const Node* find_with_wildcard(const Zone& zone, NameKey& name) {
  if (const Node* n = zone.node_at(name.full())) return with_records(n);  // an empty non-terminal: no wildcard applies
  for (std::size_t keep = name.label_count(); keep-- > zone.apex().label_count();) {
    if (!zone.node_at(name.suffix(keep))) continue;
    return with_records(zone.node_at(name.wildcard(keep)));
  }
  return nullptr;
}

bool below_cut(const Zone& zone, const NameKey& name) {
  for (std::size_t keep = zone.apex().label_count() + 1; keep <= name.label_count(); ++keep) {
    const Node* n = zone.node_at(name.suffix(keep));
    if (n && n->find(rrtype::NS)) return true;
  }
  return false;
}

void Lookup::run(WireName name) {
  resolve(name);
  finish_additional();
}

void Lookup::resolve(WireName name) {
  NameKey key(name);
  const std::size_t labels = key.label_count();
  const Zone* zone = zones_(key, labels);
  if (zone && qtype_ == rrtype::DS && labels == zone->apex().label_count() && labels > 0) {
    // RFC 4035 3.1.4.1: DS lives in the parent; answer from it when we serve it.
    if (const Zone* parent = zones_(key, labels - 1)) zone = parent;
  }
  if (!zone) {
    if (chain_ == 0) header_.rcode = rcode::Refused;
    return;  // a chain leaving our zones ends here (NOERROR, the resolver goes on)
  }
  if (chain_ == 0) header_.aa = !class_any_;
  const std::size_t apex_labels = zone->apex().label_count();
  if (!zone->has_cuts_or_dname()) {
    // Nothing above the name can redirect it: its own node (one probe), else the wildcard
    // of its closest encloser, the longest existing suffix (every ancestor of a node
    // exists, empty non-terminals included, so walking up finds what walking down would).
    if (const Node* node = zone->node_at(key.full())) return answer_domain(*zone, name, with_records(node));
    if (zone->has_wildcards()) {
      std::size_t encloser = labels - 1;
      while (encloser > apex_labels && !zone->node_at(key.suffix(encloser))) --encloser;
      if (const Node* wild_node = with_records(zone->node_at(key.wildcard(encloser)))) {
        return answer_domain(*zone, name, wild_node);
      }
    }
    return nxdomain(*zone);
  }
  std::size_t encloser = apex_labels;
  const Node* node = nullptr;
  for (std::size_t keep = apex_labels; keep <= labels; ++keep) {
    node = zone->node_at(key.suffix(keep));
    if (!node) break;
    encloser = keep;
    if (node->rrsets.empty()) continue;  // an empty non-terminal
    const bool ds_at_cut = keep == labels && qtype_ == rrtype::DS;  // the parent side answers
    WireName suffix = name.subspan(key.wire_offset(keep));
    if (keep > apex_labels && !ds_at_cut && node->find(rrtype::NS)) return referral(*zone, suffix, *node);
    if (keep < labels && node->find(rrtype::DNAME)) return dname(*zone, name, suffix, *node);
  }
  if (node) return answer_domain(*zone, name, with_records(node));  // the name itself exists
  if (const Node* wild_node = with_records(zone->node_at(key.wildcard(encloser)))) {
    return answer_domain(*zone, name, wild_node);
  }
  nxdomain(*zone);
}

void Lookup::answer_domain(const Zone& zone, WireName owner, const Node* node) {
  if (!node) return nodata(zone);
  if (qtype_ == rrtype::ANY) return answer_any(zone, owner, *node);
  if (const RRset* set = node->find(qtype_)) {
    (void)add(Section::Answer, zone, owner, *set);
    return add_zone_ns(zone);
  }
  if (const RRset* cname = node->find(rrtype::CNAME)) {
    if (!add(Section::Answer, zone, owner, *cname)) return;  // a loop: stop
    WireName target = rdata_target_wire(rrtype::CNAME, cname->rrs[0].rdata);
    if (!target.empty() && ++chain_ <= kMaxChain) resolve(target);
    return;
  }
  nodata(zone);
}

// RFC 8482 4.1 as NSD does it: one RRset, the first (in load order, which NSD keeps) of
// A, AAAA, SOA, MX, PTR; without one, the last RRset of another type.
void Lookup::answer_any(const Zone& zone, WireName owner, const Node& node) {
  const RRset* preferred = nullptr;
  const RRset* normal = nullptr;
  for (auto it = node.rrsets.begin(); it != node.rrsets.end() && !preferred; ++it) {
    switch (it->type) {
      case rrtype::A: case rrtype::AAAA: case rrtype::SOA: case rrtype::MX: case rrtype::PTR:
        preferred = &*it;
        break;
      default:
        normal = &*it;
    }
  }
  const RRset* chosen = preferred ? preferred : normal;
  if (!chosen) return nodata(zone);
  (void)add(Section::Answer, zone, owner, *chosen);  // no zone NS: NSD 4.6 sends none for ANY
}

void Lookup::referral(const Zone& zone, WireName cut, const Node& node) {
  header_.aa = chain_ > 0 && !class_any_;
  // Additional: the addresses of every NS target in the zone's tree, glue below the cut and
  // authoritative names of the parent zone alike (NSD 4.6 answers both).
  (void)add(Section::Authority, zone, cut, *node.find(rrtype::NS));
}

void Lookup::dname(const Zone& zone, WireName name, WireName owner, const Node& node) {
  const RRset& set = *node.find(rrtype::DNAME);
  if (!add(Section::Answer, zone, owner, set)) return;
  WireName target = rdata_target_wire(rrtype::DNAME, set.rrs[0].rdata);
  if (target.empty() || s_.synthesized_used >= s_.synthesized.size()) return;
  // The new name: the labels of `name` above `owner`, then the DNAME's target.
  const std::size_t prefix = name.size() - owner.size();
  if (prefix + target.size() > kMaxName) {
    header_.rcode = rcode::YXDomain;  // RFC 6672 2.2: the new name is too long
    return;
  }
  auto& buf = s_.synthesized[s_.synthesized_used++];
  std::memcpy(buf.data(), name.data(), prefix);
  std::memcpy(buf.data() + prefix, target.data(), target.size());
  WireName synthesized(buf.data(), prefix + target.size());
  if (!mark_added(name, rrtype::CNAME)) return;
  // The synthesized CNAME: its RDATA is the new name, its TTL the DNAME's (RFC 6672).
  s_.refs.answer.push_back(RecordRef{name, rrtype::CNAME, kClassIN, set.rrs[0].ttl, synthesized});
  if (qtype_ == rrtype::CNAME) return;  // the synthesized CNAME is the answer (as NSD, BIND)
  if (++chain_ <= kMaxChain) resolve(synthesized);
}

void Lookup::nodata(const Zone& zone) {
  if (class_any_) return;
  const RRset& soa = zone.soa();
  const Node& apex = zone.apex_node();
  RecordRef r = ref(apex.owner_wire, rrtype::SOA, soa.rrs[0]);
  r.ttl = std::min(r.ttl, soa_minimum(soa.rrs[0].rdata).value_or(r.ttl));
  if (mark_added(apex.owner_wire, rrtype::SOA)) s_.refs.authority.push_back(r);
}

void Lookup::nxdomain(const Zone& zone) {
  header_.rcode = rcode::NXDomain;
  nodata(zone);
}

void Lookup::add_zone_ns(const Zone& zone) {
  if (class_any_ || minimal_) return;
  const Node& apex = zone.apex_node();
  const RRset* ns = apex.find(rrtype::NS);
  if (!ns) return;
  s_.refs.authority_is_optional = true;  // NSD's OPTIONAL_AUTHORITY_SECTION
  (void)add(Section::Authority, zone, apex.owner_wire, *ns);
}

bool Lookup::mark_added(WireName owner, std::uint16_t type) {
  for (const auto& a : s_.added) {
    if (a.type == type && wire_equal(a.owner, owner)) return false;
  }
  s_.added.push_back(QueryScratch::Added{owner, type});
  return true;
}

bool Lookup::add(Section section, const Zone& zone, WireName owner, const RRset& set) {
  if (!mark_added(owner, set.type)) return false;
  auto& out = section == Section::Answer ? s_.refs.answer : s_.refs.authority;
  for (const auto& rr : set.rrs) out.push_back(ref(owner, set.type, rr));
  add_additional(zone, set);
  return true;
}

void Lookup::add_additional(const Zone& zone, const RRset& set) {
  if (set.type != rrtype::NS && set.type != rrtype::MX && set.type != rrtype::SRV) return;
  const bool glue_ok = set.type == rrtype::NS;
  for (const auto& rr : set.rrs) {
    WireName target = rdata_target_wire(set.type, rr.rdata);
    if (target.size() <= 1) continue;  // not well-formed, or the root
    NameKey key(target);
    if (!in_zone(zone, key)) continue;
    if (!glue_ok && below_cut(zone, key)) continue;
    const Node* node = glue_ok ? with_records(zone.node_at(key.full())) : nullptr;
    if (!node) node = find_with_wildcard(zone, key);
    if (!node) continue;
    for (std::uint16_t type : {rrtype::A, rrtype::AAAA}) {
      const RRset* addr = node->find(type);
      if (!addr || !mark_added(target, type)) continue;
      auto& list = type == rrtype::A ? s_.additional_a : s_.additional_aaaa;
      for (const auto& a : addr->rrs) list.push_back(ref(target, type, a));
    }
  }
}

void Lookup::finish_additional() {
  auto& add = s_.refs.additional;
  add.insert(add.end(), s_.additional_a.begin(), s_.additional_a.end());
  add.insert(add.end(), s_.additional_aaaa.begin(), s_.additional_aaaa.end());
}

}  // namespace hamail::mailsvc::dns
