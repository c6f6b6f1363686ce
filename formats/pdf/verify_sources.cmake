set(ESEAL_PDF_VERIFY_SOURCES pdf_input.cpp pdf_revisions.cpp pdf_xref_check.cpp pdf_diff.cpp pdf_verify.cpp pdf_seal_check.cpp pdf_dss.cpp pdf_fields.cpp)
