#!/usr/bin/python3
"""The extension in a real LibreOffice window, under an Xvfb of this test's own.

Starts Xvfb (it picks a free display and says which: -displayfd), installs
build/eseal.oxt into a throwaway profile whose UI language is zh-CN, starts
LibreOffice on that display (its X11 "gen" VCL plugin) and drives it through
UNO and the accessibility tree, as a screen reader or a click would:

- the Writer window shows the docked toolbar 加盖电子签章 (the layout
  manager's element, and a TOOL_BAR of that name in the accessibility tree
  with the buttons 加盖电子签章, 骑缝章, 验证签章, 签章管理);
- the button 加盖电子签章's accessible action (what a click does) opens the
  seal dialog: a DIALOG titled 加盖电子签章 among the toolkit's top windows,
  offering the test token's key; its 取消 button closes it, nothing sealed;
- the letter sealed (dispatch with arguments) and reloaded, the button
  验证签章 opens the sidebar deck 电子签章, whose panel lists the seal;
- 签章管理 opens its dialog: the token, its keys, the seal of the seal folder;
- over a second letter the seal dialog offers the SKF key of the options'
  SKF library with its tries left; chosen, its PIN typed and 盖章 pressed,
  the letter is sealed with it, reloaded, and validly signed.

Screenshots (scrot) of the toolbar, the dialogs and the verify panel are
written to SHOT_DIR (docs/screenshots/ holds the committed ones). Every
process this test starts (Xvfb, soffice in its own process group) is ended
by its own id. Prints "ok"/"FAILED" lines and "N passed, M failed".

usage: gui_check.py ESEAL_BIN OXT TEST_DATA_DIR SHOT_DIR [SKF_TEST_LIBRARY]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import uno

import extension_check as ec
from extension_check import check, props

ROLE = {name: uno.getConstantByName("com.sun.star.accessibility.AccessibleRole." + name)
        for name in ("TOOL_BAR", "PUSH_BUTTON", "DIALOG", "DOCUMENT_TEXT", "PARAGRAPH", "TEXT", "CHECK_BOX",
                     "ICON", "GRAPHIC", "PASSWORD_TEXT", "FRAME")}
BUTTONS = ("加盖电子签章", "骑缝章", "验证签章", "签章管理")
LANGPACK = "/usr/lib/libreoffice/share/registry/Langpack-zh-CN.xcd"

# The profile's settings before its first start: a Chinese UI (LibreOffice's
# zh-CN language pack), no tip-of-the-day dialog, no what's-new bar.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="UILocale" oor:op="fuse"><value>zh-CN</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>7.4</value></prop></item>
</oor:items>
"""


class Xvfb:
    """An X server of this test's own on a display number it picks itself."""

    def __init__(self):
        read, write = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24",
                                      "-nolisten", "tcp", "-noreset"],
                                     pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        number = b""
        deadline = time.time() + 30
        while not number.endswith(b"\n") and time.time() < deadline:
            c = os.read(read, 1)
            if not c:
                break
            number += c
        os.close(read)
        if not number.strip().isdigit():
            self.stop()
            raise RuntimeError("Xvfb did not start")
        self.display = ":" + number.decode().strip()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def context_of(accessible):
    return accessible.getAccessibleContext() if accessible is not None else None


def walk(context, depth=0):
    """The accessibility tree below context, depth first; document text is skipped
    (its paragraphs are many and hold nothing of the extension's)."""
    yield context
    if depth > 24 or context.getAccessibleRole() in (ROLE["DOCUMENT_TEXT"], ROLE["PARAGRAPH"]):
        return
    for i in range(context.getAccessibleChildCount()):
        child = context_of(context.getAccessibleChild(i))
        if child is not None:
            yield from walk(child, depth + 1)


def find(context, role, name=None, contains=None):
    for c in walk(context):
        if c.getAccessibleRole() != role:
            continue
        n = c.getAccessibleName()
        if (name is None or n == name) and (contains is None or contains in n):
            return c
    return None


def top_windows(lo):
    """(accessible context, window) of every top window of LibreOffice's toolkit."""
    toolkit = lo.create("com.sun.star.awt.Toolkit")
    out = []
    for i in range(toolkit.getTopWindowCount()):
        window = toolkit.getTopWindow(i)
        try:
            out.append((window.getAccessibleContext(), window))
        except Exception:  # a window going away
            pass
    return out


