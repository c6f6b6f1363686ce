#include "core/token/pkcs11_uri.hpp"

#include <cctype>
#include <cstdio>
#include <limits>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal {

namespace {

[[noreturn]] void fail(const std::string& why) {
    throw Error(ErrorCategory::Usage, fill(tr("invalid PKCS#11 URI: {why}"), {{"{why}", why}}));
}

bool isUnreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// RFC 7512 2.3: pk11-pchar / pk11-qchar besides unreserved and %XX.
bool isAllowedRaw(char c, bool query) {
    if (isUnreserved(c)) return true;
    static const std::string_view common = ":[]@!$'()*+,=";
    if (common.find(c) != std::string_view::npos) return true;
    if (!query) return c == '&';
    return c == '/' || c == '?' || c == '|';
}

std::string describeChar(char c) {
    char buf[16];
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f)
        std::snprintf(buf, sizeof buf, "'%c'", c);
    else
        std::snprintf(buf, sizeof buf, "0x%02X", u);
    return fill(tr("byte {hex}"), {{"{hex}", buf}});
}

// Length of the well-formed UTF-8 multibyte sequence at s[i] (RFC 3629 4), 0 when none.
std::size_t utf8Sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((b(i + k) & 0xC0) != 0x80) return 0;
    // no overlong forms, no surrogates, nothing above U+10FFFF
    if ((c == 0xE0 && b(i + 1) < 0xA0) || (c == 0xED && b(i + 1) > 0x9F) || (c == 0xF0 && b(i + 1) < 0x90) ||
        (c == 0xF4 && b(i + 1) > 0x8F))
        return 0;
    return n;
}

bool isUtf8Text(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t n = utf8Sequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string decode(std::string_view name, std::string_view raw, bool query) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        // Raw UTF-8 (token=宜昌CA-UK), as people type labels; RFC 7512 would
        // percent-encode it, and that stays accepted too.
        if (std::size_t n = static_cast<unsigned char>(c) >= 0x80 ? utf8Sequence(raw, i) : 0; n > 0) {
            out.append(raw.substr(i, n));
            i += n - 1;
            continue;
        }
        if (c == '%') {
            int hi = i + 2 < raw.size() ? hexDigitValue(raw[i + 1]) : -1;
            int lo = i + 2 < raw.size() ? hexDigitValue(raw[i + 2]) : -1;
            if (i + 2 >= raw.size() || hi < 0 || lo < 0)
                fail(fill(tr("bad percent-encoding in {name} (a '%' must be followed by two hex digits)"),
                          {{"{name}", std::string(name)}}));
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (isAllowedRaw(c, query)) {
            out.push_back(c);
        } else {
            char enc[8];
            std::snprintf(enc, sizeof enc, "%%%02X", static_cast<unsigned char>(c));
            fail(fill(tr("{char} in {name} must be percent-encoded as {encoded}"),
                      {{"{char}", describeChar(c)}, {"{name}", std::string(name)}, {"{encoded}", enc}}));
        }
    }
    return out;
}

// RFC 7512 2.3 allows pin-value; eseal does not: a PIN in a key name ends up
// in shell history, process lists and logs.
[[noreturn]] void refusePinValue() {
    fail(
        tr("pin-value is refused: a PIN is never accepted on the command line or in a key name; "
           "use the prompt, --pin-env VAR, --pin-file FILE or pin-source=FILE"));
}

template <typename T>
void setOnce(std::optional<T>& slot, std::string_view name, T value) {
    if (slot) fail(fill(tr("attribute '{name}' given twice"), {{"{name}", std::string(name)}}));
    slot = std::move(value);
}

unsigned long parseSlotId(const std::string& v) {
    if (v.empty() || v.size() > 20) fail(tr("slot-id must be a decimal number"));
    unsigned long long n = 0;
    for (char c : v) {
        if (c < '0' || c > '9')
            fail(fill(tr("slot-id must be a decimal number, not '{text}'"), {{"{text}", v}}));
        unsigned long long next = n * 10 + static_cast<unsigned>(c - '0');
        if (next < n || next > std::numeric_limits<unsigned long>::max()) fail(tr("slot-id is too large"));
        n = next;
    }
    return static_cast<unsigned long>(n);
}

void checkVersion(const std::string& v) {
    // RFC 7512 2.3: library-version = 1*DIGIT [ "." 1*DIGIT ]
    auto dot = v.find('.');
    auto digits = [](std::string_view s) {
        if (s.empty() || s.size() > 3) return false;
        for (char c : s)
            if (c < '0' || c > '9') return false;
        return true;
    };
    bool ok = dot == std::string::npos
                  ? digits(v)
                  : digits(std::string_view(v).substr(0, dot)) && digits(std::string_view(v).substr(dot + 1));
    if (!ok) fail(fill(tr("library-version must look like 2 or 2.6, not '{text}'"), {{"{text}", v}}));
}

