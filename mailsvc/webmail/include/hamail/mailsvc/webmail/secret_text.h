// A password kept in a webmail session for sending (smtpd's AUTH as the user): a string
// wiped (OPENSSL_cleanse, its whole capacity) whenever a copy is destroyed, moved from or
// overwritten, with no way to be printed.
#pragma once

#include <string>
#include <string_view>

namespace hamail::mailsvc::webmail {

class SecretText {
 public:
  SecretText() = default;
  explicit SecretText(std::string_view text) : text_(text) {}
  SecretText(const SecretText& other) : text_(other.text_) {}
  SecretText& operator=(const SecretText& other);
  SecretText(SecretText&& other) noexcept;
  SecretText& operator=(SecretText&& other) noexcept;
  ~SecretText() { wipe(); }

  const std::string& reveal() const { return text_; }  // only to hand it to the SMTP client
  bool empty() const { return text_.empty(); }
  void wipe();

 private:
  std::string text_;
};

}  // namespace hamail::mailsvc::webmail
