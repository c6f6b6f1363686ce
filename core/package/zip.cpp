#include "core/package/zip.hpp"

#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <ctime>
#include <set>
#include <tuple>

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
            throw Error(ErrorCategory::BadInput,
                        fill(tr("ZIP entry {n} cannot be read"), {{"{n}", std::to_string(i)}}), path);
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

std::int64_t ZipArchive::indexOf(const std::string& name) const {
    const zip_int64_t index = zip_name_locate(impl_->zip, name.c_str(), ZIP_FL_ENC_RAW);
    if (index < 0)
        throw Error(ErrorCategory::BadInput, fill(tr("the package has no entry {name}"), {{"{name}", name}}),
                    path_);
    return index;
}

std::uint64_t ZipArchive::size(const std::string& name) const {
    zip_stat_t st;
    zip_stat_init(&st);
    const zip_int64_t index = zip_name_locate(impl_->zip, name.c_str(), ZIP_FL_ENC_RAW);
    if (index < 0 || zip_stat_index(impl_->zip, static_cast<zip_uint64_t>(index), ZIP_FL_ENC_RAW, &st) != 0)
        return 0;
    return st.size;
}

void ZipArchive::stream(const std::string& name, const std::function<void(ByteView)>& sink) const {
    const auto index = static_cast<zip_uint64_t>(indexOf(name));
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(impl_->zip, index, ZIP_FL_ENC_RAW, &st) != 0)
        throw Error(ErrorCategory::BadInput, fill(tr("the package has no entry {name}"), {{"{name}", name}}),
                    path_);
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen_index(impl_->zip, index, 0), zip_fclose);
    if (!file)
        throw Error(ErrorCategory::BadInput, fill(tr("cannot expand ZIP entry {name}"), {{"{name}", name}}),
                    path_);
    // Reading past the declared size shows a lying size (a zip bomb hides so):
    // never more than one byte beyond it is asked for. libzip checks the CRC at the end.
    std::vector<std::uint8_t> buffer(65536);
    std::uint64_t got = 0;
    for (;;) {
        const std::uint64_t left = st.size + 1 - got;
        const zip_int64_t n =
            zip_fread(file.get(), buffer.data(), std::min<std::uint64_t>(buffer.size(), left));
        if (n < 0)
            throw Error(ErrorCategory::BadInput, tr("ZIP entry is corrupt (data or CRC): ") + name, path_);
        if (n == 0) break;
        got += static_cast<std::uint64_t>(n);
        if (got > st.size) break;
        sink(ByteView(buffer.data(), static_cast<std::size_t>(n)));
    }
    if (got != st.size)
        throw Error(ErrorCategory::BadInput,
                    fill(tr("ZIP entry size does not match: {name}"), {{"{name}", name}}), path_);
}

Bytes ZipArchive::read(const std::string& name) const {
    Bytes out;
    out.reserve(static_cast<std::size_t>(size(name)));
    stream(name, [&](ByteView piece) { out.insert(out.end(), piece.begin(), piece.end()); });
    return out;
}

void streamSpliced(const ZipArchive& zip, const std::string& name, const std::vector<Splice>& splices,
                   const std::function<void(ByteView)>& sink) {
    auto mismatch = [&](std::uint64_t at) {
        return Error(ErrorCategory::Internal, fill(tr("cannot edit {name} at byte {at}"),
                                                   {{"{name}", name}, {"{at}", std::to_string(at)}}));
    };
    std::size_t next = 0;       // the first splice not yet begun
    std::uint64_t pos = 0;      // offset in the entry of the byte at piece[i]
    std::size_t dropping = 0;   // bytes of splices[next - 1].removed still to leave out
    std::uint8_t previous = 0;  // the byte before pos
    auto begin = [&]() {
        const Splice& s = splices[next];
        if (s.precededBy && (pos == 0 || previous != static_cast<std::uint8_t>(s.precededBy)))
            throw mismatch(s.at);
        if (next > 0 && s.at < splices[next - 1].at + splices[next - 1].removed.size()) throw mismatch(s.at);
        sink(asBytes(s.insert));
        dropping = s.removed.size();
        ++next;
    };
    zip.stream(name, [&](ByteView piece) {
        std::size_t i = 0;
        while (i < piece.size()) {
            if (dropping > 0) {
                const std::string& removed = splices[next - 1].removed;
                if (piece[i] != static_cast<std::uint8_t>(removed[removed.size() - dropping]))
                    throw mismatch(pos);
                previous = piece[i++];
                ++pos;
                --dropping;
                continue;
            }
            if (next < splices.size() && splices[next].at == pos) {
                begin();
                continue;
            }
            std::uint64_t end = pos + (piece.size() - i);
            if (next < splices.size() && splices[next].at < end) end = splices[next].at;
            if (end <= pos) throw mismatch(splices[next].at);  // splices out of order
            const auto n = static_cast<std::size_t>(end - pos);
            sink(piece.subspan(i, n));
            previous = piece[i + n - 1];
            i += n;
            pos = end;
        }
    });
    while (dropping == 0 && next < splices.size() && splices[next].at == pos) begin();  // at the very end
    if (dropping > 0 || next < splices.size()) throw mismatch(next < splices.size() ? splices[next].at : pos);
}

