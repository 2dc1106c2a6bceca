#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmail {

Result<std::optional<ReplySource>> MailAccess::reply_source(const std::string&, const std::string&, std::uint32_t) {
  return Error{"reply_source not supported"};
}

Result<std::optional<std::uint32_t>> MailAccess::append_to_special(const std::string&, const std::string&,
                                                                   const std::string&,
                                                                   const std::vector<std::string>&) {
  return Error{"append not supported"};
}

Result<bool> MailAccess::expunge_special(const std::string&, const std::string&, const std::vector<std::uint32_t>&) {
  return Error{"expunge not supported"};
}

}  // namespace hamail::mailsvc::webmail
