#!/usr/bin/python3
"""The LibreOffice extension end to end: build/eseal.oxt installed into a
throwaway profile of a headless LibreOffice, driven through UNO.

Installs the .oxt with the ExtensionManager (unopkg refuses to run as root
without --shared), restarts LibreOffice, checks the toolbar in the loaded
configuration, opens a LibreOffice-made PDF with Chinese text (Draw) and a
Writer document, dispatches vnd.eseal:Seal with arguments (SoftHSM2 test
token, PIN in an environment variable of the soffice process), checks the
sealed files with eseal verify and pdfsig, and dispatches vnd.eseal:Verify.
Prints "ok"/"FAILED" lines and "N passed, M failed"; exit 1 on any failure.

usage: extension_check.py ESEAL_BIN OXT TEST_DATA_DIR SKF_TEST_LIBRARY
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import uno
import unohelper
from com.sun.star.beans import PropertyValue
from com.sun.star.frame import XDispatchResultListener, XStatusListener
from com.sun.star.task import XInteractionHandler
from com.sun.star.ucb import XCommandEnvironment

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from odf_check import xmlsec_verify  # noqa: E402  (xmlsec1 on documentsignatures.xml)
from office_support import start_soffice  # noqa: E402  (soffice started and connected over UNO)

results = []
PIN_VAR = "ESEAL_EXT_TEST_PIN"
WRONG_PIN_VAR = "ESEAL_EXT_WRONG_PIN"
PARAGRAPH_BREAK = 0  # com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK
SIGNATURE_OK = 1  # sfx2 SignatureState::OK (signature and certificate valid)
TOOLBAR = "org.eseal.toolbar"


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("ok      " if ok else "FAILED  ") + name + (": " + detail if detail else ""), flush=True)


def run(cmd, env=None):
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    print("$ " + " ".join(cmd) + " -> exit %d" % r.returncode, flush=True)
    return r.returncode, r.stdout


def props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Approve(unohelper.Base, XInteractionHandler):
    """Approves whatever the extension manager asks (licence, platform)."""

    def handle(self, request):
        for c in request.getContinuations():
            if c.queryInterface(uno.getTypeByName("com.sun.star.task.XInteractionApprove")):
                c.select()
                return


class CommandEnv(unohelper.Base, XCommandEnvironment):
    def getInteractionHandler(self):
        return Approve()

    def getProgressHandler(self):
        return None


class Result(unohelper.Base, XDispatchResultListener):
    def __init__(self):
        self.event = None

    def dispatchFinished(self, event):
        self.event = event

    def disposing(self, source):
        pass


class Status(unohelper.Base, XStatusListener):
    def __init__(self):
        self.state = None

    def statusChanged(self, event):
        self.state = event.State

    def disposing(self, source):
        pass


class LibreOffice:
    """One LibreOffice on a throwaway profile (headless unless told; with
    headless=False it shows its windows on env's DISPLAY), stopped by its PID."""

    def __init__(self, profile_dir, env, headless=True):
        # A named pipe of this process's own: no port another test could hold.
        self.pipe = "eseal-ext-%d-%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        # Its own process group (soffice starts soffice.bin as a child): stop()
        # can end both without touching anyone else's LibreOffice.
        self.proc, self.ctx = start_soffice(
            (["--headless"] if headless else []) +
            ["--norestore", "--nologo", "--nodefault", "--nolockcheck",
             "-env:UserInstallation=" + uno.systemPathToFileUrl(profile_dir)],
            "pipe,name=%s" % self.pipe, env, new_session=True)
        if self.ctx is None:
            self.kill()
            raise RuntimeError("LibreOffice did not start")
        self.smgr = self.ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)

    def create(self, name):
        return self.smgr.createInstanceWithContext(name, self.ctx)

    def open(self, path, hidden=True):
        return self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                                 props(Hidden=True) if hidden else ())

    def dispatch(self, frame, command, **args):
        """vnd.eseal:COMMAND on a document's frame; (state, result JSON or None)."""
        url = uno.createUnoStruct("com.sun.star.util.URL")
        url.Complete = "vnd.eseal:" + command
        _, url = self.create("com.sun.star.util.URLTransformer").parseStrict(url)
        d = frame.queryDispatch(url, "", 0)
        if d is None:
            return None, None
        listener = Result()
        d.dispatchWithNotification(url, props(**args), listener)
        if listener.event is None:
            return None, None
        return listener.event.State, listener.event.Result

    def signature_state(self, frame):
        """The window's own signature state (the .uno:Signature status, sfx2
        SignatureState: 0 none, 1 OK, 2 broken, 3 invalid, 4 not validated)."""
        url = uno.createUnoStruct("com.sun.star.util.URL")
        url.Complete = ".uno:Signature"
        _, url = self.create("com.sun.star.util.URLTransformer").parseStrict(url)
        d = frame.queryDispatch(url, "", 0)
        if d is None:
            return None
        listener = Status()
        d.addStatusListener(listener, url)
        d.removeStatusListener(listener, url)
        return listener.state

    def package_signatures(self, path):
        """DocumentDigitalSignatures.verifyDocumentContentSignatures on the file."""
        storages = self.create("com.sun.star.embed.StorageFactory")
        fmt = PropertyValue()
        fmt.Name, fmt.Value = "StorageFormat", "ZipFormat"  # a PackageFormat storage hides META-INF/
        storage = uno.invoke(storages, "createInstanceWithArguments",
                             ((uno.systemPathToFileUrl(path), 1,
                               uno.Any("[]com.sun.star.beans.PropertyValue", (fmt,))),))
        signatures = self.smgr.createInstanceWithArgumentsAndContext(
            "com.sun.star.security.DocumentDigitalSignatures", ("1.2", False), self.ctx)
        try:
            return list(signatures.verifyDocumentContentSignatures(storage, None))
        finally:
            storage.dispose()

    def config(self, path):
        provider = self.create("com.sun.star.configuration.ConfigurationProvider")
        return provider.createInstanceWithArguments("com.sun.star.configuration.ConfigurationAccess",
                                                    props(nodepath=path))

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.desktop.terminate()
            except Exception:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self):
        """The group this LibreOffice was started in (its own), by its id; never left behind."""
        try:
            os.killpg(self.proc.pid, 9)
        except ProcessLookupError:
            pass
        self.proc.wait()


