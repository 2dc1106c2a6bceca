// load_zone_file: expand $INCLUDE, then ldns_rr_new_frm_fp_l record by record over the
// expanded text (fmemopen), each record converted to a dns::Record and added to the Zone.
#include "hamail/mailsvc/dnsloader/zone_file.h"

#include <ldns/ldns.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace hamail::mailsvc::dnsloader {
namespace {

using dns::Name;
using dns::Record;

// An owner name from ldns's dname rdf (uncompressed wire labels).
Result<Name> name_of(const ldns_rdf* rdf) {
  const std::uint8_t* d = ldns_rdf_data(rdf);
  std::size_t size = ldns_rdf_size(rdf);
  std::vector<std::string> labels;
  std::size_t pos = 0;
  while (pos < size && d[pos] != 0) {
    std::size_t len = d[pos];
    if (pos + 1 + len > size) return Error{"bad owner name from ldns"};
    labels.emplace_back(reinterpret_cast<const char*>(d + pos + 1), len);
    pos += 1 + len;
  }
  return Name::from_labels(std::move(labels));
}

Result<Record> record_of(const ldns_rr* rr) {
  auto owner = name_of(ldns_rr_owner(rr));
  if (!owner) return Error{owner.error()};
  Record r;
  r.owner = std::move(*owner);
  r.type = static_cast<std::uint16_t>(ldns_rr_get_type(rr));
  r.klass = static_cast<std::uint16_t>(ldns_rr_get_class(rr));
  r.ttl = ldns_rr_ttl(rr);
  std::unique_ptr<ldns_buffer, decltype(&ldns_buffer_free)> buf(ldns_buffer_new(512), ldns_buffer_free);
  if (ldns_rr_rdata2buffer_wire(buf.get(), rr) != LDNS_STATUS_OK) return Error{"cannot write RDATA"};
  const std::uint8_t* begin = ldns_buffer_begin(buf.get());
  r.rdata.assign(begin, begin + ldns_buffer_position(buf.get()));
  return r;
}

struct LdnsState {
  ldns_rdf* origin = nullptr;
  ldns_rdf* prev = nullptr;
  ~LdnsState() {
    if (origin) ldns_rdf_deep_free(origin);
    if (prev) ldns_rdf_deep_free(prev);
  }
};

// Consumes blank and comment-only lines (ldns would skip them while reading the next
// record, and the record's first line would be unknown).
void skip_blank_lines(FILE* fp, int& line_nr) {
  while (true) {
    long pos = std::ftell(fp);
    char* line = nullptr;
    std::size_t cap = 0;
    ssize_t n = getline(&line, &cap, fp);
    bool blank = n > 0;
    for (ssize_t i = 0; blank && i < n; ++i) {
      if (line[i] == ';') break;
      if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n') blank = false;
    }
    std::free(line);
    if (!blank) {
      std::fseek(fp, pos, SEEK_SET);
      return;
    }
    ++line_nr;
  }
}

std::string at(const ExpandedFile& f, int line) {
  SourceLine s = f.where(line);
  return s.file + ":" + std::to_string(s.line) + ": ";
}

}  // namespace

Result<dns::Zone> load_zone_file(const std::string& path, const Name& origin, const ZoneFileOptions& options) {
  auto expanded = expand_includes(path, origin.to_text(), options.limits);
  if (!expanded) return Error{expanded.error()};
  const ExpandedFile& f = *expanded;
  dns::Zone zone(origin);
  std::unique_ptr<FILE, decltype(&std::fclose)> fp(
      fmemopen(const_cast<char*>(f.text.data()), f.text.size(), "r"), std::fclose);
  if (f.text.empty()) return Error{path + ": empty zone file"};
  if (!fp) return Error{path + ": cannot read the expanded zone text"};
  LdnsState st;
  st.origin = ldns_dname_new_frm_str(origin.to_text().c_str());
  if (!st.origin) return Error{path + ": bad origin " + origin.to_text()};
  std::uint32_t ttl = options.default_ttl;
  int line_nr = 0;
  while (true) {
    skip_blank_lines(fp.get(), line_nr);
    int c = std::fgetc(fp.get());
    if (c == EOF) break;
    std::ungetc(c, fp.get());
    int start = line_nr + 1;
    ldns_rr* rr = nullptr;
    ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp.get(), &ttl, &st.origin, &st.prev, &line_nr);
    if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL || s == LDNS_STATUS_SYNTAX_ORIGIN) continue;
    if (s != LDNS_STATUS_OK) return Error{at(f, start) + ldns_get_errorstr_by_id(s)};
    std::unique_ptr<ldns_rr, decltype(&ldns_rr_free)> owned(rr, ldns_rr_free);
    auto record = record_of(rr);
    if (!record) return Error{at(f, start) + record.error()};
    if (auto added = zone.add(*record); !added) return Error{at(f, start) + added.message()};
  }
  if (auto done = zone.finish(); !done) return Error{path + ": " + done.message()};
  return zone;
}

}  // namespace hamail::mailsvc::dnsloader
