#include "hamail/mailsvc/users/password_hash.h"

#include <crypt.h>
#include <string.h>

#include <cctype>
#include <memory>

namespace hamail::mailsvc::users {

namespace {

const char* prefix_of(Scheme s) {
  switch (s) {
    case Scheme::Sha512Crypt: return "$6$";
    case Scheme::BlfCrypt: return "$2y$";
    case Scheme::Yescrypt: return "$y$";
  }
  return "";
}

std::string_view cli_name(Scheme s) {
  switch (s) {
    case Scheme::Sha512Crypt: return "SHA512-CRYPT";
    case Scheme::BlfCrypt: return "BLF-CRYPT";
    case Scheme::Yescrypt: return "YESCRYPT";
  }
  return "";
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Equal length and bytes, in time that depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b) {
  std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

Status check_password(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return Error{"password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes"};
  }
  if (password.find('\0') != std::string_view::npos) return Error{"password contains a NUL byte"};
  return Status::ok();
}

// crypt_r on the heap (struct crypt_data is ~32 KiB), wiped afterwards.
struct CryptData {
  std::unique_ptr<crypt_data> d = std::make_unique<crypt_data>();
  ~CryptData() { explicit_bzero(d.get(), sizeof *d); }
};

}  // namespace

std::string_view stored_name(Scheme s) {
  switch (s) {
    case Scheme::Sha512Crypt: return "SHA512-CRYPT";
    case Scheme::BlfCrypt: return "BLF-CRYPT";
    case Scheme::Yescrypt: return "CRYPT";
  }
  return "";
}

std::optional<Scheme> scheme_from_cli(std::string_view name) {
  std::string up(name);
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (Scheme s : {Scheme::Sha512Crypt, Scheme::BlfCrypt, Scheme::Yescrypt}) {
    if (up == cli_name(s)) return s;
  }
  return std::nullopt;
}

Status scheme_available(Scheme s) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn(prefix_of(s), 0, nullptr, 0, salt, sizeof salt)) {
    return Error{"password scheme " + std::string(cli_name(s)) + " is not supported by this system's libcrypt (" +
                 strerror(errno) + ")"};
  }
  return Status::ok();
}

std::vector<Scheme> available_schemes() {
  std::vector<Scheme> out;
  for (Scheme s : {Scheme::Sha512Crypt, Scheme::BlfCrypt, Scheme::Yescrypt}) {
    if (scheme_available(s)) out.push_back(s);
  }
  return out;
}

Result<std::string> hash_password(Scheme s, std::string_view password) {
  if (Status st = check_password(password); !st) return Error{st.message()};
  if (Status st = scheme_available(s); !st) return Error{st.message()};
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn(prefix_of(s), 0, nullptr, 0, salt, sizeof salt)) {
    return Error{"crypt_gensalt for " + std::string(cli_name(s)) + ": " + strerror(errno)};
  }
  CryptData cd;
  std::string pw(password);
  const char* h = crypt_r(pw.c_str(), salt, cd.d.get());
  explicit_bzero(pw.data(), pw.size());
  if (!h || h[0] == '*') return Error{"crypt failed for scheme " + std::string(cli_name(s))};
  return "{" + std::string(stored_name(s)) + "}" + h;
}

std::string scheme_of(std::string_view stored) {
  if (stored.empty() || stored.front() != '{') return "CRYPT";
  auto close = stored.find('}');
  if (close == std::string_view::npos) return "";
  std::string name(stored.substr(1, close - 1));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

Result<bool> verify_password(std::string_view stored, std::string_view password) {
  if (Status st = check_password(password); !st) return Error{st.message()};
  std::string scheme = scheme_of(stored);
  if (scheme.empty()) return Error{"password field has '{' without '}'"};
  std::string_view hash = stored;
  if (!stored.empty() && stored.front() == '{') hash = stored.substr(stored.find('}') + 1);
  if (hash.empty()) return Error{"no password set"};
  if (scheme == "SHA512-CRYPT") {
    if (!starts_with(hash, "$6$")) return Error{"SHA512-CRYPT hash does not start with '$6$'"};
  } else if (scheme == "BLF-CRYPT") {
    if (!starts_with(hash, "$2a$") && !starts_with(hash, "$2b$") && !starts_with(hash, "$2y$")) {
      return Error{"BLF-CRYPT hash does not start with '$2a$', '$2b$' or '$2y$'"};
    }
  } else if (scheme != "CRYPT") {
    return Error{"unsupported password scheme '" + scheme + "' (supported: SHA512-CRYPT, BLF-CRYPT, CRYPT)"};
  }
  CryptData cd;
  std::string pw(password), setting(hash);
  const char* h = crypt_r(pw.c_str(), setting.c_str(), cd.d.get());
  explicit_bzero(pw.data(), pw.size());
  if (!h || h[0] == '*') {
    return Error{scheme + " hash is malformed or its method is not supported by this system's libcrypt"};
  }
  return constant_time_equal(h, hash);
}

}  // namespace hamail::mailsvc::users
