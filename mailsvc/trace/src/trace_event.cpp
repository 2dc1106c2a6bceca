#include "hamail/mailsvc/trace/trace_event.h"

#include <array>
#include <cctype>
#include <utility>

namespace hamail::mailsvc::trace {
namespace {

constexpr std::array<std::pair<EventKind, std::string_view>, 11> kNames{{
    {EventKind::received, "received"},
    {EventKind::rejected, "rejected"},
    {EventKind::requeued, "requeued"},
    {EventKind::deferred, "deferred"},
    {EventKind::delivered, "delivered"},
    {EventKind::failed, "failed"},
    {EventKind::expired, "expired"},
    {EventKind::bounced, "bounced"},
    {EventKind::deleted, "deleted"},
    {EventKind::retrieved, "retrieved"},
    {EventKind::removed, "removed"},
}};

}  // namespace

std::string_view to_string(EventKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "unknown";
}

std::optional<EventKind> event_kind_from_string(std::string_view name) {
  for (const auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

int kind_rank(EventKind kind) { return static_cast<int>(kind); }

std::string normalize_address(std::string_view address) {
  while (!address.empty() && address.front() == ' ') address.remove_prefix(1);
  while (!address.empty() && address.back() == ' ') address.remove_suffix(1);
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
    address = address.substr(1, address.size() - 2);
  std::string out(address);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string normalize_message_id(std::string_view id) {
  while (!id.empty() && (id.front() == ' ' || id.front() == '\t')) id.remove_prefix(1);
  while (!id.empty() && (id.back() == ' ' || id.back() == '\t')) id.remove_suffix(1);
  if (id == "-") return {};
  if (!id.empty() && id.front() != '<') return "<" + std::string(id) + ">";
  return std::string(id);
}

}  // namespace hamail::mailsvc::trace
