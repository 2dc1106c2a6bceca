// TraceDb's connection and prepared statements (shared by its .cpp files).
#pragma once

#include "hamail/mailsvc/traceindex/sqlite.h"
#include "hamail/mailsvc/traceindex/trace_db.h"

namespace hamail::mailsvc::traceindex {

struct TraceDb::State {
  Database db;
  Statement insert_event, upsert_message, insert_party, upsert_recipient, set_final_status, recipient_states,
      set_status, upsert_file, get_file, parties, timeline;
};

}  // namespace hamail::mailsvc::traceindex
