#include "hamail/mailsvc/daemon/server_tls.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "hamail/tls/self_signed.h"

namespace hamail::mailsvc::daemon {

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 || errno != ENOENT;
}

// Creates `dir` and its missing parents, each with mode 0700.
Status make_private_dirs(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::ok();
    return Error{"tls: cannot create directory " + dir + ": it exists and is not a directory"};
  }
  if (errno != ENOENT) return Error{"tls: cannot create directory " + dir + ": " + std::strerror(errno)};
  auto slash = dir.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (Status s = make_private_dirs(dir.substr(0, slash)); !s) return s;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Error{"tls: cannot create directory " + dir + ": " + std::strerror(errno)};
  return Status::ok();
}

std::string parent_of(const std::string& file) {
  auto slash = file.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : file.substr(0, slash);
}

Status generate(const TlsFiles& files, const std::string& hostname, const Logger& log) {
  for (const auto* path : {&files.cert, &files.key})
    if (Status s = make_private_dirs(parent_of(*path)); !s) return s;
  tls::SelfSignedOptions o;
  o.cert_path = files.cert;
  o.key_path = files.key;
  o.common_name = hostname;
  o.dns_names = {hostname};
  if (hostname != "localhost") o.dns_names.push_back("localhost");
  if (Status s = tls::generate_self_signed(o); !s) return Error{"tls: generating a self-signed pair: " + s.message()};
  log.warning("tls_self_signed_generated")
      .kv("cert", files.cert)
      .kv("key", files.key)
      .kv("cn", hostname)
      .kv("note", "replace with a certificate from a CA for production");
  return Status::ok();
}

}  // namespace

Result<tls::TlsContext> load_server_tls(const TlsFiles& files, const std::string& hostname, const Logger& log) {
  bool have_cert = exists(files.cert), have_key = exists(files.key);
  if (have_cert != have_key) {
    const std::string& missing = have_cert ? files.key : files.cert;
    const std::string& present = have_cert ? files.cert : files.key;
    return Error{"tls: " + std::string(have_cert ? "key " : "certificate ") + missing + " is missing while " +
                 present + " exists; provide both, or remove both to have a self-signed pair generated"};
  }
  if (!have_cert) {
    if (Status s = generate(files, hostname, log); !s) return Error{s.message()};
  }
  auto ctx = tls::TlsContext::cert_server(files.cert, files.key);
  if (!ctx) return Error{"tls: " + ctx.error()};
  return ctx;
}

}  // namespace hamail::mailsvc::daemon
