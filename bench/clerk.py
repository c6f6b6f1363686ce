#!/usr/bin/python3
"""Speed a clerk feels (issue 9), in one headless LibreOffice with build/eseal.oxt
installed (throwaway profile, stopped by its PID):

- seal: from dispatching vnd.eseal:Seal with arguments (SoftHSM2 RSA-2048 key,
  Output=document, at a keyword) to the reloaded, signed document, for a 10-page
  Writer letter (odt) and a 5-sheet Calc workbook (ods), both made by LibreOffice
  with Chinese text; next to it, interleaved run by run, LibreOffice's own
  sign-and-reload of the same document through its UNO API: store it, sign the
  stored package with DocumentDigitalSignatures.signDocumentWithCertificate (the
  same RSA key, from an NSS database; bench/lo-sign.py's sign_stored) and load it
  again into the same window. Both end with the window's own signature state OK
  (checked after the clock stops).
- verify panel: a PDF carrying 5 seals (eseal sign, 5 incremental updates)
  opened in a window: (a) from activating the deck 电子签章 until its panel
  lists the 5 seals; (b) the PDF loaded into a window showing that deck over
  the same PDF before sealing (loadComponentFromURL "_self"), from the load's start until the new window's
  panel lists them, next to the same load into a window showing the Properties
  deck (the difference is what the panel adds to a load); (c) vnd.eseal:Verify
  with the deck open (the panel listed again, and the JSON report).

Prints one line per measurement and, last, a Markdown table (median of RUNS).

usage: clerk.py ESEAL OXT CACHE SEAL_PNG RUNS
  CACHE holds pki/, softhsm/ and nssdb/ (bench/keys.sh); the environment has
  SOFTHSM2_CONF and BENCH_PIN.
"""
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "extension"))
import uno  # noqa: E402

import extension_check as ec  # noqa: E402  (LibreOffice, dispatch, signature state, panel text)
from extension_check import props  # noqa: E402

_spec = importlib.util.spec_from_file_location("lo_sign", os.path.join(HERE, "lo-sign.py"))
lo_sign = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lo_sign)

KEY = "pkcs11:token=eseal-test;object=signer-rsa?module-path=/usr/lib/softhsm/libsofthsm2.so"
PARAGRAPH_BREAK = 0
PAGE_BEFORE = uno.Enum("com.sun.star.style.BreakType", "PAGE_BEFORE")


def make_letter(lo, path, pages=10):
    """A Writer letter of `pages` pages of Chinese text, the seal line on the last."""
    doc = lo.desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, props(Hidden=True))
    text = doc.Text
    cursor = text.createTextCursor()
    body = "根据年度工作计划，现将二〇二六年度预算安排函告如下，请各单位遵照执行，并于月底前报送执行情况。"
    for page in range(pages):
        if page:
            cursor.BreakType = PAGE_BEFORE
        text.insertString(cursor, "第%d页 关于二〇二六年度预算安排的函" % (page + 1), False)
        text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        cursor.BreakType = uno.Enum("com.sun.star.style.BreakType", "NONE")
        for i in range(8):
            text.insertString(cursor, "%d. %s" % (i + 1, body * 2), False)
            text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    for line in ("测试单位（盖章）", "二〇二六年十二月四日"):
        text.insertString(cursor, line, False)
        text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    doc.storeAsURL(uno.systemPathToFileUrl(path), props(FilterName="writer8"))
    count = doc.getCurrentController().PageCount
    doc.close(True)
    return count


def make_workbook(lo, path, sheets=5):
    """A Calc workbook of `sheets` sheets, each a 60 x 6 table with Chinese headings; 合计 on the first."""
    doc = lo.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, props(Hidden=True))
    for n in range(sheets):
        if n:
            doc.Sheets.insertNewByName("第%d季度" % n if n < 5 else "说明%d" % n, n)
        sheet = doc.Sheets.getByIndex(n)
        sheet.getCellByPosition(0, 0).setString("测试单位 二〇二六年度预算表（%d）" % (n + 1))
        for c, head in enumerate(("项目", "一月", "二月", "三月", "四月", "金额（元）")):
            sheet.getCellByPosition(c, 1).setString(head)
        data = [["办公费%d" % r] + [float((r * 37 + c * 11) % 1000) + 0.5 for c in range(5)] for r in range(60)]
        sheet.getCellRangeByPosition(0, 2, 5, 61).setDataArray(tuple(tuple(row) for row in data))
    doc.Sheets.getByIndex(0).getCellByPosition(0, 63).setString("合计")
    doc.storeAsURL(uno.systemPathToFileUrl(path), props(FilterName="calc8"))
    count = doc.Sheets.getCount()
    doc.close(True)
    return count


