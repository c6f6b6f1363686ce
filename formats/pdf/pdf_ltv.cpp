#include "formats/pdf/pdf_ltv.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <set>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/issuers.hpp"
#include "core/crypto/revocation.hpp"
#include "core/crypto/timestamp.hpp"
#include "formats/pdf/pdf_input.hpp"
#include "formats/pdf/pdf_object_io.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "formats/pdf/pdf_sign_stages.hpp"
#include "formats/pdf/pdf_update_parts.hpp"
#include "formats/pdf/pdf_writer.hpp"

namespace eseal::pdf {

namespace {

using OH = QPDFObjectHandle;

// The output so far, read back: its catalog, trailer and last revision.
struct Current {
    std::unique_ptr<QPDF> qpdf;
    OH root, trailer;
    PdfRevision last;
    std::uint64_t size = 0;
    int next = 0;  // first free object number
};

Current readBack(const AtomicFile& output, const std::string& file) {
    Current c;
    c.size = output.size();
    const std::string& path = output.temporaryPath();
    const auto revisions = scanRevisions(path);
    if (revisions.empty() || revisions.back().end != c.size)
        throw Error(ErrorCategory::Internal, tr("the signed output cannot be read back"), file);
    c.last = revisions.back();
    c.qpdf = std::make_unique<QPDF>();
    c.qpdf->setSuppressWarnings(true);
    try {
        c.qpdf->processFile(path.c_str());
        c.root = c.qpdf->getRoot();
        c.trailer = c.qpdf->getTrailer();
        long long size = c.trailer.getKey("/Size").isInteger() ? c.trailer.getKey("/Size").getIntValue() : 0;
        for (const auto& entry : c.qpdf->getXRefTable())
            size = std::max<long long>(size, entry.first.getObj() + 1LL);
        c.next = static_cast<int>(size);
    } catch (const std::exception& e) {
        throw Error(ErrorCategory::Internal,
                    fill(tr("the signed output cannot be read back: {why}"), {{"{why}", e.what()}}), file);
    }
    return c;
}

// ISO 32000-1 7.12 / ETSI EN 319 142-1 5.4.1: a PDF 1.x file using PAdES
// features (DSS, document timestamps) declares the ESIC extension, as pyHanko
// and Acrobat write it.
std::string extensionsWithEsic(OH root) {
    OH ext = root.getKey("/Extensions");
    const std::string esic = "<< /Type /DeveloperExtensions /BaseVersion /1.7 /ExtensionLevel 1 >>";
    if (!ext.isDictionary()) return "<< /ESIC " + esic + " >>";
    if (ext.hasKey("/ESIC")) return ext.unparse();
    return dictionaryWith(ext, {{"/ESIC", esic}});
}

// Ends the update like the file's last revision (table or stream).
Bytes& finish(UpdateWriter& out, Current& c, const std::string& seed) {
    const int xrefNum = c.last.xrefStream ? c.next++ : 0;
    const std::string trailer = trailerEntries(c.trailer, c.root, seed);
    if (c.last.xrefStream)
        out.finishWithStream(xrefNum, c.next, c.last.startxref, trailer);
    else
        out.finishWithTable(c.next, c.last.startxref, trailer);
    return out.buffer();
}

std::string refs(const std::vector<int>& nums, OH existing) {
    std::string extra;
    for (int n : nums) extra += (extra.empty() ? "" : " ") + objectRef(n);
    return arrayWith(existing, extra);
}

}  // namespace

void appendDss(AtomicFile& output, const ValidationData& data, const std::string& file) {
    Current c = readBack(output, file);
    UpdateWriter out(c.size, false);
    auto streams = [&](const std::vector<Bytes>& items) {
        std::vector<int> nums;
        for (const auto& item : items) {
            const int n = c.next++;
            out.streamObject(n, 0, "", item);
            nums.push_back(n);
        }
        return nums;
    };
    const auto certs = streams(data.certificates);
    const auto crls = streams(data.crls);
    const auto ocsps = streams(data.ocsps);
    // ISO 32000-2 12.8.4.3 Table 261: /Certs, /OCSPs, /CRLs arrays of streams;
    // an earlier DSS keeps what it holds.
    OH old = c.root.getKey("/DSS");
    auto oldKey = [&](const char* k) { return old.isDictionary() ? old.getKey(k) : OH::newNull(); };
    std::map<std::string, std::string> entries{{"/Type", "/DSS"},
                                               {"/Certs", refs(certs, oldKey("/Certs"))},
                                               {"/CRLs", refs(crls, oldKey("/CRLs"))},
                                               {"/OCSPs", refs(ocsps, oldKey("/OCSPs"))}};
    if (!data.signatureCms.empty()) {
        // ETSI EN 319 142-1 5.4.2.2: the VRI key is the upper-case hex SHA-1 of the signature's /Contents.
        const std::string key = "/" + toHex(digest(DigestAlgorithm::Sha1, data.signatureCms), true);
        const std::string vri = "<< /Type /VRI /Cert " + refs(certs, OH::newNull()) + " /CRL " +
                                refs(crls, OH::newNull()) + " /OCSP " + refs(ocsps, OH::newNull()) + " >>";
        OH oldVri = oldKey("/VRI");
        entries["/VRI"] =
            oldVri.isDictionary() ? dictionaryWith(oldVri, {{key, vri}}) : "<< " + key + " " + vri + " >>";
    }
    const int dssNum = c.next++;
    out.object(dssNum, 0, dictionaryWith(old.isDictionary() ? old : OH::newDictionary(), entries));
    out.object(
        c.root.getObjectID(), c.root.getGeneration(),
        dictionaryWith(c.root, {{"/DSS", objectRef(dssNum)}, {"/Extensions", extensionsWithEsic(c.root)}}));
    output.write(finish(out, c, "dss|" + std::to_string(c.size)));
}

void appendDocumentTimestamp(AtomicFile& output, const std::string& tsaUrl, DigestAlgorithm digestAlgorithm,
                             const std::string& file) {
    Current c = readBack(output, file);
    const auto& pages = c.qpdf->getAllPages();
    if (pages.empty()) throw Error(ErrorCategory::BadInput, tr("the document has no page"), file);
    OH page = pages.front();
    OH acro = c.root.getKey("/AcroForm");
    OH fields = acro.isDictionary() ? acro.getKey("/Fields") : OH::newNull();
    std::set<std::string> names;
    if (fields.isArray())
        for (auto& f : fields.aitems())
            if (f.isDictionary() && f.getKey("/T").isString()) names.insert(f.getKey("/T").getUTF8Value());
    std::string name;
    for (int n = 1; name.empty() || names.count(name); ++n) name = "DocTimeStamp" + std::to_string(n);

    UpdateWriter out(c.size, false);
    const int fieldNum = c.next++;
    const int sigNum = c.next++;
    // ISO 32000-2 12.8.5 / ETSI EN 319 142-1 5.5: a signature dictionary of type
    // DocTimeStamp whose /Contents is an RFC 3161 token over the byte range.
    const std::size_t reserve = kTimestampTokenReserve;
    PreparedUpdate update;
    update.base = c.size;
    out.beginObject(sigNum, 0);
    out.append("<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161");
    const std::size_t byteRangeAt = writeSignatureSlot(out, reserve, update);
    out.append(" >>");
    out.endObject();
    // An invisible widget (zero /Rect, 12.7.4.5), Print + Locked.
    const std::string widget = objectRef(fieldNum);
    out.object(fieldNum, 0,
               "<< /Type /Annot /Subtype /Widget /FT /Sig /T " + encodeTextString(name) + " /F 132 /P " +
                   page.unparse() + " /Rect [0 0 0 0] /V " + objectRef(sigNum) + " >>");
    OH annots = page.getKey("/Annots");
    if (annots.isIndirect() && annots.isArray())
        out.object(annots.getObjectID(), annots.getGeneration(), arrayWith(annots, widget));
    else
        out.object(page.getObjectID(), page.getGeneration(),
                   dictionaryWith(page, {{"/Annots", arrayWith(annots, widget)}}));
    std::map<std::string, std::string> catalog{{"/Extensions", extensionsWithEsic(c.root)}};
    const bool sharedArray =
        annots.isIndirect() && fields.isIndirect() && annots.getObjGen() == fields.getObjGen();
    if (fields.isIndirect()) {
        if (!sharedArray) out.object(fields.getObjectID(), fields.getGeneration(), arrayWith(fields, widget));
    } else {
        const std::string form = acro.isDictionary()
                                     ? dictionaryWith(acro, {{"/Fields", arrayWith(fields, widget)}})
                                     : "<< /Fields [" + widget + "] /SigFlags 3 >>";
        if (acro.isIndirect())
            out.object(acro.getObjectID(), acro.getGeneration(), form);
        else
            catalog["/AcroForm"] = form;
    }
    out.object(c.root.getObjectID(), c.root.getGeneration(), dictionaryWith(c.root, catalog));
    update.bytes = std::move(finish(out, c, "doctimestamp|" + std::to_string(c.size)));

    fillByteRange(update, byteRangeAt);
    Hasher hasher(digestAlgorithm);
    const FileReader written(output.temporaryPath());
    Bytes chunk(1 << 20);
    for (std::uint64_t at = 0; at < c.size;) {
        const std::size_t n = written.readAt(
            at, chunk.data(), static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), c.size - at)));
        if (n == 0) throw Error(ErrorCategory::Internal, tr("the signed output cannot be read back"), file);
        hasher.update(ByteView(chunk.data(), n));
        at += n;
    }
    const Bytes& u = update.bytes;
    hasher.update(ByteView(u.data(), update.contentsAt));
    hasher.update(ByteView(u.data() + update.contentsEnd, u.size() - update.contentsEnd));
    const Bytes token = requestTimestampForDigest(tsaUrl, hasher.finish(), digestAlgorithm);
    embedSignature(update, token, file);
    output.write(update.bytes);
}

