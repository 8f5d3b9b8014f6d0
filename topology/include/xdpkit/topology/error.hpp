// Errors of the topology library. Two kinds, both derived from standard types so
// callers can catch broadly:
//   io_error     a file under the root could not be opened, read or written
//                (carries the errno, the real path, and a hint);
//   parse_error  a file was read but its text is not what the kernel writes
//                (carries what was being parsed, the source, and the reason).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace xdpkit::topology {

// what() reads "<operation> <path>: <strerror(err)>[ — <hint>]", e.g.
// "write /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages:
//  Permission denied — run as root".
class io_error : public std::system_error {
 public:
  io_error(int err, std::string_view operation, const std::filesystem::path& path,
           std::string_view hint = {});
  const char* what() const noexcept override { return message_.c_str(); }
  int err() const noexcept { return code().value(); }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  std::string message_;
};

// what() reads "<subject> in <source>: <detail>", e.g.
// "cpu list in /sys/devices/system/cpu/online: '3-1' is a descending range".
class parse_error : public std::runtime_error {
 public:
  parse_error(std::string_view subject, std::string_view source, std::string_view detail);
  const std::string& source() const noexcept { return source_; }

 private:
  std::string source_;
};

}  // namespace xdpkit::topology
