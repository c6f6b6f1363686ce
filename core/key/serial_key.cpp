#include "core/key/serial_key.hpp"

#include <mutex>

namespace eseal {

namespace {

class SerialisedKey final : public Key {
public:
    explicit SerialisedKey(std::unique_ptr<Key> key) : key_(std::move(key)) {}
    std::string description() const override { return key_->description(); }
    const std::vector<Bytes>& certificateChain() const override { return key_->certificateChain(); }
    std::vector<SignatureAlgorithm> algorithms() const override { return key_->algorithms(); }
    Bytes sign(ByteView digest, const SignatureAlgorithm& algorithm) override {
        const std::lock_guard<std::mutex> one(signing_);
        return key_->sign(digest, algorithm);
    }

private:
    std::unique_ptr<Key> key_;
    std::mutex signing_;
};

}  // namespace

std::unique_ptr<Key> serialisedKey(std::unique_ptr<Key> key) {
    return std::make_unique<SerialisedKey>(std::move(key));
}

}  // namespace eseal
