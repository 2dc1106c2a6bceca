#include "hamail/mailsvc/imap/command_reader.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "chars.h"
#include "hamail/base/invariant.h"

namespace hamail::mailsvc::imap {
namespace {

struct Announcement {
  std::size_t begin = 0;  // of "{" or "~{" in the line
  std::uint64_t size = 0;  // saturates at the uint64 maximum (over every limit)
  bool non_synchronizing = false;
  bool binary = false;
};

// "{N}", "{N+}", "~{N}" at the very end of a line: a literal follows the line end.
std::optional<Announcement> announcement_at_end(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  std::size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view inside = line.substr(open + 1, line.size() - open - 2);
  Announcement a;
  if (!inside.empty() && inside.back() == '+') {
    a.non_synchronizing = true;
    inside.remove_suffix(1);
  }
  if (inside.empty()) return std::nullopt;
  for (char c : inside) {
    if (!chars::digit(c)) return std::nullopt;
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    a.size = a.size > (kMax - d) / 10 ? kMax : a.size * 10 + d;
  }
  a.binary = open > 0 && line[open - 1] == '~';
  a.begin = a.binary ? open - 1 : open;
  return a;
}

std::string first_word(std::string_view line, std::size_t skip_words) {
  for (; skip_words > 0; --skip_words) {
    std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return {};
    line.remove_prefix(sp + 1);
  }
  return std::string(line.substr(0, line.find(' ')));
}

}  // namespace

CommandReader::CommandReader(ReaderLimits limits) : limits_(limits) {}

std::size_t CommandReader::buffered_bytes() const { return line_.size() + command_bytes_; }

void CommandReader::set_mode(ReaderMode mode) {
  HAMAIL_INVARIANT(!mid_command(), "the IMAP reader mode changes only between commands");
  mode_ = mode;
}

std::optional<ReaderEvent> CommandReader::read(std::string_view in, std::size_t& used) {
  used = 0;
  if (closed_) {
    used = in.size();
    return std::nullopt;
  }
  while (used < in.size()) {
    std::string_view rest = in.substr(used);
    if (in_literal_) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(literal_left_, rest.size()));
      command_.literals.back().data.append(rest.substr(0, n));
      used += n;
      literal_left_ -= n;
      in_literal_ = literal_left_ > 0;
      continue;
    }
    std::size_t lf = rest.find('\n');
    std::size_t take = lf == std::string_view::npos ? rest.size() : lf + 1;
    if (line_.size() + take > limits_.max_line) {
      used += take;
      return close("line is longer than " + std::to_string(limits_.max_line) + " octets");
    }
    line_.append(rest.substr(0, take));
    used += take;
    if (lf != std::string_view::npos) {
      if (auto event = line_complete()) return event;
    }
  }
  return std::nullopt;
}

std::optional<ReaderEvent> CommandReader::line_complete() {
  std::string line = std::move(line_);
  line_.clear();
  line.pop_back();  // LF
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (mode_ == ReaderMode::line) return LineReady{std::move(line)};

  if (command_.text.empty() && command_.literals.empty()) {
    std::string tag = first_word(line, 0);
    command_.tag = chars::valid_tag(tag) ? tag : "*";
    append_ = chars::iequals(first_word(line, 1), "APPEND");
  }
  std::optional<Announcement> a = announcement_at_end(line);
  std::size_t base = command_.text.size();
  command_.text += line;
  command_bytes_ += line.size();
  if (!a) {
    ReaderEvent ready = CommandReady{std::move(command_)};
    reset_command();
    return ready;
  }
  std::string_view announcement = std::string_view(line).substr(a->begin);
  std::uint64_t literal_max = append_ ? limits_.max_message : limits_.max_literal;
  std::uint64_t command_max = limits_.max_command + (append_ ? limits_.max_message : 0);
  if (command_.literals.size() >= limits_.max_literals)
    return refuse_literal(a->non_synchronizing,
                          "more than " + std::to_string(limits_.max_literals) + " literals in one command", false);
  if (a->size > literal_max)
    return refuse_literal(a->non_synchronizing,
                          "literal " + std::string(announcement) + " is over the limit of " +
                              std::to_string(literal_max) + " octets",
                          true);
  if (command_bytes_ > command_max || a->size > command_max - command_bytes_)
    return refuse_literal(a->non_synchronizing,
                          "literal " + std::string(announcement) + " makes the command longer than " +
                              std::to_string(command_max) + " octets",
                          true);
  Literal literal;
  literal.begin = base + a->begin;
  literal.end = base + line.size();
  literal.binary = a->binary;
  literal.non_synchronizing = a->non_synchronizing;
  literal.data.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(a->size, 64 * 1024)));
  command_.literals.push_back(std::move(literal));
  command_bytes_ += static_cast<std::size_t>(a->size);
  literal_left_ = a->size;
  in_literal_ = a->size > 0;
  if (a->non_synchronizing) return std::nullopt;
  return ContinuationRequest{"+ Ready for literal data\r\n"};
}

std::optional<ReaderEvent> CommandReader::refuse_literal(bool non_synchronizing, std::string why, bool too_big) {
  if (non_synchronizing) return close((too_big ? "[TOOBIG] non-synchronising " : "non-synchronising ") + why);
  std::string tag = command_.tag;
  reset_command();
  std::string reply = tag + (too_big ? " NO [TOOBIG] " : " BAD ") + why + "\r\n";
  return LiteralRefused{std::move(tag), std::move(reply)};
}

ReaderEvent CommandReader::close(std::string text) {
  closed_ = true;
  reset_command();
  line_.clear();
  line_.shrink_to_fit();
  return CloseConnection{"* BYE " + text + "\r\n"};
}

void CommandReader::reset_command() {
  command_ = CommandBytes{};
  command_bytes_ = 0;
  append_ = false;
  in_literal_ = false;
  literal_left_ = 0;
}

}  // namespace hamail::mailsvc::imap
