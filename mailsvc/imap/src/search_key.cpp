#include "hamail/mailsvc/imap/search_key.h"

#include <type_traits>

namespace hamail::mailsvc::imap {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string date_text(const Date& d) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return std::to_string(d.day) + "-" + kMonths[d.month - 1] + "-" + std::to_string(d.year);
}

std::string date_key(const SearchDate& k) {
  static constexpr const char* kRelations[] = {"BEFORE", "ON", "SINCE"};
  return std::string(k.field == SearchDate::Field::sent ? "SENT" : "") +
         kRelations[static_cast<int>(k.relation)] + " " + date_text(k.date);
}

std::string joined(const std::vector<SearchKey>& keys) {
  std::string out;
  for (const SearchKey& k : keys) out += (out.empty() ? "" : ",") + describe(k);
  return out;
}

}  // namespace

std::string describe(const SearchKey& key) {
  return std::visit(
      [](const auto& k) -> std::string {
        using T = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<T, SearchAll>) return "ALL";
        else if constexpr (std::is_same_v<T, SearchFlag>) return (k.present ? "FLAG " : "NOFLAG ") + k.flag.name;
        else if constexpr (std::is_same_v<T, SearchHeader>) return "HEADER " + k.field + " " + quoted(k.value);
        else if constexpr (std::is_same_v<T, SearchText>) return (k.body_only ? "BODY " : "TEXT ") + quoted(k.value);
        else if constexpr (std::is_same_v<T, SearchDate>) return date_key(k);
        else if constexpr (std::is_same_v<T, SearchSize>) return (k.larger ? "LARGER " : "SMALLER ") + std::to_string(k.octets);
        else if constexpr (std::is_same_v<T, SearchSet>) return (k.uid ? "UID " : "SET ") + to_string(k.set);
        else if constexpr (std::is_same_v<T, SearchModSeq>)
          return "MODSEQ " + (k.entry ? quoted(*k.entry) + " " + k.entry_type + " " : "") + std::to_string(k.modseq);
        else if constexpr (std::is_same_v<T, SearchNot>) return "NOT(" + joined(k.key) + ")";
        else if constexpr (std::is_same_v<T, SearchOr>) return "OR(" + joined(k.keys) + ")";
        else return "AND(" + joined(k.keys) + ")";
      },
      key.node);
}

}  // namespace hamail::mailsvc::imap
