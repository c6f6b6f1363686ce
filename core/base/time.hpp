#pragma once

#include <ctime>
#include <optional>
#include <string>

namespace eseal {

// The signing clock. ESEAL_FIXED_TIME (seconds since the epoch) fixes it, so
// tests and golden files are deterministic.
std::time_t now();

// 2026-11-25T12:00:00Z
std::string isoUtc(std::time_t t);
// Parses isoUtc's form back; nullopt when malformed.
std::optional<std::time_t> parseIsoUtc(const std::string& s);
// In the local time zone (TZ) with its offset, for people:
// "2026-11-25 20:00:00 +08:00", or without seconds and offset "2026-11-25 20:00".
std::string localTimeText(std::time_t t, bool withSecondsAndOffset = true);
// D:20261125120000Z (ISO 32000-1 7.9.4)
std::string pdfDate(std::time_t t);
// Parses a PDF date string (D:YYYYMMDDHHmmSSOHH'mm); nullopt when malformed.
std::optional<std::time_t> parsePdfDate(const std::string& s);

}  // namespace eseal
