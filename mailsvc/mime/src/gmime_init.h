// GMime's one-time initialisation (g_mime_init), done once per process whichever thread
// asks first; every function of this library that calls GMime calls it first.
#pragma once

namespace hamail::mailsvc::mime {

void ensure_gmime();

}  // namespace hamail::mailsvc::mime
