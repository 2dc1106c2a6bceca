#include "hamail/mailsvc/pop3d/tls_setup.h"

#include "hamail/tls/self_signed.h"
#include "hamail/mailsvc/store/fs.h"

namespace hamail::mailsvc::pop3d {

Result<tls::TlsContext> load_or_generate_tls(const Pop3dConfig& cfg, const Logger& log) {
  bool have_cert = store::path_exists(cfg.tls_cert), have_key = store::path_exists(cfg.tls_key);
  if (have_cert != have_key)
    return Error{"tls: " + (have_cert ? "key " + cfg.tls_key : "certificate " + cfg.tls_cert) +
                 " is missing while the other file exists; remove both to generate a self-signed pair"};
  if (!have_cert) {
    tls::SelfSignedOptions o;
    o.cert_path = cfg.tls_cert;
    o.key_path = cfg.tls_key;
    o.common_name = cfg.hostname;
    o.dns_names = {cfg.hostname};
    if (Status s = tls::generate_self_signed(o); !s) return Error{"tls: " + s.message()};
    log.warning("tls_self_signed_generated").kv("cert", cfg.tls_cert).kv("key", cfg.tls_key).kv("cn", cfg.hostname);
  }
  auto ctx = tls::TlsContext::cert_server(cfg.tls_cert, cfg.tls_key);
  if (!ctx) return Error{"tls: " + ctx.error()};
  return ctx;
}

}  // namespace hamail::mailsvc::pop3d
