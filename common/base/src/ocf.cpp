#include "hamail/base/ocf.h"

namespace hamail {

std::string_view to_string(OcfRc rc) {
  switch (rc) {
    case OcfRc::success: return "ok";
    case OcfRc::err_generic: return "error";
    case OcfRc::err_args: return "invalid parameter";
    case OcfRc::unimplemented: return "unimplemented feature";
    case OcfRc::err_perm: return "insufficient privileges";
    case OcfRc::not_installed: return "not installed";
    case OcfRc::not_configured: return "not configured";
    case OcfRc::not_running: return "not running";
    case OcfRc::running_promoted: return "promoted";
    case OcfRc::failed_promoted: return "promoted (failed)";
    case OcfRc::degraded: return "running (degraded)";
    case OcfRc::degraded_promoted: return "promoted (degraded)";
  }
  return "error";
}

OcfRc ocf_rc_from_exit_code(int exit_code) {
  if (exit_code == code(OcfRc::degraded) || exit_code == code(OcfRc::degraded_promoted))
    return static_cast<OcfRc>(exit_code);
  if (exit_code < 0 || exit_code > 9) return OcfRc::err_generic;
  return static_cast<OcfRc>(exit_code);
}

}  // namespace hamail
