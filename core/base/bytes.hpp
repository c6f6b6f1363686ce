#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eseal {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView asBytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string toHex(ByteView bytes, bool upper = false);
// Throws Error(BadInput) on odd length or a non-hex character; whitespace is skipped.
Bytes fromHex(std::string_view hex);
// 0-15 for a hexadecimal digit (either case), -1 for any other character.
int hexDigitValue(char c) noexcept;

// Reads a whole (small) file; throws Error(Io) naming the file.
Bytes readFile(const std::string& path);

}  // namespace eseal
