// mailsvc-queue: what is waiting in smtpd's queue (Postfix's mailq), read from the files,
// and deleting a message from it (postsuper -d; no bounce is sent).
//   mailsvc-queue --config /etc/hamail/smtpd.yaml [list] [--json]
//   mailsvc-queue --config /etc/hamail/smtpd.yaml delete QUEUE_ID...
// To retry everything now (postqueue -f): kill -USR1 the running smtpd. A running smtpd
// notices a deleted message at its next attempt and forgets it.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "hamail/base/version.h"
#include "hamail/mailsvc/smtpd/config.h"
#include "hamail/mailsvc/smtpd/queue.h"
#include "hamail/mailsvc/smtpd/queue_listing.h"

using namespace hamail::mailsvc::smtpd;

int main(int argc, char** argv) {
  const char* usage =
      "Usage: mailsvc-queue --config FILE [list] [--json] | delete QUEUE_ID...\n"
      "What waits in smtpd's queue (like mailq), read from the queue files; delete removes messages\n"
      "from it without a bounce (like postsuper -d). To retry everything now: kill -USR1 the smtpd.\n"
      "  --config FILE    smtpd's configuration (its mail_root holds the queue)\n"
      "  list [--json]    each queued message (id, size, arrival, sender; its attempts and recipients)\n"
      "  delete ID...     remove these queued messages\n"
      "  --help           print this help and exit\n"
      "  --version        print the version and exit\n";
  std::string config_path;
  bool json = false, remove = false;
  std::vector<std::string> ids_to_delete;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(usage, stdout);
      return 0;
    }
    if (std::strcmp(argv[i], "--version") == 0) {
      std::fputs(hamail::version_text("mailsvc-queue").c_str(), stdout);
      return 0;
    }
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) config_path = argv[++i];
    else if (std::strcmp(argv[i], "--json") == 0) json = true;
    else if (std::strcmp(argv[i], "list") == 0 && !remove) continue;
    else if (std::strcmp(argv[i], "delete") == 0) remove = true;
    else if (remove && argv[i][0] != '-') ids_to_delete.emplace_back(argv[i]);
    else {
      std::fputs(usage, stderr);
      return 2;
    }
  }
  if (config_path.empty() || (remove && ids_to_delete.empty())) {
    std::fputs(usage, stderr);
    return 2;
  }
  auto config = load_smtpd_config(config_path);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().c_str());
    return 1;
  }
  Queue queue(config->queue_dir());
  if (remove) {
    int rc = 0;
    for (const auto& id : ids_to_delete) {
      bool valid = !id.empty() && id.size() <= 64 &&
                   id.find_first_not_of("0123456789ABCDEFabcdef") == std::string::npos;
      struct stat st {};
      if (!valid || ::stat(queue.msg_path(id).c_str(), &st) != 0) {
        std::fprintf(stderr, "mailsvc-queue: %s: no such queued message\n", id.c_str());
        rc = 1;
        continue;
      }
      if (auto s = queue.remove(id); !s) {
        std::fprintf(stderr, "mailsvc-queue: %s: %s\n", id.c_str(), s.message().c_str());
        rc = 1;
        continue;
      }
      std::printf("%s: deleted\n", id.c_str());
    }
    return rc;
  }
  auto ids = queue.list(nullptr);
  if (!ids) {
    std::fprintf(stderr, "mailsvc-queue: %s\n", ids.error().c_str());
    return 1;
  }
  std::vector<QueuedMessage> messages;
  int rc = 0;
  for (const auto& id : *ids) {
    auto env = queue.load(id);
    if (!env) {  // delivered and removed meanwhile, or damaged: say so, list the rest
      struct stat st {};
      if (::stat(queue.msg_path(id).c_str(), &st) == 0) {
        std::fprintf(stderr, "mailsvc-queue: %s\n", env.error().c_str());
        rc = 1;
      }
      continue;
    }
    struct stat st {};
    QueuedMessage m{std::move(*env), 0};
    if (::stat(queue.msg_path(id).c_str(), &st) == 0) m.size = static_cast<std::uint64_t>(st.st_size);
    messages.push_back(std::move(m));
  }
  std::fputs((json ? format_queue_json(messages) : format_queue_text(messages)).c_str(), stdout);
  return rc;
}