void appendLongTermValidation(AtomicFile& output, const PreparedUpdate& signatureUpdate,
                              const std::vector<Bytes>& chain, const SealRequest& request) {
    const std::string& file = request.input;
    ValidationData data;
    std::vector<Certificate> path;
    for (const auto& der : chain) {
        data.certificates.push_back(der);
        path.push_back(Certificate::fromDer(der));
    }
    if (path.empty()) throw Error(ErrorCategory::Internal, tr("no signer certificate"), file);
    // Signer first, then its issuers in order; the revocation of each is asked
    // of the services it names (RFC 5280 4.2.1.13, 4.2.2.1).
    std::vector<Certificate> ordered{path.front()};
    for (const auto& issuer : issuerPath(path.front(), path)) ordered.push_back(issuer);
    const RevocationData fetched = fetchRevocationData(ordered);
    if (fetched.crls.empty() && fetched.ocsps.empty())
        throw Error(
            ErrorCategory::Crypto,
            tr("PAdES B-LT needs revocation data, but the signer certificate names no CRL distribution point "
               "or OCSP service"),
            file);
    data.crls = fetched.crls;
    data.ocsps = fetched.ocsps;
    // The VRI key: the /Contents string as stored, zero padding included.
    const std::string hex(
        signatureUpdate.bytes.begin() + static_cast<std::ptrdiff_t>(signatureUpdate.contentsAt + 1),
        signatureUpdate.bytes.begin() + static_cast<std::ptrdiff_t>(signatureUpdate.contentsEnd - 1));
    data.signatureCms = fromHex(hex);
    appendDss(output, data, file);
    if (request.profile.level == PadesLevel::BLTA)
        appendDocumentTimestamp(output, request.profile.tsaUrl, request.profile.digest, file);
}

}  // namespace eseal::pdf