def _model_of(frame, seconds=15):
    """The frame's document; a reload may still be replacing it."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        controller = frame.getController()
        if controller is not None and controller.getModel() is not None:
            return controller.getModel()
        time.sleep(0.2)
    return None


def _alive(model):
    try:
        model.getURL()
        return True
    except Exception:  # DisposedException: the reload replaced it
        return False


def make_letter(lo, path):
    """A Writer letter with Chinese text, made and saved as ODF by LibreOffice."""
    doc = lo.desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, props(Hidden=True))
    text = doc.Text
    cursor = text.createTextCursor()
    for line in ("关于二〇二六年度预算安排的函", "各有关单位：", "根据年度工作计划，现将二〇二六年度预算安排函告如下，请遵照执行。",
                 "一、基本支出按上年标准执行。", "二、项目支出按批准的计划执行。", "", "测试单位（盖章）",
                 "二〇二六年十二月三日"):
        text.insertString(cursor, line, False)
        text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    doc.storeAsURL(uno.systemPathToFileUrl(path), props(FilterName="writer8"))
    doc.close(True)


def make_workbook(lo, path):
    """A Calc workbook with Chinese text over two sheets, saved as ODF by LibreOffice."""
    doc = lo.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, props(Hidden=True))
    sheet = doc.Sheets.getByIndex(0)
    rows = (("测试单位 二〇二六年度预算表", None), ("项目", "金额（元）"), ("办公费", 12000), ("差旅费", 8500.5),
            ("合计", 20500.5))
    for r, (label, value) in enumerate(rows):
        sheet.getCellByPosition(0, r).setString(label)
        if isinstance(value, str):
            sheet.getCellByPosition(1, r).setString(value)
        elif value is not None:
            sheet.getCellByPosition(1, r).setValue(value)
    doc.Sheets.insertNewByName("说明", 1)
    doc.Sheets.getByIndex(1).getCellByPosition(0, 0).setString("本表经审核无误。")
    doc.storeAsURL(uno.systemPathToFileUrl(path), props(FilterName="calc8"))
    doc.close(True)


def odf_verified(lo, eseal, path, frame, pki, env, work):
    """A sealed ODF file checked by eseal verify, xmlsec1, LibreOffice's
    DocumentDigitalSignatures and the reloaded window's own signature state."""
    name = os.path.basename(path)
    code, out = run([eseal, "verify", path, "--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"], env)
    check("eseal verify " + name + " exits 0 (PASSED)", code == 0, out.strip().splitlines()[0] if out.strip() else "")
    check("xmlsec1 --verify " + name + " documentsignatures.xml", xmlsec_verify(path, pki, work))
    sigs = lo.package_signatures(path)
    check("LibreOffice DocumentDigitalSignatures: " + name + " one valid signature over the whole package",
          len(sigs) == 1 and sigs[0].SignatureIsValid and not sigs[0].PartialDocumentSignature and
          sigs[0].CertificateStatus == 0,
          "%d signatures%s" % (len(sigs), "; valid %s, status %s" % (sigs[0].SignatureIsValid,
                                                                     sigs[0].CertificateStatus) if sigs else ""))
    state = lo.signature_state(frame)
    check("the reloaded window's own signature state is OK (valid, certificate validated): " + name,
          state == SIGNATURE_OK, "state %s" % state)


def timed_dispatch(lo, frame, command, what, **args):
    start = time.time()
    state, result = lo.dispatch(frame, command, **args)
    print("timing  %s: dispatch to reloaded signed document %.2f s" % (what, time.time() - start), flush=True)
    return state, result


