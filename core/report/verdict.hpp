// The verdict of one signature: an indication with its sub-indication
// (ETSI EN 319 102-1 5.1.3). Checks only ever make it worse.
#pragma once

namespace eseal {

enum class Indication { Passed, Indeterminate, Failed };

enum class SubIndication {
    None,
    FormatFailure,                   // FORMAT_FAILURE
    HashFailure,                     // HASH_FAILURE
    SigCryptoFailure,                // SIG_CRYPTO_FAILURE
    Revoked,                         // REVOKED
    Expired,                         // EXPIRED
    NotYetValid,                     // NOT_YET_VALID
    SigConstraintsFailure,           // SIG_CONSTRAINTS_FAILURE
    ChainConstraintsFailure,         // CHAIN_CONSTRAINTS_FAILURE
    CertificateChainGeneralFailure,  // CERTIFICATE_CHAIN_GENERAL_FAILURE
    CryptoConstraintsFailure,        // CRYPTO_CONSTRAINTS_FAILURE
    NoSigningCertificateFound,       // NO_SIGNING_CERTIFICATE_FOUND
    NoCertificateChainFound,         // NO_CERTIFICATE_CHAIN_FOUND
    OutOfBoundsNoPoe,                // OUT_OF_BOUNDS_NO_POE
    OutOfBoundsNotRevoked,           // OUT_OF_BOUNDS_NOT_REVOKED
    TryLater,                        // TRY_LATER
    SignedDataNotFound,              // SIGNED_DATA_NOT_FOUND
};

const char* toString(Indication i) noexcept;     // "PASSED"
const char* toString(SubIndication s) noexcept;  // "HASH_FAILURE", "" for None

// Starts PASSED (nothing found yet); every finding calls worsenTo. Worst wins:
// FAILED > INDETERMINATE > PASSED. On a tie the earlier finding keeps its
// sub-indication, so the first problem found is the one reported. A verdict
// never improves.
class Verdict {
public:
    Verdict() = default;

    Indication indication() const noexcept { return indication_; }
    SubIndication subIndication() const noexcept { return sub_; }
    bool passed() const noexcept { return indication_ == Indication::Passed; }

    void worsenTo(Indication i, SubIndication s = SubIndication::None) noexcept {
        if (rank(i) > rank(indication_)) {
            indication_ = i;
            sub_ = s;
        }
    }
    void worsenTo(const Verdict& other) noexcept { worsenTo(other.indication_, other.sub_); }

    friend bool operator==(const Verdict& a, const Verdict& b) noexcept {
        return a.indication_ == b.indication_ && a.sub_ == b.sub_;
    }

private:
    static int rank(Indication i) noexcept {
        switch (i) {
            case Indication::Passed:
                return 0;
            case Indication::Indeterminate:
                return 1;
            case Indication::Failed:
                return 2;
        }
        return 1;
    }

    Indication indication_ = Indication::Passed;
    SubIndication sub_ = SubIndication::None;
};

}  // namespace eseal
