// What the dashboard shows, computed without I/O from the control sockets' answers:
// hacored's `status` document and its event history, drbdlited's `status` document. A
// source that did not answer is named with why, and its part of the view stays empty.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hamail::mailsvc::dashboard {

// One control socket's answer: the document, or why there is none.
struct SourceAnswer {
  std::optional<nlohmann::json> document;
  std::string error;  // when document is empty: "not answering (timed out after 3 s)", ...
};

struct ClusterSources {
  SourceAnswer hacored;                 // the `status` reply's "status" object
  SourceAnswer drbdlited;               // the `status` reply (its "volumes" list)
  std::vector<nlohmann::json> events;   // hacored's `events` history, oldest first
};

// {"sources": {hacored: {ok, error?}, drbdlited: {...}}, "cluster": {...}, "nodes": [...],
//  "groups": [...], "volumes": [...], "fencing": {...}, "history": [...]} (README.md).
nlohmann::json cluster_view(const ClusterSources& sources);

// A node's state for the page: online, standby, off or unclean (also "online (probing)"
// is online; an incompatible protocol stays online with the text in `status`).
std::string node_state(const nlohmann::json& node);

}  // namespace hamail::mailsvc::dashboard
