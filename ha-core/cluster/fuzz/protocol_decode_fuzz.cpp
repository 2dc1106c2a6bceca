// Fuzz target: the cluster protocol decoder (and, on the same bytes, the control-request
// decoder). Neither may crash, throw or trip a sanitizer; whatever decodes must encode
// to bytes that decode again to the same message (encode(decode(encode(m))) is stable).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "hamail/hacore/cluster/control_request.h"
#include "hamail/hacore/cluster/protocol.h"

namespace {

[[noreturn]] void fail(const char* what, std::string_view bytes) {
  std::fprintf(stderr, "protocol_decode_fuzz: %s for input of %zu bytes\n", what, bytes.size());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hamail::cluster;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto m = protocol::decode(bytes);
  if (m) {
    std::string once = protocol::encode(*m);
    auto back = protocol::decode(once);
    if (!back) fail("a decoded message did not decode after encoding", bytes);
    if (protocol::encode(*back) != once) fail("encode/decode is not stable", bytes);
    if (back->version != m->version || back->from != m->from) fail("the envelope changed", bytes);
  }
  if (size <= protocol::kMaxMessageBytes) {
    auto request = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (!request.is_discarded()) (void)decode_control_request(request);
  }
  return 0;
}
