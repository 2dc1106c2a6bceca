// Lookup: one question through the zones, NSD's order and section rules.
#include "lookup.h"

#include <algorithm>

namespace hamail::mailsvc::dns {
namespace {

std::string set_key(const Name& owner, std::uint16_t type) {
  std::string k = owner.key();
  k.push_back('\x01');
  k.push_back(static_cast<char>(type >> 8));
  k.push_back(static_cast<char>(type & 0xFF));
  return k;
}

Record make_record(const Name& owner, std::uint16_t type, const Rr& rr) {
  return Record{owner, type, kClassIN, rr.ttl, rr.rdata};
}

const Node* with_records(const Node* n) { return n && !n->rrsets.empty() ? n : nullptr; }

}  // namespace

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

void Lookup::run(const Name& name) {
  resolve(name);
  finish_additional();
}

void Lookup::resolve(const Name& name) {
  NameKey key(name);
  const std::size_t labels = key.label_count();
  const Zone* zone = zones_(key, labels);
  if (zone && qtype_ == rrtype::DS && labels == zone->apex().label_count() && !name.is_root()) {
    // RFC 4035 3.1.4.1: DS lives in the parent; answer from it when we serve it.
    if (const Zone* parent = zones_(key, labels - 1)) zone = parent;
  }
  if (!zone) {
    if (chain_ == 0) msg_.header.rcode = rcode::Refused;
    return;  // a chain leaving our zones ends here (NOERROR, the resolver goes on)
  }
  if (chain_ == 0) msg_.header.aa = !class_any_;
  const std::size_t apex_labels = zone->apex().label_count();
  std::size_t encloser = apex_labels;
  const Node* node = nullptr;
  for (std::size_t keep = apex_labels; keep <= labels; ++keep) {
    node = zone->node_at(key.suffix(keep));
    if (!node) break;
    encloser = keep;
    if (node->rrsets.empty()) continue;  // an empty non-terminal
    const bool ds_at_cut = keep == labels && qtype_ == rrtype::DS;  // the parent side answers
    if (keep > apex_labels && !ds_at_cut && node->find(rrtype::NS)) return referral(*zone, name.suffix(keep), *node);
    if (keep < labels && node->find(rrtype::DNAME)) return dname(*zone, name, name.suffix(keep), *node);
  }
  if (node) return answer_domain(*zone, name, with_records(node));  // the name itself exists
  if (const Node* wild_node = with_records(zone->node_at(key.wildcard(encloser)))) {
    return answer_domain(*zone, name, wild_node);
  }
  nxdomain(*zone);
}

void Lookup::answer_domain(const Zone& zone, const Name& owner, const Node* node) {
  if (!node) return nodata(zone);
  if (qtype_ == rrtype::ANY) return answer_any(zone, owner, *node);
  if (const RRset* set = node->find(qtype_)) {
    (void)add(Section::Answer, zone, owner, *set);
    return add_zone_ns(zone);
  }
  if (const RRset* cname = node->find(rrtype::CNAME)) {
    if (!add(Section::Answer, zone, owner, *cname)) return;  // a loop: stop
    auto target = rdata_target(rrtype::CNAME, cname->rrs[0].rdata);
    if (target && ++chain_ <= kMaxChain) resolve(*target);
    return;
  }
  nodata(zone);
}

// RFC 8482 4.1 as NSD does it: one RRset, the first (in load order, which NSD keeps) of
// A, AAAA, SOA, MX, PTR; without one, the last RRset of another type.
void Lookup::answer_any(const Zone& zone, const Name& owner, const Node& node) {
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

void Lookup::referral(const Zone& zone, const Name& cut, const Node& node) {
  msg_.header.aa = chain_ > 0 && !class_any_;
  // Additional: the addresses of every NS target in the zone's tree, glue below the cut and
  // authoritative names of the parent zone alike (NSD 4.6 answers both).
  (void)add(Section::Authority, zone, cut, *node.find(rrtype::NS));
}

void Lookup::dname(const Zone& zone, const Name& name, const Name& owner, const Node& node) {
  const RRset& set = *node.find(rrtype::DNAME);
  if (!add(Section::Answer, zone, owner, set)) return;
  auto target = rdata_target(rrtype::DNAME, set.rrs[0].rdata);
  if (!target) return;
  std::vector<std::string> prefix(name.labels().begin(),
                                  name.labels().begin() + static_cast<std::ptrdiff_t>(name.label_count() - owner.label_count()));
  auto synthesized = target->prepend(prefix);
  if (!synthesized) {
    msg_.header.rcode = rcode::YXDomain;  // RFC 6672 2.2: the new name is too long
    return;
  }
  Record cname{name, rrtype::CNAME, kClassIN, set.rrs[0].ttl, {}};
  append_name(cname.rdata, *synthesized);
  if (!added_.insert(set_key(name, rrtype::CNAME)).second) return;
  msg_.answer.push_back(std::move(cname));
  if (qtype_ == rrtype::CNAME) return;  // the synthesized CNAME is the answer (as NSD, BIND)
  if (++chain_ <= kMaxChain) resolve(*synthesized);
}

void Lookup::nodata(const Zone& zone) {
  if (class_any_) return;
  const RRset& soa = zone.soa();
  Record r = make_record(zone.apex_node().owner, rrtype::SOA, soa.rrs[0]);
  r.ttl = std::min(r.ttl, soa_minimum(soa.rrs[0].rdata).value_or(r.ttl));
  if (added_.insert(set_key(zone.apex(), rrtype::SOA)).second) msg_.authority.push_back(std::move(r));
}

void Lookup::nxdomain(const Zone& zone) {
  msg_.header.rcode = rcode::NXDomain;
  nodata(zone);
}

void Lookup::add_zone_ns(const Zone& zone) {
  if (class_any_ || minimal_) return;
  const Node* apex = with_records(zone.node_at(NameKey(zone.apex()).full()));
  const RRset* ns = apex ? apex->find(rrtype::NS) : nullptr;
  if (!ns) return;
  msg_.authority_is_optional = true;  // NSD's OPTIONAL_AUTHORITY_SECTION
  (void)add(Section::Authority, zone, apex->owner, *ns);
}

bool Lookup::add(Section section, const Zone& zone, const Name& owner, const RRset& set) {
  if (!added_.insert(set_key(owner, set.type)).second) return false;
  auto& out = section == Section::Answer ? msg_.answer : msg_.authority;
  for (const auto& rr : set.rrs) out.push_back(make_record(owner, set.type, rr));
  add_additional(zone, set);
  return true;
}

void Lookup::add_additional(const Zone& zone, const RRset& set) {
  if (set.type != rrtype::NS && set.type != rrtype::MX && set.type != rrtype::SRV) return;
  const bool glue_ok = set.type == rrtype::NS;
  for (const auto& rr : set.rrs) {
    auto target = rdata_target(set.type, rr.rdata);
    if (!target || target->is_root() || !target->is_subdomain_of(zone.apex())) continue;
    NameKey key(*target);
    if (!glue_ok && below_cut(zone, key)) continue;
    const Node* node = glue_ok ? with_records(zone.node_at(key.full())) : nullptr;
    if (!node) node = find_with_wildcard(zone, key);
    if (!node) continue;
    for (std::uint16_t type : {rrtype::A, rrtype::AAAA}) {
      const RRset* addr = node->find(type);
      if (!addr || !added_.insert(set_key(*target, type)).second) continue;
      auto& list = type == rrtype::A ? additional_a_ : additional_aaaa_;
      for (const auto& a : addr->rrs) list.push_back(make_record(*target, type, a));
    }
  }
}

void Lookup::finish_additional() {
  for (auto& r : additional_a_) msg_.additional.push_back(std::move(r));
  for (auto& r : additional_aaaa_) msg_.additional.push_back(std::move(r));
}

}  // namespace hamail::mailsvc::dns
