// The NBD protocol's wire constants (fixed newstyle handshake, simple replies), as
// named by the NBD specification, plus our limits. Values only; no behaviour.
#pragma once

#include <cstdint>
#include <string>

namespace hamail::drbdlite::nbd {

// Magic numbers.
inline constexpr std::uint64_t kNbdMagic = 0x4e42444d41474943ULL;         // "NBDMAGIC"
inline constexpr std::uint64_t kOptionMagic = 0x49484156454F5054ULL;      // "IHAVEOPT"
inline constexpr std::uint64_t kOptionReplyMagic = 0x0003e889045565a9ULL;
inline constexpr std::uint32_t kRequestMagic = 0x25609513;
inline constexpr std::uint32_t kSimpleReplyMagic = 0x67446698;

// Handshake flags (server, 16 bits) and client flags (32 bits).
inline constexpr std::uint16_t kFlagFixedNewstyle = 1u << 0;
inline constexpr std::uint16_t kFlagNoZeroes = 1u << 1;
inline constexpr std::uint32_t kClientFlagFixedNewstyle = 1u << 0;
inline constexpr std::uint32_t kClientFlagNoZeroes = 1u << 1;

// Transmission flags (16 bits).
inline constexpr std::uint16_t kTxHasFlags = 1u << 0;
inline constexpr std::uint16_t kTxReadOnly = 1u << 1;
inline constexpr std::uint16_t kTxSendFlush = 1u << 2;
inline constexpr std::uint16_t kTxSendFua = 1u << 3;
inline constexpr std::uint16_t kTxRotational = 1u << 4;
inline constexpr std::uint16_t kTxSendTrim = 1u << 5;
inline constexpr std::uint16_t kTxSendWriteZeroes = 1u << 6;
inline constexpr std::uint16_t kTxSendDf = 1u << 7;
inline constexpr std::uint16_t kTxCanMultiConn = 1u << 8;

// Options.
inline constexpr std::uint32_t kOptExportName = 1;
inline constexpr std::uint32_t kOptAbort = 2;
inline constexpr std::uint32_t kOptList = 3;
inline constexpr std::uint32_t kOptStartTls = 5;
inline constexpr std::uint32_t kOptInfo = 6;
inline constexpr std::uint32_t kOptGo = 7;
inline constexpr std::uint32_t kOptStructuredReply = 8;
inline constexpr std::uint32_t kOptListMetaContext = 9;
inline constexpr std::uint32_t kOptSetMetaContext = 10;
inline constexpr std::uint32_t kOptExtendedHeaders = 11;

// Option reply types; errors have bit 31 set.
inline constexpr std::uint32_t kRepAck = 1;
inline constexpr std::uint32_t kRepServer = 2;
inline constexpr std::uint32_t kRepInfo = 3;
inline constexpr std::uint32_t kRepErrUnsup = 0x80000001u;
inline constexpr std::uint32_t kRepErrPolicy = 0x80000002u;
inline constexpr std::uint32_t kRepErrInvalid = 0x80000003u;
inline constexpr std::uint32_t kRepErrPlatform = 0x80000004u;
inline constexpr std::uint32_t kRepErrTlsReqd = 0x80000005u;
inline constexpr std::uint32_t kRepErrUnknown = 0x80000006u;
inline constexpr std::uint32_t kRepErrShutdown = 0x80000007u;
inline constexpr std::uint32_t kRepErrBlockSizeReqd = 0x80000008u;
inline constexpr std::uint32_t kRepErrTooBig = 0x80000009u;

// NBD_OPT_INFO / NBD_OPT_GO information types.
inline constexpr std::uint16_t kInfoExport = 0;
inline constexpr std::uint16_t kInfoName = 1;
inline constexpr std::uint16_t kInfoDescription = 2;
inline constexpr std::uint16_t kInfoBlockSize = 3;

// Commands.
inline constexpr std::uint16_t kCmdRead = 0;
inline constexpr std::uint16_t kCmdWrite = 1;
inline constexpr std::uint16_t kCmdDisc = 2;
inline constexpr std::uint16_t kCmdFlush = 3;
inline constexpr std::uint16_t kCmdTrim = 4;
inline constexpr std::uint16_t kCmdCache = 5;
inline constexpr std::uint16_t kCmdWriteZeroes = 6;
inline constexpr std::uint16_t kCmdBlockStatus = 7;

// Command flags.
inline constexpr std::uint16_t kCmdFlagFua = 1u << 0;
inline constexpr std::uint16_t kCmdFlagNoHole = 1u << 1;
inline constexpr std::uint16_t kCmdFlagDf = 1u << 2;
inline constexpr std::uint16_t kCmdFlagReqOne = 1u << 3;
inline constexpr std::uint16_t kCmdFlagFastZero = 1u << 4;

// Error values carried in replies (the spec fixes these numbers; they are the Linux
// errno values, but we never rely on the host's <errno.h>).
inline constexpr std::uint32_t kEperm = 1;
inline constexpr std::uint32_t kEio = 5;
inline constexpr std::uint32_t kEnomem = 12;
inline constexpr std::uint32_t kEinval = 22;
inline constexpr std::uint32_t kEnospc = 28;
inline constexpr std::uint32_t kEoverflow = 75;
inline constexpr std::uint32_t kEnotsup = 95;
inline constexpr std::uint32_t kEshutdown = 108;

// Wire sizes.
inline constexpr std::size_t kOptionHeaderSize = 16;   // magic, option, length
inline constexpr std::size_t kRequestHeaderSize = 28;  // magic, flags, type, handle, offset, length
inline constexpr std::size_t kSimpleReplyHeaderSize = 16;

// Our limits.
inline constexpr std::uint32_t kMinBlockSize = 512;
inline constexpr std::uint32_t kPreferredBlockSize = 4096;
inline constexpr std::uint32_t kMaxPayload = 32u << 20;    // largest READ/WRITE, also NBD_INFO_BLOCK_SIZE max
inline constexpr std::uint32_t kMaxOptionData = 64u << 10;  // larger options: NBD_REP_ERR_TOO_BIG, then close
inline constexpr std::uint32_t kMaxNameLength = 4096;       // the spec's string limit

// "NBD_OPT_GO", "NBD_CMD_WRITE", "NBD_REP_ERR_UNKNOWN", "ENOSPC"; a number when unknown.
std::string option_name(std::uint32_t option);
std::string command_name(std::uint16_t type);
std::string reply_name(std::uint32_t reply);
std::string error_name(std::uint32_t nbd_error);

}  // namespace hamail::drbdlite::nbd
