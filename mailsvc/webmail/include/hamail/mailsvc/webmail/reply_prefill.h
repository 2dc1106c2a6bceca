// A reply, reply-all or forward prefilled from the original (GET .../UID/reply): the
// recipients without the user's own address, "Re: " / "Fwd: " added once, the text quoted
// or forwarded, In-Reply-To and References, a forward's attachments by reference.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmail {

// {to:[..], cc:[..], subject, text, in_reply_to, references, attachments:[{folder, uid,
//  part, filename, content_type, size}], reply_to_message:{folder, uid, forward}}
nlohmann::json reply_prefill(const ReplySource& original, const ReplyRoute& route, const std::string& user);

// "Re: x" for "x"; unchanged when it starts with "Re:" already (any case). Same for "Fwd: ".
std::string prefixed_subject(const std::string& subject, std::string_view prefix);

inline constexpr std::size_t kMaxReferences = 20;  // the newest are kept

}  // namespace hamail::mailsvc::webmail
