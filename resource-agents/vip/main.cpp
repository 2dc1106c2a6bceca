// vip: the ocf:hamail:vip resource agent. Reads OCF_RESKEY_* from the environment, runs
// the action named by argv[1], prints `ocf-exit-reason:` on failure, exits with the OCF code.
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "actions.h"
#include "hamail/agents/vip/meta_data.h"

extern char** environ;

namespace {

using namespace hamail::vip;
using hamail::code;
using hamail::OcfRc;

std::map<std::string, std::string> ocf_params() {
  std::map<std::string, std::string> out;
  constexpr std::string_view kPrefix = "OCF_RESKEY_";
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (kv.substr(0, kPrefix.size()) != kPrefix) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(kv.substr(kPrefix.size(), eq - kPrefix.size()));
    if (key.rfind("CRM_meta_", 0) == 0) continue;
    out[key] = std::string(kv.substr(eq + 1));
  }
  return out;
}

int finish(const Outcome& o) {
  if (!o.reason.empty()) std::fprintf(stderr, "ocf-exit-reason:%s\n", o.reason.c_str());
  return code(o.rc);
}

void usage(FILE* to) {
  std::fprintf(to, "usage: vip start|stop|monitor|meta-data|validate-all\n"
                   "  (OCF_RESKEY_ip required; see `vip meta-data` for every parameter)\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    usage(stderr);
    return code(OcfRc::err_args);
  }
  std::string action = argv[1];
  if (action == "meta-data") {
    std::fputs(meta_data_xml().c_str(), stdout);
    return code(OcfRc::success);
  }
  if (action == "usage" || action == "help" || action == "--help") {
    usage(stdout);
    return code(OcfRc::success);
  }
  if (action != "start" && action != "stop" && action != "monitor" && action != "status" && action != "validate-all") {
    std::fprintf(stderr, "vip: action '%s' is not implemented\n", action.c_str());
    return code(OcfRc::unimplemented);
  }
  auto params = parse_vip_params(ocf_params());
  if (!params) return finish({OcfRc::not_configured, "invalid parameters: " + params.error()});
  if (action == "start") return finish(vip_start(*params));
  if (action == "stop") return finish(vip_stop(*params));
  if (action == "validate-all") return finish(vip_validate(*params));
  return finish(vip_monitor(*params));  // monitor, status
}
