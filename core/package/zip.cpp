#include "core/package/zip.hpp"

#include <zip.h>

#include <set>

#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::package {

namespace {

// A name that could write or read outside the package is refused
// (absolute, drive letters, "..", backslashes, NUL, empty segments).
bool safeName(const std::string& name) {
    if (name.empty() || name.size() > 4096 || name[0] == '/' || name.find('\\') != std::string::npos ||
        name.find('\0') != std::string::npos || (name.size() > 1 && name[1] == ':'))
        return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t end = name.find('/', start);
        if (end == std::string::npos) end = name.size();
        const std::string seg = name.substr(start, end - start);
        if (seg == ".." || seg == "." || (seg.empty() && end != name.size())) return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

bool isZipHead(ByteView head) {
    return head.size() >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
}

struct ZipArchive::Impl {
    zip_t* zip = nullptr;
    ~Impl() {
        if (zip) zip_discard(zip);
    }
};

ZipArchive::ZipArchive(const std::string& path, ZipLimits limits)
    : impl_(std::make_unique<Impl>()), path_(path), limits_(limits) {
    int err = 0;
    impl_->zip = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!impl_->zip) {
        if (err == ZIP_ER_OPEN || err == ZIP_ER_READ || err == ZIP_ER_NOENT)
            throw Error(ErrorCategory::InputUnreadable, tr("cannot open the package"), path);
        if (err == ZIP_ER_EXISTS)  // libzip's own check of the central directory
            throw Error(ErrorCategory::BadInput, tr("ZIP entry names appear twice"), path);
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        const std::string why = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        throw Error(ErrorCategory::BadInput, tr("not a valid ZIP package: ") + why, path);
    }
    const zip_int64_t count = zip_get_num_entries(impl_->zip, 0);
    if (count < 0 || static_cast<std::uint64_t>(count) > limits_.maxEntries)
        throw Error(ErrorCategory::BadInput, tr("ZIP package has too many entries"), path);
    std::set<std::string> seen;
    std::uint64_t total = 0;
    for (zip_int64_t i = 0; i < count; ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(impl_->zip, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW, &st) != 0 || !st.name ||
            !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
            throw Error(ErrorCategory::BadInput, "ZIP entry " + std::to_string(i) + " cannot be read", path);
        const std::string name = st.name;
        if (!safeName(name))
            throw Error(ErrorCategory::BadInput, tr("ZIP entry name is not safe: ") + name, path);
        if (!seen.insert(name).second)
            throw Error(ErrorCategory::BadInput, tr("ZIP entry name appears twice: ") + name, path);
        if (st.size > limits_.maxEntryBytes)
            throw Error(ErrorCategory::BadInput, tr("ZIP entry too large when expanded: ") + name, path);
        if (st.size > (1u << 20) && st.size / (st.comp_size ? st.comp_size : 1) > limits_.maxRatio)
            throw Error(ErrorCategory::BadInput, tr("ZIP entry expands too much (a zip bomb?): ") + name,
                        path);
        total += st.size;
        if (total > limits_.maxTotalBytes)
            throw Error(ErrorCategory::BadInput, tr("ZIP package too large when expanded"), path);
        names_.push_back(name);
    }
}

ZipArchive::~ZipArchive() = default;

bool ZipArchive::contains(const std::string& name) const {
    for (const auto& n : names_)
        if (n == name) return true;
    return false;
}

Bytes ZipArchive::read(const std::string& name) const {
    zip_stat_t st;
    zip_stat_init(&st);
    const zip_int64_t index = zip_name_locate(impl_->zip, name.c_str(), ZIP_FL_ENC_RAW);
    if (index < 0 || zip_stat_index(impl_->zip, static_cast<zip_uint64_t>(index), ZIP_FL_ENC_RAW, &st) != 0)
        throw Error(ErrorCategory::BadInput, "the package has no entry " + name, path_);
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(
        zip_fopen_index(impl_->zip, static_cast<zip_uint64_t>(index), 0), zip_fclose);
    if (!file) throw Error(ErrorCategory::BadInput, "cannot expand ZIP entry " + name, path_);
    // One byte more than declared shows a lying size; libzip checks the CRC at the end.
    Bytes out(static_cast<std::size_t>(st.size) + 1);
    std::size_t got = 0;
    while (got < out.size()) {
        const zip_int64_t n = zip_fread(file.get(), out.data() + got, out.size() - got);
        if (n < 0)
            throw Error(ErrorCategory::BadInput, tr("ZIP entry is corrupt (data or CRC): ") + name, path_);
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got != st.size) throw Error(ErrorCategory::BadInput, "ZIP entry size does not match: " + name, path_);
    out.resize(got);
    return out;
}

Bytes writeZip(const std::vector<ZipEntryOut>& entries) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &ze);
    if (!buffer) throw Error(ErrorCategory::Internal, "cannot create a ZIP buffer");
    zip_source_keep(buffer);
    zip_t* za = zip_open_from_source(buffer, ZIP_TRUNCATE, &ze);
    auto fail = [&](const std::string& what) {
        if (za) zip_discard(za);
        zip_source_free(buffer);
        zip_error_fini(&ze);
        return Error(ErrorCategory::Internal, "cannot write the package: " + what);
    };
    if (!za) throw fail("open");
    for (const ZipEntryOut& e : entries) {
        zip_int64_t index = -1;
        if (!e.name.empty() && e.name.back() == '/') {
            index = zip_dir_add(za, e.name.substr(0, e.name.size() - 1).c_str(), ZIP_FL_ENC_UTF_8);
        } else {
            zip_source_t* src = zip_source_buffer(za, e.data.data(), e.data.size(), 0);
            if (!src) throw fail(e.name);
            index = zip_file_add(za, e.name.c_str(), src, ZIP_FL_ENC_UTF_8);
            if (index < 0) zip_source_free(src);
        }
        if (index < 0) throw fail(e.name);
        if (zip_set_file_compression(za, static_cast<zip_uint64_t>(index),
                                     e.stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) != 0)
            throw fail(e.name);
    }
    if (zip_close(za) != 0) throw fail(zip_strerror(za));
    za = nullptr;
    Bytes out;
    if (zip_source_open(buffer) != 0) throw fail("reopen");
    unsigned char chunk[65536];
    zip_int64_t n = 0;
    while ((n = zip_source_read(buffer, chunk, sizeof chunk)) > 0) out.insert(out.end(), chunk, chunk + n);
    zip_source_close(buffer);
    zip_source_free(buffer);
    zip_error_fini(&ze);
    if (n < 0) throw Error(ErrorCategory::Internal, "cannot read the written package");
    return out;
}

std::size_t writeZipFile(const std::string& path, const std::vector<ZipEntryOut>& entries) {
    const Bytes package = writeZip(entries);
    AtomicFile file(path);
    file.write(package);
    file.commit();
    return package.size();
}

}  // namespace eseal::package
