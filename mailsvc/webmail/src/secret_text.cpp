#include "hamail/mailsvc/webmail/secret_text.h"

#include <openssl/crypto.h>

namespace hamail::mailsvc::webmail {

void SecretText::wipe() {
  // The whole capacity: a shorter value may have left older bytes behind.
  if (text_.capacity() > 0) ::OPENSSL_cleanse(text_.data(), text_.capacity());
  text_.clear();
}

SecretText& SecretText::operator=(const SecretText& other) {
  if (this != &other) {
    wipe();
    text_ = other.text_;
  }
  return *this;
}

SecretText::SecretText(SecretText&& other) noexcept : text_(other.text_) { other.wipe(); }

SecretText& SecretText::operator=(SecretText&& other) noexcept {
  if (this != &other) {
    wipe();
    text_ = other.text_;
    other.wipe();
  }
  return *this;
}

}  // namespace hamail::mailsvc::webmail
