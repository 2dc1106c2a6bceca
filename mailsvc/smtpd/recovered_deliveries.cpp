#include "hamail/mailsvc/smtpd/recovered_deliveries.h"

#include <openssl/evp.h>

#include "hamail/mailsvc/store/delivery_tokens.h"

namespace hamail::mailsvc::smtpd {

std::uint64_t delivery_token(const std::string& queue_id, std::size_t index, const std::string& address) {
  std::string in = queue_id + '\0' + std::to_string(index) + '\0' + address;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::uint64_t token = 0;
  if (EVP_Digest(in.data(), in.size(), md, &len, EVP_sha256(), nullptr) == 1) {
    for (unsigned i = 0; i < 8 && i < len; ++i) token = token << 8 | md[i];
  }
  return token;
}

void RecoveredDeliveries::expect(const std::string& maildir, std::uint64_t token) {
  std::lock_guard lock(mu_);
  mailboxes_[maildir].expected.insert(token);
}

Result<std::optional<std::string>> RecoveredDeliveries::take(const std::string& maildir, std::uint64_t token) {
  std::lock_guard lock(mu_);
  auto it = mailboxes_.find(maildir);
  if (it == mailboxes_.end() || !it->second.expected.count(token)) return std::optional<std::string>();
  Mailbox& box = it->second;
  if (!box.found) {
    auto scan = store::find_delivery_tokens(maildir, box.expected);
    if (!scan) return Error{"looking for copies delivered before the restart: " + scan.error()};
    box.found = std::move(scan->found);
    if (scan->tmp_removed > 0) {
      log_.info("maildir_leftovers_removed").kv("maildir", maildir)
          .kv("files", static_cast<unsigned long>(scan->tmp_removed))
          .kv("reason", "uncommitted copies in tmp/ left by a crash; delivered again");
    }
  }
  std::optional<std::string> file;
  if (auto f = box.found->find(token); f != box.found->end()) file = f->second;
  box.expected.erase(token);
  if (box.expected.empty()) mailboxes_.erase(it);
  return file;
}

std::size_t RecoveredDeliveries::expected() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [dir, box] : mailboxes_) n += box.expected.size();
  return n;
}

}  // namespace hamail::mailsvc::smtpd
