#include "hamail/mailsvc/users/domains.h"

#include <algorithm>
#include <unordered_map>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/users/address.h"
#include "hamail/mailsvc/users/text_lines.h"

namespace hamail::mailsvc::users {

Result<DomainList> DomainList::parse(std::string_view text, const std::string& file) {
  DomainList dl;
  std::unordered_map<std::string, std::size_t> first_at;
  for (const TextLine& l : split_lines(text)) {
    auto err = [&](const std::string& what) { return Error{file + ":" + std::to_string(l.number) + ": " + what}; };
    if (is_comment_or_blank(l.text)) continue;
    auto d = normalize_domain(trim(l.text));
    if (!d) return err("bad domain: " + d.error());
    if (auto it = first_at.find(*d); it != first_at.end()) {
      return err("duplicate domain '" + *d + "' (first at line " + std::to_string(it->second) + ")");
    }
    first_at[*d] = l.number;
    dl.domains_.push_back(*d);
  }
  return dl;
}

Result<DomainList> DomainList::load(const std::string& path) {
  if (!store::path_exists(path)) return DomainList();
  auto text = store::read_file_bounded(path, kMaxFileBytes);
  if (!text) return Error{text.error()};
  return parse(*text, path);
}

std::string DomainList::serialize() const {
  std::string out;
  for (const auto& d : domains_) out += d + "\n";
  return out;
}

bool DomainList::contains(std::string_view domain) const {
  return std::find(domains_.begin(), domains_.end(), domain) != domains_.end();
}

Status DomainList::add(const std::string& domain) {
  if (contains(domain)) return Error{"domain '" + domain + "' is already local"};
  domains_.push_back(domain);
  return Status::ok();
}

Status DomainList::remove(std::string_view domain) {
  auto it = std::find(domains_.begin(), domains_.end(), domain);
  if (it == domains_.end()) return Error{"domain '" + std::string(domain) + "' is not a local domain"};
  domains_.erase(it);
  return Status::ok();
}

}  // namespace hamail::mailsvc::users
