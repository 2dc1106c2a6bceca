// Small POSIX file helpers shared by the store and the user database: every error
// names the path and the system's reason. Atomic replacement = write a temporary file
// in the same directory, fsync it, rename it over the target, fsync the directory.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

// "open /srv/mail/x: No such file or directory" (strerror(err)).
Error sys_error(const std::string& what, const std::string& path, int err);

// fsync() of a directory, so a rename or create inside it is durable.
Status fsync_directory(const std::string& dir);

// False only when lstat says ENOENT (other errors surface when the file is opened).
bool path_exists(const std::string& path);

// mkdir with mode; an existing directory is fine, anything else there is an error.
Status make_directory(const std::string& path, mode_t mode);

// Calls fn with each name in dir but "." and "..", as readdir() returns them (unsorted,
// nothing held: fine for 100k entries). A missing dir is an error unless missing_ok.
Status for_each_name(const std::string& dir, bool missing_ok, const std::function<void(std::string_view)>& fn);

// Reads a whole file of at most max_bytes; a larger file is an error naming its size.
Result<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes);

// Writes all of data to fd (retrying short writes and EINTR); path is for the error.
Status write_all(int fd, std::string_view data, const std::string& path);

// Replaces path with contents atomically (tmp + fsync + rename), with exactly the given
// mode, owner and group as replace_file_atomically says; the rename itself is durable only after fsync_directory() of its directory, so
// several files can share that one fsync.
Status replace_file(const std::string& path, const std::string& contents, mode_t mode);

// Replaces path with contents atomically (tmp + rename, readers see the old or the new
// contents) without any fsync: after a power cut the old contents may come back. Only
// for data that may be lost (the index after a flag change, see README.md).
Status replace_file_unsynced(const std::string& path, const std::string& contents, mode_t mode);

// Replaces path with contents atomically and durably, with exactly the given mode.
// The old file is never truncated in place: readers see the old or the new contents.
// When path exists, its owner and group are kept where permitted; a new file gets the
// group of its directory (where permitted: root, or a member of that group).
Status replace_file_atomically(const std::string& path, const std::string& contents, mode_t mode);

}  // namespace hamail::mailsvc::store
