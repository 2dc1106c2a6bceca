#include "hamail/hacore/executor/ocf_environment.h"

#include <map>

namespace hamail::executor {

bool valid_param_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status check_param_names(const config::ResourceConfig& resource) {
  for (const auto& [key, value] : resource.params)
    if (!valid_param_name(key))
      return Error{"resource '" + resource.name + "': parameter name '" + key + "' cannot be passed as OCF_RESKEY_" +
                   key + " (use letters, digits and _)"};
  return Status::ok();
}

std::vector<std::string> ocf_environment(const ExecutorOptions& options, const config::ResourceConfig& resource,
                                         const AgentSpec& spec, std::uint64_t interval_ms, std::uint64_t timeout_ms) {
  std::map<std::string, std::string> env;
  for (const auto& [key, value] : resource.params) env["OCF_RESKEY_" + key] = value;
  // Set after the params, so a param cannot override what the cluster defines.
  env["OCF_ROOT"] = options.ocf_root;
  env["OCF_FUNCTIONS_DIR"] = options.ocf_root + "/lib/heartbeat";
  env["OCF_RA_VERSION_MAJOR"] = "1";
  env["OCF_RA_VERSION_MINOR"] = "1";
  env["OCF_RESOURCE_INSTANCE"] = resource.name;
  env["OCF_RESOURCE_TYPE"] = spec.type;
  env["OCF_RESOURCE_PROVIDER"] = spec.provider;
  env["OCF_EXIT_REASON_PREFIX"] = kExitReasonPrefix;
  env["OCF_RESKEY_CRM_meta_interval"] = std::to_string(interval_ms);
  env["OCF_RESKEY_CRM_meta_timeout"] = std::to_string(timeout_ms);
  if (!options.node_name.empty()) env["OCF_RESKEY_CRM_meta_on_node"] = options.node_name;
  if (!options.node_uuid.empty()) env["OCF_RESKEY_CRM_meta_on_node_uuid"] = options.node_uuid;
  env["PATH"] = options.path_env;

  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [key, value] : env) out.push_back(key + "=" + value);
  return out;
}

std::vector<std::string> minimal_environment(const ExecutorOptions& options) {
  return {"LC_ALL=C", "PATH=" + options.path_env};
}

}  // namespace hamail::executor
