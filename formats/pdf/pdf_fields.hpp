// Form fields as the verifier reads them (ISO 32000-1 12.7.3): inherited type
// and fully qualified name, whether a signature field holds a signature, and
// the FieldMDP locks of a signature (12.8.2.4). Internal to the PDF adapter.
#pragma once

#include <qpdf/QPDFObjectHandle.hh>
#include <string>
#include <vector>

namespace eseal::pdf {

// A PDF text string (7.9.2.2) as UTF-8: UTF-16BE with BOM, UTF-8 with BOM
// (ISO 32000-2), else PDFDocEncoding. "" when o is no string.
std::string textString(QPDFObjectHandle o);

// The field type /FT, inherited through /Parent (12.7.3.1): "/Sig", "/Tx", or "".
std::string fieldType(QPDFObjectHandle field);

// The fully qualified field name: the /T of the field and its ancestors joined
// with "." (12.7.3.2); "" when no node has a /T.
std::string fieldName(QPDFObjectHandle field);

// Whether a signature dictionary holds a signature value: /Contents is a
// string with a byte that is not 0. A placeholder a signer reserved and never
// filled is zeros (or missing).
bool holdsSignatureValue(QPDFObjectHandle sig);

// Whether a widget shows something: a /Rect with an area, a normal appearance
// stream, and not hidden (/F bit 2, 12.5.3).
bool widgetVisible(QPDFObjectHandle widget);

// The fields a signature locks (FieldMDP, 12.8.2.4 Table 256; the field's
// /Lock, 12.7.4.5 Table 233): after it, no later revision may change them.
struct FieldLock {
    enum class Action { None, All, Include, Exclude };
    Action action = Action::None;
    std::vector<std::string> fields;  // fully qualified names (Include / Exclude)

    bool any() const noexcept { return action != Action::None; }
    // Whether `name` (or an ancestor of it) is locked.
    bool locks(const std::string& name) const;
    // "/Include [A, B]" for messages.
    std::string describe() const;
};

// From the signature dictionary's /Reference FieldMDP transform and, when
// that is absent, from the signature field's /Lock dictionary.
FieldLock readFieldLock(QPDFObjectHandle sig, QPDFObjectHandle field);

}  // namespace eseal::pdf
