// A mail's HTML as its sandboxed frame gets it: cid: references to the message's own image
// parts made data: URLs (so the frame loads nothing), and remote images only on request,
// under a policy that then allows https: images and nothing else more.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/http/response.h"
#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmail {

// kHtmlMailPolicy with https: images allowed: what "Show remote images" reloads the frame with.
inline constexpr std::string_view kHtmlMailPolicyRemoteImages =
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'";

// Image types a cid: reference may become (raster only; anything else stays cid: and
// shows nothing).
bool inline_image_type(std::string_view content_type);

// Every "cid:ID" (ASCII case ignored, ID percent-decoded as RFC 2392 says) naming one of
// `images` replaced by "data:TYPE;base64,...". Other text unchanged.
std::string inline_cid_images(std::string_view html, const std::vector<InlineImage>& images);

// The frame's answer: html_frame_response of the HTML with its cid: images inlined; with
// remote_images the policy is kHtmlMailPolicyRemoteImages.
http::HttpResponse mail_html_response(const MessageView& view, bool remote_images);

}  // namespace hamail::mailsvc::webmail