// A path that can stand as a pin-source value without the file: prefix: not a
// program ("|prog", RFC 7512 2.3 leaves its meaning to the application) and
// not something that reads as another URI scheme ("https:...").
bool isBarePinSourcePath(std::string_view s) {
    if (s.empty() || s[0] == '|') return false;
    return s.find(':') == std::string_view::npos || s[0] == '/' || s[0] == '.';
}

std::string pinSourcePath(const std::string& v) {
    if (v.empty()) fail(tr("pin-source is empty"));
    std::string_view s = v;
    if (s.rfind("file:", 0) == 0) {
        s.remove_prefix(5);
        if (s.rfind("//", 0) == 0) {
            s.remove_prefix(2);
            if (s.rfind("localhost/", 0) == 0) s.remove_prefix(9);
            if (s.empty() || s[0] != '/') fail(tr("pin-source file: URI must name a local absolute path"));
        }
        if (s.empty()) fail(tr("pin-source file: URI names no file"));
        return std::string(s);
    }
    if (!isBarePinSourcePath(s)) {
        if (s[0] == '|')
            fail(tr("pin-source must name a file; running a program for the PIN is not supported"));
        fail(fill(tr("pin-source must be a file path or a file: URI, not '{text}'"), {{"{text}", v}}));
    }
    return std::string(s);
}

}  // namespace

Pkcs11Uri Pkcs11Uri::parse(std::string_view text) {
    constexpr std::string_view scheme = "pkcs11:";
    if (text.size() < scheme.size()) fail(tr("it must start with 'pkcs11:'"));
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != scheme[i])
            fail(tr("it must start with 'pkcs11:'"));
    if (text.size() > 8192) fail(tr("it is longer than 8192 characters"));
    std::string_view rest = text.substr(scheme.size());
    std::string_view path = rest, query;
    bool hasQuery = false;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        path = rest.substr(0, q);
        query = rest.substr(q + 1);
        hasQuery = true;
    }

    Pkcs11Uri uri;
    auto each = [](std::string_view list, char sep, auto&& fn) {
        std::size_t start = 0;
        while (start <= list.size()) {
            std::size_t end = list.find(sep, start);
            if (end == std::string_view::npos) end = list.size();
            fn(list.substr(start, end - start));
            start = end + 1;
        }
    };

    if (!path.empty()) {
        each(path, ';', [&](std::string_view item) {
            auto eq = item.find('=');
            if (item.empty()) fail(tr("empty attribute (two ';' in a row, or a trailing ';')"));
            if (eq == std::string_view::npos)
                fail(fill(tr("'{item}' is not name=value"), {{"{item}", std::string(item)}}));
            std::string name(item.substr(0, eq));
            if (name == "pin-value") refusePinValue();
            if (name == "pin-source" || name == "module-path" || name == "module-name")
                fail(fill(tr("'{name}' belongs in the query part, after '?'"), {{"{name}", name}}));
            std::string value = decode(name, item.substr(eq + 1), false);
            if (name == "token")
                setOnce(uri.token, name, value);
            else if (name == "manufacturer")
                setOnce(uri.manufacturer, name, value);
            else if (name == "serial")
                setOnce(uri.serial, name, value);
            else if (name == "model")
                setOnce(uri.model, name, value);
            else if (name == "library-manufacturer")
                setOnce(uri.libraryManufacturer, name, value);
            else if (name == "library-description")
                setOnce(uri.libraryDescription, name, value);
            else if (name == "library-version") {
                checkVersion(value);
                setOnce(uri.libraryVersion, name, value);
            } else if (name == "slot-id")
                setOnce(uri.slotId, name, parseSlotId(value));
            else if (name == "slot-description")
                setOnce(uri.slotDescription, name, value);
            else if (name == "slot-manufacturer")
                setOnce(uri.slotManufacturer, name, value);
            else if (name == "object")
                setOnce(uri.object, name, value);
            else if (name == "id")
                setOnce(uri.id, name, Bytes(value.begin(), value.end()));
            else if (name == "type") {
                if (value == "secret-key" || value == "data")
                    fail(fill(tr("type={type} objects cannot sign; use type=private (or cert)"),
                              {{"{type}", value}}));
                if (value != "private" && value != "cert" && value != "public")
                    fail(fill(tr("type must be private, cert or public, not '{type}'"), {{"{type}", value}}));
                setOnce(uri.type, name, value);
            } else {
                fail(fill(tr("unknown attribute '{name}' (known: token, manufacturer, serial, model, "
                             "library-manufacturer, "
                             "library-description, library-version, slot-id, slot-description, "
                             "slot-manufacturer, object, id, type)"),
                          {{"{name}", name}}));
            }
        });
    }
    if (hasQuery) {
        if (query.empty()) fail(tr("empty query after '?'"));
        each(query, '&', [&](std::string_view item) {
            auto eq = item.find('=');
            if (item.empty()) fail(tr("empty query attribute (two '&' in a row, or a trailing '&')"));
            if (eq == std::string_view::npos)
                fail(fill(tr("'{item}' is not name=value"), {{"{item}", std::string(item)}}));
            std::string name(item.substr(0, eq));
            if (name == "pin-value") refusePinValue();
            std::string value = decode(name, item.substr(eq + 1), true);
            if (name == "module-path") {
                if (value.empty()) fail(tr("module-path is empty"));
                setOnce(uri.modulePath, name, value);
            } else if (name == "module-name") {
                if (value.empty()) fail(tr("module-name is empty"));
                setOnce(uri.moduleName, name, value);
            } else if (name == "pin-source") {
                setOnce(uri.pinSource, name, pinSourcePath(value));
            } else if (name == "sm2-mechanism") {
                setOnce(uri.sm2Mechanism, name, parseMechanismNumber(value));
            } else {
                fail(fill(tr("unknown query attribute '{name}' (known: module-path, module-name, pin-source, "
                             "sm2-mechanism)"),
                          {{"{name}", name}}));
            }
        });
    }
    return uri;
}

