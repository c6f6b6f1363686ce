set(ESEAL_PDF_SIGN_SOURCES pdf_sign.cpp)
