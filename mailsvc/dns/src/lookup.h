// Internal: the lookup of one question in the zones of an Authority, filling the response
// sections by reference (RFC 1034 4.3.2 steps 3-6 as NSD orders them: delegation, DNAME,
// exact match, wildcard, NXDOMAIN; CNAME/DNAME chains followed through every zone we
// serve, bounded). Names are wire form throughout; nothing is copied out of the zones.
#pragma once

#include <functional>

#include "hamail/mailsvc/dns/message.h"
#include "hamail/mailsvc/dns/name_key.h"
#include "hamail/mailsvc/dns/query_scratch.h"
#include "hamail/mailsvc/dns/zone.h"

namespace hamail::mailsvc::dns {

// The zone of the name of a key's last `keep` labels (Authority::find_zone).
using ZoneFinder = std::function<const Zone*(const NameKey&, std::size_t keep)>;

class Lookup {
 public:
  // `scratch` is cleared here; its sections (refs) are the result, valid while the zones,
  // the scratch and the question's wire name are.
  Lookup(ZoneFinder zones, Header& header, QueryScratch& scratch, std::uint16_t qtype, bool class_any, bool minimal)
      : zones_(std::move(zones)), header_(header), s_(scratch), qtype_(qtype), class_any_(class_any), minimal_(minimal) {
    s_.clear();
  }

  // Resolves `name` (well-formed wire form); the caller has set the question. Sets AA,
  // rcode and the sections.
  void run(WireName name);

 private:
  enum class Section { Answer, Authority };
  void resolve(WireName name);
  void answer_domain(const Zone& zone, WireName owner, const Node* node);
  void answer_any(const Zone& zone, WireName owner, const Node& node);
  void referral(const Zone& zone, WireName cut, const Node& node);
  void dname(const Zone& zone, WireName name, WireName owner, const Node& node);
  void nodata(const Zone& zone);
  void nxdomain(const Zone& zone);
  void add_zone_ns(const Zone& zone);
  // Records owner + type as added; false when it already was.
  bool mark_added(WireName owner, std::uint16_t type);
  // Adds an RRset unless it is already in the response; then the additional addresses of
  // NS/MX/SRV targets. False when it was already there (a CNAME/DNAME loop).
  bool add(Section section, const Zone& zone, WireName owner, const RRset& set);
  void add_additional(const Zone& zone, const RRset& set);
  void finish_additional();

  ZoneFinder zones_;
  Header& header_;
  QueryScratch& s_;
  std::uint16_t qtype_;
  bool class_any_;
  bool minimal_;
  int chain_ = 0;
};

// The node answering for `name` in `zone` without crossing into delegations: the exact
// node, or the wildcard of its closest encloser (RFC 4592); nullptr if neither.
const Node* find_with_wildcard(const Zone& zone, NameKey& name);
// Whether `name` is at or below a zone cut of `zone` (glue, or data hidden by the cut).
bool below_cut(const Zone& zone, const NameKey& name);
// The target name in NS, CNAME, DNAME, PTR, MX or SRV RDATA (empty when not well-formed).
WireName rdata_target_wire(std::uint16_t type, std::span<const std::uint8_t> rdata);

}  // namespace hamail::mailsvc::dns
