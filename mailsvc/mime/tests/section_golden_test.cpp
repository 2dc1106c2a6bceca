// BODY[section] of each test message against Dovecot 2.3's answers (tests/data/NAME.sections,
// made by regenerate_goldens.py): the sections are read by mailsvc_imap's FETCH parser, as
// imapd will read them.
#include <gtest/gtest.h>

#include <variant>

#include "hamail/mailsvc/imap/parse_command.h"
#include "hamail/mailsvc/mime/fetch.h"
#include "mime_test_util.h"

namespace hamail::mailsvc::mime {
namespace {

struct Expected {
  std::string section;  // as written in the FETCH
  std::optional<std::string> bytes;  // nullopt: Dovecot answered NIL
};

std::vector<Expected> read_sections(const std::string& text) {
  std::vector<Expected> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t tab = text.find('\t', pos);
    std::size_t nl = text.find('\n', pos);
    if (tab == std::string::npos || nl == std::string::npos || tab > nl) break;
    Expected e{text.substr(pos, tab - pos), std::nullopt};
    std::string count = text.substr(tab + 1, nl - tab - 1);
    pos = nl + 1;
    if (count != "NIL") {
      std::size_t n = std::stoul(count);
      e.bytes = text.substr(pos, n);
      pos += n + 1;
    }
    out.push_back(std::move(e));
  }
  return out;
}

imap::Section parse_section(const std::string& written) {
  Result<imap::Command> cmd = imap::parse_command(imap::CommandBytes{"a", "a FETCH 1 BODY.PEEK[" + written + "]", {}});
  EXPECT_TRUE(cmd.is_ok()) << written << ": " << (cmd ? "" : cmd.error());
  if (!cmd) return {};
  const auto* fetch = std::get_if<imap::Fetch>(&cmd->body);
  EXPECT_TRUE(fetch != nullptr && fetch->items.size() == 1);
  return fetch ? fetch->items.front().section : imap::Section{};
}

class SectionGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(SectionGolden, MatchesDovecot) {
  std::string name = GetParam();
  Result<MimeMessage> msg = MimeMessage::parse(test::read_data(name + ".eml"));
  ASSERT_TRUE(msg.is_ok());
  std::vector<Expected> expected = read_sections(test::read_data(name + ".sections"));
  ASSERT_GE(expected.size(), 20u);
  for (const Expected& e : expected) {
    EXPECT_EQ(section_bytes(*msg, parse_section(e.section)), e.bytes.value_or("")) << name << " BODY[" << e.section << "]";
  }
}

INSTANTIATE_TEST_SUITE_P(Messages, SectionGolden,
                         ::testing::Values("plain", "alternative", "mixed_attachment", "nested_rfc822",
                                           "encoded_words", "missing_headers", "no_final_boundary",
                                           "no_boundary_param", "eightbit", "edge_cases", "digest",
                                           "toplevel_rfc822", "addresses", "duplicates",
                                           "not_mime", "address_errors"));

}  // namespace
}  // namespace hamail::mailsvc::mime
