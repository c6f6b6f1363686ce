#include "formats/pdf/pdf_dss.hpp"

#include <qpdf/QPDFObjectHandle.hh>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/chain.hpp"

namespace eseal::pdf {

namespace {

constexpr std::size_t kMaxEntries = 1000;
constexpr std::size_t kMaxEntryBytes = 1u << 20;

std::vector<Bytes> streamsOf(QPDFObjectHandle array, const char* what, std::vector<std::string>& problems) {
    std::vector<Bytes> out;
    if (!array.isArray()) return out;
    for (auto& item : array.aitems()) {
        if (out.size() >= kMaxEntries) {
            problems.push_back(fill(tr("the DSS holds more {what} than eseal reads"), {{"{what}", what}}));
            break;
        }
        try {
            if (!item.isStream()) continue;
            // Filters are qpdf's; a stream that expands beyond the bound is left out.
            auto data = item.getStreamData(qpdf_dl_generalized);
            if (data->getSize() > kMaxEntryBytes) {
                problems.push_back(
                    fill(tr("a DSS entry of {what} is too large and was ignored"), {{"{what}", what}}));
                continue;
            }
            out.emplace_back(data->getBuffer(), data->getBuffer() + data->getSize());
        } catch (const std::exception& e) {
            problems.push_back(fill(tr("a DSS entry of {what} cannot be read: {why}"),
                                    {{"{what}", what}, {"{why}", e.what()}}));
        }
    }
    return out;
}

}  // namespace

DssContents readDss(QPDF& qpdf) {
    DssContents out;
    out.revocation.origin = "DSS";
    try {
        QPDFObjectHandle dss = qpdf.getRoot().getKey("/DSS");
        if (!dss.isDictionary()) return out;
        for (const auto& der : streamsOf(dss.getKey("/Certs"), tr("certificates"), out.problems)) {
            try {
                out.certificates.push_back(Certificate::fromDer(der));
            } catch (const Error&) {
                out.problems.push_back(tr("a DSS certificate is not a certificate and was ignored"));
            }
        }
        out.revocation.crls = streamsOf(dss.getKey("/CRLs"), tr("CRLs"), out.problems);
        out.revocation.ocsps = streamsOf(dss.getKey("/OCSPs"), tr("OCSP responses"), out.problems);
    } catch (const std::exception& e) {
        out.problems.push_back(fill(tr("the DSS cannot be read: {why}"), {{"{why}", e.what()}}));
    }
    return out;
}

void checkDocumentTimestamp(ByteView token, const ImprintDigest& digestOf, const TrustStore& trust,
                            const DssContents& dss, SignatureReport& s) {
    const TimestampCheck ts = verifyTimestamp(token, digestOf, trust, dss.certificates, "document");
    s.timestamp = ts.info;
    s.signer = ts.info.tsa;
    s.chain = ts.info.chain;
    s.digestAlgorithm = ts.info.digestAlgorithm;
    s.signatureAlgorithm = "RFC 3161 timestamp";
    s.digestMatches = ts.info.imprintMatches;
    s.signatureValid = ts.info.signatureValid;
    s.timestamped = ts.trusted();
    if (ts.info.time) {
        s.signingTime = ts.info.time;
        s.signingTimeSource = "timestamp";
    }
    if (!ts.info.signatureValid) {
        s.verdict.worsenTo(Indication::Failed, SubIndication::SigCryptoFailure);
        s.errors.push_back(
            fill(tr("The document timestamp is not valid: {problem}."), {{"{problem}", ts.info.problem}}));
    } else if (!ts.info.imprintMatches) {
        s.verdict.worsenTo(Indication::Failed, SubIndication::HashFailure);
        s.errors.push_back(fill(tr("The document was changed after it was timestamped: {problem}."),
                                {{"{problem}", ts.info.problem}}));
    } else if (!ts.intact) {
        s.verdict.worsenTo(Indication::Indeterminate, SubIndication::FormatFailure);
        s.errors.push_back(
            fill(tr("The document timestamp cannot be used: {problem}."), {{"{problem}", ts.info.problem}}));
    } else if (!ts.trusted()) {
        s.verdict.worsenTo(Indication::Indeterminate, chainSubIndication(ts.info.chain.status));
        s.errors.push_back(fill(tr("The document timestamp does not prove its time: {problem}."),
                                {{"{problem}", ts.info.problem}}));
    }
}

}  // namespace eseal::pdf
