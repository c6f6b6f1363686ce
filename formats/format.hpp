// One adapter per container format, all behind this interface, all registered
// in one table (formats/registry.cpp). A format never includes another
// format's headers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/crypto/trust.hpp"
#include "core/report/report.hpp"
#include "core/seal/request.hpp"
#include "core/key/key.hpp"

namespace eseal {

struct SealResult {
    std::string output;
    std::string fieldName;
    std::uint64_t outputSize = 0;
    std::vector<SealAppearance> appearances;
};

class FormatAdapter {
public:
    virtual ~FormatAdapter() = default;
    virtual std::string_view name() const = 0;  // "PDF"
    // True when the first bytes (up to 1024) of a file are this format.
    virtual bool detect(ByteView head) const = 0;
    // For containers whose head does not tell (ZIP packages: OFD, OOXML, ODF),
    // a look inside the file; by default the head decides.
    virtual bool detectFile(const std::string& path, ByteView head) const {
        (void)path;
        return detect(head);
    }
    // Seals request.input into request.output atomically; the input is never
    // modified. Throws eseal::Error with a message naming the file.
    virtual SealResult seal(const SealRequest& request, Key& key) const = 0;
    // Never throws for a bad file: problems are recorded in the report.
    virtual Report verify(const std::string& path, const TrustPolicy& policy) const = 0;
};

const std::vector<const FormatAdapter*>& formatAdapters();
// Reads the head of the file; throws Error(BadInput) when no adapter claims it
// and Error(Io) when it cannot be read.
const FormatAdapter& adapterFor(const std::string& path);

}  // namespace eseal
