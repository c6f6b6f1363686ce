set(ESEAL_PDF_SIGN_SOURCES pdf_sign.cpp pdf_writer.cpp pdf_encrypt.cpp pdf_appearance.cpp pdf_placement.cpp pdf_object_io.cpp
  pdf_layout.cpp pdf_keyword.cpp pdf_unseal.cpp pdf_update_parts.cpp pdf_ltv.cpp)
