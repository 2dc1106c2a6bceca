// Encoders for every NBD message, server side (greeting, option replies, simple
// replies) and client side (client flags, options, requests: for tests and tools).
// Pure functions over byte strings; all integers are big-endian on the wire.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hamail::drbdlite::nbd {

// Fixed-width big-endian helpers.
void put_u16(std::string& out, std::uint16_t v);
void put_u32(std::string& out, std::uint32_t v);
void put_u64(std::string& out, std::uint64_t v);
std::uint16_t get_u16(std::string_view in, std::size_t at);
std::uint32_t get_u32(std::string_view in, std::size_t at);
std::uint64_t get_u64(std::string_view in, std::size_t at);

// Server -> client.
std::string encode_greeting();  // NBDMAGIC, IHAVEOPT, FIXED_NEWSTYLE|NO_ZEROES
std::string encode_option_reply(std::uint32_t option, std::uint32_t reply_type, std::string_view data = {});
std::string encode_info_export(std::uint32_t option, std::uint64_t size, std::uint16_t tx_flags);
std::string encode_info_name(std::uint32_t option, std::string_view name);
std::string encode_info_block_size(std::uint32_t option, std::uint32_t min, std::uint32_t preferred, std::uint32_t max);
std::string encode_rep_server(std::string_view export_name);  // one NBD_REP_SERVER for NBD_OPT_LIST
// The reply to NBD_OPT_EXPORT_NAME: size, transmission flags, 124 zeroes unless no_zeroes.
std::string encode_export_name_reply(std::uint64_t size, std::uint16_t tx_flags, bool no_zeroes);
// A simple reply header; a successful NBD_CMD_READ's data follows it.
std::string encode_simple_reply(std::uint64_t handle, std::uint32_t error);

// Client -> server.
std::string encode_client_flags(std::uint32_t flags);
std::string encode_option(std::uint32_t option, std::string_view data);
// NBD_OPT_GO / NBD_OPT_INFO data: name length, name, count, info requests.
std::string encode_go_data(std::string_view name, std::initializer_list<std::uint16_t> infos = {});
std::string encode_request(std::uint16_t flags, std::uint16_t type, std::uint64_t handle, std::uint64_t offset,
                           std::uint32_t length, std::string_view payload = {});

}  // namespace hamail::drbdlite::nbd