def eseal_seal(lo, path, seal, keyword):
    """Seconds from dispatching vnd.eseal:Seal to its return (sealed and reloaded); (s, ok, detail)."""
    doc = lo.open(path)
    frame = doc.getCurrentController().getFrame()
    t0 = time.monotonic()
    state, result = lo.dispatch(frame, "Seal", Key=KEY, Seal=seal, PinEnv="BENCH_PIN", Keyword=keyword,
                                Output="document")
    elapsed = time.monotonic() - t0
    ok = state == 1 and '"ok":true' in (result or "") and lo.signature_state(frame) == ec.SIGNATURE_OK
    model = ec._model_of(frame)
    if model is not None:
        model.close(True)
    return elapsed, ok, str(result)[:160]


def libreoffice_sign(lo, path, certificate):
    """LibreOffice's own: store, sign the stored package, load it again into the window; (s, ok, detail)."""
    doc = lo.open(path)
    frame = doc.getCurrentController().getFrame()
    url, args = doc.getURL(), tuple(a for a in doc.getArgs() if a.Name in ("FilterName", "Hidden"))
    t0 = time.monotonic()
    doc.store()
    signed = lo_sign.sign_stored(lo.ctx, path, certificate)
    frame.loadComponentFromURL(url, "_self", 0, args)
    elapsed = time.monotonic() - t0
    try:
        doc.close(True)
    except Exception:  # the frame let go of it already
        pass
    state = lo.signature_state(frame)
    model = ec._model_of(frame)
    if model is not None:
        model.close(True)
    return elapsed, signed and state == ec.SIGNATURE_OK, "signed %s, signature state %s" % (signed, state)


