#include "calibrate/csv_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "calibrate/claims.hpp"

namespace apmsim::calibrate {
namespace {

//! Length of the well-formed UTF-8 sequence at text[i] (1 to 4), 0 if there is none; `code`
//! gets its code point.
std::size_t utf8_length(std::string_view text, std::size_t i, char32_t& code) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    code = b0;
    return 1;
  }
  std::size_t n = 0;
  char32_t lowest = 0;
  if (b0 >= 0xC2 && b0 < 0xE0) {
    n = 2, code = b0 & 0x1Fu, lowest = 0x80;
  } else if (b0 >= 0xE0 && b0 < 0xF0) {
    n = 3, code = b0 & 0x0Fu, lowest = 0x800;
  } else if (b0 >= 0xF0 && b0 < 0xF5) {
    n = 4, code = b0 & 0x07u, lowest = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    code = code << 6 | (byte(i + k) & 0x3Fu);
  }
  if (code < lowest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return n;
}

std::string hex_byte(unsigned char b) {
  char s[5];
  std::snprintf(s, sizeof s, "\\x%02x", b);
  return s;
}

//! A file format recognised by its first bytes, and what to do about it.
struct Magic {
  std::string_view bytes;
  const char* what;
};

constexpr Magic kMagics[] = {
    {"\x1f\x8b", "is gzip-compressed: gunzip it first (gunzip -k FILE)"},
    {"BZh", "is bzip2-compressed: bunzip2 it first (bunzip2 -k FILE)"},
    {"\xfd"
     "7zXZ",
     "is xz-compressed: unxz it first (unxz -k FILE)"},
    {"\x28\xb5\x2f\xfd", "is zstd-compressed: unzstd it first"},
    {"PK\x03\x04",
     "is a ZIP archive (an Excel .xlsx workbook?): unzip it, or open it in Excel "
     "and save as \"CSV UTF-8 (comma delimited)\""},
    {"\xd0\xcf\x11\xe0",
     "is an Excel 97-2003 workbook (.xls): open it and save as \"CSV UTF-8 "
     "(comma delimited)\""},
    {"\xff\xfe",
     "is UTF-16 text (Excel's \"Unicode Text\"?): save as \"CSV UTF-8 (comma "
     "delimited)\", or convert it: iconv -f UTF-16 -t UTF-8 FILE"},
    {"\xfe\xff", "is UTF-16 text (big-endian): convert it to UTF-8: iconv -f UTF-16 -t UTF-8 FILE"},
};

constexpr std::size_t kHeadBytes = 64 * 1024;

//! The first kHeadBytes of a regular file; throws for anything else.
std::string read_head(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw DataError(path, std::string("cannot be opened: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw DataError(path, "is a folder, not a CSV file");
  if (!S_ISREG(st.st_mode))
    throw DataError(path,
                    "is not a regular file (a pipe, socket or device): calibrate reads its input "
                    "twice and a pipe may never end; save the data to a file first");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path, std::string("cannot be opened: ") + std::strerror(errno));
  std::string head(kHeadBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

}  // namespace

std::string shown(std::string_view text, std::size_t limit) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size() && i < limit) {
    char32_t code = 0;
    const std::size_t n = utf8_length(text, i, code);
    const auto b = static_cast<unsigned char>(text[i]);
    if (n == 0) {
      out += hex_byte(b);
      ++i;
      continue;
    }
    if (code == '\t') {
      out += "\\t";
    } else if (code == '\n') {
      out += "\\n";
    } else if (code == '\r') {
      out += "\\r";
    } else if (code < 0x20 || code == 0x7f || (code >= 0x80 && code < 0xa0)) {
      for (std::size_t k = 0; k < n; ++k) out += hex_byte(static_cast<unsigned char>(text[i + k]));
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  if (i < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t code = 0;
    const std::size_t n = utf8_length(text, i, code);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string check_csv_file(const std::string& path) {
  std::string head = read_head(path);
  if (head.find_first_not_of(" \t\r\n") == std::string::npos)
    throw DataError(path, "is empty: expected a header line naming the columns");
  for (const Magic& m : kMagics)
    if (std::string_view(head).substr(0, m.bytes.size()) == m.bytes) throw DataError(path, m.what);
  if (head.compare(0, 3, "\xef\xbb\xbf") == 0) head.erase(0, 3);  // Excel's "CSV UTF-8"
  const std::size_t nul = head.find('\0');
  if (nul != std::string::npos)
    throw DataError(path, "has a NUL byte at byte " + std::to_string(nul + 1) +
                              ": UTF-16 text or a binary file, not CSV; save as \"CSV UTF-8 "
                              "(comma delimited)\" (or iconv -f UTF-16 -t UTF-8 FILE)");
  const std::size_t end = head.find('\n');
  std::string header = head.substr(0, end);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  if (header.find('\r') != std::string::npos)
    throw DataError(path,
                    "has CR-only line ends (classic Mac OS): the whole file reads as one line; "
                    "save it with LF or CRLF line ends (e.g. tr '\\r' '\\n' < FILE > FIXED.csv)");
  if (end == std::string::npos && head.size() == kHeadBytes)
    throw DataError(path, 1, 0, "",
                    "the first line is over " + std::to_string(kHeadBytes) +
                        " bytes: not a CSV header naming columns (it starts '" + shown(header) +
                        "')");
  // Text up to the last whole line: a multi-byte character may be cut at kHeadBytes.
  const std::size_t whole = end == std::string::npos ? head.size() : head.rfind('\n') + 1;
  if (!valid_utf8(std::string_view(head).substr(0, whole))) {
    std::size_t line = 1, i = 0;
    for (char32_t code = 0; i < whole; ++i) {
      const std::size_t n = utf8_length(head, i, code);
      if (n == 0) break;
      if (head[i] == '\n') ++line;
      i += n - 1;
    }
    throw DataError(path, line, 0, "",
                    "byte " + hex_byte(static_cast<unsigned char>(head[i])) +
                        " is not UTF-8 (Latin-1 or Windows-1252?): save as \"CSV UTF-8 (comma "
                        "delimited)\", or convert it: iconv -f WINDOWS-1252 -t UTF-8 FILE");
  }
  if (header.find(',') == std::string::npos) {
    const char* delimiter = header.find(';') != std::string::npos    ? "semicolon"
                            : header.find('\t') != std::string::npos ? "tab"
                                                                     : nullptr;
    if (delimiter)
      throw DataError(path, 1, 0, "",
                      std::string("the header '") + shown(header) + "' is " + delimiter +
                          "-delimited: use commas (Excel: save as \"CSV UTF-8 (comma "
                          "delimited)\"; a semicolon file from a decimal-comma locale needs "
                          "decimal points too)");
  }
  return header;
}

std::vector<std::string> csv_header(const std::string& path) {
  const std::string line = check_csv_file(path);
  std::vector<std::string> names;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    const char c = i < line.size() ? line[i] : ',';
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      const auto a = field.find_first_not_of(" \t"), b = field.find_last_not_of(" \t");
      names.push_back(a == std::string::npos ? "" : field.substr(a, b - a + 1));
      field.clear();
    } else {
      field += c;
    }
  }
  if (quoted) throw DataError(path, 1, 0, "", "a quoted column name is not closed");
  return names;
}

}  // namespace apmsim::calibrate
