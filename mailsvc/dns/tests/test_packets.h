// Test helpers: names and records from text, RDATA builders, raw packet bytes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "hamail/mailsvc/dns/message.h"

namespace hamail::mailsvc::dns::test {

using Bytes = std::vector<std::uint8_t>;

Name N(const std::string& text);  // aborts the test binary on a bad name
Bytes rd_a(const std::string& dotted);
Bytes rd_aaaa_last(std::uint8_t last);  // 2001:db8::<last>
Bytes rd_name(const std::string& name);
Bytes rd_mx(std::uint16_t pref, const std::string& name);
Bytes rd_srv(std::uint16_t prio, std::uint16_t weight, std::uint16_t port, const std::string& name);
Bytes rd_soa(const std::string& mname, const std::string& rname, std::uint32_t serial, std::uint32_t minimum);
Bytes rd_txt(std::initializer_list<std::string> strings);
Record rr(const std::string& owner, std::uint16_t type, std::uint32_t ttl, Bytes rdata);
Message query(const std::string& name, std::uint16_t type, bool edns = false);

}  // namespace hamail::mailsvc::dns::test
