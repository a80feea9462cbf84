#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real tern binary as a screen reader sees it (raw AT-SPI, gi Atspi).

usage: atspi-check.py APP_NAME DUMP_FILE

Waits for the app's message list to show named rows, dumps the accessibility tree
to DUMP_FILE, and checks that every button, toggle, entry and list row has a name.
Then clicks the first message row and presses the real Down key twice (xdotool):
the selected row must move down by two. Prints PASS/FAIL lines; exit 1 on failure.
"""
import subprocess, sys, time
import gi
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi

APP, DUMP = sys.argv[1], sys.argv[2]
NAMED_ROLES = {'push button', 'toggle button', 'check box', 'radio button', 'combo box', 'spin button',
               'entry', 'password text', 'list item', 'list', 'menu item', 'tree item', 'slider', 'switch'}
ok = True


def check(label, cond):
    global ok
    print(('PASS ' if cond else 'FAIL ') + label, file=sys.stderr)
    ok = ok and bool(cond)


def wait_for(fn, timeout=30, step=0.2):
    end = time.time() + timeout
    while time.time() < end:
        r = fn()
        if r:
            return r
        time.sleep(step)
    return None


def find_app():
    desk = Atspi.get_desktop(0)
    for i in range(desk.get_child_count()):
        a = desk.get_child_at_index(i)
        if a is not None and a.get_name() == APP:
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


def states(acc):
    s = acc.get_state_set()
    return {Atspi.StateType(v).value_nick for v in range(Atspi.StateType.LAST_DEFINED) if s.contains(v)}


def find(root, role, name=None):
    for acc, _ in walk(root):
        try:
            if acc.get_role_name() == role and (name is None or acc.get_name() == name):
                return acc
        except Exception:
            pass
    return None


def named_rows(lst):
    rows = []
    for i in range(lst.get_child_count()):
        c = lst.get_child_at_index(i)
        if c is not None and c.get_role_name() == 'list item':
            rows.append(c)
    return [r for r in rows if r.get_name() and r.get_name() != 'Loading']


app = wait_for(find_app)
check('the app is on the accessibility bus', app)
if not app:
    sys.exit(1)
messages = wait_for(lambda: find(app, 'list', 'Messages'))
check('a list named "Messages"', messages)
rows = wait_for(lambda: named_rows(messages) if messages else None, timeout=60) if messages else None
check('the message list shows named rows', rows)
folders = find(app, 'list', 'Folders')
check('a list named "Folders"', folders)

with open(DUMP, 'w') as out:
    unnamed = []
    for acc, depth in walk(app):
        try:
            role, name = acc.get_role_name(), acc.get_name()
            st = states(acc)
        except Exception as e:
            out.write('  ' * depth + '<error %s>\n' % e)
            continue
        out.write('  ' * depth + '[%s] %r %s\n' % (role, name, ' '.join(sorted(st & {'focused', 'selected', 'sensitive', 'showing'}))))
        if role in NAMED_ROLES and not name and 'visible' in st:
            unnamed.append('%s at depth %d' % (role, depth))
check('every button, entry and row has a name (tree in %s)' % DUMP, not unnamed)
for u in unnamed[:20]:
    print('  unnamed: ' + u, file=sys.stderr)
if folders is not None:
    frows = [folders.get_child_at_index(i) for i in range(folders.get_child_count())]
    names = [r.get_name() for r in frows if r is not None]
    check('the sidebar starts with All Inboxes, then the account: %s' % names[:4],
          len(names) > 2 and names[0].startswith('All Inboxes') and 'alice@tern.test' in names[1])

# The real keyboard: click the first row, then Down, Down.
if rows:
    first = rows[0]
    ext = first.get_extents(Atspi.CoordType.WINDOW)
    subprocess.run(['xdotool', 'mousemove', str(ext.x + ext.width // 2), str(ext.y + ext.height // 2), 'click', '1'],
                   check=False)
    time.sleep(1.0)

    def selected_index():
        rows_now = [messages.get_child_at_index(i) for i in range(messages.get_child_count())]
        for i, r in enumerate(rows_now):
            if r is not None and 'selected' in states(r):
                return i, r.get_name()
        return None

    start = wait_for(selected_index, timeout=10)
    check('a click selects the first row: %r' % (start,), start is not None)
    subprocess.run(['xdotool', 'key', '--delay', '150', 'Down', 'Down'], check=False)
    time.sleep(1.0)
    end = wait_for(lambda: (lambda s: s if s and start and s[0] == start[0] + 2 else None)(selected_index()), timeout=10)
    check('Down, Down selects the row two below: %r' % (end,), end is not None)

sys.exit(0 if ok else 1)
