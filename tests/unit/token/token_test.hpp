// Helpers shared by the token tests. Every module the tests load is named by
// an explicit path and SOFTHSM2_CONF always points into the build tree, so no
// token outside the tests' own directories is ever touched.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"
#include "core/key/pin.hpp"

namespace eseal::test {

inline const std::string kSoftHsm = ESEAL_SOFTHSM_MODULE;
inline const std::string kCounter = ESEAL_LOGIN_COUNTER;
inline const std::string kPki = ESEAL_TEST_PKI;
inline const std::string kFixtureConf = std::string(ESEAL_TEST_SOFTHSM) + "/softhsm2.conf";
inline const std::string kUserPin = "11223344";
inline const std::string kSoPin = "1234567890";

// "pkcs11:token=eseal-test;object=NAME?module-path=MODULE"
std::string fixtureKeyUri(const std::string& object, const std::string& module = kSoftHsm);

// Counts the questions and collects the notices.
class CountingPin final : public PinSource {
public:
    explicit CountingPin(std::string pin) : pin_(std::move(pin)) {}
    SecretString get(const PinPrompt& prompt) override {
        prompts.push_back(prompt);
        return SecretString(pin_);
    }
    void notice(const std::string& message) override { notices.push_back(message); }
    std::vector<PinPrompt> prompts;
    std::vector<std::string> notices;

private:
    std::string pin_;
};

// A PinSource that must not be asked.
class NoPin final : public PinSource {
public:
    SecretString get(const PinPrompt& prompt) override;
};

// C_Login calls seen by the counting module so far.
unsigned long loginCount();

// A throwaway SoftHSM2 token store in a fresh directory under the build tree,
// with its own softhsm2.conf; SOFTHSM2_CONF points at it while this object
// lives (no module may be open when it is made or destroyed).
class ScratchStore {
public:
    ScratchStore();
    ~ScratchStore();
    ScratchStore(const ScratchStore&) = delete;
    ScratchStore& operator=(const ScratchStore&) = delete;
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
};

// A ScratchStore holding one initialised token "scratch" (SO PIN kSoPin, user
// PIN `userPin`), made with eseal's own initToken.
struct ScratchToken {
    explicit ScratchToken(const std::string& userPin = kUserPin, const std::string& label = "scratch");
    ScratchStore store;
    std::string uri;  // as initToken returned it
    std::string label;
};

Bytes readPkiDer(const std::string& name);                                // NAME.der of the test PKI
Bytes makeCertificate(const Bytes& spki, const std::string& commonName);  // issued by intermediate-ca

// Verifies with OpenSSL against the certificate's public key.
bool verifyWithOpenSsl(const Bytes& certDer, const SignatureAlgorithm& alg, const Bytes& digest,
                       const Bytes& sig);
// Runs `openssl pkeyutl -verify` (an independent process) on the same inputs.
bool verifyWithOpenSslCli(const Bytes& certDer, const SignatureAlgorithm& alg, const Bytes& digest,
                          const Bytes& sig);

}  // namespace eseal::test
