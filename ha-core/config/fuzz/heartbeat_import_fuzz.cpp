// Fuzz target: the Heartbeat import. The input is ha.cf, then a line "%%", haresources,
// then optionally another "%%" line and authkeys. It may not crash, throw or trip a
// sanitizer, and whatever imports must load with the real cluster.yaml parser.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/config/heartbeat_import.h"

namespace {

std::string take_until_separator(std::string& rest) {
  std::size_t at = rest.find("\n%%\n");
  std::string head = rest.substr(0, at);
  rest = at == std::string::npos ? std::string() : rest.substr(at + 4);
  return head;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hamail::config;
  std::string rest(reinterpret_cast<const char*>(data), size);
  HeartbeatInput in;
  in.ha_cf = {"ha.cf", take_until_separator(rest)};
  in.haresources = {"haresources", take_until_separator(rest)};
  if (!rest.empty()) in.authkeys = HeartbeatAuthkeys{{"authkeys", rest}, static_cast<unsigned>(size & 0777)};
  auto result = import_heartbeat(in);
  if (!result) return 0;
  ConfigLoad load = parse_cluster_config(result->yaml, "imported.yaml");
  if (!load.errors.empty()) {
    std::fprintf(stderr, "heartbeat_import_fuzz: the import does not load: %s\n%s\n", load.errors[0].to_string().c_str(),
                 result->yaml.c_str());
    std::abort();
  }
  return 0;
}
