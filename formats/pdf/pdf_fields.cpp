#include "formats/pdf/pdf_fields.hpp"

#include <set>

namespace eseal::pdf {

namespace {

using OH = QPDFObjectHandle;

constexpr int kMaxDepth = 64;  // /Parent chains

bool isName(OH o, const char* n) { return o.isName() && o.getName() == n; }

FieldLock lockFrom(OH params) {
    FieldLock lock;
    if (!params.isDictionary()) return lock;
    OH action = params.getKey("/Action");
    if (isName(action, "/All"))
        lock.action = FieldLock::Action::All;
    else if (isName(action, "/Include"))
        lock.action = FieldLock::Action::Include;
    else if (isName(action, "/Exclude"))
        lock.action = FieldLock::Action::Exclude;
    else
        return lock;
    OH fields = params.getKey("/Fields");
    if (fields.isArray())
        for (auto& f : fields.aitems())
            if (f.isString()) lock.fields.push_back(textString(f));
    return lock;
}

}  // namespace

std::string textString(OH o) {
    if (!o.isString()) return {};
    std::string raw = o.getStringValue();
    if (raw.size() >= 3 && raw.compare(0, 3, "\xEF\xBB\xBF") == 0) return raw.substr(3);
    return o.getUTF8Value();
}

std::string fieldType(OH field) {
    std::set<QPDFObjGen> seen;
    for (int i = 0; i < kMaxDepth && field.isDictionary(); ++i) {
        if (field.isIndirect() && !seen.insert(field.getObjGen()).second) break;
        OH ft = field.getKey("/FT");
        if (ft.isName()) return ft.getName();
        field = field.getKey("/Parent");
    }
    return {};
}

std::string fieldName(OH field) {
    std::set<QPDFObjGen> seen;
    std::vector<std::string> parts;
    for (int i = 0; i < kMaxDepth && field.isDictionary(); ++i) {
        if (field.isIndirect() && !seen.insert(field.getObjGen()).second) break;
        OH t = field.getKey("/T");
        if (t.isString()) parts.push_back(textString(t));
        field = field.getKey("/Parent");
    }
    std::string out;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += (out.empty() ? "" : ".") + *it;
    return out;
}

bool holdsSignatureValue(OH sig) {
    if (!sig.isDictionary()) return false;
    OH contents = sig.getKey("/Contents");
    if (!contents.isString()) return false;
    for (char c : contents.getStringValue())
        if (c != '\0') return true;
    return false;
}

bool widgetVisible(OH widget) {
    if (!widget.isDictionary()) return false;
    OH flags = widget.getKey("/F");
    if (flags.isInteger() && (flags.getIntValue() & 2)) return false;  // Hidden
    OH rect = widget.getKey("/Rect");
    if (!rect.isArray() || rect.getArrayNItems() != 4) return false;
    double v[4];
    for (int i = 0; i < 4; ++i) {
        OH item = rect.getArrayItem(i);
        if (!item.isNumber()) return false;
        v[i] = item.getNumericValue();
    }
    if (v[0] == v[2] || v[1] == v[3]) return false;
    OH normal = widget.getKey("/AP").getKey("/N");
    return normal.isStream() || normal.isDictionary();
}

bool FieldLock::locks(const std::string& name) const {
    auto listed = [&] {
        for (const auto& f : fields)
            if (name == f ||
                (name.size() > f.size() && name.compare(0, f.size(), f) == 0 && name[f.size()] == '.'))
                return true;
        return false;
    };
    switch (action) {
        case Action::None:
            return false;
        case Action::All:
            return true;
        case Action::Include:
            return listed();
        case Action::Exclude:
            return !listed();
    }
    return false;
}

std::string FieldLock::describe() const {
    std::string out = action == Action::All       ? "/All"
                      : action == Action::Include ? "/Include"
                      : action == Action::Exclude ? "/Exclude"
                                                  : "";
    if (action == Action::Include || action == Action::Exclude) {
        out += " [";
        for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? ", " : "") + fields[i];
        out += "]";
    }
    return out;
}

FieldLock readFieldLock(OH sig, OH field) {
    OH refs = sig.getKey("/Reference");
    if (refs.isArray())
        for (auto& r : refs.aitems())
            if (isName(r.getKey("/TransformMethod"), "/FieldMDP")) {
                FieldLock lock = lockFrom(r.getKey("/TransformParams"));
                if (lock.any()) return lock;
            }
    return lockFrom(field.getKey("/Lock"));
}

}  // namespace eseal::pdf
