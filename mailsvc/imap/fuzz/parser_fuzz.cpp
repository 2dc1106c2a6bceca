// Fuzz target: the IMAP command reader and parser. The first input byte picks a chunk size
// and the mailbox encoding, the rest is what a client sends. Checked: nothing crashes or
// trips a sanitizer; reading in chunks gives the same events as reading it whole; the
// reader's buffer stays within its limits; every parse error is printable single-line
// text; and the pure codecs round-trip (modified UTF-7, sequence sets, date-times).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/imap/command_reader.h"
#include "hamail/mailsvc/imap/date_time.h"
#include "hamail/mailsvc/imap/mailbox_name.h"
#include "hamail/mailsvc/imap/parse_command.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace {

using namespace hamail::mailsvc::imap;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "imap_parser_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

ReaderLimits limits() {
  ReaderLimits l;
  l.max_line = 512;
  l.max_literal = 256;
  l.max_command = 2048;
  l.max_message = 4096;
  l.max_literals = 8;
  return l;
}

void check_parse(CommandBytes bytes, const ParseOptions& options) {
  auto command = parse_command(std::move(bytes), options);
  if (command) {
    if (command_name(*command).empty()) fail("a command without a name", command->tag);
    if (auto* search = std::get_if<Search>(&command->body)) (void)describe(search->key);
    return;
  }
  for (char c : command.error())
    if (c < 0x20 || c > 0x7e) fail("an error text that is not printable", command.error());
}

// Reads `input` `chunk` bytes at a time, as a session would: IDLE and AUTHENTICATE switch
// to line mode for one line. Returns the events as text.
std::vector<std::string> drive(std::string_view input, std::size_t chunk, const ParseOptions& options) {
  ReaderLimits l = limits();
  CommandReader reader(l);
  std::vector<std::string> events;
  std::string pending;
  for (std::size_t at = 0; at < input.size() || !pending.empty();) {
    std::size_t n = std::min(chunk, input.size() - at);
    pending.append(input.substr(at, n));
    at += n;
    std::size_t used = 0;
    auto event = reader.read(pending, used);
    pending.erase(0, used);
    if (reader.buffered_bytes() > l.max_line + l.max_command + l.max_message) fail("the reader holds too much", "");
    if (!event) {
      if (at >= input.size()) break;
      continue;
    }
    if (auto* ready = std::get_if<CommandReady>(&*event)) {
      events.push_back("C" + ready->command.tag + " " + ready->command.text);
      for (const Literal& lit : ready->command.literals) events.push_back("L" + lit.data);
      auto parsed = parse_command(ready->command, options);
      check_parse(std::move(ready->command), options);
      if (parsed && (std::holds_alternative<Idle>(parsed->body) || std::holds_alternative<Authenticate>(parsed->body)))
        reader.set_mode(ReaderMode::line);
    } else if (auto* line = std::get_if<LineReady>(&*event)) {
      events.push_back("N" + line->text);
      reader.set_mode(ReaderMode::command);
    } else if (std::holds_alternative<ContinuationRequest>(*event)) {
      events.push_back("+");
    } else if (auto* refused = std::get_if<LiteralRefused>(&*event)) {
      events.push_back("R" + refused->reply);
    } else {
      events.push_back("B" + std::get<CloseConnection>(*event).reply);
    }
  }
  return events;
}

void check_codecs(std::string_view text) {
  if (auto name = decode_mailbox_utf7(text); name && encode_mailbox_utf7(*name) != text)
    fail("modified UTF-7 does not round-trip", text);
  if (valid_utf8(text)) {
    auto back = decode_mailbox_utf7(encode_mailbox_utf7(text));
    bool control = false;
    for (char c : text) control = control || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    if (!control && (!back || *back != text)) fail("UTF-8 -> modified UTF-7 -> UTF-8 changed", text);
  }
  if (auto set = parse_sequence_set(text)) {
    auto back = parse_sequence_set(to_string(*set));
    if (!back || !(*back == *set)) fail("a sequence set changed", text);
  }
  if (auto t = parse_date_time(text)) {
    auto back = parse_date_time(format_date_time(t->unix_seconds(), t->zone_minutes));
    if (!back || back->unix_seconds() != t->unix_seconds()) fail("a date-time changed", text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::size_t chunk = 1 + (data[0] & 0x0f);
  ParseOptions options;
  if (data[0] & 0x10) options.mailbox_encoding = MailboxEncoding::utf8;
  std::vector<std::string> whole = drive(input, input.size() + 1, options);
  if (drive(input, chunk, options) != whole) fail("a split input gave other events", input.substr(0, 200));
  check_codecs(input.substr(0, 256));
  return 0;
}
