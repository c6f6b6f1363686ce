#include "core/base/time.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace eseal {

std::time_t now() {
    if (const char* fixed = std::getenv("ESEAL_FIXED_TIME"); fixed && *fixed) {
        char* end = nullptr;
        long long v = std::strtoll(fixed, &end, 10);
        if (end && *end == '\0') return static_cast<std::time_t>(v);
    }
    return std::time(nullptr);
}

std::string isoUtc(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<std::time_t> parseIsoUtc(const std::string& s) {
    std::tm tm{};
    char zone = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &zone) != 7 ||
        zone != 'Z')
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

std::string localTimeText(std::time_t t, bool withSecondsAndOffset) {
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[48];
    std::strftime(buf, sizeof buf, withSecondsAndOffset ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M", &tm);
    std::string out = buf;
    if (!withSecondsAndOffset) return out;
    const long off = tm.tm_gmtoff;
    const long a = off < 0 ? -off : off;
    std::snprintf(buf, sizeof buf, " %c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
    return out + buf;
}

std::string pdfDate(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "D:%Y%m%d%H%M%SZ", &tm);
    return buf;
}

std::optional<std::time_t> parsePdfDate(const std::string& input) {
    std::string s = input;
    if (s.rfind("D:", 0) == 0) s = s.substr(2);
    auto digits = [&](std::size_t pos, std::size_t n, int fallback) -> std::optional<int> {
        if (pos >= s.size()) return fallback;
        if (pos + n > s.size()) return std::nullopt;
        int v = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    auto year = digits(0, 4, -1);
    if (!year || *year < 0) return std::nullopt;
    auto month = digits(4, 2, 1), day = digits(6, 2, 1), hour = digits(8, 2, 0), minute = digits(10, 2, 0),
         second = digits(12, 2, 0);
    if (!month || !day || !hour || !minute || !second) return std::nullopt;
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *month - 1;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second;
    std::time_t t = timegm(&tm);
    // Time zone: Z, +HH'mm or -HH'mm (ISO 32000-1 7.9.4); absent means unknown, taken as UTC.
    std::size_t tz = 14;
    if (tz < s.size() && (s[tz] == '+' || s[tz] == '-')) {
        int sign = s[tz] == '+' ? 1 : -1;
        auto oh = digits(tz + 1, 2, 0);
        auto om = tz + 4 < s.size() ? digits(tz + 4, 2, 0) : std::optional<int>(0);
        if (!oh || !om) return std::nullopt;
        t -= sign * (*oh * 3600 + *om * 60);
    }
    return t;
}

}  // namespace eseal
