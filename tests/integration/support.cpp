#include "tests/integration/support.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <png.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

extern char** environ;

namespace integ {

const std::string& esealBin() {
    static const std::string bin = ESEAL_BIN;
    return bin;
}
fs::path pkiDir() { return ESEAL_TEST_PKI; }
fs::path inputsDir() { return fs::path(ESEAL_TEST_DATA) / "inputs"; }
fs::path softhsmDir() { return ESEAL_TEST_SOFTHSM; }
fs::path sourceDir() { return ESEAL_SOURCE_DIR; }
fs::path trustPem() { return pkiDir() / "trust.pem"; }
fs::path nssDb() { return inputsDir() / "nssdb"; }
fs::path sealPng() { return inputsDir() / "seal-red.png"; }

std::string keyUri(const std::string& object, const std::string& module) {
    return "pkcs11:token=eseal-test;object=" + object + "?module-path=" + module;
}
Env spyEnv(const fs::path& log) {
    return {{"PKCS11SPY", kSoftHsmModule},
            {"PKCS11SPY_OUTPUT", log.string()},
            {"LSAN_OPTIONS",
             "suppressions=" + std::string(ESEAL_SOURCE_DIR) + "/tests/lsan.supp:print_suppressions=0"}};
}

std::string tokenUri(const std::string& module) { return "pkcs11:token=eseal-test?module-path=" + module; }

std::string RunResult::describe() const {
    std::ostringstream s;
    s << "exit " << exitCode << (timedOut ? " (killed after timeout)" : "") << "\n--- stdout ---\n"
      << out.substr(0, 4000) << "\n--- stderr ---\n"
      << err.substr(0, 4000);
    return s.str();
}

namespace {

struct FileActions {
    posix_spawn_file_actions_t fa{};
    FileActions() { posix_spawn_file_actions_init(&fa); }
    ~FileActions() { posix_spawn_file_actions_destroy(&fa); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
};
struct SpawnAttr {
    posix_spawnattr_t attr{};
    SpawnAttr() { posix_spawnattr_init(&attr); }
    ~SpawnAttr() { posix_spawnattr_destroy(&attr); }
    SpawnAttr(const SpawnAttr&) = delete;
    SpawnAttr& operator=(const SpawnAttr&) = delete;
};
struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    void reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

}  // namespace

RunResult run(const std::vector<std::string>& argv, const Env& env, int timeoutSeconds) {
    RunResult r;
    if (argv.empty()) return r;

    std::map<std::string, std::string> vars;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    vars["SOFTHSM2_CONF"] = (softhsmDir() / "softhsm2.conf").string();
    // A configuration file of the person running the tests must not change them.
    vars["ESEAL_CONFIG"] = "/dev/null";
    vars[kPinVar] = kUserPin;
    for (const auto& [k, v] : env) {
        if (v == kUnset)
            vars.erase(k);
        else
            vars[k] = v;
    }
    std::vector<std::string> envStrings;
    for (const auto& [k, v] : vars) envStrings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : envStrings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& s : args) argp.push_back(s.data());
    argp.push_back(nullptr);

    std::array<int, 2> outPipe{}, errPipe{};
    if (::pipe2(outPipe.data(), O_CLOEXEC) != 0) return r;
    Fd outRead(outPipe[0]), outWrite(outPipe[1]);
    if (::pipe2(errPipe.data(), O_CLOEXEC) != 0) return r;
    Fd errRead(errPipe[0]), errWrite(errPipe[1]);

    FileActions fa;
    posix_spawn_file_actions_addopen(&fa.fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa.fa, outWrite.fd, 1);
    posix_spawn_file_actions_adddup2(&fa.fa, errWrite.fd, 2);
    SpawnAttr attr;
    // A new session has no controlling terminal: /dev/tty cannot be opened, as
    // under a service or a pipeline.
    posix_spawnattr_setflags(&attr.attr, POSIX_SPAWN_SETSID);

    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, argp[0], &fa.fa, &attr.attr, argp.data(), envp.data());
    outWrite.reset();
    errWrite.reset();
    if (rc != 0) {
        r.err = "spawn " + argv[0] + " failed: " + std::strerror(rc);
        return r;
    }

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    std::array<pollfd, 2> fds{pollfd{outRead.fd, POLLIN, 0}, pollfd{errRead.fd, POLLIN, 0}};
    int open = 2;
    std::array<char, 65536> buf{};
    while (open > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                          std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            r.timedOut = true;
            break;
        }
        int n = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            ssize_t got = ::read(fds[i].fd, buf.data(), buf.size());
            if (got > 0) {
                (i == 0 ? r.out : r.err).append(buf.data(), static_cast<std::size_t>(got));
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                fds[i].fd = -1;
                --open;
            }
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        r.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        r.exitCode = 128 + WTERMSIG(status);
    return r;
}

