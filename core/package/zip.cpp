#include "core/package/zip.hpp"

#include <zip.h>

#include <set>

#include "core/base/error.hpp"

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
            throw Error(ErrorCategory::InputUnreadable, "cannot open the package", path);
        if (err == ZIP_ER_EXISTS)  // libzip's own check of the central directory
            throw Error(ErrorCategory::BadInput, "ZIP entry names appear twice", path);
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        const std::string why = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        throw Error(ErrorCategory::BadInput, "not a valid ZIP package: " + why, path);
    }
    const zip_int64_t count = zip_get_num_entries(impl_->zip, 0);
    if (count < 0 || static_cast<std::uint64_t>(count) > limits_.maxEntries)
        throw Error(ErrorCategory::BadInput, "ZIP package has too many entries", path);
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
            throw Error(ErrorCategory::BadInput, "ZIP entry name is not safe: " + name, path);
        if (!seen.insert(name).second)
            throw Error(ErrorCategory::BadInput, "ZIP entry name appears twice: " + name, path);
        if (st.size > limits_.maxEntryBytes)
            throw Error(ErrorCategory::BadInput, "ZIP entry too large when expanded: " + name, path);
        if (st.size > (1u << 20) && st.size / (st.comp_size ? st.comp_size : 1) > limits_.maxRatio)
            throw Error(ErrorCategory::BadInput, "ZIP entry expands too much (a zip bomb?): " + name, path);
        total += st.size;
        if (total > limits_.maxTotalBytes)
            throw Error(ErrorCategory::BadInput, "ZIP package too large when expanded", path);
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
        if (n < 0) throw Error(ErrorCategory::BadInput, "ZIP entry is corrupt (data or CRC): " + name, path_);
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got != st.size) throw Error(ErrorCategory::BadInput, "ZIP entry size does not match: " + name, path_);
    out.resize(got);
    return out;
}

}  // namespace eseal::package
