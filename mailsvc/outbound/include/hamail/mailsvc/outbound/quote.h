// Text from configuration or the network, made safe to put in an error or log message:
// in double quotes, control and non-ASCII octets written as \xNN, at most 80 octets of
// it shown (then "...").
#pragma once

#include <string>
#include <string_view>

namespace hamail::mailsvc::outbound {

std::string quoted(std::string_view text);

}  // namespace hamail::mailsvc::outbound