def odf_in_place(lo, eseal, key, seal, work, pki, env, locked_key):
    """Output=document on Writer and Calc ODF: the picture goes in through
    UNO, the core signs the stored file, the window reloads it."""
    base = dict(Key=key, Seal=seal, PinEnv=PIN_VAR, Output="document")
    letters = [os.path.join(work, "公函%d.odt" % i) for i in (1, 2, 3)]
    for letter in letters:
        make_letter(lo, letter)
    check("LibreOffice made the Writer letters (odt, Chinese text)", all(os.path.isfile(p) for p in letters))

    # 1. At the cursor (the clerk put it after 测试单位（盖章）).
    doc = lo.open(letters[0])
    frame = doc.getCurrentController().getFrame()
    view = doc.getCurrentController().getViewCursor()
    search = doc.createSearchDescriptor()
    search.SearchString = "测试单位（盖章）"
    view.gotoRange(doc.findFirst(search).getEnd(), False)
    before = sha256(letters[0])
    state, result = timed_dispatch(lo, frame, "Seal", "odt at the cursor", **base)
    check("Seal (Output=document) on an odt at the cursor succeeds and reloads",
          state == 1 and '"ok":true' in (result or "") and "reloadError" not in (result or ""), str(result))
    check("the odt on disk changed", sha256(letters[0]) != before)
    doc = _model_of(frame)
    pictures = doc.GraphicObjects if doc is not None else None
    if check_count("the reloaded letter holds one seal picture", pictures, 1):
        g = pictures.getByIndex(0)
        check("the seal picture is 42 mm wide (its true size) and anchored at the cursor's character",
              g.Size.Width == 4200 and g.AnchorType.value == "AT_CHARACTER" and "盖章" in g.Anchor.getText().getString(),
              "width %d, anchor %s" % (g.Size.Width, g.AnchorType.value))
    odf_verified(lo, eseal, letters[0], frame, pki, env, work)
    state, result = lo.dispatch(frame, "Seal", **base)
    check("sealing the sealed letter again is refused (its signature would break), file unchanged",
          state == 0 and "signed already" in (result or ""), str(result))
    doc.close(True)

    # 2. Failures keep the clerk's unsaved edits; then at a keyword, edits included.
    doc = lo.open(letters[1])
    frame = doc.getCurrentController().getFrame()
    doc.Text.insertString(doc.Text.getEnd(), "补充：本函自盖章之日起生效。", False)
    before = sha256(letters[1])

    def kept(what, state, result, words):
        check(what + ": refused with a clear message, file untouched, unsaved edits and no picture left",
              state == 0 and all(w in (result or "") for w in words) and sha256(letters[1]) == before and
              doc.isModified() and "补充：本函" in doc.Text.getString() and doc.GraphicObjects.getCount() == 0,
              str(result))

    state, result = lo.dispatch(frame, "Seal", **dict(base, PinEnv=WRONG_PIN_VAR, Keyword="（盖章）"))
    kept("a wrong PIN", state, result, ('"token"', "wrong PIN"))
    state, result = lo.dispatch(frame, "Seal", **dict(base, Key=locked_key, Keyword="（盖章）"))
    kept("a locked USB Key", state, result, ('"token"', "locked"))
    os.chmod(letters[1], 0o444)
    state, result = lo.dispatch(frame, "Seal", **dict(base, Keyword="（盖章）"))
    kept("a read-only file", state, result, ("read-only",))
    os.chmod(letters[1], 0o644)
    state, result = lo.dispatch(frame, "Seal", **dict(base, Keyword="不存在的词"))
    kept("a keyword the letter does not contain", state, result, ("不存在的词",))
    state, result = lo.dispatch(frame, "Seal", **dict(base, Page=7, At="100,100"))
    kept("a page the letter does not have", state, result, ("page 7 does not exist",))
    state, result = timed_dispatch(lo, frame, "Seal", "odt at a keyword, unsaved edits", **dict(base, Keyword="（盖章）"))
    check("Seal at the keyword （盖章） with unsaved edits succeeds", state == 1 and '"ok":true' in (result or ""),
          str(result))
    doc = _model_of(frame)
    with zipfile.ZipFile(letters[1]) as z:
        content = z.read("content.xml").decode("utf-8")
    check("the sealed file holds the unsaved edits", "补充：本函自盖章之日起生效。" in content)
    if check_count("the reloaded letter holds one seal picture", doc.GraphicObjects, 1):
        g = doc.GraphicObjects.getByIndex(0)
        check("the seal is anchored in the keyword's paragraph",
              "（盖章）" in g.Anchor.getText().getString() and g.Anchor.getString() == "" and
              g.AnchorType.value == "AT_CHARACTER", g.AnchorType.value)
    odf_verified(lo, eseal, letters[1], frame, pki, env, work)
    doc.close(True)

    # 3. Page + At: the seal's centre 150,240 mm from the page's top-left.
    doc = lo.open(letters[2])
    frame = doc.getCurrentController().getFrame()
    state, result = lo.dispatch(frame, "Seal", **dict(base, Page=1, At="150,240"))
    check("Seal at page 1, 150,240 mm succeeds", state == 1 and '"ok":true' in (result or ""), str(result))
    doc = _model_of(frame)
    if check_count("the reloaded letter holds one seal picture", doc.GraphicObjects, 1):
        g = doc.GraphicObjects.getByIndex(0)
        check("the seal is anchored to page 1 with its centre at 150,240 mm",
              g.AnchorType.value == "AT_PAGE" and g.AnchorPageNo == 1 and
              abs(g.HoriOrientPosition + g.Size.Width / 2 - 15000) <= 2 and
              abs(g.VertOrientPosition + g.Size.Height / 2 - 24000) <= 2,
              "%s page %d at %d,%d" % (g.AnchorType.value, g.AnchorPageNo, g.HoriOrientPosition, g.VertOrientPosition))
    odf_verified(lo, eseal, letters[2], frame, pki, env, work)
    doc.close(True)

    # The verify panel: the deck 电子签章 in a window's sidebar lists the seal;
    # sealing with the deck open lists the new seal after the reload.
    panel_lists(lo, letters[0], pki)
    ui_language(lo, letters[0], base)
    fresh = os.path.join(work, "公函4.odt")
    make_letter(lo, fresh)
    doc = lo.open(fresh, hidden=False)
    frame = doc.getCurrentController().getFrame()
    before = panel_text(doc)
    check("the panel of an unsealed letter says it carries no seal",
          "carries no seal" in before or "没有签章" in before, before[:120])
    state, result = lo.dispatch(frame, "Seal", **dict(base, Keyword="（盖章）"))
    doc = _model_of(frame)
    after = panel_text(doc)
    check("after sealing (reload) the open panel lists the new seal",
          state == 1 and "测试单位 ECDSA 签章人" in after and ("valid, unchanged" in after or "有效" in after),
          after[:160])
    doc.close(True)

    # 4. Calc: at the selected cell, then at a keyword's cell.
    books = [os.path.join(work, "预算表%d.ods" % i) for i in (1, 2)]
    for book in books:
        make_workbook(lo, book)
    check("LibreOffice made the Calc workbooks (ods, Chinese text)", all(os.path.isfile(p) for p in books))
    for book, where, args, cell in ((books[0], "the selected cell", {}, "B4"),
                                    (books[1], "the keyword 合计", {"Keyword": "合计"}, "A5")):
        doc = lo.open(book)
        frame = doc.getCurrentController().getFrame()
        if not args:
            doc.getCurrentController().select(doc.Sheets.getByIndex(0).getCellRangeByName(cell))
        state, result = timed_dispatch(lo, frame, "Seal", "ods at " + where, **dict(base, **args))
        check("Seal (Output=document) on an ods at %s succeeds" % where, state == 1 and '"ok":true' in (result or ""),
              str(result))
        doc = _model_of(frame)
        page = doc.Sheets.getByIndex(0).DrawPage
        if check_count("the reloaded workbook's first sheet holds one seal picture", page, 1):
            shape = page.getByIndex(0)
            at = doc.Sheets.getByIndex(0).getCellRangeByName(cell).Position
            # Anchored to the cell while placed; LibreOffice 7.4 writes it to the
            # sheet (table:shapes), so after the reload its place tells.
            check("the seal is 42 mm wide with its top-left corner at cell " + cell,
                  shape.Size.Width == 4200 and abs(shape.Position.X - at.X) <= 2 and abs(shape.Position.Y - at.Y) <= 2,
                  "width %d at %d,%d; cell at %d,%d" % (shape.Size.Width, shape.Position.X, shape.Position.Y, at.X, at.Y))
        odf_verified(lo, eseal, book, frame, pki, env, work)
        doc.close(True)


def panel_lists(lo, path, pki):
    options = lo.create("com.sun.star.configuration.ConfigurationProvider").createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", props(nodepath="/org.eseal.extension.Options/General"))
    uno.invoke(options, "replaceByName", ("TrustAnchors", uno.Any("[]string", (os.path.join(pki, "trust.pem"),))))
    options.replaceByName("UseSystemTrust", False)
    options.commitChanges()
    doc = lo.open(path, hidden=False)  # a real window (headless: not shown) has a sidebar
    frame = doc.getCurrentController().getFrame()
    start = time.time()
    state, report = lo.dispatch(frame, "Verify")
    print("timing  Verify with the panel refreshed: %.2f s" % (time.time() - start), flush=True)
    check("Verify (with the panel) still returns the JSON report, PASSED",
          state == 1 and json.loads(report or "{}").get("indication") == "PASSED", str(report)[:120])
    sidebar = doc.getCurrentController().getSidebar()
    sidebar.setVisible(True)
    decks = sidebar.getDecks()
    check("the sidebar has the deck EsealDeck", decks.hasByName("EsealDeck"), str(decks.getElementNames()))
    if not decks.hasByName("EsealDeck"):
        doc.close(True)
        return
    deck = decks.getByName("EsealDeck")
    deck.activate(True)
    check("the deck is titled 电子签章", "电子签章" in deck.getTitle(), deck.getTitle())
    panels = deck.getPanels()
    check("the deck has the panel EsealSealsPanel", panels.hasByName("EsealSealsPanel"), str(panels.getElementNames()))
    if panels.hasByName("EsealSealsPanel"):
        window = panels.getByName("EsealSealsPanel").getDialog()
        text = panel_window_text(window)
        print("panel   " + text.replace("\n", " | "), flush=True)
        picture = window.getControl("SealPicture0") if window is not None else None
        graphic = picture.getModel().Graphic if picture is not None else None
        size = graphic.SizePixel if graphic is not None else None
        check("the panel shows the seal's picture next to it (the picture eseal placed in the letter)",
              size is not None and size.Width > 0 and size.Height > 0,
              "graphic %s" % (None if size is None else "%dx%d px" % (size.Width, size.Height)))
        check("the panel lists the seal: signer, valid, time, nothing changed after it",
              "测试单位 ECDSA 签章人" in text and
              ("Seal " in text and "valid, unchanged since sealing" in text and "no change after sealing" in text or
               "签章 " in text and "有效" in text and "盖章后无变更" in text) and
              ("Time: 20" in text or "时间：20" in text), text[:300])
    doc.close(True)