namespace {

void put16(Bytes& b, unsigned v) {
    b.push_back(static_cast<std::uint8_t>(v));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(Bytes& b, std::uint64_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// MS-DOS date and time (APPNOTE 4.4.6), local time as ZIP tools write it.
std::pair<unsigned, unsigned> dosTime(std::time_t t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    if (tm.tm_year < 80) return {0, (1 << 5) | 1};  // 1980-01-01
    return {static_cast<unsigned>((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2)),
            static_cast<unsigned>(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday)};
}

bool asciiName(const std::string& name) {
    for (unsigned char c : name)
        if (c >= 0x80) return false;
    return true;
}

}  // namespace

struct ZipWriter::Impl {
    struct Entry {
        std::string name;
        unsigned method = 0, time = 0, date = 0;
        std::uint32_t crc = 0;
        std::uint64_t compressed = 0, size = 0, offset = 0;
        bool directory = false;
    };
    explicit Impl(const std::string& path) : file(path) {}
    AtomicFile file;
    std::vector<Entry> entries;
    std::set<std::string> names;

    // The fixed fields both headers share (APPNOTE 4.3.7 / 4.3.12, from "version needed").
    static void common(Bytes& b, const Entry& e) {
        put16(b, 20);                              // version needed: 2.0 (deflate, directories)
        put16(b, asciiName(e.name) ? 0 : 0x0800);  // bit 11: the name is UTF-8
        put16(b, e.method);
        put16(b, e.time);
        put16(b, e.date);
        put32(b, e.crc);
        put32(b, e.compressed);
        put32(b, e.size);
        put16(b, static_cast<unsigned>(e.name.size()));
        put16(b, 0);  // no extra field (ODF's mimetype must have none to be found at offset 38)
    }
    Bytes localHeader(const Entry& e) const {
        Bytes b;
        put32(b, 0x04034b50);
        common(b, e);
        b.insert(b.end(), e.name.begin(), e.name.end());
        return b;
    }
    Entry& begin(const std::string& name, unsigned method, std::time_t mtime) {
        // The limits ZipArchive reads with; beyond them ZIP64 would be needed.
        if (!names.insert(name).second || entries.size() >= 65535 || name.size() > 65535)
            throw Error(ErrorCategory::Internal, tr("cannot write the package: entry ") + name,
                        file.target());
        Entry e;
        e.name = name;
        e.method = method;
        std::tie(e.time, e.date) = dosTime(mtime);
        e.offset = file.size();
        e.directory = !name.empty() && name.back() == '/';
        entries.push_back(e);
        file.write(localHeader(e));
        return entries.back();
    }
    void end(Entry& e) {
        if (e.compressed > 0xffffffffu || e.size > 0xffffffffu || file.size() > 0xffffffffu)
            throw Error(ErrorCategory::Unsupported, tr("the package would exceed 4 GiB"), file.target());
        file.rewrite(e.offset, localHeader(e));
    }
};

ZipWriter::ZipWriter(const std::string& path) : impl_(std::make_unique<Impl>(path)) {}
ZipWriter::~ZipWriter() = default;

void ZipWriter::add(const std::string& name, ByteView data, bool stored) {
    if (stored || data.empty()) {
        Impl::Entry& e = impl_->begin(name, 0, std::time(nullptr));
        e.crc = static_cast<std::uint32_t>(crc32(0, data.data(), static_cast<uInt>(data.size())));
        e.size = e.compressed = data.size();
        impl_->file.write(data);
        impl_->end(e);
        return;
    }
    addStreamed(name, [&](const std::function<void(ByteView)>& sink) { sink(data); });
}

void ZipWriter::addStreamed(const std::string& name,
                            const std::function<void(const std::function<void(ByteView)>&)>& produce) {
    Impl::Entry& e = impl_->begin(name, 8, std::time(nullptr));
    z_stream z{};
    // Raw deflate (no zlib header), as ZIP method 8 holds it (APPNOTE 4.4.5).
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error(ErrorCategory::Internal, tr("cannot compress ") + name);
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, deflateEnd);
    std::vector<std::uint8_t> out(65536);
    uLong crc = crc32(0, nullptr, 0);
    auto pump = [&](ByteView in, int flush) {
        z.next_in = const_cast<Bytef*>(in.data());
        z.avail_in = static_cast<uInt>(in.size());
        int rc = Z_OK;
        do {
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            rc = deflate(&z, flush);
            if (rc == Z_STREAM_ERROR) throw Error(ErrorCategory::Internal, tr("cannot compress ") + name);
            const std::size_t n = out.size() - z.avail_out;
            impl_->file.write(out.data(), n);
            e.compressed += n;
        } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    };
    produce([&](ByteView piece) {
        while (!piece.empty()) {  // uInt-sized pieces
            const ByteView part = piece.first(std::min<std::size_t>(piece.size(), 1u << 30));
            crc = crc32(crc, part.data(), static_cast<uInt>(part.size()));
            e.size += part.size();
            pump(part, Z_NO_FLUSH);
            piece = piece.subspan(part.size());
        }
    });
    pump({}, Z_FINISH);
    e.crc = static_cast<std::uint32_t>(crc);
    impl_->end(e);
}

void ZipWriter::copy(const ZipArchive& from, const std::string& name) {
    zip_t* za = from.impl_->zip;
    const auto index = static_cast<zip_uint64_t>(from.indexOf(name));
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, index, ZIP_FL_ENC_RAW, &st) != 0 || !(st.valid & ZIP_STAT_CRC) ||
        !(st.valid & ZIP_STAT_COMP_METHOD) ||
        ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE))
        throw Error(ErrorCategory::BadInput, fill(tr("cannot copy ZIP entry {name}"), {{"{name}", name}}),
                    from.path_);
    Impl::Entry& e = impl_->begin(name, static_cast<unsigned>(st.comp_method),
                                  (st.valid & ZIP_STAT_MTIME) ? st.mtime : std::time(nullptr));
    e.crc = st.crc;
    e.size = st.size;
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen_index(za, index, ZIP_FL_COMPRESSED),
                                                           zip_fclose);
    if (!file)
        throw Error(ErrorCategory::BadInput, fill(tr("cannot copy ZIP entry {name}"), {{"{name}", name}}),
                    from.path_);
    std::vector<std::uint8_t> buffer(65536);
    for (;;) {
        const std::uint64_t left = st.comp_size + 1 - e.compressed;
        const zip_int64_t n =
            zip_fread(file.get(), buffer.data(), std::min<std::uint64_t>(buffer.size(), left));
        if (n < 0)
            throw Error(ErrorCategory::BadInput, tr("ZIP entry is corrupt (data or CRC): ") + name,
                        from.path_);
        if (n == 0) break;
        e.compressed += static_cast<std::uint64_t>(n);
        if (e.compressed > st.comp_size) break;
        impl_->file.write(buffer.data(), static_cast<std::size_t>(n));
    }
    if (e.compressed != st.comp_size)
        throw Error(ErrorCategory::BadInput,
                    fill(tr("ZIP entry size does not match: {name}"), {{"{name}", name}}), from.path_);
    impl_->end(e);
}

