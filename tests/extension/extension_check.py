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

usage: extension_check.py ESEAL_BIN OXT TEST_DATA_DIR
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
import unohelper
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.frame import XDispatchResultListener
from com.sun.star.task import XInteractionHandler
from com.sun.star.ucb import XCommandEnvironment

results = []
PIN_VAR = "ESEAL_EXT_TEST_PIN"
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


class LibreOffice:
    """One headless LibreOffice on a throwaway profile, stopped by its PID."""

    def __init__(self, profile_dir, env):
        # A named pipe of this process's own: no port another test could hold.
        self.pipe = "eseal-ext-%d-%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
             "-env:UserInstallation=" + uno.systemPathToFileUrl(profile_dir),
             "--accept=pipe,name=%s;urp;" % self.pipe],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.time() + 90
        while True:
            try:
                self.ctx = resolver.resolve(
                    "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % self.pipe)
                break
            except NoConnectException:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.proc.kill()  # by its PID; never left behind
                    self.proc.wait()
                    raise RuntimeError("LibreOffice did not start")
                time.sleep(0.25)
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
                self.proc.kill()
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


def verified(eseal, path, pki, nssdb, env):
    code, out = run([eseal, "verify", path, "--trust", os.path.join(pki, "trust.pem"), "--no-system-trust"], env)
    check("eseal verify " + os.path.basename(path) + " exits 0 (PASSED)", code == 0, out.strip().splitlines()[0]
          if out.strip() else "")
    code, out = run(["pdfsig", "-nssdir", "sql:" + nssdb, path], env)
    check("pdfsig: " + os.path.basename(path) + " signature valid",
          code == 0 and "Signature Validation: Signature is Valid." in out and "Total document signed" in out,
          " | ".join(line.strip() for line in out.splitlines() if "Validation" in line))


def main():
    eseal, oxt, data = sys.argv[1], sys.argv[2], sys.argv[3]
    pki, inputs = os.path.join(data, "pki"), os.path.join(data, "inputs")
    work = tempfile.mkdtemp(prefix="eseal-ext-")
    profile = os.path.join(work, "profile")
    env = dict(os.environ, SOFTHSM2_CONF=os.path.join(data, "softhsm", "softhsm2.conf"))
    env[PIN_VAR] = "11223344"
    env.pop("PYTHONPATH", None)
    key = "pkcs11:token=eseal-test;object=signer-ec?module-path=/usr/lib/softhsm/libsofthsm2.so"
    seal = os.path.join(inputs, "seal-red.png")
    pdf = os.path.join(work, "letter.pdf")
    writer = os.path.join(work, "letter.fodt")
    shutil.copy(os.path.join(inputs, "letter.pdf"), pdf)
    shutil.copy(os.path.join(inputs, "letter.fodt"), writer)
    nssdb = os.path.join(inputs, "nssdb")
    seal_args = dict(Key=key, Seal=seal, PinEnv=PIN_VAR, Page=1, At="140,207")

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
        state, result = lo.dispatch(frame, "Manage")
        check("Manage says its dialog is not built yet", state == 0 and "not built yet" in (result or ""),
              str(result))
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
        state, result = lo.dispatch(frame, "Seal")
        check("Seal without arguments (a toolbar click) answers, without hanging, that the dialog is not built",
              state == 0 and "dialog is not built yet" in (result or ""), str(result))
        calc.close(True)

        # A new document never saved has no file to seal.
        new = lo.desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, props(Hidden=True))
        state, result = lo.dispatch(new.getCurrentController().getFrame(), "Seal", **seal_args, Output="pdf")
        check("Seal on an unsaved document asks to save it first",
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