RunResult eseal(const std::vector<std::string>& args, const Env& env, int timeoutSeconds) {
    BOOST_REQUIRE_MESSAGE(fs::exists(esealBin()),
                          "the eseal binary " << esealBin() << " does not exist: build the eseal target");
    std::vector<std::string> argv{esealBin()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = run(argv, env, timeoutSeconds);
    BOOST_TEST_MESSAGE("eseal " << [&] {
        std::string s;
        for (const auto& a : args) s += a + " ";
        return s;
    }() << "-> exit " << r.exitCode);
    BOOST_REQUIRE_MESSAGE(!r.timedOut, "eseal did not finish within " << timeoutSeconds << " s\n"
                                                                      << r.describe());
    BOOST_REQUIRE_MESSAGE(r.exitCode < 128, "eseal crashed\n" << r.describe());
    return r;
}

TempDir::TempDir(const std::string& tag) {
    fs::path base = fs::path(ESEAL_TEST_DATA) / "tmp";
    fs::create_directories(base);
    std::string pattern = (base / ("integ-" + tag + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
    path = pattern;
}
PrivateToken::PrivateToken() {
    fs::copy(softhsmDir() / "tokens", dir / "tokens", fs::copy_options::recursive);
    conf = dir / "softhsm2.conf";
    writeFile(conf, "directories.tokendir = " + (dir / "tokens").string() +
                        "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
}
TempDir::~TempDir() {
    if (std::getenv("ESEAL_INTEG_KEEP") != nullptr) return;  // keep for inspection
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
}

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
void writeFile(const fs::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

void writeLargePdf(const fs::path& p, std::size_t streamBytes) {
    std::string head = "%PDF-1.7\n";
    std::vector<std::size_t> offsets;
    auto obj = [&](const std::string& body) {
        offsets.push_back(head.size());
        head += std::to_string(offsets.size()) + " 0 obj\n" + body + "\nendobj\n";
    };
    obj("<< /Type /Catalog /Pages 2 0 R >>");
    obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Big 4 0 R >> >> >>");
    offsets.push_back(head.size());
    head += "4 0 obj\n<< /Length " + std::to_string(streamBytes) + " >>\nstream\n";
    {
        std::FILE* f = std::fopen(p.c_str(), "wb");
        if (!f) throw std::runtime_error("cannot write " + p.string());
        std::fwrite(head.data(), 1, head.size(), f);
        std::fclose(f);
    }
    fs::resize_file(p, head.size() + streamBytes);  // zeros, without writing them
    std::string tail = "\nendstream\nendobj\n";
    const std::size_t xref = head.size() + streamBytes + tail.size();
    tail += "xref\n0 5\n0000000000 65535 f \n";
    for (std::size_t o : offsets) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
        tail += line;
    }
    tail += "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    std::FILE* f = std::fopen(p.c_str(), "ab");
    std::fwrite(tail.data(), 1, tail.size(), f);
    std::fclose(f);
}

std::string sha256File(const fs::path& p) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("EVP_DigestInit failed");
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::array<char, 1 << 16> buf{};
    while (in) {
        in.read(buf.data(), buf.size());
        if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md.data(), &len);
    static const char* hex = "0123456789abcdef";
    std::string s;
    for (unsigned i = 0; i < len; ++i) {
        s += hex[md[i] >> 4];
        s += hex[md[i] & 15];
    }
    return s;
}

bool containsAny(const std::string& hay, const std::vector<std::string>& needles) {
    auto lower = [](std::string s) {
        for (auto& c : s)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        return s;
    };
    const std::string h = lower(hay);
    for (const auto& n : needles)
        if (h.find(lower(n)) != std::string::npos) return true;
    return false;
}

std::vector<std::string> listDir(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

Verified verifyJson(const std::vector<fs::path>& files) {
    std::vector<std::string> args{"verify"};
    for (const auto& f : files) args.push_back(f.string());
    args.insert(args.end(), {"--json", "--trust", trustPem().string(), "--no-system-trust"});
    Verified v{eseal(args), nullptr};
    v.report = nlohmann::json::parse(v.run.out, nullptr, /*allow_exceptions=*/false);
    if (v.report.is_discarded()) v.report = nullptr;
    return v;
}
Verified verifyJson(const fs::path& file) { return verifyJson(std::vector<fs::path>{file}); }

const nlohmann::json* findSignature(const nlohmann::json& report, const std::string& id) {
    if (!report.is_object() || !report.contains("signatures") || !report["signatures"].is_array())
        return nullptr;
    for (const auto& s : report["signatures"])
        if (s.is_object() && s.value("id", std::string()) == id) return &s;
    return nullptr;
}

PdfsigResult pdfsig(const fs::path& file) {
    PdfsigResult p;
    // Not -no-ocsp: Poppler 22.12 then reports "Unknown issue with Certificate" for
    // a good chain. The test certificates carry no AIA, so nothing goes online.
    p.run = run({"pdfsig", "-nssdir", "sql:" + nssDb().string(), file.string()});
    std::istringstream in(p.run.out);
    std::string line;
    auto after = [&](const std::string& key) -> std::optional<std::string> {
        auto k = line.find(key);
        if (k == std::string::npos) return std::nullopt;
        return line.substr(k + key.size());
    };
    while (std::getline(in, line)) {
        if (line.rfind("Signature #", 0) == 0) {
            p.signatures.emplace_back();
            continue;
        }
        if (p.signatures.empty()) continue;
        auto& s = p.signatures.back();
        if (auto v = after("- Signature Field Name: "))
            s.fieldName = *v;
        else if (auto v2 = after("- Signer Certificate Common Name: "))
            s.commonName = *v2;
        else if (auto v3 = after("- Signing Hash Algorithm: "))
            s.hash = *v3;
        else if (auto v4 = after("- Signature Type: "))
            s.type = *v4;
        else if (line.find("- Total document signed") != std::string::npos)
            s.totalDocument = true;
        else if (auto v5 = after("- Signature Validation: ")) {
            s.validation = *v5;
            s.valid = *v5 == "Signature is Valid.";
        } else if (auto v6 = after("- Certificate Validation: "))
            s.certTrusted = *v6 == "Certificate is Trusted.";
    }
    return p;
}

bool qpdfCheck(const fs::path& file, std::string* output) {
    RunResult r = run({"qpdf", "--check", file.string()});
    if (output != nullptr) *output = r.out + r.err;
    // qpdf: 0 = no problems, 2 = errors, 3 = warnings only.
    return r.exitCode == 0 && r.out.find("No syntax or stream encoding errors found") != std::string::npos;
}

bool Raster::isRed(int x, int y) const {
    const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + x) * 3;
    return rgb[i] > 150 && rgb[i + 1] < 90 && rgb[i + 2] < 90;
}

Raster render(const fs::path& pdf, int page, int dpi) {
    TempDir dir("render");
    const std::string prefix = (dir.path / "page").string();
    // -cropbox: the visible page, which --at positions are relative to.
    RunResult r = run({"pdftoppm", "-r", std::to_string(dpi), "-png", "-cropbox", "-f", std::to_string(page),
                       "-l", std::to_string(page), "-singlefile", pdf.string(), prefix});
    if (r.exitCode != 0) throw std::runtime_error("pdftoppm failed on " + pdf.string() + ": " + r.err);
    const std::string png = prefix + ".png";
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    if (png_image_begin_read_from_file(&img, png.c_str()) == 0)
        throw std::runtime_error("cannot read " + png + ": " + img.message);
    img.format = PNG_FORMAT_RGB;
    Raster out;
    out.width = static_cast<int>(img.width);
    out.height = static_cast<int>(img.height);
    out.rgb.resize(PNG_IMAGE_SIZE(img));
    if (png_image_finish_read(&img, nullptr, out.rgb.data(), 0, nullptr) == 0) {
        png_image_free(&img);
        throw std::runtime_error("cannot decode " + png + ": " + img.message);
    }
    return out;
}

std::vector<SealedLine> parseSealedLines(const std::string& out) {
    std::vector<SealedLine> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.rfind("sealed ", 0) != 0 || line.empty() || line.back() != ')') continue;
        const auto arrow = line.find(" -> ", 7);
        const auto field = line.rfind(" (field ");
        const auto page = line.rfind(", page ");
        if (arrow == std::string::npos || field == std::string::npos || page == std::string::npos ||
            !(arrow < field && field < page))
            continue;
        SealedLine l;
        l.in = line.substr(7, arrow - 7);
        l.out = line.substr(arrow + 4, field - arrow - 4);
        l.field = line.substr(field + 8, page - field - 8);
        try {
            l.page = std::stoi(line.substr(page + 7, line.size() - 1 - page - 7));
        } catch (const std::exception&) {
            continue;
        }
        lines.push_back(l);
    }
    return lines;
}

}  // namespace integ