std::uint64_t ZipWriter::commit(const OutputHandOff& handOff) {
    Impl& w = *impl_;
    const std::uint64_t start = w.file.size();
    Bytes cd;
    for (const auto& e : w.entries) {
        put32(cd, 0x02014b50);
        put16(cd, 20);  // made by: MS-DOS attributes, version 2.0
        Impl::common(cd, e);
        put16(cd, 0);                       // comment length
        put16(cd, 0);                       // disk number
        put16(cd, 0);                       // internal attributes
        put32(cd, e.directory ? 0x10 : 0);  // MS-DOS directory attribute
        put32(cd, e.offset);
        cd.insert(cd.end(), e.name.begin(), e.name.end());
    }
    Bytes eocd;
    put32(eocd, 0x06054b50);
    put16(eocd, 0);
    put16(eocd, 0);
    put16(eocd, static_cast<unsigned>(w.entries.size()));
    put16(eocd, static_cast<unsigned>(w.entries.size()));
    put32(eocd, cd.size());
    put32(eocd, start);
    put16(eocd, 0);
    if (start + cd.size() > 0xffffffffu)
        throw Error(ErrorCategory::Unsupported, tr("the package would exceed 4 GiB"), w.file.target());
    w.file.write(cd);
    w.file.write(eocd);
    const std::uint64_t total = w.file.size();
    w.file.commit(handOff);
    return total;
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

}  // namespace eseal::package
