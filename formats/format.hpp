// One adapter per container format, all behind this interface, all registered
// in one table (formats/registry.cpp). A format never includes another
// format's headers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/trust.hpp"
#include "core/key/key.hpp"
#include "core/report/report.hpp"
#include "core/seal/request.hpp"

namespace eseal {

struct SealResult {
    std::string output;
    std::string fieldName;
    std::uint64_t outputSize = 0;
    std::vector<SealAppearance> appearances;
    std::vector<std::string> warnings;  // for the person (translated), e.g. a PDF/A claim lost
};

struct UnsealResult {
    std::string output;
    std::string fieldName;  // the seal that was removed
    std::uint64_t outputSize = 0;
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
    // True when seal() honours SealRequest::picturePlaced: it signs a document
    // whose seal picture the front end placed itself (package formats). False
    // when the seal picture is part of the signature (PDF widget) or the
    // adapter always places it.
    virtual bool signsPlacedPicture() const { return false; }
    // Checks a request completely before any key is opened, so that nothing a
    // person must fix costs a PIN entry: the input is this format and readable,
    // the page exists, the whole seal lies inside it, the field name is free,
    // the seal picture decodes, the output is not the input and its folder
    // exists and is writable. Throws eseal::Error (its category decides the
    // exit code) naming the file; writes nothing. The CLI calls it for every
    // file before it asks for a PIN; the LibreOffice extension does the same.
    virtual void check(const SealRequest& request) const = 0;
    // True when seal() may run in several threads at once for different files
    // (sharing one Key, whose sign() the caller serialises): everything it
    // touches is per call or guarded. A batch seals other formats one at a time.
    virtual bool sealsConcurrently() const { return false; }
    // True when seal() carries request.electronicSeal inside the signature;
    // callers refuse a request with an electronic seal for other formats.
    virtual bool carriesElectronicSeal() const { return false; }
    // Seals request.input into request.output atomically; the input is never
    // modified. Throws eseal::Error with a message naming the file. Runs the
    // same checks as check() first.
    virtual SealResult seal(const SealRequest& request, Key& key) const = 0;
    // Removes the document's last seal when eseal made it and nothing follows
    // it, writing the document as it was before that seal to output
    // (atomically). Throws eseal::Error naming the file; writes nothing then.
    virtual UnsealResult unseal(const std::string& input, const std::string& output) const {
        (void)output;
        throw Error(ErrorCategory::Unsupported, tr("removing a seal is supported for PDF only"), input);
    }
    // Never throws for a bad file: problems are recorded in the report. The
    // trust store is built once per command and shared by every file.
    virtual Report verify(const std::string& path, const TrustStore& trust,
                          const VerifyOptions& options) const = 0;
};

const std::vector<const FormatAdapter*>& formatAdapters();
// Reads the head of the file; throws Error(BadInput) when no adapter claims it
// and Error(Io) when it cannot be read.
const FormatAdapter& adapterFor(const std::string& path);

}  // namespace eseal
