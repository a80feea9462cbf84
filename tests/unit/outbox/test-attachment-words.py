#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""build-aux/gen-attachment-words.py: each shipped translation's attachment words go
into the table the composer checks, fuzzy and empty ones do not, and no translation
gives an empty table.

Usage: test-attachment-words.py GENERATOR
"""

import subprocess
import sys
import tempfile
from pathlib import Path

GENERATOR = sys.argv[1]

DE = r'''
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\n"

#: src/engine/outbox/tern-outbox-composition.c:300
msgctxt "attachment words"
msgid "attach*;enclos*"
msgstr "anhang*;anbei;"
"angehängt*"

msgctxt "attribution date"
msgid "%a, %-d %b %Y at %H:%M"
msgstr "%a, %-d. %b %Y um %H:%M"
'''

FR = r'''
#, fuzzy
msgctxt "attachment words"
msgid "attach*;enclos*"
msgstr "pièce jointe;joint*"
'''

ES = r'''
msgctxt "attachment words"
msgid "attach*;enclos*"
msgstr ""
'''

JA = r'''
msgctxt "attachment words"
msgid "attach*;enclos*"
msgstr "添付*;\"quoted\""
'''


def run(files, linguas):
    with tempfile.TemporaryDirectory() as tmp:
        po = Path(tmp)
        for name, text in files.items():
            (po / name).write_text(text, encoding="utf-8")
        (po / "LINGUAS").write_text(linguas, encoding="utf-8")
        out = po / "out.h"
        subprocess.run([sys.executable, GENERATOR, str(out), str(po)], check=True)
        return out.read_text(encoding="utf-8")


failures = 0


def check(name, condition):
    global failures
    print(("ok" if condition else "not ok") + " - " + name)
    failures += not condition


header = run({"de.po": DE, "fr.po": FR, "es.po": ES, "ja.po": JA}, "# languages\nde fr\nes ja\n")
check("German words, strings joined", '"anhang*;anbei;angeh\\303\\244ngt*", /* de */' in header)
check("fuzzy French left out", "/* fr */" not in header)
check("empty Spanish left out", "/* es */" not in header)
check("Japanese escaped as UTF-8 octets, quotes escaped", '"\\346\\267\\273\\344\\273\\230*;\\042quoted\\042"' in header)
check("ends with NULL", "  NULL,\n};" in header)
empty = run({}, "")
check("no translation: an empty table", "tern_outbox_attachment_words_translated[] = {\n  NULL,\n};" in empty)
print("1..6")
sys.exit(1 if failures else 0)
