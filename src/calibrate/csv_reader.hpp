#pragma once
//! libfccp (Debian's fast C++ CSV parser, header-only), included once for the calibration
//! readers. Its error types copy file names with strncpy into fixed buffers, which GCC 12 warns
//! about where the code is inlined into ours; the truncation is the library's documented
//! behaviour (names longer than 255 characters are cut in its messages; ours carry the full path).
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <libfccp/csv.h>
