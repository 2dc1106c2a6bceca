#include "hamail/base/ocf.h"

#include <gtest/gtest.h>

namespace hamail {
namespace {

TEST(OcfRc, CodesKeepTheirMeaning) {
  EXPECT_EQ(ocf_rc_from_exit_code(0), OcfRc::success);
  EXPECT_EQ(ocf_rc_from_exit_code(7), OcfRc::not_running);
  EXPECT_EQ(ocf_rc_from_exit_code(8), OcfRc::running_promoted);
  EXPECT_EQ(code(OcfRc::not_configured), 6);
  EXPECT_EQ(to_string(OcfRc::err_perm), "insufficient privileges");
  EXPECT_EQ(ocf_rc_from_exit_code(190), OcfRc::degraded);
  EXPECT_EQ(ocf_rc_from_exit_code(191), OcfRc::degraded_promoted);
  EXPECT_EQ(to_string(OcfRc::degraded_promoted), "promoted (degraded)");
}

TEST(OcfRc, UnknownCodesAndSignalsAreGenericErrors) {
  EXPECT_EQ(ocf_rc_from_exit_code(10), OcfRc::err_generic);
  EXPECT_EQ(ocf_rc_from_exit_code(189), OcfRc::err_generic);
  EXPECT_EQ(ocf_rc_from_exit_code(192), OcfRc::err_generic);
  EXPECT_EQ(ocf_rc_from_exit_code(127), OcfRc::err_generic);
  EXPECT_EQ(ocf_rc_from_exit_code(-9), OcfRc::err_generic);
}

}  // namespace
}  // namespace hamail
