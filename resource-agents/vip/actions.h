// The agent's actions on the live system: start, stop, monitor, validate-all. Each
// returns an OCF outcome; nothing throws.
#pragma once

#include "hamail/agents/vip/ocf.h"
#include "hamail/agents/vip/vip_params.h"

namespace hamail::vip {

Outcome vip_start(const VipParams& p);
Outcome vip_stop(const VipParams& p);
Outcome vip_monitor(const VipParams& p);
Outcome vip_validate(const VipParams& p);

}  // namespace hamail::vip
