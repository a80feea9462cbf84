#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The composer of the real tern binary, as a person and a screen reader use it.

usage: composer-blackbox.py TERN DRAG_SOURCE SCREENSHOT_DIR

With `tern` running (this script starts it): `tern mailto:...` reaches the running
instance, which opens a prefilled composer; a file is dragged onto it from another
program with the real mouse (xdotool, XDND); the accessibility tree must show the
attachment and name every control; Ctrl+Return sends; the message must reach bob's
INBOX through Postfix with the file's very bytes. Prints PASS/FAIL; exit 1 on failure.
"""
import email
import email.policy
import os
import subprocess
import sys
import time

import gi
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi

TERN, DRAG, SHOTS = sys.argv[1:4]
HERE = os.path.dirname(os.path.abspath(__file__))
NAMED_ROLES = {'push button', 'toggle button', 'check box', 'combo box', 'entry', 'text', 'list item', 'list',
               'menu item', 'spin button'}
ok = True


def check(label, cond):
    global ok
    print(('PASS ' if cond else 'FAIL ') + label, file=sys.stderr)
    ok = ok and bool(cond)
    return cond


def wait_for(fn, timeout=30, step=0.2):
    end = time.time() + timeout
    while time.time() < end:
        r = fn()
        if r:
            return r
        time.sleep(step)
    return None


def xdotool(*args):
    return subprocess.run(['xdotool', *args], capture_output=True, text=True)


def window(name):
    r = xdotool('search', '--name', '^%s$' % name)
    ids = r.stdout.split()
    return ids[-1] if ids else None


def find_app():
    desk = Atspi.get_desktop(0)
    for i in range(desk.get_child_count()):
        a = desk.get_child_at_index(i)
        if a is not None and a.get_name() == 'tern':
            return a
    return None


def walk(acc, depth=0):
    if acc is None or depth > 40:
        return
    yield acc, depth
    try:
        n = acc.get_child_count()
    except Exception:
        return
    for i in range(min(n, 400)):
        yield from walk(acc.get_child_at_index(i), depth + 1)


def frame(app, title):
    for i in range(app.get_child_count()):
        f = app.get_child_at_index(i)
        if f is not None and f.get_name() == title:
            return f
    return None


def states(acc):
    s = acc.get_state_set()
    return {Atspi.StateType(v).value_nick for v in range(Atspi.StateType.LAST_DEFINED) if s.contains(v)}


env = dict(os.environ)
log = open(os.path.join(os.environ['TERN_SESSION_DIR'], 'tern-blackbox.log'), 'w')
tern = subprocess.Popen([TERN], stdout=log, stderr=log, env=env)
procs = [tern]
try:
    main = wait_for(lambda: window('Tern'))
    check('tern shows its window', main)
    app = wait_for(find_app)
    check('tern is on the accessibility bus', app)

    # `tern mailto:` in another process: the running instance takes it.
    uri = 'mailto:bob@tern.test?subject=Dropped%20file%20%E2%9C%93&body=See%20the%20file.'
    second = subprocess.run([TERN, uri], capture_output=True, text=True, timeout=30, env=env)
    check('`tern mailto:...` hands the link to the running instance and ends (status %d)' % second.returncode,
          second.returncode == 0)
    composer = wait_for(lambda: window('Dropped file ✓'))
    check('the running instance opens a composer titled by the subject', composer)
    f = wait_for(lambda: frame(app, 'Dropped file ✓'))
    check('the composer is a frame of the same tern process on the accessibility bus', f)
    if not composer or not f:
        sys.exit(1)

    # The file, dragged from another program with the real mouse.
    path = os.path.join(os.environ['TERN_SESSION_DIR'], 'Übersicht (final).pdf')
    data = bytes((i * 31 + 7) % 256 for i in range(50000))
    with open(path, 'wb') as out:
        out.write(data)
    drag = subprocess.Popen([DRAG, path], stdout=log, stderr=log)
    procs.append(drag)
    source = wait_for(lambda: window('Drag Source'))
    check('the drag source shows', source)
    xdotool('windowmove', source, '900', '100')
    time.sleep(0.8)
    xdotool('mousemove', '1000', '175')
    time.sleep(0.3)
    xdotool('mousedown', '1')
    for x, y in [(990, 180), (950, 200), (800, 260), (600, 320), (400, 380), (330, 400), (320, 400)]:
        xdotool('mousemove', str(x), str(y))
        time.sleep(0.15)
    time.sleep(0.5)
    xdotool('mouseup', '1')

    def attachment_row():
        for acc, _ in walk(f):
            try:
                if acc.get_role_name() == 'list item' and acc.get_name().startswith('Übersicht (final).pdf, '):
                    return acc
            except Exception:
                pass
        return None
    row = wait_for(attachment_row, timeout=20)
    check('the dropped file is attached, its row named "%s"' % (row.get_name() if row else None), row)
    subprocess.run(['import', '-window', 'root', '-crop', '720x640+0+0', '+repage',
                    os.path.join(SHOTS, 'tern-composer-blackbox-dropped.png')], check=False)

    # The body: the link's text, not the file's name pasted.
    body = None
    for acc, _ in walk(f):
        if acc.get_role_name() == 'text' and acc.get_name() == 'Message':
            body = acc
    text = body.get_text(0, body.get_character_count()) if body else ''
    check('the text is the link\'s, no file name pasted: %r' % text[:40],
          text.startswith('See the file.') and 'Übersicht' not in text)

    # Every control of the composer is named.
    unnamed, doubled = [], []
    with open(os.path.join(SHOTS, 'tern-composer-atspi-tree.txt'), 'w') as out:
        for acc, depth in walk(f):
            try:
                role, name = acc.get_role_name(), acc.get_name()
                st = states(acc)
            except Exception as e:
                continue
            out.write('  ' * depth + '[%s] %r\n' % (role, name))
            if role in NAMED_ROLES and not name and 'visible' in st:
                unnamed.append('%s at depth %d' % (role, depth))
            words = name.split()
            half = len(words) // 2
            if role in NAMED_ROLES and words and len(words) % 2 == 0 and words[:half] == words[half:]:
                doubled.append(name)
    check('every control of the composer has a name (%s)' % ', '.join(unnamed[:5]), not unnamed)
    check('no name is said twice, from a label and a mnemonic label (%s)' % ', '.join(doubled[:5]), not doubled)

    # Ctrl+Return, with the real keyboard, in the composer.
    xdotool('windowfocus', '--sync', composer)
    time.sleep(0.3)
    xdotool('key', '--window', composer, 'ctrl+Return')
    gone = wait_for(lambda: not window('Dropped file ✓'), timeout=20)
    check('Ctrl+Return sends: the composer goes', gone)

    def received():
        r = subprocess.run(['python3', os.path.join(HERE, 'composer-imap.py'), 'bob', 'fetch', 'INBOX', 'Dropped file'],
                           capture_output=True)
        return r.stdout if r.returncode == 0 and r.stdout else None
    raw = wait_for(received, timeout=60, step=1)
    check('the message reached bob through Postfix', raw)
    if raw:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        check('its subject: %r' % msg['subject'], msg['subject'] == 'Dropped file ✓')
        parts = list(msg.iter_attachments())
        check('one attachment, named %r' % (parts[0].get_filename() if parts else None),
              len(parts) == 1 and parts[0].get_filename() == 'Übersicht (final).pdf')
        check('the attachment has the file\'s very bytes', parts and parts[0].get_content() == data)
        check('the text: %r' % msg.get_body(('plain',)).get_content()[:20],
              msg.get_body(('plain',)).get_content().startswith('See the file.'))
finally:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except Exception:
            p.kill()
sys.exit(0 if ok else 1)
