#include "hamail/hacore/executor/action.h"

#include <array>
#include <utility>

namespace hamail::executor {
namespace {

constexpr std::array<std::pair<Action, std::string_view>, 7> kNames{{
    {Action::start, "start"},
    {Action::stop, "stop"},
    {Action::monitor, "monitor"},
    {Action::promote, "promote"},
    {Action::demote, "demote"},
    {Action::meta_data, "meta-data"},
    {Action::validate_all, "validate-all"},
}};

}  // namespace

std::string_view to_string(Action action) {
  for (const auto& [a, name] : kNames)
    if (a == action) return name;
  return "unknown";
}

std::optional<Action> parse_action(std::string_view name) {
  for (const auto& [a, n] : kNames)
    if (n == name) return a;
  return std::nullopt;
}

}  // namespace hamail::executor
