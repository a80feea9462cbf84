#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test for check-engine-no-gtk.py: run it on small trees and check its verdicts.

Usage: test-check-engine-no-gtk.py PATH/TO/check-engine-no-gtk.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

CHECKER = None
failures = []


def case(name, files, expect_ok, expect_in_output=()):
    with tempfile.TemporaryDirectory(prefix="tern-engine-lint-") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if text is not None:
                path.write_text(text, encoding="utf-8")
        proc = subprocess.run([sys.executable, CHECKER, tmp], capture_output=True,
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
    "src/engine/meson.build":
        "# The engine never uses gtk_dep, adw_dep or webkit_dep.\n"
        "engine_sources = files('a.c')\nsubdir('store')\n"
        "lib = static_library('e', engine_sources, dependencies: [glib_dep, gio_dep])\n",
    "src/engine/store/meson.build": "store_sources = files('s.c')  # no gtk_dep here\n",
    "src/engine/a.c":
        '#include "config.h"\n#include <glib.h>\n#include <gio/gio.h>\n'
        "/* #include <gtk/gtk.h> would be wrong here */\n"
        "// #include <adwaita.h>\n"
        'static const char *s = "#include <gtk/gtk.h>";\n',
    "src/engine/a.h": "#pragma once\n#include <gmime/gmime.h>\n#include <gdk-pixbuf/gdk-pixbuf.h>\n",
    "src/engine/store/s.c": "#include <sqlite3.h>\n",
    "src/gui/w.c": "#include <gtk/gtk.h>\n#include <adwaita.h>\n",
    "src/gui/meson.build": "gui = executable('tern', 'w.c', dependencies: [gtk_dep, adw_dep, webkit_dep])\n",
}


def bad(rel, text):
    tree = dict(GOOD)
    tree[rel] = text
    return tree


def main(argv):
    global CHECKER
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    CHECKER = argv[1]

    case("clean engine passes", GOOD, True, ["checked 5 files"])

    layered = dict(GOOD)
    layered["src/engine/net/n.h"] = "#pragma once\n"
    layered["src/engine/sync/y.h"] = '#pragma once\n#include "n.h"\n#include "s.h"\n'
    layered["src/engine/store/s.h"] = '#pragma once\n'
    case("includes down the layers pass", layered, True)
    case("store including sync fails",
         dict(layered, **{"src/engine/store/s.c": '#include "y.h"\n'}), False,
         ['store/ includes "y.h" of sync/'])
    case("net including store fails",
         dict(layered, **{"src/engine/net/n.c": '#include "s.h"\n'}), False,
         ['net/ includes "s.h" of store/'])
    case("the engine including the GUI fails",
         dict(layered, **{"src/gui/w.h": "#pragma once\n",
                          "src/engine/store/s.c": '#include "w.h"\n'}), False,
         ['includes "w.h" of gui/'])
    case("an engine folder without a layer fails",
         dict(layered, **{"src/engine/extra/x.c": "int x;\n"}), False,
         ["the folder extra/ has no place"])

    for header in ["gtk/gtk.h", "gdk/gdk.h", "gsk/gsk.h", "adwaita.h",
                   "webkit/webkit.h", "libadwaita-1/adwaita.h", "webkit2/webkit2.h"]:
        case(f"engine source including <{header}> fails",
             bad("src/engine/store/s.c", f"#include <sqlite3.h>\n#  include <{header}>\n"),
             False, ["src/engine/store/s.c:2", header])

    case("engine header including \"gtk/gtk.h\" fails",
         bad("src/engine/net/n.h", '#include "gtk/gtk.h"\n'),
         False, ["src/engine/net/n.h:1"])

    for dep in ["gtk_dep", "adw_dep", "webkit_dep"]:
        case(f"engine meson.build using {dep} fails",
             bad("src/engine/store/meson.build",
                 f"store_sources = files('s.c')\nstore_deps = [glib_dep, {dep}]\n"),
             False, ["src/engine/store/meson.build:2", dep])

    case("engine meson.build asking for dependency('gtk4') fails",
         bad("src/engine/meson.build", "x = dependency('gtk4')\n"),
         False, ["src/engine/meson.build:1"])

    case("engine without sources fails",
         {"src/engine/meson.build": "# nothing yet\n"}, False, ["no C sources"])

    case("empty engine directory fails",
         {"src/engine/.keep": ""}, False, ["checked 0 files"])

    case("tree without src/engine fails", {"src/gui/w.c": "int w;\n"}, False,
         ["does not exist"])

    if failures:
        print(f"{len(failures)} of the self-test cases failed")
        return 1
    print("PASS: check-engine-no-gtk.py self-test")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