def wait_for(what, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            found = what()
        except Exception:  # a window disposed while it was looked at (DisposedException): look again
            found = None
        if found:
            return found
        time.sleep(0.2)
    return None


def bounds(context):
    """(x, y, width, height) of an accessible component on the screen."""
    at, size = context.getLocationOnScreen(), context.getSize()
    return at.X, at.Y, size.Width, size.Height


def shoot(display, path, box=None, margin=0):
    """A screenshot of the screen (or of box grown by margin, clipped to it) into path."""
    time.sleep(1.0)  # the last repaint
    env = dict(os.environ, DISPLAY=display)
    if os.path.exists(path):
        os.remove(path)
    cmd = ["scrot", "--overwrite", path]
    if box is not None:
        x, y, w, h = box
        x0, y0 = max(0, x - margin), max(0, y - margin)
        x1, y1 = min(1280, x + w + margin), min(900, y + h + margin)
        cmd = ["scrot", "--overwrite", "--autoselect", "%d,%d,%d,%d" % (x0, y0, x1 - x0, y1 - y0), path]
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
    ok = r.returncode == 0 and os.path.getsize(path) > 2000 if os.path.exists(path) else False
    check("screenshot " + os.path.basename(path), ok, r.stdout.strip())


def click(display, context):
    """A real left click (xdotool, through the X server) in the middle of an accessible component."""
    x, y, w, h = bounds(context)
    r = subprocess.run(["xdotool", "mousemove", str(x + w // 2), str(y + h // 2), "click", "1"],
                       env=dict(os.environ, DISPLAY=display), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=30)
    if r.returncode != 0:
        print("xdotool: " + r.stdout, flush=True)
    return r.returncode == 0


def act(context):
    """The component's first accessible action (a button's: press), in a thread
    of its own, since what it starts (a modal dialog) may run inside the call."""
    done = threading.Event()
    failure = []

    def press():
        try:
            context.doAccessibleAction(0)
        except Exception as e:  # reported by the caller
            failure.append(e)
        done.set()

    threading.Thread(target=press, daemon=True).start()
    return done, failure


def change_pin_in_dialog(lo, shown, manage_dialog, eseal, env):
    """修改 PIN… in 签章管理 for the selected key (the test token): the PIN dialog
    takes the current PIN and the new one twice (typed through the accessibility
    tree), a message says the PIN was changed and 签章管理 comes back. The new PIN
    is then proved by changing it back with arguments (the token is shared by
    the tests: restored whatever happens). Returns 签章管理 shown again, or None."""
    token = "pkcs11:token=eseal-test?module-path=/usr/lib/softhsm/libsofthsm2.so"

    def window_named(name, role=ROLE["DIALOG"]):
        for c, _ in top_windows(lo):
            try:
                if c is not None and c.getAccessibleRole() == role and c.getAccessibleName() == name:
                    return c
            except Exception:  # a window going away (DisposedException)
                continue
        return None

    def texts_of(context):
        return [d.getAccessibleName() or "" for d in walk(context)]

    def message(text):
        # Message boxes are top windows of their own; the document's frame (a large
        # tree, slow to walk on a loaded machine) is not looked into.
        for c, _ in top_windows(lo):
            try:
                if c is not None and c.getAccessibleRole() != ROLE["FRAME"] and any(text in t for t in texts_of(c)):
                    return c
            except Exception:  # a window going away (the PIN dialog)
                continue
        return None

    def windows_seen():
        seen = []
        for c, _ in top_windows(lo):
            try:
                if c is not None and c.getAccessibleRole() != ROLE["FRAME"]:
                    seen.append(" | ".join(t for t in texts_of(c) if t)[:300])
            except Exception:
                seen.append("(went away)")
        return str(seen)

    changed = False
    try:
        button = find(shown, ROLE["PUSH_BUTTON"], contains="修改 PIN")
        if button is None:
            check("签章管理 has 修改 PIN…", False)
            return shown
        act(button)
        pins = wait_for(lambda: window_named("修改 PIN"), 15)
        fields = [c for c in walk(pins) if c.getAccessibleRole() in (ROLE["TEXT"], ROLE["PASSWORD_TEXT"])] \
            if pins is not None else []
        check("修改 PIN… opens the PIN dialog with the current PIN, the new PIN and the new PIN again",
              len(fields) == 3, str(len(fields)))
        if pins is None or len(fields) != 3:
            cancel = find(pins, ROLE["PUSH_BUTTON"], name="取消") if pins is not None else None
            if cancel is not None:
                act(cancel)
            return wait_for(manage_dialog, 15)
        for field, value in zip(fields, (env[ec.PIN_VAR], env["ESEAL_GUI_NEW_PIN"], env["ESEAL_GUI_NEW_PIN"])):
            field.setText(value)
        ok = find(pins, ROLE["PUSH_BUTTON"], name="确定")
        if ok is not None:
            act(ok)
        box = wait_for(lambda: message("PIN 已修改。"), 30)
        changed = box is not None
        check("确定 changes the PIN through the core: the message PIN 已修改。", changed, windows_seen())
        again = None
        if box is not None:
            # A press that reaches the box before its modal loop runs is lost (VCL
            # ends only an executing dialog): press again while the box is still up.
            deadline, pressed = time.time() + 20, 0.0
            while time.time() < deadline and again is None:
                again = wait_for(manage_dialog, 0.2)
                still = message("PIN 已修改。") if again is None else None
                if still is not None and time.time() - pressed > 2:
                    try:
                        confirm = next((c for c in walk(still) if c.getAccessibleRole() == ROLE["PUSH_BUTTON"]),
                                       None)
                    except Exception:  # the box went away meanwhile
                        confirm = None
                    if confirm is not None:
                        act(confirm)
                        pressed = time.time()
                time.sleep(0.2)
        if again is None:
            again = wait_for(manage_dialog, 15)
        check("签章管理 comes back after the message", again is not None)
        return again
    finally:
        # The new PIN works (it changes the PIN back), and the shared token is as it was.
        if not changed:
            # Unsure what happened: the old PIN still logs in, or the new one is restored.
            code, _ = ec.run([eseal, "token", "list", "--login", "--token", token, "--pin-env", ec.PIN_VAR], env)
            changed = code != 0
        if changed:
            code, out = ec.run([eseal, "token", "change-pin", "--token", token, "--pin-env", "ESEAL_GUI_NEW_PIN",
                                "--new-pin-env", ec.PIN_VAR], env)
            check("the PIN set in the dialog is the key's PIN now (eseal token change-pin with it restores the old)",
                  code == 0, out.strip()[-160:])


SKF_KEY_NAME = "测试单位 RSA 签章人 (soft SKF key ESEAL)"  # signer-rsa in the test SKF library's container


def seal_with_skf_key(lo, display, letter, shots, eseal, pki, env, seal_png):
    """A click on 加盖电子签章 over a fresh letter: the dialog offers the SKF key
    (the test SKF library of the options) next to the token's; choosing it shows
    its tries left; the PIN typed and 盖章 pressed, the letter is sealed with it
    (its intermediate from ~/.config/eseal/certs) and reloaded; eseal verify and
    LibreOffice's own signature check accept it."""
    doc = lo.open(letter, hidden=False)
    frame = doc.getCurrentController().getFrame()
    frame.getContainerWindow().setPosSize(0, 0, 1280, 900, 15)
    window_context = frame.getContainerWindow().getAccessibleContext()
    bar = wait_for(lambda: find(window_context, ROLE["TOOL_BAR"], name="加盖电子签章"))
    button = find(bar, ROLE["PUSH_BUTTON"], name="加盖电子签章") if bar is not None else None
    if button is None:
        check("the toolbar of the second letter has 加盖电子签章", False)
        doc.close(True)
        return

    def seal_dialog():
        for c, _ in top_windows(lo):
            try:
                if c is not None and c.getAccessibleRole() == ROLE["DIALOG"] and c.getAccessibleName() == "加盖电子签章":
                    return c
            except Exception:  # a window going away
                continue
        return None

    before = ec.sha256(letter)
    done, failure = act(button)
    if not wait_for(seal_dialog, 5):
        click(display, button)
    dialog = wait_for(seal_dialog)
    check("加盖电子签章 opens the seal dialog over the second letter", dialog is not None and not failure)
    if dialog is None:
        doc.close(True)
        return
    names = [c.getAccessibleName() for c in walk(dialog)]
    print("dialog  " + " | ".join(n for n in names if n), flush=True)
    fields = [c for c in walk(dialog) if c.getAccessibleRole() in (ROLE["TEXT"], ROLE["PASSWORD_TEXT"])]

    def text_of(c):
        try:
            return c.getText()
        except Exception:
            return ""

    key_box = next((c for c in fields if "(eseal-test)" in text_of(c) or "soft-skf-0" in text_of(c)), None)
    pin_box = next((c for c in fields if c.getAccessibleRole() == ROLE["PASSWORD_TEXT"]), None)
    if pin_box is None:  # the PIN box (echo character) as the toolkit names it
        pin_box = next((c for c in fields if c is not key_box and text_of(c) == ""), None)
    offered = any(SKF_KEY_NAME in n for n in names) or any(SKF_KEY_NAME in text_of(c) for c in walk(dialog))
    check("the dialog offers the SKF key (SKF library of the options) next to the token's",
          key_box is not None and offered, "key box: %s" % (text_of(key_box) if key_box is not None else None))
    if key_box is not None:
        key_box.setText(SKF_KEY_NAME)
    # The seal folder's electronic seal names signer-ec, not the SKF key's certificate:
    # the seal picture is typed instead (a PNG file, as the dialog allows).
    seal_box = next((c for c in fields if text_of(c) == "测试单位业务专用章"), None)
    check("the seal box shows the folder's seal first", seal_box is not None)
    if seal_box is not None:
        seal_box.setText(seal_png)

    def pin_line():
        return next((n for n in (c.getAccessibleName() for c in walk(dialog)) if n and n.startswith("PIN（")), None)

    line = wait_for(lambda: (pin_line() or "") if "剩余 6 次" in (pin_line() or "") else None, 10)
    check("choosing the SKF key shows its PIN state with its tries left (PIN（PIN 正常（剩余 6 次））：)",
          line is not None, str(pin_line()))
    shoot(display, os.path.join(shots, "seal-dialog-skf.png"))
    if line is None or pin_box is None:
        # The SKF key is not the chosen one: nothing is sealed with another key's PIN.
        cancel = find(dialog, ROLE["PUSH_BUTTON"], name="取消")
        if cancel is not None:
            act(cancel)
        wait_for(lambda: seal_dialog() is None, 15)
        done.wait(15)
        doc.close(True)
        return
    pin_box.setText(env["ESEAL_GUI_SKF_PIN"])
    ok = find(dialog, ROLE["PUSH_BUTTON"], name="盖章")
    # Pressed again while the dialog is still there: a press before its modal loop runs is lost.
    for _ in range(10):
        if ok is None or seal_dialog() is None:
            break
        act(ok)
        if wait_for(lambda: seal_dialog() is None, 3):
            break

    def error_box():
        for c, _ in top_windows(lo):
            try:
                if c is not None and any("未盖章" in (d.getAccessibleName() or "") for d in walk(c)):
                    return c
            except Exception:  # a window going away
                continue
        return None

    sealed = wait_for(lambda: ec.sha256(letter) != before or error_box() is not None, 60) and \
        ec.sha256(letter) != before
    box = error_box()
    if box is not None:
        print("note    an error box: " + " | ".join(d.getAccessibleName() for d in walk(box)
                                                     if d.getAccessibleName()), flush=True)
        for _ in range(10):  # pressed again until its modal loop has run and it is gone
            button = next((c for c in walk(box) if c.getAccessibleRole() == ROLE["PUSH_BUTTON"]), None)
            if button is not None:
                act(button)
            if wait_for(lambda: error_box() is None, 2):
                break
    done.wait(60)
    check("盖章 with the SKF key and its typed PIN seals the letter (no error box)", sealed and box is None)
    reloaded = wait_for(lambda: ec._model_of(frame) if lo.signature_state(frame) == ec.SIGNATURE_OK else None, 30)
    check("the reloaded window's own signature state is OK (LibreOffice validated the SKF key's signature)",
          reloaded is not None, str(lo.signature_state(frame)))
    code, out = ec.run([eseal, "verify", "--json", letter, "--trust", os.path.join(pki, "trust.pem"),
                        "--no-system-trust"], env)
    try:
        report = json.loads(out)
    except ValueError:
        report = {}
    sigs = report.get("signatures", [])
    check("eseal verify: PASSED, signed by the SKF key's certificate",
          code == 0 and report.get("indication") == "PASSED" and len(sigs) == 1 and
          sigs[0].get("signer", {}).get("commonName") == "测试单位 RSA 签章人", out.strip()[-200:])
    sigs = lo.package_signatures(letter)
    check("LibreOffice DocumentDigitalSignatures: one valid signature, certificate validated",
          len(sigs) == 1 and sigs[0].SignatureIsValid and sigs[0].CertificateStatus == 0,
          str([(x.SignatureIsValid, x.CertificateStatus) for x in sigs]))
    with open(env["ESEAL_SKF_SOFT_CONFIG"].replace(".conf", ".state")) as f:
        state = f.read()
    check("the SKF key's tries are all left after the right PIN (one login, no retry)", "user-left 6" in state, state)
    try:
        (reloaded or ec._model_of(frame)).close(True)
    except Exception as e:  # a veto: reported, the LibreOffice is stopped by its PID anyway
        check("the sealed letter closes", False, str(e)[:120])


def main():
    eseal, oxt, data, shots = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    skf = sys.argv[5] if len(sys.argv) > 5 else None
    pki, inputs = os.path.join(data, "pki"), os.path.join(data, "inputs")
    if not os.path.exists(LANGPACK):
        check("LibreOffice's zh-CN language pack is installed (libreoffice-l10n-zh-cn)", False, LANGPACK)
        return 1
    os.makedirs(shots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="eseal-gui-")
    profile = os.path.join(work, "profile")
    os.makedirs(os.path.join(profile, "user"))
    with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as f:
        f.write(PROFILE_SETTINGS)
    env = dict(os.environ, SOFTHSM2_CONF=os.path.join(data, "softhsm", "softhsm2.conf"))
    env[ec.PIN_VAR] = "11223344"
    env["ESEAL_GUI_NEW_PIN"] = "24681357"
    env["MOZILLA_CERTIFICATE_FOLDER"] = "sql:" + os.path.join(inputs, "nssdb")
    env.pop("PYTHONPATH", None)
    key = "pkcs11:token=eseal-test;object=signer-ec?module-path=/usr/lib/softhsm/libsofthsm2.so"
    seal = os.path.join(inputs, "seal-red.png")
    letter = os.path.join(work, "公函.odt")
    letter2 = os.path.join(work, "公函-SKF.odt")
    start = time.time()
    if skf:
        # A USB Key reached through an SKF library: the test library over signer-rsa's key,
        # its PIN counters in this test's state file; the key holds only its own certificate,
        # the intermediate is in the user's ~/.config/eseal/certs.
        with open(os.path.join(work, "skf.conf"), "w") as f:
            f.write("device soft-skf-0\napp ESEAL\nmax-retries 6\nstate %s\ncontainer seal %s %s\n" % (
                os.path.join(work, "skf.state"), os.path.join(pki, "signer-rsa.key"),
                os.path.join(pki, "signer-rsa.crt")))
        with open(os.path.join(work, "skf.state"), "w") as f:
            f.write("user-pin 123456\nadmin-pin 12345678\nuser-left 6\nadmin-left 6\nuser-default 0\n")
        env["ESEAL_SKF_SOFT_CONFIG"] = os.path.join(work, "skf.conf")
        env["ESEAL_GUI_SKF_PIN"] = "123456"
        env["XDG_CONFIG_HOME"] = os.path.join(work, "config")
        os.makedirs(os.path.join(work, "config", "eseal", "certs"))
        shutil.copy(os.path.join(pki, "intermediate-ca.crt"), os.path.join(work, "config", "eseal", "certs"))

    env["XDG_DATA_HOME"] = os.path.join(work, "data")
    seals = os.path.join(work, "data", "eseal", "seals")
    os.makedirs(seals)
    code, out = ec.run([eseal, "seal", "make", "--image", seal, "--size", "40", "--name", "测试单位业务专用章",
                        "--cert", os.path.join(pki, "signer-ec.crt"), "--valid", "2025-01-01..2099-12-31",
                        "--maker-key", "p12:" + os.path.join(pki, "signer-sm2.p12"), "--pin-env", "ESEAL_GUI_MAKER_PIN",
                        "--id", "gui-manage", "-o", os.path.join(seals, "业务专用章.esl")],
                       dict(env, ESEAL_GUI_MAKER_PIN="test"))
    check("a seal in the seal folder (eseal seal make)", code == 0, out.strip()[-120:])

    lo = ec.LibreOffice(profile, env)
    try:
        manager = lo.ctx.getValueByName("/singletons/com.sun.star.deployment.ExtensionManager")
        manager.addExtension(uno.systemPathToFileUrl(os.path.abspath(oxt)), (), "user", None, ec.CommandEnv())
        ec.make_letter(lo, letter)
        if skf:
            ec.make_letter(lo, letter2)
        options = lo.create("com.sun.star.configuration.ConfigurationProvider").createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            props(nodepath="/org.eseal.extension.Options/General"))
        uno.invoke(options, "replaceByName", ("Pkcs11Modules", uno.Any("[]string", ("/usr/lib/softhsm/libsofthsm2.so",))))
        if skf:
            uno.invoke(options, "replaceByName", ("SkfLibraries", uno.Any("[]string", (skf,))))
        uno.invoke(options, "replaceByName", ("TrustAnchors", uno.Any("[]string", (os.path.join(pki, "trust.pem"),))))
        options.replaceByName("UseSystemTrust", False)
        options.commitChanges()
    finally:
        lo.stop()
    check("eseal.oxt installed and the letter made (headless LibreOffice)", os.path.isfile(letter))

    x = Xvfb()
    env["DISPLAY"] = x.display
    env["SAL_USE_VCLPLUGIN"] = "gen"  # X11 (set only now: it would override --headless above)
    print("display " + x.display, flush=True)
    lo = None
    try:
        lo = ec.LibreOffice(profile, env, headless=False)
        locale = lo.config("/org.openoffice.Setup/L10N").ooLocale
        check("LibreOffice runs with a zh-CN UI", locale == "zh-CN", locale)
        doc = lo.open(letter, hidden=False)
        frame = doc.getCurrentController().getFrame()
        window = frame.getContainerWindow()
        window.setPosSize(0, 0, 1280, 900, 15)  # POSSIZE: the whole screen (there is no window manager)
        resource = "private:resource/toolbar/addon_" + ec.TOOLBAR
        layout = frame.LayoutManager
        element = wait_for(lambda: layout.getElement(resource))
        check("the Writer window's layout manager has the eseal toolbar, visible and docked",
              element is not None and layout.isElementVisible(resource) and layout.isElementDocked(resource),
              str([e.ResourceURL for e in layout.getElements()]))
        window_context = window.getAccessibleContext()
        bar = wait_for(lambda: find(window_context, ROLE["TOOL_BAR"], name="加盖电子签章"))
        check("the accessibility tree has the toolbar named 加盖电子签章", bar is not None,
              str([c.getAccessibleName() for c in walk(window_context) if c.getAccessibleRole() == ROLE["TOOL_BAR"]]))
        if bar is None:
            return 1
        names = [context_of(bar.getAccessibleChild(i)).getAccessibleName() for i in range(bar.getAccessibleChildCount())]
        check("the toolbar's buttons are 加盖电子签章, 骑缝章, 验证签章, 签章管理", tuple(names) == BUTTONS, str(names))
        bx, by, bw, bh = bounds(bar)
        check("the toolbar is on the screen", bw >= 4 * 16 and bh > 10 and 0 <= by < 300, "%d,%d %dx%d" % (bx, by, bw, bh))
        shoot(x.display, os.path.join(shots, "toolbar.png"), (0, 0, 1280, by + bh), margin=6)

        # A click on 加盖电子签章: the seal dialog.
        seal_button = find(bar, ROLE["PUSH_BUTTON"], name="加盖电子签章")
        before = ec.sha256(letter)
        def seal_dialog():
            for c, w in top_windows(lo):
                if c is not None and c.getAccessibleRole() == ROLE["DIALOG"] and c.getAccessibleName() == "加盖电子签章":
                    return c, w
            return None

        done, failure = act(seal_button)
        if not wait_for(lambda: seal_dialog(), 5):
            print("note    the accessible action opened no dialog; a real click (xdotool) instead", flush=True)
            click(x.display, seal_button)

        found = wait_for(seal_dialog)
        check("the button's accessible action (a click) opens the dialog 加盖电子签章", found is not None and not failure,
              str([(c.getAccessibleName(), c.getAccessibleRole()) for c, _ in top_windows(lo) if c is not None]))
        if found is not None:
            dialog, _ = found
            texts = [c.getAccessibleName() for c in walk(dialog)]
            print("dialog  " + " | ".join(t for t in texts if t), flush=True)
            check("the dialog offers the test token's key with its PIN state and the 盖章 / 取消 buttons",
                  any("签章人 (eseal-test)" in t for t in texts) and any("PIN" in t for t in texts) and
                  find(dialog, ROLE["PUSH_BUTTON"], name="盖章") is not None, " | ".join(t for t in texts if t)[:300])
            pictures = [bounds(c) for c in walk(dialog) if c.getAccessibleRole() in (ROLE["ICON"], ROLE["GRAPHIC"])]
            check("the dialog shows the seal folder's seal with its picture (an image on the screen, its name under it)",
                  "测试单位业务专用章" in texts and any(w >= 40 and h >= 30 for _, _, w, h in pictures), str(pictures))
            # The whole screen: the dialog over the letter (without a window manager its
            # accessible bounds are not where X shows it, so no crop).
            shoot(x.display, os.path.join(shots, "seal-dialog.png"))
            cancel = find(dialog, ROLE["PUSH_BUTTON"], name="取消")
            if cancel is not None:
                act(cancel)
            closed = wait_for(lambda: not seal_dialog(), 15)
            check("取消 closes the dialog; nothing is sealed", closed and ec.sha256(letter) == before)
        done.wait(15)

        # Sealed through the same command with arguments; the window reloads it.
        state, result = lo.dispatch(frame, "Seal", Key=key, Seal=seal, PinEnv=ec.PIN_VAR, Keyword="（盖章）",
                                    Output="document")
        check("Seal with arguments seals the letter and reloads it", state == 1 and '"ok":true' in (result or ""),
              str(result))
        doc = ec._model_of(frame)
        check("the reloaded window's own signature state is OK", lo.signature_state(frame) == ec.SIGNATURE_OK,
              str(lo.signature_state(frame)))

        # A click on 验证签章: the deck 电子签章 with the seal listed.
        window_context = frame.getContainerWindow().getAccessibleContext()
        bar = wait_for(lambda: find(window_context, ROLE["TOOL_BAR"], name="加盖电子签章"))
        verify = find(bar, ROLE["PUSH_BUTTON"], name="验证签章") if bar is not None else None
        decks = doc.getCurrentController().getSidebar().getDecks()
        if verify is not None:
            act(verify)[0].wait(15)
            if not wait_for(lambda: decks.hasByName("EsealDeck") and decks.getByName("EsealDeck").isActive(), 5):
                print("note    the accessible action opened no deck; a real click (xdotool) instead", flush=True)
                click(x.display, verify)

        def listed():
            """The panel's listing through the sidebar's API (no activating, no showing), once it is built."""
            try:
                deck = ec._model_of(frame).getCurrentController().getSidebar().getDecks().getByName("EsealDeck")
                if not deck.isActive():
                    return None
                window = deck.getPanels().getByName("EsealSealsPanel").getDialog()
                text = ec.panel_window_text(window)
            except Exception:  # the deck is still being built
                return None
            return text if "测试单位 ECDSA 签章人" in text else None

        def panel_title():
            """The panel's title bar 本文件的签章 where the open deck shows it, at the window's right."""
            found = find(frame.getContainerWindow().getAccessibleContext(), ROLE["CHECK_BOX"], name="本文件的签章")
            if found is None:
                return None
            x0, y0, w0, h0 = bounds(found)
            return (x0, y0, w0, h0) if x0 > 700 and w0 > 50 and h0 > 5 else None

        def panel_listing():
            """The text of the panel's listing, read through the accessibility tree."""
            if not decks.hasByName("EsealDeck") or not decks.getByName("EsealDeck").isActive():
                return None
            for c in walk(frame.getContainerWindow().getAccessibleContext()):
                if c.getAccessibleRole() != ROLE["TEXT"]:
                    continue
                try:
                    text = c.getText()
                except Exception:  # no XAccessibleText, or going away
                    continue
                if "测试单位 ECDSA 签章人" in text:
                    return text
            return None

        active = wait_for(lambda: decks.hasByName("EsealDeck") and decks.getByName("EsealDeck").isActive(), 20)
        seen = wait_for(panel_listing, 5)  # the listing is readable through the accessibility tree too
        text = wait_for(listed, 15)
        title = wait_for(panel_title, 10)
        if title is None:
            found = [(c.getAccessibleRole(), bounds(c)) for c in walk(frame.getContainerWindow().getAccessibleContext())
                     if c.getAccessibleName() == "本文件的签章"]
            print("note    本文件的签章 in the accessibility tree: " + str(found), flush=True)
        check("the deck is open on the screen: the panel title 本文件的签章 shown at the window's right", title is not None,
              str(title))
        print("panel   " + (text or "").replace("\n", " | "), flush=True)
        check("验证签章 (a click) opens the deck 电子签章, whose panel lists the seal: valid, signer, time",
              verify is not None and active and "电子签章" in decks.getByName("EsealDeck").getTitle() and text is not None and "有效" in text and "时间：20" in text, str(text)[:200])
        check("the panel's verdict sentence comes from the core's catalogue in the UI language (zh-CN)",
              text is not None and "盖章后文件未被修改。" in text, (text or "")[:80])
        if seen is None:
            print("note    the listing was read through the sidebar's API (not found in the accessibility tree in 5 s)",
                  flush=True)

        def panel_picture():
            try:
                deck = ec._model_of(frame).getCurrentController().getSidebar().getDecks().getByName("EsealDeck")
                model = deck.getPanels().getByName("EsealSealsPanel").getDialog().getControl("SealPicture0").getModel()
                size = model.Graphic.SizePixel if model.Graphic is not None else None
            except Exception:  # the deck is still being built
                return None
            return (size.Width, size.Height) if size is not None and size.Width > 0 else None

        picture = wait_for(panel_picture, 10)
        check("the panel shows the seal's picture next to its lines (an image control with a graphic)",
              picture is not None, str(picture))
        shoot(x.display, os.path.join(shots, "verify-panel.png"))

        # A click on 签章管理: the keys and seals dialog, with the seal's own picture.
        manage = find(bar, ROLE["PUSH_BUTTON"], name="签章管理") if bar is not None else None

        def manage_dialog():
            for c, _ in top_windows(lo):
                if c is not None and c.getAccessibleRole() == ROLE["DIALOG"] and c.getAccessibleName() == "签章管理":
                    return c
            return None

        if manage is not None:
            act(manage)
        shown = wait_for(manage_dialog)
        texts = [c.getAccessibleName() for c in walk(shown)] if shown is not None else []
        print("manage  " + " | ".join(t for t in texts if t), flush=True)
        check("签章管理 (its accessible action) opens the dialog listing the token, its key and the folder's seal",
              shown is not None and any("eseal-test" in t for t in texts) and
              any("测试单位 ECDSA 签章人" in t for t in texts) and "测试单位业务专用章" in texts,
              " | ".join(t for t in texts if t)[:300])
        if shown is not None:
            shoot(x.display, os.path.join(shots, "manage-dialog.png"))
            shown = change_pin_in_dialog(lo, shown, manage_dialog, eseal, env)
        if shown is not None:
            close = find(shown, ROLE["PUSH_BUTTON"], name="关闭")
            if close is not None:
                act(close)
            check("关闭 closes it", wait_for(lambda: manage_dialog() is None, 15))
        doc.close(True)
        if skf:
            seal_with_skf_key(lo, x.display, letter2, shots, eseal, pki, env, seal)
        else:
            print("skip    no SKF test library given: the SKF key in the seal dialog is not tried", flush=True)
    finally:
        if lo is not None:
            lo.stop()
        x.stop()
    print("timing  GUI test %.1f s" % (time.time() - start), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    failed = ec.results.count(False)
    print("%d passed, %d failed" % (ec.results.count(True), failed))
    return 1 if failed or not ec.results else 0


if __name__ == "__main__":
    sys.exit(main())
