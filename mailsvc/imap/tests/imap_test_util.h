// Test helpers for mailsvc_imap: run wire bytes through a CommandReader (in chunks of
// any size) and describe its events as text; parse one wire command.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hamail/mailsvc/imap/command_reader.h"
#include "hamail/mailsvc/imap/parse_command.h"

namespace hamail::mailsvc::imap::test {

// One event as text: "command TAG text [literal]...", "line TEXT", "continue", "refused REPLY", "close REPLY".
inline std::string describe_event(const ReaderEvent& e) {
  if (auto* c = std::get_if<CommandReady>(&e)) {
    std::string out = "command " + c->command.tag + " " + c->command.text;
    for (const Literal& l : c->command.literals)
      out += " [" + std::to_string(l.begin) + "-" + std::to_string(l.end) + (l.binary ? " bin" : "") +
             (l.non_synchronizing ? " nonsync" : "") + ":" + l.data + "]";
    return out;
  }
  if (auto* l = std::get_if<LineReady>(&e)) return "line " + l->text;
  if (std::holds_alternative<ContinuationRequest>(e)) return "continue";
  if (auto* r = std::get_if<LiteralRefused>(&e)) return "refused " + r->reply;
  return "close " + std::get<CloseConnection>(e).reply;
}

// Everything `input` gives, passed to the reader `chunk` bytes at a time (0: all at once).
inline std::vector<std::string> read_all(CommandReader& reader, std::string_view input, std::size_t chunk = 0) {
  std::vector<std::string> events;
  std::string pending;
  for (std::size_t at = 0; at < input.size() || !pending.empty();) {
    std::size_t n = chunk == 0 ? input.size() - at : std::min(chunk, input.size() - at);
    pending.append(input.substr(at, n));
    at += n;
    std::size_t used = 0;
    auto event = reader.read(pending, used);
    pending.erase(0, used);
    if (event) events.push_back(describe_event(*event));
    else if (at >= input.size()) break;
  }
  return events;
}

// The one command in `wire` (CRLF-terminated, literals inline) as the reader assembles it.
inline CommandBytes assemble(std::string_view wire) {
  CommandReader reader;
  std::string pending(wire);
  while (!pending.empty()) {
    std::size_t used = 0;
    auto event = reader.read(pending, used);
    pending.erase(0, used);
    if (!event) break;
    if (auto* c = std::get_if<CommandReady>(&*event)) return std::move(c->command);
  }
  ADD_FAILURE() << "no complete command in: " << wire;
  return {};
}

inline Result<Command> parse(std::string_view wire, ParseOptions options = {}) {
  return parse_command(assemble(wire), options);
}

// The command body of a wire command that must parse.
template <class T>
T parsed(std::string_view wire, ParseOptions options = {}) {
  auto r = parse(wire, options);
  if (!r) {
    ADD_FAILURE() << wire << " -> " << r.error();
    return T{};
  }
  if (!std::holds_alternative<T>(r->body)) {
    ADD_FAILURE() << wire << " parsed as " << command_name(*r);
    return T{};
  }
  return std::get<T>(std::move(r->body));
}

// The error a wire command must give.
inline std::string error_of(std::string_view wire, ParseOptions options = {}) {
  auto r = parse(wire, options);
  if (r) {
    ADD_FAILURE() << wire << " parsed as " << command_name(*r);
    return {};
  }
  return r.error();
}

}  // namespace hamail::mailsvc::imap::test