std::string pkcs11PercentEncode(std::string_view value, bool query, bool readableUtf8) {
    std::string out;
    const bool keepUtf8 = readableUtf8 && isUtf8Text(value);
    for (char c : value) {
        if (isUnreserved(c) || (query && c == '/') || (keepUtf8 && static_cast<unsigned char>(c) >= 0x80)) {
            out.push_back(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
            out += buf;
        }
    }
    return out;
}

std::string Pkcs11Uri::toString() const {
    std::string path, query;
    // Text values keep their UTF-8 readable (a Chinese label prints as typed); id is bytes.
    auto add = [](std::string& to, char sep, const char* name, std::string_view value, bool q,
                  bool text = true) {
        if (!to.empty()) to.push_back(sep);
        to += name;
        to.push_back('=');
        to += pkcs11PercentEncode(value, q, text);
    };
    if (token) add(path, ';', "token", *token, false);
    if (manufacturer) add(path, ';', "manufacturer", *manufacturer, false);
    if (model) add(path, ';', "model", *model, false);
    if (serial) add(path, ';', "serial", *serial, false);
    if (slotId) add(path, ';', "slot-id", std::to_string(*slotId), false);
    if (slotDescription) add(path, ';', "slot-description", *slotDescription, false);
    if (slotManufacturer) add(path, ';', "slot-manufacturer", *slotManufacturer, false);
    if (libraryManufacturer) add(path, ';', "library-manufacturer", *libraryManufacturer, false);
    if (libraryDescription) add(path, ';', "library-description", *libraryDescription, false);
    if (libraryVersion) add(path, ';', "library-version", *libraryVersion, false);
    if (object) add(path, ';', "object", *object, false);
    if (id)
        add(path, ';', "id", std::string_view(reinterpret_cast<const char*>(id->data()), id->size()), false,
            false);
    if (type) add(path, ';', "type", *type, false);
    if (moduleName) add(query, '&', "module-name", *moduleName, true);
    if (modulePath) add(query, '&', "module-path", *modulePath, true);
    // A path from a file: URI may hold ':' or start with '|'; print it in the
    // file: form then, so the text parses back to the same path.
    if (pinSource)
        add(query, '&', "pin-source", isBarePinSourcePath(*pinSource) ? *pinSource : "file:" + *pinSource,
            true);
    if (sm2Mechanism) {
        char hex[24];
        std::snprintf(hex, sizeof hex, "0x%08lX", *sm2Mechanism);
        add(query, '&', "sm2-mechanism", hex, true);
    }
    std::string out = "pkcs11:" + path;
    if (!query.empty()) out += "?" + query;
    return out;
}

unsigned long parseMechanismNumber(std::string_view text) {
    std::string_view digits = text;
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        base = 16;
    }
    unsigned long long v = 0;
    bool ok = !digits.empty() && digits.size() <= (base == 16 ? 16u : 20u);
    for (char c : digits) {
        const int d = base == 16 ? hexDigitValue(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
        if (d < 0) {
            ok = false;
            break;
        }
        const unsigned long long next = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
        if (next / static_cast<unsigned>(base) != v ||
            next > 0xFFFFFFFFull) {  // CK_ULONG of 32-bit vendors too
            ok = false;
            break;
        }
        v = next;
    }
    if (!ok)
        throw Error(
            ErrorCategory::Usage,
            fill(
                tr("sm2-mechanism needs the vendor's PKCS#11 mechanism number, e.g. sm2-mechanism=0x80000101 "
                   "(or decimal), not '{text}'"),
                {{"{text}", std::string(text)}}));
    return static_cast<unsigned long>(v);
}

Pkcs11Uri Pkcs11Uri::tokenOnly() const {
    Pkcs11Uri t = *this;
    t.object.reset();
    t.id.reset();
    t.type.reset();
    t.pinSource.reset();
    return t;
}

}  // namespace eseal