def ui_language(lo, sealed, seal_args):
    """The extension speaks LibreOffice's UI language (the profile's
    org.openoffice.Setup/L10N ooLocale), whatever the process locale: its own
    sentences and the core's (gettext catalogue inside the .oxt) alike. The
    extension reads ooLocale at every command, so changing it in the profile
    switches the language for the next command."""
    l10n = lo.create("com.sun.star.configuration.ConfigurationProvider").createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", props(nodepath="/org.openoffice.Setup/L10N"))
    was = l10n.ooLocale
    expected = {
        # the extension's own error, its headline, the core's verdict sentence, the panel's own label
        "zh-CN": ("文档尚未保存；请先保存，再盖章", "请检查盖章设置。", "盖章后文件未被修改。", "签章人："),
        "en-US": ("the document has not been saved yet; save it, then seal it", "Check the seal settings.",
                  "the file has not been changed since.", "Signer: "),
    }
    try:
        for locale, (error, headline, verdict, label) in expected.items():
            l10n.replaceByName("ooLocale", locale)
            l10n.commitChanges()
            new = lo.desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, props(Hidden=True))
            state, result = lo.dispatch(new.getCurrentController().getFrame(), "Seal", **dict(seal_args, Output="pdf"))
            new.close(True)
            parsed = json.loads(result or "{}")
            check("UI language %s: an error and its headline come out in it" % locale,
                  state == 0 and error in parsed.get("error", "") and parsed.get("headline") == headline, str(result))
            doc = lo.open(sealed, hidden=False)
            text = panel_text(doc)
            doc.close(True)
            check("UI language %s: the verify panel's core verdict sentence and its labels are in it" % locale,
                  verdict in text and label in text, text[:200].replace("\n", " | "))
    finally:
        l10n.replaceByName("ooLocale", was)
        l10n.commitChanges()


def options_page(lo):
    """Tools > Options > 电子签章: the page is registered, and its handler loads
    the options into the page's controls and stores them back on OK."""
    nodes = lo.config("/org.openoffice.Office.OptionsDialog/Nodes")
    node = nodes.getByName("org.eseal.extension.Options") if nodes.hasByName("org.eseal.extension.Options") else None
    leaf = node.Leaves.getByName("org.eseal.extension.OptionsGeneral") if node is not None and \
        node.Leaves.hasByName("org.eseal.extension.OptionsGeneral") else None
    check("Tools > Options has the node 电子签章 with the eseal page and its handler",
          node is not None and "电子签章" in node.Label and leaf is not None and
          leaf.OptionsPage.endswith("/dialogs/Options.xdl") and leaf.EventHandlerService == "org.eseal.extension.OptionsHandler",
          str(node.Label if node is not None else None))
    if leaf is None:
        return
    location = lo.ctx.getValueByName("/singletons/com.sun.star.deployment.PackageInformationProvider") \
        .getPackageLocation("org.eseal.extension")
    doc = lo.desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, props(Hidden=True))
    parent = doc.getCurrentController().getFrame().getContainerWindow()
    handler = lo.create("org.eseal.extension.OptionsHandler")
    window = lo.create("com.sun.star.awt.ContainerWindowProvider").createContainerWindow(
        location + "/dialogs/Options.xdl", "", parent, handler)
    model = lambda name: window.getControl(name).getModel()
    check("the page's handler initialises it from the options",
          handler.callHandlerMethod(window, "initialize", "external_event") and
          tuple(model("DefaultOutput").SelectedItems) == (0,) and model("UseSystemTrust").State == 1 and
          tuple(model("DefaultLevel").SelectedItems) == (0,) and "TSA" in model("LabelTsaUrl").Label,
          "output %s, level %s" % (model("DefaultOutput").SelectedItems, model("DefaultLevel").SelectedItems))
    model("TsaUrl").Text = " http://127.0.0.1:9/tsa "
    model("Pkcs11Modules").Text = "/usr/lib/softhsm/libsofthsm2.so\n\n  /opt/vendor/libp11.so \n"
    model("SkfLibraries").Text = "/usr/lib/libgm3000.1.0.so"
    model("DefaultLevel").SelectedItems = (1,)
    model("UseSystemTrust").State = 0
    handler.callHandlerMethod(window, "ok", "external_event")
    options = lo.config("/org.eseal.extension.Options/General")
    check("OK on the page stores the options (lists one entry a line, trimmed)",
          options.TsaUrl == "http://127.0.0.1:9/tsa" and
          tuple(options.Pkcs11Modules) == ("/usr/lib/softhsm/libsofthsm2.so", "/opt/vendor/libp11.so") and
          tuple(options.SkfLibraries) == ("/usr/lib/libgm3000.1.0.so",) and options.DefaultLevel == "B-T" and
          not options.UseSystemTrust,
          "%s %s %s %s" % (options.TsaUrl, options.Pkcs11Modules, options.DefaultLevel, options.UseSystemTrust))
    # Back to the defaults for the rest of the test.
    for name, value in (("TsaUrl", ""), ("Pkcs11Modules", ""), ("SkfLibraries", "")):
        model(name).Text = value
    model("DefaultLevel").SelectedItems = (0,)
    model("UseSystemTrust").State = 1
    handler.callHandlerMethod(window, "ok", "external_event")
    window.dispose()
    doc.close(True)


def panel_text(doc):
    """What the panel EsealSealsPanel of the window's deck 电子签章 lists ("" without it)."""
    sidebar = doc.getCurrentController().getSidebar()
    sidebar.setVisible(True)
    decks = sidebar.getDecks()
    if not decks.hasByName("EsealDeck"):
        return ""
    deck = decks.getByName("EsealDeck")
    deck.activate(True)
    panels = deck.getPanels()
    if not panels.hasByName("EsealSealsPanel"):
        return ""
    return panel_window_text(panels.getByName("EsealSealsPanel").getDialog())


def panel_window_text(window):
    """The panel's headline and the lines of each seal row, as one text."""
    if window is None:
        return ""
    texts = []
    for name in ["seals"] + ["Seal%d" % i for i in range(5)]:
        control = window.getControl(name)
        if control is not None and control.getModel().Text:
            texts.append(control.getModel().Text)
    return "\n".join(texts)


def check_count(name, container, n):
    count = container.getCount() if container is not None else None
    check(name, count == n, "%s found" % count)
    return count == n


