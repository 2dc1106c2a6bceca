#include "hamail/hacore/executor/agent_command.h"

#include "hamail/hacore/executor/ocf_environment.h"

namespace hamail::executor {
namespace {

bool supported_outside_ocf(Action action) {
  return action == Action::start || action == Action::stop || action == Action::monitor;
}

}  // namespace

std::string agent_program(const ExecutorOptions& options, const AgentSpec& spec) {
  switch (spec.agent_class) {
    case AgentClass::ocf: return options.ocf_root + "/resource.d/" + spec.provider + "/" + spec.type;
    case AgentClass::lsb: return options.lsb_dir + "/" + spec.type;
    case AgentClass::systemd: return options.systemctl;
  }
  return {};
}

std::string systemd_unit_name(const std::string& type) {
  return type.find('.') == std::string::npos ? type + ".service" : type;
}

Result<uv::ChildOptions> agent_command(const ExecutorOptions& options, const config::ResourceConfig& resource,
                                       const AgentSpec& spec, Action action, std::uint64_t interval_ms,
                                       std::uint64_t timeout_ms) {
  if (spec.agent_class != AgentClass::ocf && !supported_outside_ocf(action))
    return Error{"resource '" + resource.name + "': " + std::string(to_string(spec.agent_class)) +
                 " resources have no '" + std::string(to_string(action)) + "' action (only start, stop, monitor)"};
  if (Status st = check_param_names(resource); !st) return Error{st.message()};

  uv::ChildOptions child;
  std::string program = agent_program(options, spec);
  switch (spec.agent_class) {
    case AgentClass::ocf:
      child.argv = {program, std::string(to_string(action))};
      child.env = ocf_environment(options, resource, spec, interval_ms, timeout_ms);
      break;
    case AgentClass::lsb:
      child.argv = {program, action == Action::monitor ? "status" : std::string(to_string(action))};
      child.env = minimal_environment(options);
      break;
    case AgentClass::systemd:
      child.argv = {program, action == Action::monitor ? "is-active" : std::string(to_string(action)),
                    systemd_unit_name(spec.type)};
      child.env = minimal_environment(options);
      break;
  }
  child.cwd = "/";
  child.timeout_ms = timeout_ms;
  child.kill_grace_ms = options.kill_grace_ms;
  child.output_drain_ms = options.output_drain_ms;
  child.max_output_bytes = options.max_output_bytes;
  return child;
}

std::uint64_t operation_timeout_ms(const config::ResourceConfig& resource, Action action, std::uint64_t interval_ms,
                                   std::uint64_t default_ms) {
  const config::Operation* by_name = nullptr;
  for (const config::Operation& op : resource.ops) {
    if (op.name != to_string(action)) continue;
    if (static_cast<std::uint64_t>(op.interval.count()) == interval_ms) return op.timeout.count();
    if (!by_name) by_name = &op;
  }
  return by_name ? by_name->timeout.count() : default_ms;
}

}  // namespace hamail::executor
