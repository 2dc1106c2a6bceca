// The agent's OCF meta-data (ra-api-1.dtd XML): parameters with defaults, actions with
// advised timeouts. Pure.
#pragma once

#include <string>

namespace hamail::vip {

std::string meta_data_xml();

}  // namespace hamail::vip
