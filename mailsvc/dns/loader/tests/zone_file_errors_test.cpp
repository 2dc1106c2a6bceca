#include <gtest/gtest.h>

#include "hamail/mailsvc/dnsloader/zone_file.h"

namespace hamail::mailsvc::dnsloader {
namespace {

std::string data(const std::string& f) { return std::string(DNS_TEST_DATA) + "/" + f; }

std::string error_of(const std::string& file) {
  auto z = load_zone_file(data(file), *dns::Name::from_text("example.org"));
  return z ? std::string("(loaded)") : z.error();
}

void expect_error(const std::string& file, const std::string& where, const std::string& what) {
  std::string e = error_of(file);
  EXPECT_EQ(e.rfind(data(where), 0), 0u) << e;
  EXPECT_NE(e.find(what), std::string::npos) << e;
}

TEST(ZoneFileErrors, SyntaxErrorNamesFileAndLine) { expect_error("bad_syntax.zone", "bad_syntax.zone:3: ", "rdata"); }

TEST(ZoneFileErrors, CnameAndOtherData) {
  expect_error("cname_and_other.zone", "cname_and_other.zone:5: ", "CNAME and other data at www.example.org.");
}

TEST(ZoneFileErrors, LineOfARecordAfterAMultiLineOne) {
  expect_error("multiline_error.zone", "multiline_error.zone:6: ", "CNAME and other data");
}

TEST(ZoneFileErrors, OutOfZoneData) { expect_error("out_of_zone.zone", "out_of_zone.zone:3: ", "out-of-zone data"); }

TEST(ZoneFileErrors, NoSoa) { expect_error("no_soa.zone", "no_soa.zone: ", "no SOA at the zone apex"); }

TEST(ZoneFileErrors, TwoSoas) { expect_error("two_soa.zone", "two_soa.zone:3: ", "more than one SOA"); }

TEST(ZoneFileErrors, SoaBelowTheApex) { expect_error("soa_not_apex.zone", "soa_not_apex.zone:3: ", "SOA not at the zone apex"); }

TEST(ZoneFileErrors, MissingInclude) {
  expect_error("missing_include.zone", "missing_include.zone:3: ", "cannot open");
}

TEST(ZoneFileErrors, ErrorInsideAnIncludedFileNamesThatFile) {
  expect_error("include_with_error.zone", "broken.inc:3: ", "");
}

TEST(ZoneFileErrors, IncludeLoopIsBounded) {
  expect_error("self_include.zone", "self_include.zone:3: ", "nested too deep");
}

TEST(ZoneFileErrors, MissingFile) {
  EXPECT_NE(error_of("no-such.zone").find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace hamail::mailsvc::dnsloader
