set(ESEAL_PDF_VERIFY_SOURCES pdf_revisions.cpp pdf_verify.cpp)
