// eseal demo: makes its own demo token and CA under XDG_DATA_HOME, seals the
// sample documents of cli/demo/ and says that demo seals are not legal seals.
#define BOOST_TEST_MODULE integ_demo
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <set>
#include <sstream>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

std::vector<fs::path> pdfsIn(const fs::path& dir) {
    std::vector<fs::path> v;
    for (const auto& n : listDir(dir))
        if (fs::path(n).extension() == ".pdf") v.push_back(dir / n);
    return v;
}

// Every regular file under dir with its SHA-256: the demo token and CA.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> m;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); ++it)
        if (it->is_regular_file()) m[fs::relative(it->path(), dir).string()] = sha256File(it->path());
    return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(demo_seals_samples_and_reuses_its_token) {
    TempDir home("demo");
    const Env env{{"HOME", (home / "home").string()},
                  {"XDG_DATA_HOME", (home / "data").string()},
                  {"SOFTHSM2_CONF", kUnset},
                  {kPinVar, kUnset}};
    fs::create_directories(home / "home");
    const fs::path out1 = home / "out1", out2 = home / "out2";

    RunResult r1 = eseal({"demo", out1.string()}, env, 300);
    BOOST_REQUIRE_MESSAGE(r1.exitCode == 0, r1.describe());
    BOOST_CHECK_MESSAGE(
        containsAny(r1.out + r1.err, {"not legal", "not a legal", "非法定", "不具有法律效力"}),
        "the demo does not say its seals are not legal seals:\n"
            << r1.out);
    const fs::path demoDir = home / "data" / "eseal" / "demo";
    BOOST_REQUIRE_MESSAGE(fs::is_directory(demoDir), "no demo token/CA under XDG_DATA_HOME/eseal/demo");
    BOOST_CHECK_MESSAGE(!fs::exists(home / "home" / ".local" / "share" / "eseal"),
                        "the demo ignored XDG_DATA_HOME");

    const auto pdfs1 = pdfsIn(out1);
    BOOST_CHECK_MESSAGE(pdfs1.size() >= 2, "the demo sealed " << pdfs1.size() << " PDFs");
    std::set<std::string> signerCerts1;
    for (const auto& f : pdfs1) {
        BOOST_TEST_CONTEXT(f.filename().string()) {
            std::string q;
            BOOST_CHECK_MESSAGE(qpdfCheck(f, &q), q);
            PdfsigResult p = pdfsig(f);
            BOOST_REQUIRE_MESSAGE(!p.signatures.empty(), p.run.describe());
            for (const auto& s : p.signatures) {
                BOOST_CHECK_MESSAGE(s.valid, s.validation);
                BOOST_CHECK(s.totalDocument);
            }
            // eseal's own verifier: the signature is intact; the demo CA is not ours to trust.
            RunResult v = eseal({"verify", f.string(), "--json", "--no-system-trust"});
            auto rep = nlohmann::json::parse(v.out, nullptr, false);
            BOOST_REQUIRE_MESSAGE(rep.is_object(), v.describe());
            for (const auto& s : rep.value("signatures", nlohmann::json::array())) {
                BOOST_CHECK(s.value("digestMatches", false));
                BOOST_CHECK(s.value("signatureValid", false));
                BOOST_CHECK_EQUAL(s.value("coverage", std::string()), "entire-file");
                if (s.contains("signer")) signerCerts1.insert(s["signer"].value("sha256", std::string()));
            }
        }
    }
    // The sample documents themselves are not modified by the demo.
    for (const auto& n : listDir(sourceDir() / "cli" / "demo"))
        if (fs::path(n).extension() == ".pdf")
            BOOST_CHECK_MESSAGE(
                readFile(sourceDir() / "cli" / "demo" / n).find("/ByteRange") == std::string::npos,
                "cli/demo/" << n << " carries a signature");

    // Each seal lands on the spot cli/demo/samples.tsv (and README.md) gives.
    std::istringstream tsv(readFile(sourceDir() / "cli" / "demo" / "samples.tsv"));
    std::string line;
    int checked = 0;
    while (std::getline(tsv, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream f(line);
        std::string file, page, x, y;
        std::getline(f, file, '\t');
        std::getline(f, page, '\t');
        std::getline(f, x, '\t');
        std::getline(f, y, '\t');
        const std::string stem = fs::path(file).stem().string();
        fs::path sealed;
        for (const auto& p : pdfs1)
            if (p.filename().string().rfind(stem, 0) == 0) sealed = p;
        BOOST_TEST_CONTEXT(file) {
            BOOST_REQUIRE_MESSAGE(!sealed.empty(), "no sealed output for " << file);
            const int pg = std::stoi(page);
            const Raster before = render(sourceDir() / "cli" / "demo" / file, pg), after = render(sealed, pg);
            BOOST_REQUIRE_EQUAL(before.width, after.width);
            double n = 0, sx = 0, sy = 0;
            for (int py = 0; py < after.height; ++py)
                for (int px = 0; px < after.width; ++px)
                    if (after.isRed(px, py) && !before.isRed(px, py)) {
                        n += 1;
                        sx += px + 0.5;
                        sy += py + 0.5;
                    }
            const double k = 50 / 25.4;
            BOOST_REQUIRE_MESSAGE(n > 200, "hardly any new red on the sealed page: " << n);
            const double cx = sx / n / k, cy = sy / n / k;
            BOOST_CHECK_MESSAGE(
                std::hypot(cx - std::stod(x), cy - std::stod(y)) < 4.0,
                "seal centroid (" << cx << ", " << cy << ") mm, samples.tsv says (" << x << ", " << y << ")");
            ++checked;
        }
    }
    BOOST_CHECK_GE(checked, 2);

    // Second run: the same demo token and key, nothing regenerated.
    const auto state1 = snapshot(demoDir);
    RunResult r2 = eseal({"demo", out2.string()}, env, 300);
    BOOST_REQUIRE_MESSAGE(r2.exitCode == 0, r2.describe());
    std::set<std::string> signerCerts2;
    for (const auto& f : pdfsIn(out2)) {
        RunResult v = eseal({"verify", f.string(), "--json", "--no-system-trust"});
        auto rep = nlohmann::json::parse(v.out, nullptr, false);
        if (!rep.is_object()) continue;
        for (const auto& s : rep.value("signatures", nlohmann::json::array()))
            if (s.contains("signer")) signerCerts2.insert(s["signer"].value("sha256", std::string()));
    }
    BOOST_CHECK_EQUAL(signerCerts1.size(), 1u);
    BOOST_CHECK_MESSAGE(signerCerts1 == signerCerts2, "the second run signed with another certificate");
    const auto state2 = snapshot(demoDir);
    std::set<std::string> files1, files2;
    for (const auto& [k, v] : state1) files1.insert(k);
    for (const auto& [k, v] : state2) files2.insert(k);
    BOOST_CHECK_MESSAGE(files1 == files2, "the second run added or removed files under " << demoDir);
}
