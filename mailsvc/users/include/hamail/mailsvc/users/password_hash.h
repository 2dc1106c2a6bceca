// Password hashes in Dovecot's "{SCHEME}hash" form, made and checked with libcrypt
// (crypt_gensalt_rn + crypt_r): SHA512-CRYPT ($6$), BLF-CRYPT ($2y$) and CRYPT (any
// crypt(3) hash; new ones are yescrypt $y$). Which ones libcrypt has is checked at run time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::users {

enum class Scheme { Sha512Crypt, BlfCrypt, Yescrypt };

// The name in braces as stored: "SHA512-CRYPT", "BLF-CRYPT", "CRYPT" (yescrypt).
std::string_view stored_name(Scheme s);
// Names accepted on the command line: SHA512-CRYPT, BLF-CRYPT, YESCRYPT (any case).
std::optional<Scheme> scheme_from_cli(std::string_view name);

constexpr std::size_t kMaxPasswordBytes = 1024;

// Ok when this libcrypt can generate salts for s; otherwise says it is not supported.
Status scheme_available(Scheme s);
std::vector<Scheme> available_schemes();

// "{SHA512-CRYPT}$6$salt$hash" for a new random salt.
Result<std::string> hash_password(Scheme s, std::string_view password);

// Checks password against a stored "{SCHEME}hash" (no braces = CRYPT). The comparison
// of the computed and stored hash takes time independent of where they differ.
// Errors: an unknown scheme, a hash libcrypt cannot handle, an over-long password.
Result<bool> verify_password(std::string_view stored, std::string_view password);

// The scheme name of a stored password ("SHA512-CRYPT"; "CRYPT" without braces).
std::string scheme_of(std::string_view stored);

}  // namespace hamail::mailsvc::users
