// The JSON form of a StateSnapshot inside a state_sync message (internal to the codec).
#pragma once

#include <nlohmann/json.hpp>

#include "hamail/hacore/cluster/state_snapshot.h"
#include "hamail/base/json_fields.h"

namespace hamail::cluster::protocol {

nlohmann::json snapshot_to_json(const StateSnapshot& s);
// Reads the "state" object of `message`; problems go to `message` (checked by its finish()).
StateSnapshot snapshot_from_json(JsonFields& message);

}  // namespace hamail::cluster::protocol
