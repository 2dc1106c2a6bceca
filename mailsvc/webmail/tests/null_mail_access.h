// A MailAccess that has nothing (no login, no folders, every lookup nullopt): tests derive
// from it and override only what they exercise.
#pragma once

#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmail::fakes {

struct NullMailAccess : MailAccess {
  Result<bool> verify_login(const std::string&, const std::string&) override { return false; }
  Result<std::vector<FolderInfo>> folders(const std::string&) override { return std::vector<FolderInfo>{}; }
  Result<std::optional<std::vector<MessageSummary>>> messages(const std::string&, const std::string&) override {
    return std::optional<std::vector<MessageSummary>>();
  }
  Result<std::optional<MessageView>> message(const std::string&, const std::string&, std::uint32_t) override {
    return std::optional<MessageView>();
  }
  Result<std::optional<AttachmentData>> attachment(const std::string&, const std::string&, std::uint32_t,
                                                   std::uint32_t) override {
    return std::optional<AttachmentData>();
  }
  Result<bool> set_flag(const std::string&, const std::string&, std::uint32_t, const std::string&,
                        FlagChange) override {
    return false;
  }
  Result<bool> move(const std::string&, const std::string&, const std::vector<std::uint32_t>&,
                    const std::string&) override {
    return false;
  }
  Result<bool> remove(const std::string&, const std::string&, const std::vector<std::uint32_t>&) override {
    return false;
  }
};

}  // namespace hamail::mailsvc::webmail::fakes
