// Sort keys read with GMime: the Date: field (g_mime_utils_header_decode_date) and the
// address fields (internet_address_list_parse, groups looked into).
#include "hamail/mailsvc/mime/sort_keys.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>

#include "decode.h"
#include "gmime_init.h"

namespace hamail::mailsvc::mime {
namespace {

// The first mailbox in a list, looking into groups.
InternetAddressMailbox* first_in(InternetAddressList* list) {
  int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) return INTERNET_ADDRESS_MAILBOX(a);
    if (INTERNET_ADDRESS_IS_GROUP(a)) {
      if (InternetAddressMailbox* m = first_in(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)))) return m;
    }
  }
  return nullptr;
}

std::vector<std::string> msg_ids(std::string_view value, std::size_t max) {
  std::vector<std::string> ids;
  std::size_t pos = 0;
  while (ids.size() < max) {
    std::size_t open = value.find('<', pos);
    if (open == std::string_view::npos) break;
    std::size_t close = value.find('>', open);
    if (close == std::string_view::npos) break;
    std::string_view id = value.substr(open, close - open + 1);
    if (id.size() > 2 && id.find_first_of(" \t<", 1) == std::string_view::npos) ids.emplace_back(id);
    pos = close + 1;
  }
  return ids;
}

}  // namespace

std::optional<SentDate> sent_date(const MimeMessage& msg) {
  const HeaderField* f = msg.root().field("Date");
  if (f == nullptr) return std::nullopt;
  ensure_gmime();
  std::string value = unfold(f->value);
  GDateTime* dt = g_mime_utils_header_decode_date(value.c_str());
  if (dt == nullptr) return std::nullopt;
  SentDate d{g_date_time_to_unix(dt), static_cast<int>(g_date_time_get_utc_offset(dt) / G_TIME_SPAN_MINUTE)};
  g_date_time_unref(dt);
  return d;
}

std::optional<std::string> first_mailbox(const MimeMessage& msg, std::string_view field_name) {
  const HeaderField* f = msg.root().field(field_name);
  if (f == nullptr) return std::nullopt;
  ensure_gmime();
  std::string value = unfold(f->value);
  InternetAddressList* list = internet_address_list_parse(nullptr, value.c_str());
  if (list == nullptr) return std::nullopt;
  std::optional<std::string> out;
  if (InternetAddressMailbox* m = first_in(list)) {
    std::string addr = internet_address_mailbox_get_addr(m);
    std::size_t at = addr.rfind('@');
    out = at == std::string::npos ? addr : addr.substr(0, at);
  }
  g_object_unref(list);
  return out;
}

std::string decoded_subject(const MimeMessage& msg) {
  const HeaderField* f = msg.root().field("Subject");
  return f ? decode_header_text(unfold(f->value)) : std::string();
}

std::optional<std::string> message_id(const MimeMessage& msg) {
  std::vector<std::string> ids = msg_ids(msg.root().field_value("Message-ID"), 1);
  return ids.empty() ? std::nullopt : std::optional<std::string>(ids.front());
}

std::optional<std::string> in_reply_to(const MimeMessage& msg) {
  std::vector<std::string> ids = msg_ids(msg.root().field_value("In-Reply-To"), 1);
  return ids.empty() ? std::nullopt : std::optional<std::string>(ids.front());
}

std::vector<std::string> references(const MimeMessage& msg) {
  return msg_ids(msg.root().field_value("References"), 1000);
}

void read_thread_keys(const MimeMessage& msg, ThreadInput& in) {
  in.message_id = message_id(msg);
  in.references = references(msg);
  in.in_reply_to = in_reply_to(msg);
  in.base_subject = base_subject(decoded_subject(msg), &in.reply_or_forward);
  std::transform(in.base_subject.begin(), in.base_subject.end(), in.base_subject.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (auto d = sent_date(msg)) in.sent_date = d->utc_seconds;
}

}  // namespace hamail::mailsvc::mime