def verified(eseal, path, pki, nssdb, env):
    code, out = run([eseal, "verify", path, "--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"], env)
    check("eseal verify " + os.path.basename(path) + " exits 0 (PASSED)", code == 0, out.strip().splitlines()[0]
          if out.strip() else "")
    code, out = run(["pdfsig", "-nssdir", "sql:" + nssdb, path], env)
    check("pdfsig: " + os.path.basename(path) + " signature valid",
          code == 0 and "Signature Validation: Signature is Valid." in out and "Total document signed" in out,
          " | ".join(line.strip() for line in out.splitlines() if "Validation" in line))


def electronic_seals(lo, eseal, pki, inputs, nssdb, work, env, key):
    """Seal names an electronic seal (GB/T 38540 SES_Seal) of the seal folder:
    a PDF's signature carries it and shows its picture; the verify panel shows
    that picture; a seal that does not name the key's certificate is refused."""
    folder = os.path.join(work, "electronic-seals")
    os.makedirs(folder)
    made = []
    for name, cert, file_name in (("测试单位业务专用章", "signer-ec.crt", "业务专用章.esl"),
                                  ("别的单位公章", "signer-rsa.crt", "别的单位公章.esl")):
        code, out = run([eseal, "seal", "make", "--image", os.path.join(inputs, "seal-red.png"), "--size", "40",
                         "--name", name, "--cert", os.path.join(pki, cert), "--valid", "2025-01-01..2099-12-31",
                         "--maker-key", "p12:" + os.path.join(pki, "signer-sm2.p12"), "--pin-env", "ESEAL_EXT_MAKER_PIN",
                         "--id", "ext-" + cert[:-4], "-o", os.path.join(folder, file_name)],
                        dict(env, ESEAL_EXT_MAKER_PIN="test"))
        made.append(code == 0)
    check("two electronic seals in a seal folder (eseal seal make)", all(made))
    pdf = os.path.join(work, "电子印章.pdf")
    shutil.copy(os.path.join(inputs, "letter.pdf"), pdf)
    doc = lo.open(pdf)
    frame = doc.getCurrentController().getFrame()
    base = dict(Key=key, PinEnv=PIN_VAR, SealFolder=folder, Page=1, At="100,120", Output="document")
    before = sha256(pdf)
    state, result = lo.dispatch(frame, "Seal", **dict(base, Seal="别的单位公章"))
    check("a seal that does not name the key's certificate is refused, the PDF untouched",
          state == 0 and "certificate" in (result or "") and sha256(pdf) == before, str(result))
    state, result = lo.dispatch(frame, "Seal", **dict(base, Seal="测试单位业务专用章"))
    check("Seal=the seal's name seals the PDF with the electronic seal", state == 1 and sha256(pdf) != before,
          str(result))
    verified(eseal, pdf, pki, nssdb, env)
    code, out = run([eseal, "verify", "--json", pdf, "--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"], env)
    try:
        sigs = json.loads(out).get("signatures", [])
    except ValueError:
        sigs = []
    seal = sigs[0].get("electronicSeal", {}) if sigs else {}
    check("the signature carries the seal, bound to the signer, its picture on the page",
          seal.get("name") == "测试单位业务专用章" and seal.get("signerListed") and
          seal.get("makerSignatureValid") and seal.get("pictureOnPage") == "matches", str(seal)[:200])
    doc = _model_of(frame)
    doc.close(True)
    doc = lo.open(pdf, hidden=False)
    sidebar = doc.getCurrentController().getSidebar()
    sidebar.setVisible(True)
    deck = sidebar.getDecks().getByName("EsealDeck")
    deck.activate(True)
    window = deck.getPanels().getByName("EsealSealsPanel").getDialog()
    picture = window.getControl("SealPicture0") if window is not None else None
    graphic = picture.getModel().Graphic if picture is not None else None
    size = graphic.SizePixel if graphic is not None else None
    check("the verify panel shows the PDF seal's picture, as LibreOffice draws its widget",
          size is not None and size.Width > 0, "%s; %s" % (size and (size.Width, size.Height),
                                                              panel_window_text(window)[:160].replace("\n", " | ")))
    doc.close(True)


