// The relay rule as a pure function, for the shell answering CheckRecipient: local
// domains take mail on every port (unknown users get 550), other domains only from
// authenticated submission clients, so the server is never an open relay.
#pragma once

#include "hamail/mailsvc/smtp/actions.h"
#include "hamail/mailsvc/smtp/config.h"

namespace hamail::mailsvc::smtp {

RecipientVerdict recipient_policy(PortRole role, bool authenticated, bool local_domain, bool local_user_exists);

}  // namespace hamail::mailsvc::smtp
