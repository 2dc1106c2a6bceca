#include "hamail/mailsvc/users/address.h"

#include <cctype>

namespace hamail::mailsvc::users {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool local_char_ok(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("._+-=!$%&'*/?^`{|}~").find(c) != std::string_view::npos;
}

}  // namespace

Result<std::string> normalize_domain(std::string_view domain) {
  std::string d = lower(domain);
  if (d.empty()) return Error{"empty domain"};
  if (d.size() > 253) return Error{"domain '" + d + "' is longer than 253 characters"};
  std::size_t start = 0;
  while (start <= d.size()) {
    std::size_t dot = d.find('.', start);
    std::string_view label = std::string_view(d).substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty()) return Error{"domain '" + d + "' has an empty label"};
    if (label.size() > 63) return Error{"domain '" + d + "' has a label longer than 63 characters"};
    if (label.front() == '-' || label.back() == '-') {
      return Error{"domain '" + d + "' has a label starting or ending with '-'"};
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return Error{"domain '" + d + "' contains '" + std::string(1, c) + "' (letters, digits, '-' and '.' only)"};
      }
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return d;
}

Result<std::string> normalize_address(std::string_view address) {
  std::string a = lower(address);
  auto at = a.rfind('@');
  if (at == std::string::npos) return Error{"address '" + a + "' has no '@domain'"};
  std::string_view local = std::string_view(a).substr(0, at);
  if (local.empty()) return Error{"address '" + a + "' has an empty local part"};
  if (local.size() > 64) return Error{"address '" + a + "' has a local part longer than 64 characters"};
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return Error{"address '" + a + "' has a misplaced '.' in its local part"};
  }
  for (char c : local) {
    if (!local_char_ok(c)) {
      return Error{"address '" + a + "' contains '" + std::string(1, c) + "' in its local part"};
    }
  }
  auto d = normalize_domain(std::string_view(a).substr(at + 1));
  if (!d) return Error{"address '" + a + "': " + d.error()};
  return a;
}

std::string_view domain_of(std::string_view address) {
  auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

}  // namespace hamail::mailsvc::users
