#include "hamail/drbdlite/nbd/wire.h"

#include "hamail/drbdlite/nbd/protocol.h"

namespace hamail::drbdlite::nbd {

void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}
void put_u32(std::string& out, std::uint32_t v) {
  put_u16(out, static_cast<std::uint16_t>(v >> 16));
  put_u16(out, static_cast<std::uint16_t>(v));
}
void put_u64(std::string& out, std::uint64_t v) {
  put_u32(out, static_cast<std::uint32_t>(v >> 32));
  put_u32(out, static_cast<std::uint32_t>(v));
}
std::uint16_t get_u16(std::string_view in, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(in[at]) << 8) | static_cast<unsigned char>(in[at + 1]));
}
std::uint32_t get_u32(std::string_view in, std::size_t at) {
  return (static_cast<std::uint32_t>(get_u16(in, at)) << 16) | get_u16(in, at + 2);
}
std::uint64_t get_u64(std::string_view in, std::size_t at) {
  return (static_cast<std::uint64_t>(get_u32(in, at)) << 32) | get_u32(in, at + 4);
}

std::string encode_greeting() {
  std::string out;
  put_u64(out, kNbdMagic);
  put_u64(out, kOptionMagic);
  put_u16(out, kFlagFixedNewstyle | kFlagNoZeroes);
  return out;
}

std::string encode_option_reply(std::uint32_t option, std::uint32_t reply_type, std::string_view data) {
  std::string out;
  put_u64(out, kOptionReplyMagic);
  put_u32(out, option);
  put_u32(out, reply_type);
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  out.append(data);
  return out;
}

std::string encode_info_export(std::uint32_t option, std::uint64_t size, std::uint16_t tx_flags) {
  std::string data;
  put_u16(data, kInfoExport);
  put_u64(data, size);
  put_u16(data, tx_flags);
  return encode_option_reply(option, kRepInfo, data);
}

std::string encode_info_name(std::uint32_t option, std::string_view name) {
  std::string data;
  put_u16(data, kInfoName);
  data.append(name);
  return encode_option_reply(option, kRepInfo, data);
}

std::string encode_info_block_size(std::uint32_t option, std::uint32_t min, std::uint32_t preferred,
                                   std::uint32_t max) {
  std::string data;
  put_u16(data, kInfoBlockSize);
  put_u32(data, min);
  put_u32(data, preferred);
  put_u32(data, max);
  return encode_option_reply(option, kRepInfo, data);
}

std::string encode_rep_server(std::string_view export_name) {
  std::string data;
  put_u32(data, static_cast<std::uint32_t>(export_name.size()));
  data.append(export_name);
  return encode_option_reply(kOptList, kRepServer, data);
}

std::string encode_export_name_reply(std::uint64_t size, std::uint16_t tx_flags, bool no_zeroes) {
  std::string out;
  put_u64(out, size);
  put_u16(out, tx_flags);
  if (!no_zeroes) out.append(124, '\0');
  return out;
}

std::string encode_simple_reply(std::uint64_t handle, std::uint32_t error) {
  std::string out;
  out.reserve(kSimpleReplyHeaderSize);
  put_u32(out, kSimpleReplyMagic);
  put_u32(out, error);
  put_u64(out, handle);
  return out;
}

std::string encode_client_flags(std::uint32_t flags) {
  std::string out;
  put_u32(out, flags);
  return out;
}

std::string encode_option(std::uint32_t option, std::string_view data) {
  std::string out;
  put_u64(out, kOptionMagic);
  put_u32(out, option);
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  out.append(data);
  return out;
}

std::string encode_go_data(std::string_view name, std::initializer_list<std::uint16_t> infos) {
  std::string out;
  put_u32(out, static_cast<std::uint32_t>(name.size()));
  out.append(name);
  put_u16(out, static_cast<std::uint16_t>(infos.size()));
  for (std::uint16_t i : infos) put_u16(out, i);
  return out;
}

std::string encode_request(std::uint16_t flags, std::uint16_t type, std::uint64_t handle, std::uint64_t offset,
                           std::uint32_t length, std::string_view payload) {
  std::string out;
  put_u32(out, kRequestMagic);
  put_u16(out, flags);
  put_u16(out, type);
  put_u64(out, handle);
  put_u64(out, offset);
  put_u32(out, length);
  out.append(payload);
  return out;
}

}  // namespace hamail::drbdlite::nbd
