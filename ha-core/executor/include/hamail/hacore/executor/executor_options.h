// Where the executor finds agents and how it bounds them. Paths are configurable so
// tests install agents in a temporary OCF_ROOT, init-script directory and a fake
// systemctl; the defaults are the standard locations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace hamail::executor {

struct ExecutorOptions {
  std::string ocf_root = "/usr/lib/ocf";        // agents at OCF_ROOT/resource.d/PROVIDER/TYPE
  std::string lsb_dir = "/etc/init.d";          // lsb:NAME runs LSB_DIR/NAME
  std::string systemctl = "/usr/bin/systemctl";  // systemd:UNIT runs this
  std::string path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  std::string node_name;  // OCF_RESKEY_CRM_meta_on_node when not empty
  std::string node_uuid;  // OCF_RESKEY_CRM_meta_on_node_uuid when not empty

  std::size_t max_queue = 16;                  // actions waiting per resource; more are refused
  std::uint64_t default_timeout_ms = 20000;    // when the resource's ops name no timeout
  std::uint64_t kill_grace_ms = 2000;          // SIGTERM to SIGKILL of a timed-out agent's group
  std::uint64_t output_drain_ms = 500;         // see ChildOptions::output_drain_ms
  std::size_t max_output_bytes = 64 * 1024;    // captured per stream (meta-data XML fits)
  std::size_t tail_bytes = 2048;               // of stdout/stderr kept in each result
};

}  // namespace hamail::executor