def manage_keys(lo, eseal, pki, inputs, nssdb, work, env, skf, locked_key):
    """vnd.eseal:Manage with arguments: the USB Keys (SoftHSM2 token, the test
    SKF key whose user PIN is locked) and seals (a seal folder of this test)
    listed; the SKF key unlocked with its admin PIN and its PIN changed
    through the core; then the key signs with the new PIN (pdfsig checks it)."""
    folder = os.path.join(work, "seals")
    os.makedirs(folder)
    made = os.path.join(folder, "业务专用章.esl")
    code, out = run([eseal, "seal", "make", "--image", os.path.join(inputs, "seal-red.png"), "--size", "40",
                     "--name", "测试单位业务专用章", "--cert", os.path.join(pki, "signer-ec.crt"),
                     "--valid", "2025-01-01..2099-12-31", "--maker-key", "p12:" + os.path.join(pki, "signer-sm2.p12"),
                     "--pin-env", "ESEAL_EXT_MAKER_PIN", "--id", "ext-manage", "-o", made],
                    dict(env, ESEAL_EXT_MAKER_PIN="test"))
    check("eseal seal make: a seal in the test's seal folder", code == 0, out.strip()[-160:])
    with open(os.path.join(folder, "junk.esl"), "w") as f:
        f.write("not a seal")
    doc = lo.desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, props(Hidden=True))
    frame = doc.getCurrentController().getFrame()
    where = dict(Modules="/usr/lib/softhsm/libsofthsm2.so", SkfLibraries=skf, SealFolder=folder)

    def listing():
        state, result = lo.dispatch(frame, "Manage", **where)
        try:
            return state, json.loads(result or "{}")
        except ValueError:
            return state, {}

    state, inv = listing()
    tokens = {t["label"]: t for t in inv.get("tokens", [])}
    hsm = tokens.get("eseal-test", {})
    skf_token = next((t for t in inv.get("tokens", []) if t.get("kind") == "skf"), {})
    check("Manage (Action=List) lists the SoftHSM2 token with its PIN state and signing keys (holder, validity)",
          state == 1 and hsm.get("kind") == "pkcs11" and hsm.get("pin", {}).get("locked") is False and
          any(k["holder"] == "测试单位 ECDSA 签章人" and k["notAfter"].startswith("20") and k["key"].startswith("pkcs11:")
              for k in hsm.get("keys", [])),
          json.dumps(hsm, ensure_ascii=False)[:300])
    check("... and the SKF key, locked, with no tries left",
          skf_token.get("pin", {}).get("locked") is True and skf_token.get("token", "").startswith("skf:") and
          skf_token["token"].startswith("skf:" + skf + "?") and "app=ESEAL" in skf_token["token"] and
          skf_token["pin"].get("retriesLeft") == 0,
          json.dumps(skf_token.get("pin"), ensure_ascii=False))
    seals = {os.path.basename(x["location"]): x for x in inv.get("seals", [])}
    good = seals.get("业务专用章.esl", {})
    check("... and the seals of the folder: the seal with its name, validity and picture; the junk file with its reason",
          good.get("name") == "测试单位业务专用章" and good.get("validNow") and good.get("makerSignatureValid") and
          good.get("picture", {}).get("type") == "PNG" and good["picture"]["bytes"] > 100 and
          good["picture"]["widthMm"] == 40 and "error" in seals.get("junk.esl", {}),
          json.dumps(inv.get("seals"), ensure_ascii=False)[:300])

    token = skf_token.get("token", "")
    with open(os.path.join(work, "skf.state")) as f:
        before = f.read()
    state, result = lo.dispatch(frame, "Manage", Action="Unlock", Token=token, SoPinEnv=WRONG_PIN_VAR,
                                NewPinEnv="ESEAL_EXT_NEW_PIN", **where)
    check("Unlock with a wrong admin PIN is refused, saying so and what is left",
          state == 0 and "wrong admin PIN" in (result or ""), str(result))
    state, result = lo.dispatch(frame, "Manage", Action="Unlock", Token=token, SoPinEnv="ESEAL_EXT_ADMIN_PIN",
                                NewPinEnv="ESEAL_EXT_NEW_PIN", **where)
    parsed = json.loads(result or "{}")
    check("Unlock with the admin PIN sets the new PIN: the key is no longer locked",
          state == 1 and parsed.get("pin", {}).get("locked") is False, str(result))
    state, result = lo.dispatch(frame, "Manage", Action="ChangePin", Token=token, PinEnv="ESEAL_EXT_NEW_PIN",
                                NewPinEnv="ESEAL_EXT_NEWER_PIN", **where)
    check("ChangePin with the current PIN changes it", state == 1 and json.loads(result or "{}").get("ok"), str(result))
    state, result = lo.dispatch(frame, "Manage", Action="ChangePin", Token=token, PinEnv="ESEAL_EXT_NEW_PIN",
                                NewPinEnv="ESEAL_EXT_NEW_PIN", **where)
    check("ChangePin with the old PIN is refused (wrong PIN)", state == 0 and "wrong PIN" in (result or ""), str(result))
    with open(os.path.join(work, "skf.state")) as f:
        after = f.read()
    check("the key's own state changed (its PIN store)", after != before)
    signed = os.path.join(work, "signed-after-unlock.pdf")
    code, out = run([eseal, "sign", os.path.join(inputs, "letter.pdf"), "-o", signed, "--key", locked_key,
                     "--image", os.path.join(inputs, "seal-red.png"), "--pin-env", "ESEAL_EXT_NEWER_PIN",
                     "--chain", os.path.join(pki, "intermediate-ca.crt")], env)
    check("the unlocked key signs with the new PIN", code == 0, out.strip()[-200:])
    if code == 0:
        verified(eseal, signed, pki, nssdb, env)
    state, result = lo.dispatch(frame, "Manage", Action="Format", **where)
    check("an unknown Action is refused", state == 0 and "Action must be" in (result or ""), str(result))
    state, result = lo.dispatch(frame, "Manage")
    check("Manage without arguments (a click) opens its dialog (headless: closed at once) and returns",
          state == 1 and json.loads(result or "{}").get("ok"), str(result))
    doc.close(True)


def skf_sealing(lo, eseal, pki, work, env, skf_key, pin_var):
    """vnd.eseal:Seal with Key=skf:... (the test SKF library, as a vendor's
    library is loaded): a Writer letter sealed in place, its chain completed
    from Chain (the key holds only the unit's certificate), checked by eseal
    verify, xmlsec1 and LibreOffice's own signature check; the same without
    Chain carries the key's own certificate only. Then a seal name that
    no seal has: the clerk's headline names it and where eseal looked, in
    English and in Chinese."""
    base = dict(Key=skf_key, Seal=os.path.join(os.path.dirname(pki), "inputs", "seal-red.png"), PinEnv=pin_var,
                Keyword="（盖章）", Output="document")
    letter, bare = os.path.join(work, "SKF公函.odt"), os.path.join(work, "SKF公函-无链.odt")
    make_letter(lo, letter)
    make_letter(lo, bare)
    doc = lo.open(letter)
    frame = doc.getCurrentController().getFrame()
    before = sha256(letter)
    state, result = timed_dispatch(lo, frame, "Seal", "odt with the SKF key",
                                   **dict(base, Chain=os.path.join(pki, "intermediate-ca.crt")))
    check("Seal with Key=skf:... (Output=document) seals the letter in place and reloads it",
          state == 1 and '"ok":true' in (result or "") and "reloadError" not in (result or "") and
          sha256(letter) != before, str(result))
    code, out = run([eseal, "verify", "--json", letter, "--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"],
                    env)
    try:
        sigs = json.loads(out).get("signatures", [])
    except ValueError:
        sigs = []
    check("the letter's signature is the SKF key's (its RSA certificate)",
          len(sigs) == 1 and "RSA" in sigs[0].get("signer", {}).get("commonName", ""), out[-200:])
    odf_verified(lo, eseal, letter, _model_of(frame).getCurrentController().getFrame(), pki, env, work)
    _model_of(frame).close(True)

    # The key holds the unit's certificate alone: the intermediate is in the
    # signature because Chain gave it (a verifier without it in its own store
    # could not build the path; this test's NSS database has it from a PKCS#12).
    doc = lo.open(bare)
    frame = doc.getCurrentController().getFrame()
    state, result = lo.dispatch(frame, "Seal", **base)

    def certificates_in(path):
        with zipfile.ZipFile(path) as z:
            xml = z.read("META-INF/documentsignatures.xml").decode("utf-8")
        # KeyInfo's X509Certificate (the signer) and XAdES CertificateValues' (the rest of the chain)
        return len(re.findall(r"<(?:\w+:)?(?:Encapsulated)?X509Certificate>", xml))

    with_chain, without = certificates_in(letter), certificates_in(bare) if state == 1 else None
    check("the signature carries the SKF key's certificate and, with Chain, its intermediate (without: only its own)",
          with_chain == 2 and without == 1, "with Chain %s, without %s; %s" % (with_chain, without, result))
    _model_of(frame).close(True)

    # A seal name no seal has.
    folder = os.path.join(work, "skf-seals")
    os.makedirs(folder, exist_ok=True)
    fresh = os.path.join(work, "SKF公函-无印章.odt")
    make_letter(lo, fresh)
    l10n = lo.create("com.sun.star.configuration.ConfigurationProvider").createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", props(nodepath="/org.openoffice.Setup/L10N"))
    was = l10n.ooLocale
    try:
        for locale, words in (("en-US", ("No seal named '不存在的印章'", "the seal folder " + folder,
                                          "the USB Key 'soft-skf-0 / ESEAL'")),
                              ("zh-CN", ("未找到名为“不存在的印章”的印章", "印章文件夹 " + folder,
                                         "USB Key “soft-skf-0 / ESEAL”"))):
            l10n.replaceByName("ooLocale", locale)
            l10n.commitChanges()
            doc = lo.open(fresh)
            before = sha256(fresh)
            state, result = lo.dispatch(doc.getCurrentController().getFrame(), "Seal",
                                        **dict(base, Seal="不存在的印章", SealFolder=folder))
            parsed = json.loads(result or "{}")
            check("UI language %s: an unknown seal name gets its own headline, naming the seal and where eseal looked"
                  % locale, state == 0 and all(w in parsed.get("headline", "") for w in words) and
                  sha256(fresh) == before and doc.GraphicObjects.getCount() == 0, str(result))
            doc.close(True)
    finally:
        l10n.replaceByName("ooLocale", was)
        l10n.commitChanges()


