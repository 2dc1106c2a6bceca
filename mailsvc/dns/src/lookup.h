// Internal: the lookup of one question in the zones of an Authority, filling a response
// (RFC 1034 4.3.2 steps 3-6 as NSD orders them: delegation, DNAME, exact match, wildcard,
// NXDOMAIN; CNAME/DNAME chains followed through every zone we serve, bounded).
#pragma once

#include <functional>
#include <set>
#include <string>

#include "hamail/mailsvc/dns/message.h"
#include "hamail/mailsvc/dns/name_key.h"
#include "hamail/mailsvc/dns/zone.h"

namespace hamail::mailsvc::dns {

inline constexpr int kMaxChain = 16;  // CNAME/DNAME links followed in one answer

// The zone of the name of a key's last `keep` labels (Authority::find_zone).
using ZoneFinder = std::function<const Zone*(const NameKey&, std::size_t keep)>;

class Lookup {
 public:
  Lookup(ZoneFinder zones, Message& response, std::uint16_t qtype, bool class_any, bool minimal)
      : zones_(std::move(zones)), msg_(response), qtype_(qtype), class_any_(class_any), minimal_(minimal) {}

  // Resolves `name`; the caller has set the question. Sets AA, rcode and the sections.
  void run(const Name& name);

 private:
  enum class Section { Answer, Authority };
  void resolve(const Name& name);
  void answer_domain(const Zone& zone, const Name& owner, const Node* node);
  void answer_any(const Zone& zone, const Name& owner, const Node& node);
  void referral(const Zone& zone, const Name& cut, const Node& node);
  void dname(const Zone& zone, const Name& name, const Name& owner, const Node& node);
  void nodata(const Zone& zone);
  void nxdomain(const Zone& zone);
  void add_zone_ns(const Zone& zone);
  // Adds an RRset unless it is already in the response; then the additional addresses of
  // NS/MX/SRV targets. False when it was already there (a CNAME/DNAME loop).
  bool add(Section section, const Zone& zone, const Name& owner, const RRset& set);
  void add_additional(const Zone& zone, const RRset& set);
  void finish_additional();

  ZoneFinder zones_;
  Message& msg_;
  std::uint16_t qtype_;
  bool class_any_;
  bool minimal_;
  int chain_ = 0;
  std::set<std::string> added_;  // owner key + type
  std::vector<Record> additional_a_, additional_aaaa_;
};

// The node answering for `name` in `zone` without crossing into delegations: the exact
// node, or the wildcard of its closest encloser (RFC 4592); nullptr if neither.
const Node* find_with_wildcard(const Zone& zone, NameKey& name);
// Whether `name` is at or below a zone cut of `zone` (glue, or data hidden by the cut).
bool below_cut(const Zone& zone, const NameKey& name);

}  // namespace hamail::mailsvc::dns
