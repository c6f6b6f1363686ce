#include "core/seal/request.hpp"

namespace eseal {

std::shared_ptr<const RgbaImage> sealPictureOf(const SealRequest& request) {
    if (request.sealPicture) return request.sealPicture;
    return std::make_shared<const RgbaImage>(loadPng(request.sealImage));
}

}  // namespace eseal