def main():
    eseal, oxt, data, skf = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    pki, inputs = os.path.join(data, "pki"), os.path.join(data, "inputs")
    work = tempfile.mkdtemp(prefix="eseal-ext-")
    profile = os.path.join(work, "profile")
    env = dict(os.environ, SOFTHSM2_CONF=os.path.join(data, "softhsm", "softhsm2.conf"))
    env[PIN_VAR] = "11223344"
    env[WRONG_PIN_VAR] = "87654321"
    env.update(ESEAL_EXT_ADMIN_PIN="12345678", ESEAL_EXT_NEW_PIN="24681357", ESEAL_EXT_NEWER_PIN="13572468")
    env.pop("PYTHONPATH", None)
    # No ~/.config/eseal/certs of the machine's: the chains are what the test gives.
    env["XDG_CONFIG_HOME"] = os.path.join(work, "config")
    key = "pkcs11:token=eseal-test;object=signer-ec?module-path=/usr/lib/softhsm/libsofthsm2.so"
    seal = os.path.join(inputs, "seal-red.png")
    pdf = os.path.join(work, "letter.pdf")
    writer = os.path.join(work, "letter.fodt")
    shutil.copy(os.path.join(inputs, "letter.pdf"), pdf)
    shutil.copy(os.path.join(inputs, "letter.fodt"), writer)
    nssdb = os.path.join(inputs, "nssdb")
    # LibreOffice's own signature check trusts the test root through this NSS database.
    env["MOZILLA_CERTIFICATE_FOLDER"] = "sql:" + nssdb
    seal_args = dict(Key=key, Seal=seal, PinEnv=PIN_VAR, Page=1, At="140,207")
    # A USB Key whose user PIN is locked: the test SKF library, its counters in a state file of this test.
    with open(os.path.join(work, "skf.conf"), "w") as f:
        f.write("device soft-skf-0\napp ESEAL\nmax-retries 3\nstate %s\ncontainer seal %s %s\n" % (
            os.path.join(work, "skf.state"), os.path.join(pki, "signer-rsa.key"), os.path.join(pki, "signer-rsa.crt")))
    with open(os.path.join(work, "skf.state"), "w") as f:
        f.write("user-pin 123456\nadmin-pin 12345678\nuser-left 0\nadmin-left 3\nuser-default 0\n")
    env["ESEAL_SKF_SOFT_CONFIG"] = os.path.join(work, "skf.conf")
    locked_key = "skf:%s?app=ESEAL&container=seal" % skf

    lo = LibreOffice(profile, env)
    try:
        manager = lo.ctx.getValueByName("/singletons/com.sun.star.deployment.ExtensionManager")
        manager.addExtension(uno.systemPathToFileUrl(os.path.abspath(oxt)), (), "user", None, CommandEnv())
        ids = [x.getIdentifier().Value for row in manager.getAllExtensions(None, CommandEnv()) for x in row if x]
        check("eseal.oxt installed in the user profile", "org.eseal.extension" in ids, str(ids))
    finally:
        lo.stop()

    lo = LibreOffice(profile, env)  # the new configuration layers and component, loaded fresh
    try:
        bar = lo.config("/org.openoffice.Office.Addons/AddonUI/OfficeToolBar")
        check("Addons configuration has the toolbar", bar.hasByName(TOOLBAR), str(bar.getElementNames()))
        if bar.hasByName(TOOLBAR):
            items = bar.getByName(TOOLBAR)
            urls = sorted(items.getByName(n).URL for n in items.getElementNames())
            check("toolbar has the four commands", urls == sorted(
                "vnd.eseal:" + c for c in ("Seal", "CrossPageSeal", "Verify", "Manage")), str(urls))
        for module in ("Writer", "Calc", "Draw", "Impress"):
            if not os.path.exists("/usr/lib/libreoffice/share/registry/%s.xcd" % module.lower()):
                print("skip    %s is not installed" % module)
                continue
            states = lo.config("/org.openoffice.Office.UI.%sWindowState/UIElements/States" % module)
            name = "private:resource/toolbar/addon_" + TOOLBAR
            ui = states.getByName(name).UIName if states.hasByName(name) else None
            check(module + ": the toolbar is named 加盖电子签章 and docked",
                  ui is not None and "加盖电子签章" in ui and states.getByName(name).Docked, str(ui))

        options_page(lo)

        # A PDF opened in LibreOffice (Draw): its original bytes are sealed in place.
        doc = lo.open(pdf)
        check("letter.pdf opens in Draw", doc is not None and doc.supportsService(
            "com.sun.star.drawing.DrawingDocument"))
        frame = doc.getCurrentController().getFrame()
        before = sha256(pdf)
        doc.setModified(True)  # as if the clerk had edited the drawing
        state, result = lo.dispatch(frame, "Seal", **seal_args, Output="document")
        check("Seal in place on a document with unsaved edits is refused, file and edits kept",
              state == 0 and "unsaved changes" in (result or "") and sha256(pdf) == before and doc.isModified(),
              str(result))
        doc.setModified(False)
        state, result = lo.dispatch(frame, "Seal", **seal_args, Output="document")
        check("Seal (Output=document) on the PDF succeeds and reloads", state == 1 and "reloadError" not in (result or ""),
              str(result))
        check("the PDF file on disk changed", sha256(pdf) != before)
        verified(eseal, pdf, pki, nssdb, env)
        sealed_once = sha256(pdf)
        with open(pdf, "rb") as f:
            original = open(os.path.join(inputs, "letter.pdf"), "rb").read()
            check("the sealed PDF begins with the original bytes (incremental update)",
                  f.read(len(original)) == original)
        reloaded = _model_of(frame)
        check("the window shows the document reloaded (a new model of the same file)",
              reloaded is not None and reloaded.getURL() == uno.systemPathToFileUrl(pdf) and not _alive(doc),
              "url %s, old model alive: %s, same model: %s" % (reloaded.getURL() if reloaded else None, _alive(doc), reloaded == doc))
        doc = reloaded
        state, report = lo.dispatch(frame, "Verify", Trust=os.path.join(pki, "trust.pem"), NoSystemTrust=True)
        try:
            parsed = json.loads(report) if report else {}
        except ValueError:
            parsed = {}
        sigs = parsed.get("signatures", [])
        check("Verify returns the JSON report: PASSED, one seal by the token's key",
              state == 1 and parsed.get("indication") == "PASSED" and len(sigs) == 1 and "ECDSA" in
              sigs[0].get("signer", {}).get("commonName", ""), str(report)[:200])

        state, report = lo.dispatch(frame, "Verify")
        check("Verify without arguments (a click; system trust only) answers with a report, without hanging",
              state == 1 and json.loads(report or "{}").get("signatures"), str(report)[:80])
        state, result = lo.dispatch(frame, "Seal", **dict(seal_args, PinEnv="ESEAL_EXT_NO_SUCH_VAR"))
        check("Seal with an unset PinEnv fails with a sentence, file untouched",
              state == 0 and "ESEAL_EXT_NO_SUCH_VAR" in (result or "") and sha256(pdf) == sealed_once,
              str(result))
        state, result = lo.dispatch(frame, "CrossPageSeal", **seal_args)
        check("CrossPageSeal is refused with a sentence until cross-page seals land, file untouched",
              state == 0 and "error" in json.loads(result or "{}") and sha256(pdf) == sealed_once, str(result))
        doc.close(True)

        # A Writer document: Output=pdf exports it and seals the export beside it.
        doc = lo.open(writer, hidden=False)  # a real window (headless: not shown) gets its toolbars
        check("letter.fodt opens in Writer", doc is not None and doc.supportsService("com.sun.star.text.TextDocument"))
        frame = doc.getCurrentController().getFrame()
        layout = frame.LayoutManager
        resource = "private:resource/toolbar/addon_" + TOOLBAR
        check("the Writer window has the eseal toolbar, visible and docked",
              layout.getElement(resource) is not None and layout.isElementVisible(resource) and
              layout.isElementDocked(resource), str([e.ResourceURL for e in layout.getElements()]))
        before = sha256(writer)
        state, result = lo.dispatch(frame, "Seal", **seal_args, Output="pdf")
        sealed = os.path.join(work, "letter-sealed.pdf")
        check("Seal (Output=pdf) on the Writer document succeeds", state == 1 and os.path.exists(sealed),
              str(result))
        if os.path.exists(sealed):
            verified(eseal, sealed, pki, nssdb, env)
        state, result = lo.dispatch(frame, "Seal", **seal_args, Output="document")
        check("Seal (Output=document) on ODF says format not supported yet",
              state == 0 and "format not supported yet" in (result or ""), str(result))
        check("the Writer document's file is unchanged", sha256(writer) == before)
        state, result = lo.dispatch(frame, "Seal", **seal_args, Output="paper")
        check("a bad Output is refused", state == 0 and "Output must be" in (result or ""), str(result))
        # The same Writer document as .docx: sealed in place through the OOXML adapter.
        docx = os.path.join(work, "letter.docx")
        doc.storeAsURL(uno.systemPathToFileUrl(docx), props(FilterName="MS Word 2007 XML"))
        before = sha256(docx)
        state, result = lo.dispatch(frame, "Seal", **seal_args, Output="document")
        check("Seal (Output=document) on .docx seals it in place", state == 1 and sha256(docx) != before,
              str(result))
        code, out = run([eseal, "verify", docx, "--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"], env)
        check("eseal verify letter.docx (sealed in place) exits 0 (PASSED)", code == 0,
              out.strip().splitlines()[0] if out.strip() else "")
        doc.close(True)

        # A Calc workbook with Chinese text, saved as .ods: Output=pdf goes through calc_pdf_Export.
        calc = lo.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, props(Hidden=True))
        sheet = calc.Sheets.getByIndex(0)
        sheet.getCellByPosition(0, 0).setString("测试单位 二〇二六年度预算表")
        sheet.getCellByPosition(0, 1).setString("项目")
        sheet.getCellByPosition(1, 1).setValue(12345.67)
        ods = os.path.join(work, "budget.ods")
        calc.storeAsURL(uno.systemPathToFileUrl(ods), props(FilterName="calc8"))
        frame = calc.getCurrentController().getFrame()
        # No Output argument: the extension's option DefaultOutput (registry/eseal.xcs) decides.
        options = lo.create("com.sun.star.configuration.ConfigurationProvider").createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            props(nodepath="/org.eseal.extension.Options/General"))
        check("the options schema is installed (DefaultOutput is document)",
              options.getByName("DefaultOutput") == "document")
        options.replaceByName("DefaultOutput", "pdf")
        options.commitChanges()
        state, result = lo.dispatch(frame, "Seal", **seal_args)
        sealed = os.path.join(work, "budget-sealed.pdf")
        check("Seal (no Output, option DefaultOutput=pdf) on the Calc workbook succeeds", state == 1 and os.path.exists(sealed), str(result))
        if os.path.exists(sealed):
            verified(eseal, sealed, pki, nssdb, env)
            code, text = run(["pdftotext", sealed, "-"], env)
            check("the sealed PDF is the workbook's export (its Chinese text)", code == 0 and "预算表" in text,
                  text.strip()[:60])
        before = sha256(ods)
        state, result = lo.dispatch(frame, "Seal")
        # Headless LibreOffice closes every dialog at once: the seal dialog was
        # built and shown, and its Cancel is the answer; nothing is sealed.
        check("Seal without arguments (a toolbar click) opens the seal dialog; closed, it seals nothing",
              state == 0 and json.loads(result or "{}").get("category") == "cancelled" and sha256(ods) == before,
              str(result))
        calc.close(True)

        odf_in_place(lo, eseal, key, seal, work, pki, env, locked_key)
        manage_keys(lo, eseal, pki, inputs, nssdb, work, env, skf, locked_key)
        skf_sealing(lo, eseal, pki, work, env, locked_key, "ESEAL_EXT_NEWER_PIN")  # unlocked by manage_keys
        electronic_seals(lo, eseal, pki, inputs, nssdb, work, env, key)

        # A new document never saved has no file to seal.
        new = lo.desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, props(Hidden=True))
        for output in ("pdf", "document"):
            state, result = lo.dispatch(new.getCurrentController().getFrame(), "Seal", **seal_args, Output=output)
            check("Seal (Output=%s) on an unsaved document asks to save it first" % output,
                  state == 0 and "not been saved" in (result or ""), str(result))
        new.close(True)
    finally:
        lo.stop()
    shutil.rmtree(work, ignore_errors=True)
    failed = results.count(False)
    print("%d passed, %d failed" % (results.count(True), failed))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