namespace integ {

RunResult sign(const std::vector<fs::path>& inputs, const std::vector<std::string>& outputArgs,
               const std::string& keyObject, const std::vector<std::string>& extra, const Env& env) {
    std::vector<std::string> args{"sign"};
    for (const auto& in : inputs) args.push_back(in.string());
    args.insert(args.end(), outputArgs.begin(), outputArgs.end());
    args.insert(args.end(), {"--key", keyUri(keyObject), "--seal", sealPng().string(), "--pin-env", kPinVar});
    args.insert(args.end(), extra.begin(), extra.end());
    return eseal(args, env);
}

std::string commonNameOf(const std::string& keyObject) {
    if (keyObject == "signer-ec") return "测试单位 ECDSA 签章人";
    if (keyObject == "signer-rsa") return "测试单位 RSA 签章人";
    return keyObject;
}

nlohmann::json checkSealed(const fs::path& out, const std::string& field, const std::string& keyObject,
                           std::size_t pdfsigCount) {
    BOOST_TEST_CONTEXT("sealed file " << out.filename().string() << ", field " << field << ", key "
                                      << keyObject) {
        BOOST_REQUIRE_MESSAGE(fs::exists(out), "no output file " << out);
        std::string qpdfOut;
        BOOST_CHECK_MESSAGE(qpdfCheck(out, &qpdfOut), "qpdf --check: " << qpdfOut);

        Verified v = verifyJson(out);
        BOOST_REQUIRE_MESSAGE(v.report.is_object(), "eseal verify --json printed no JSON object\n"
                                                        << v.run.describe());
        const auto& rep = v.report;
        BOOST_CHECK_EQUAL(rep.value("format", std::string()), "PDF");
        BOOST_CHECK(rep.value("readable", false));
        BOOST_CHECK_EQUAL(rep.value("fileSize", std::uint64_t{0}), fs::file_size(out));
        const nlohmann::json* sig = findSignature(rep, field);
        BOOST_REQUIRE_MESSAGE(sig != nullptr, "verify report has no signature " << field << "\n"
                                                                                << rep.dump(1));
        const auto& s = *sig;
        BOOST_CHECK_MESSAGE(s.value("indication", std::string()) == "PASSED", "not PASSED:\n" << s.dump(1));
        BOOST_CHECK_EQUAL(s.value("coverage", std::string()), "entire-file");
        BOOST_CHECK(s.value("digestMatches", false));
        BOOST_CHECK(s.value("signatureValid", false));
        BOOST_CHECK(s.value("signingCertificateBound", false));
        BOOST_CHECK_EQUAL(s.value("digestAlgorithm", std::string()), "SHA-256");
        const std::string algo = s.value("signatureAlgorithm", std::string());
        BOOST_CHECK_MESSAGE(algo.find(keyObject == "signer-ec" ? "ECDSA" : "RSA") != std::string::npos,
                            "signatureAlgorithm " << algo);
        BOOST_CHECK_EQUAL(s.value("format", std::string()), "ETSI.CAdES.detached");
        BOOST_CHECK(s.value("laterRevisions", nlohmann::json::array()).empty());
        BOOST_CHECK(s.value("revision", 0) == rep.value("revisions", -1));
        if (s.contains("signer") && s["signer"].is_object())
            BOOST_CHECK_EQUAL(s["signer"].value("commonName", std::string()), commonNameOf(keyObject));
        else
            BOOST_ERROR("no signer in the report");
        if (s.contains("chain") && s["chain"].is_object())
            BOOST_CHECK_EQUAL(s["chain"].value("status", std::string()), "trusted");
        else
            BOOST_ERROR("no chain in the report");
        bool shown = false;
        for (const auto& a : s.value("appearances", nlohmann::json::array()))
            shown = shown || a.value("fieldName", std::string()) == field;
        BOOST_CHECK_MESSAGE(shown, "no appearance of " << field << " in the report");

        PdfsigResult p = pdfsig(out);
        BOOST_CHECK_MESSAGE(p.signatures.size() == pdfsigCount, "pdfsig found " << p.signatures.size()
                                                                                << " signatures, expected "
                                                                                << pdfsigCount << "\n"
                                                                                << p.run.describe());
        bool found = false;
        for (const auto& ps : p.signatures) {
            BOOST_CHECK_MESSAGE(ps.valid, "pdfsig: " << ps.fieldName << ": " << ps.validation);
            if (ps.fieldName != field) {
                BOOST_CHECK_MESSAGE(!ps.totalDocument, "pdfsig: earlier " << ps.fieldName << " total?");
                continue;
            }
            found = true;
            BOOST_CHECK_MESSAGE(ps.totalDocument, "pdfsig: " << field << " is not 'Total document signed'");
            BOOST_CHECK_MESSAGE(ps.certTrusted, "pdfsig: " << field << " certificate not trusted");
            BOOST_CHECK_EQUAL(ps.commonName, commonNameOf(keyObject));
            BOOST_CHECK_EQUAL(ps.type, "ETSI.CAdES.detached");
        }
        BOOST_CHECK_MESSAGE(found, "pdfsig does not list field " << field << "\n" << p.run.out);
        return rep;
    }
    return nullptr;
}

ByteRange lastByteRange(const std::string& pdf) {
    ByteRange br;
    const auto key = pdf.rfind("/ByteRange");
    if (key == std::string::npos) return br;
    const char* p = pdf.c_str() + key + 10;
    while (*p == ' ' || *p == '\r' || *p == '\n') ++p;
    if (*p++ != '[') return br;
    std::size_t v[4] = {0, 0, 0, 0};
    for (auto& n : v) {
        char* end = nullptr;
        n = std::strtoul(p, &end, 10);
        if (end == p) return {};
        p = end;
    }
    return {v[0], v[1], v[2], v[3]};
}

std::pair<std::string, std::size_t> tlvAt(const std::string& der, std::size_t offset) {
    std::size_t len = static_cast<unsigned char>(der.at(offset + 1)), head = 2;
    if (len & 0x80) {
        const std::size_t n = len & 0x7f;
        len = 0;
        for (std::size_t i = 0; i < n; ++i)
            len = len << 8 | static_cast<unsigned char>(der.at(offset + 2 + i));
        head += n;
    }
    return {der.substr(offset + head, len), head + len};
}

std::string contentsDer(const std::string& pdf, const ByteRange& br) {
    // [0 b] and [c d]: '<' at b, '>' at c - 1 (12.8.1).
    BOOST_REQUIRE(br.c > br.b + 1 && pdf.at(br.b) == '<');
    std::string der;
    for (std::size_t i = br.b + 1; i + 1 < br.c && pdf[i] != '>'; i += 2)
        der.push_back(static_cast<char>(std::stoi(pdf.substr(i, 2), nullptr, 16)));
    return der.substr(0, tlvAt(der, 0).second);
}

std::vector<Asn1Line> asn1parse(const fs::path& der) {
    RunResult r = run({"openssl", "asn1parse", "-inform", "DER", "-in", der.string(), "-i"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    std::vector<Asn1Line> out;
    std::size_t pos = 0;
    while (pos < r.out.size()) {
        std::size_t end = r.out.find('\n', pos);
        if (end == std::string::npos) end = r.out.size();
        const std::string line = r.out.substr(pos, end - pos);
        pos = end + 1;
        // "   12:d=2  hl=4 l=1234 cons:   SEQUENCE          " or "... prim:   OBJECT   :sm2"
        Asn1Line l;
        const auto d = line.find(":d="), hl = line.find("hl="), len = line.find(" l=");
        auto kind = line.find("cons:");
        if (kind == std::string::npos) kind = line.find("prim:");
        if (d == std::string::npos || hl == std::string::npos || len == std::string::npos ||
            kind == std::string::npos)
            continue;
        l.offset = std::stoul(line.substr(0, d));
        l.depth = std::stoi(line.substr(d + 3));
        l.header = std::stoul(line.substr(hl + 3));
        l.length = std::stoul(line.substr(len + 3));
        std::string rest = line.substr(kind + 5);
        const auto colon = rest.find(':');
        l.kind = rest.substr(0, colon);
        if (colon != std::string::npos) l.value = rest.substr(colon + 1);
        auto trim = [](std::string& s) {
            while (!s.empty() && s.front() == ' ') s.erase(s.begin());
            while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
        };
        trim(l.kind);
        // "OCTET STRING      [HEX DUMP]:3082..."
        if (const auto dump = l.kind.find("[HEX DUMP]"); dump != std::string::npos) l.kind.erase(dump);
        trim(l.kind);
        trim(l.value);
        out.push_back(std::move(l));
    }
    return out;
}

}  // namespace integ