def five_seals(eseal, lo, work, seal, env):
    """A 2-page PDF (LibreOffice's export of a letter) sealed 5 times by eseal sign."""
    letter = os.path.join(work, "five.odt")
    make_letter(lo, letter, pages=2)
    doc = lo.open(letter)
    pdf = os.path.join(work, "five-0.pdf")
    doc.storeToURL(uno.systemPathToFileUrl(pdf), props(FilterName="writer_pdf_Export"))
    doc.close(True)
    for i in range(5):
        out = os.path.join(work, "five-%d.pdf" % (i + 1))
        r = subprocess.run([eseal, "sign", pdf, "-o", out, "--key", KEY, "--image", seal, "--pin-env", "BENCH_PIN",
                            "--page", "1", "--at", "%d,%d" % (40 + 30 * i, 200)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise RuntimeError("eseal sign: " + r.stdout)
        pdf = out
    return pdf


def listed_in(window):
    text = ec.panel_window_text(window) if window is not None else ""
    return text if text.count("Signer: ") + text.count("签章人：") >= 5 else None


def panel_seals(lo, path, trust):
    """The 5-seal PDF opened in a window (headless: not shown, but with a sidebar)
    on the Properties deck. Returns (s from activating the deck 电子签章 until its
    panel lists the 5 seals, s of Verify with the deck open, the listing, Verify
    passed)."""
    doc = lo.open(path, hidden=False)
    frame = doc.getCurrentController().getFrame()
    sidebar = doc.getCurrentController().getSidebar()
    sidebar.setVisible(True)
    decks = sidebar.getDecks()
    decks.getByName("PropertyDeck").activate(True)
    deck = decks.getByName("EsealDeck")
    t1 = time.monotonic()
    deck.activate(True)
    text = None
    while text is None and time.monotonic() - t1 < 30:
        text = listed_in(deck.getPanels().getByName("EsealSealsPanel").getDialog())
        if text is None:
            time.sleep(0.002)
    listed = time.monotonic() - t1
    t2 = time.monotonic()
    state, report = lo.dispatch(frame, "Verify", Trust=trust, NoSystemTrust=True)
    verify = time.monotonic() - t2
    doc.close(True)
    return listed, verify, text or "", state == 1 and '"PASSED"' in (report or "")


def load_with_deck(lo, before, path, deck_name):
    """A window showing `before` (a PDF without seals) and deck_name; the 5-seal PDF
    loaded into it (loadComponentFromURL "_self"). Returns (s of the load, s from the
    load's start until the window's panel lists the 5 seals, or None for another deck)."""
    doc = lo.open(before, hidden=False)
    frame = doc.getCurrentController().getFrame()
    sidebar = doc.getCurrentController().getSidebar()
    sidebar.setVisible(True)
    deck = sidebar.getDecks().getByName(deck_name)
    deck.activate(True)
    if deck_name == "EsealDeck":  # its panel built and listing the file without seals first
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            text = ec.panel_window_text(deck.getPanels().getByName("EsealSealsPanel").getDialog())
            if "no seal" in text or "没有签章" in text:
                break
            time.sleep(0.01)
    t0 = time.monotonic()
    frame.loadComponentFromURL(uno.systemPathToFileUrl(path), "_self", 0, ())
    loaded = time.monotonic() - t0
    listed = None
    if deck_name == "EsealDeck":
        def panel():
            deck = frame.getController().getSidebar().getDecks().getByName("EsealDeck")
            if not deck.isActive():  # the new window came up on another deck: opened again, on the clock
                reopened.append(True)
                deck.activate(True)
            return deck.getPanels().getByName("EsealSealsPanel").getDialog()
        reopened = []
        wait_listed(panel)
        listed = time.monotonic() - t0
        if reopened:
            print("note     the window loaded into came up on another deck; 电子签章 activated again (counted)", flush=True)
    try:
        doc.close(True)
    except Exception:  # the frame let go of it already
        pass
    ec._model_of(frame).close(True)
    return loaded, listed


def wait_listed(window_of, seconds=30):
    """(window, text) once the panel window_of() gives lists the 5 seals."""
    deadline = time.monotonic() + seconds
    shown = ""
    while time.monotonic() < deadline:
        try:
            window = window_of()
            shown = ec.panel_window_text(window) if window is not None else "(no panel)"
        except Exception as e:  # the sidebar is being rebuilt
            window, shown = None, str(e)
        text = listed_in(window)
        if text is not None:
            return window, text
        time.sleep(0.002)
    raise RuntimeError("the panel did not list the 5 seals in %d s: %s" % (seconds, shown[:300]))


def main():
    eseal, oxt, cache, seal, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    pki = os.path.join(cache, "pki")
    work = tempfile.mkdtemp(prefix="eseal-clerk-")
    env = dict(os.environ, MOZILLA_CERTIFICATE_FOLDER="sql:" + os.path.join(cache, "nssdb"))
    env.pop("PYTHONPATH", None)
    profile = os.path.join(work, "profile")
    lo = ec.LibreOffice(profile, env)
    try:
        manager = lo.ctx.getValueByName("/singletons/com.sun.star.deployment.ExtensionManager")
        manager.addExtension(uno.systemPathToFileUrl(os.path.abspath(oxt)), (), "user", None, ec.CommandEnv())
        letter, book = os.path.join(work, "letter.odt"), os.path.join(work, "book.ods")
        pages, sheets = make_letter(lo, letter), make_workbook(lo, book)
    finally:
        lo.stop()
    try:
        return measure(eseal, lo, work, profile, env, pki, seal, runs, letter, book, pages, sheets)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(eseal, lo, work, profile, env, pki, seal, runs, letter, book, pages, sheets):
    print("inputs  letter.odt %d pages, %d bytes; book.ods %d sheets, %d bytes" % (
        pages, os.path.getsize(letter), sheets, os.path.getsize(book)), flush=True)
    rows, failures = {}, []
    lo = ec.LibreOffice(profile, env)  # the extension loaded fresh
    try:
        options = lo.create("com.sun.star.configuration.ConfigurationProvider").createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            props(nodepath="/org.eseal.extension.Options/General"))
        uno.invoke(options, "replaceByName", ("TrustAnchors", uno.Any("[]string", (os.path.join(pki, "trust.pem"),))))
        options.replaceByName("UseSystemTrust", False)
        options.commitChanges()
        certificate = lo_sign.nss_certificate(lo.ctx)
        if isinstance(certificate, str):
            raise RuntimeError(certificate)
        for name, base, keyword in (("Writer letter, %d pages (odt)" % pages, letter, "（盖章）"),
                                    ("Calc workbook, %d sheets (ods)" % sheets, book, "合计")):
            ext = os.path.splitext(base)[1]
            # One warm-up of each (first loads of the filters, the key's module, NSS), not counted.
            for i in range(runs + 1):
                for tool in ("eseal", "LibreOffice"):
                    path = os.path.join(work, "%s-%s-%d%s" % (os.path.basename(base)[:-4], tool, i, ext))
                    shutil.copy(base, path)
                    s, ok, detail = (eseal_seal(lo, path, seal, keyword) if tool == "eseal"
                                     else libreoffice_sign(lo, path, certificate))
                    print("%-8s %s run %d: %.3f s%s" % (tool, name, i, s, "" if ok else " FAILED " + detail),
                          flush=True)
                    if not ok:
                        failures.append("%s %s: %s" % (tool, name, detail))
                    elif i > 0:
                        rows.setdefault((name, tool), []).append(s)
        pdf = five_seals(eseal, lo, work, seal, env)
        panel = {}  # what -> [s]
        trust = os.path.join(pki, "trust.pem")
        panel_seals(lo, pdf, trust)  # warm-up
        unsealed = pdf[:pdf.rindex("-")] + "-0.pdf"
        load_with_deck(lo, unsealed, pdf, "EsealDeck")
        for i in range(runs):
            listed, verify, text, passed = panel_seals(lo, pdf, trust)
            if not passed:
                failures.append("Verify of the 5-seal PDF did not pass")
            plain, _ = load_with_deck(lo, unsealed, pdf, "PropertyDeck")
            with_deck, after = load_with_deck(lo, unsealed, pdf, "EsealDeck")
            print("panel    run %d: deck activated -> 5 seals listed %.3f s; Verify %.3f s%s; reload with the Properties "
                  "deck %.3f s, with the deck 电子签章 %.3f s, its panel listing 5 seals %.3f s after the load began" % (
                      i + 1, listed, verify, "" if passed else " FAILED", plain, with_deck, after), flush=True)
            for k, v in (("listed", listed), ("verify", verify), ("plain", plain), ("with", with_deck),
                         ("after", after)):
                panel.setdefault(k, []).append(v)
        print("panel    " + text[:300].replace("\n", " | "), flush=True)
    finally:
        lo.stop()
    t = time.monotonic()
    r = subprocess.run([eseal, "verify", pdf, "--trust", os.path.join(pki, "trust.pem"), "--no-system-trust", "--quiet"],
                       env=env)
    cli = time.monotonic() - t
    print()
    print("| document | eseal: Seal dispatched to reloaded, signed (s, median of %d) | LibreOffice: store + sign + reload (s) "
          "| eseal / LibreOffice | target 1.5 s |" % runs)
    print("|---|---:|---:|---:|---|")
    for name in dict.fromkeys(n for n, _ in rows):
        e, l = statistics.median(rows.get((name, "eseal"), [0])), statistics.median(rows.get((name, "LibreOffice"), [0]))
        print("| %s | %.2f | %.2f | %.2f | %s |" % (name, e, l, e / l if l else 0, "met" if e <= 1.5 else "missed"))
    print()
    med = {k: statistics.median(v) for k, v in panel.items()}
    print("| verify panel, PDF with 5 seals | s (median of %d) | target 0.3 s |" % runs)
    print("|---|---:|---|")
    print("| deck 电子签章 activated on the loaded PDF, until its panel lists the 5 seals | %.3f | %s |" % (
        med["listed"], "met" if med["listed"] <= 0.3 else "missed"))
    print("| PDF loaded into a window showing the deck 电子签章: from the load's start to the new panel listing 5 seals "
          "| %.3f | |" % med["after"])
    print("| the same load with the Properties deck instead: %.3f s; with the deck 电子签章: %.3f s; the panel adds "
          "| %+.3f | %s |" % (med["plain"], med["with"], med["after"] - med["plain"],
                              "met" if med["after"] - med["plain"] <= 0.3 else "missed"))
    print("| vnd.eseal:Verify with the deck open (panel listed again + JSON report) | %.3f | |" % med["verify"])
    print("| eseal verify --quiet (CLI, its own process, exit %d) | %.3f | |" % (r.returncode, cli))
    for f in failures:
        print("FAILED  " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
