// Splits a text file into lines for the line-based parsers (passwd, aliases, domains):
// '\n' separated, a trailing '\r' dropped, numbered from 1 for "file:line:" errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::users {

struct TextLine {
  std::size_t number = 0;
  std::string_view text;
};

std::vector<TextLine> split_lines(std::string_view text);
std::string_view trim(std::string_view s);
bool is_comment_or_blank(std::string_view line);
// The line cut to 80 characters for an error message.
std::string quote_line(std::string_view line);

}  // namespace hamail::mailsvc::users
