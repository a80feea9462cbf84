#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test for check-potfiles.py: run it on small trees and check its verdicts.

Usage: test-check-potfiles.py PATH/TO/check-potfiles.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

CHECKER = None
failures = []


def make_tree(files):
    tmp = tempfile.TemporaryDirectory(prefix="tern-potfiles-")
    root = Path(tmp.name)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp


def case(name, files, expect_ok, expect_in_output=()):
    with make_tree(files) as root:
        proc = subprocess.run([sys.executable, CHECKER, root], capture_output=True,
                              text=True, check=False)
    out = proc.stdout + proc.stderr
    ok = proc.returncode == 0
    problems = []
    if ok != expect_ok:
        problems.append(f"exit status {proc.returncode}, expected "
                        + ("success" if expect_ok else "failure"))
    for needle in expect_in_output:
        if needle not in out:
            problems.append(f"output lacks {needle!r}")
    if problems:
        failures.append(name)
        print(f"not ok - {name}: " + "; ".join(problems))
        print("    " + out.replace("\n", "\n    "))
    else:
        print(f"ok - {name}")


GOOD = {
    "po/POTFILES.in": "# comment\ndata/app.desktop.in\ndata/app.gschema.xml\n"
                      "src/a.c\nsrc/gui/w.ui\n",
    "data/app.desktop.in": "[Desktop Entry]\nName=App\n",
    "data/app.gschema.xml": "<schemalist/>\n",
    "data/app.gresource.xml": "<gresources/>\n",
    "src/a.c": 'static const char *s = N_("Hello");\nvoid f (void) { g_print (_("x")); }\n',
    "src/b.c": "int b (void) { return 0; }\n",
    "src/b.h": "int b (void);\n",
    "src/c.c": '/* _("commented out") */\n// ngettext ("x", "y", n)\n'
               'const char *u = "_(not a call)";\nint my_ (int x); int g (void) { return my_(1); }\n',
    "src/gui/w.ui": '<interface><object class="GtkLabel">'
                    '<property name="label" translatable="yes">Hi</property></object></interface>\n',
    "src/gui/plain.ui": '<interface><object class="GtkBox"/></interface>\n',
}


def main(argv):
    global CHECKER
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    CHECKER = argv[1]

    case("complete tree passes", GOOD, True,
         ["checked 8 files", "4 with translatable strings"])

    t = dict(GOOD)
    t["src/engine/d.c"] = 'void d (void) { g_warning ("%s", C_("ctx", "x")); }\n'
    case("unlisted C file with C_() fails", t, False, ["src/engine/d.c"])

    t = dict(GOOD)
    t["src/e.h"] = '#define E NC_("ctx", "x")\n'
    case("unlisted header with NC_() fails", t, False, ["src/e.h"])

    t = dict(GOOD)
    t["src/n.c"] = 'void n (int k) { g_print (ngettext ("a", "b", k)); }\n'
    case("unlisted ngettext() fails", t, False, ["src/n.c"])

    t = dict(GOOD)
    t["src/n.c"] = 'void n (int k) { g_print (g_dngettext (NULL, "a", "b", k)); }\n'
    case("unlisted g_dngettext() fails", t, False, ["src/n.c"])

    t = dict(GOOD)
    t["data/ui/prefs.ui"] = "<interface><property name='title' translatable='yes'>T</property></interface>\n"
    case("unlisted translatable .ui under data/ fails", t, False, ["data/ui/prefs.ui"])

    t = dict(GOOD)
    t["data/app.metainfo.xml.in"] = "<component/>\n"
    case("unlisted data/*.in fails", t, False, ["data/app.metainfo.xml.in"])

    t = dict(GOOD)
    t["src/n.c"] = 'void n (void) { g_print (_("a")); }\n'
    t["po/POTFILES.skip"] = "src/n.c\n"
    case("file in POTFILES.skip passes", t, True)

    t = dict(GOOD)
    t["po/POTFILES.in"] = GOOD["po/POTFILES.in"] + "src/zz-gone.c\n"
    case("POTFILES.in entry that does not exist fails", t, False, ["src/zz-gone.c"])

    t = dict(GOOD)
    t["po/POTFILES.in"] = "src/a.c\ndata/app.desktop.in\ndata/app.gschema.xml\nsrc/gui/w.ui\n"
    case("unsorted POTFILES.in fails", t, False, ["not sorted"])

    t = dict(GOOD)
    t["po/POTFILES.in"] = GOOD["po/POTFILES.in"] + "src/gui/w.ui\n"
    case("duplicate POTFILES.in entry fails", t, False, ["more than once"])

    case("tree with nothing to scan fails", {"po/POTFILES.in": ""}, False,
         ["checked 0 files", "no files to check"])

    case("tree without po/POTFILES.in fails", {"src/a.c": "int a;\n"}, False,
         ["POTFILES.in"])

    if failures:
        print(f"{len(failures)} of the self-test cases failed")
        return 1
    print("PASS: check-potfiles.py self-test")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
