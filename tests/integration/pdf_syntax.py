"""PDF syntax pieces the test scripts that write incremental updates share
(append-change.py, append-signature.py, make-attack.py): pikepdf objects as
PDF text, dictionaries and streams (ISO 32000-1 7.3)."""


def text(obj):
    """An object as PDF text; pikepdf gives scalars as Python values."""
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if not hasattr(obj, "unparse"):
        return str(obj)
    return obj.unparse().decode("latin-1")


def entries(obj):
    """A dictionary's entries as PDF text, keyed by name."""
    return {key: text(value) for key, value in obj.items()}


def dictionary(d):
    return "<< " + " ".join("%s %s" % (k, v) for k, v in d.items()) + " >>"


def stream(data, extra=""):
    """A stream object's body: its dictionary (/Length and `extra`) and data."""
    return ("<< /Length %d%s >>\nstream\n" % (len(data), extra)).encode("latin-1") + data + b"\nendstream"
