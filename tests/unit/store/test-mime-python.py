#!/usr/bin/python3
# test-mime-python.py: the store's decoded subject, sender and date of every message
# of the shared corpus, compared with Python's email package (policy=default)
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   test-mime-python.py MIME_CORPUS_DUMP CORPUS_DIR DIFFERENCES.json
#
# MIME_CORPUS_DUMP imports the corpus into a store and prints, for each message, its
# bytes and what the store shows (mime-corpus-dump.c). This test parses the same bytes
# with email.message_from_bytes(policy=email.policy.default) and compares:
#
#   subject  str(msg['subject']), the first Subject, as Tern's subject column
#   from     msg['from'] formatted as Tern formats addresses (display names quoted
#            by GMime's rules, "Name <address>", groups "name: a, b;"): the quoting
#            is presentation, the names and addresses are what is compared
#   date     msg['date'].datetime as Unix time and UTC offset; a date without a
#            zone (Python's naive datetime: "-0000" or an unknown zone) is UTC
#
# Every difference must be listed in DIFFERENCES.json, reviewed, with Tern's value,
# Python's, and why Tern's value is the better one. The test fails on a difference
# that is not listed, on a listed one whose values changed, and on a listed one that
# is gone (so that the list stays the list of what remains). It prints the
# remaining differences. Exits 77 (skipped) when the corpus is absent.

import base64
import datetime
import email
import email.policy
import json
import os
import subprocess
import sys

SPECIALS = set('()<>@,;:\\".[]')


def need_quotes(text):
    """GMime's need_quotes(): a special outside a quoted part."""
    quoted = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == '\\':
            i += 1
        elif c == '"':
            quoted = not quoted
        elif not quoted and c in SPECIALS:
            return True
        i += 1
    return False


def quote(text):
    """GMime's g_mime_utils_quote_string()."""
    q = need_quotes(text)
    out = '"' if q else ''
    for c in text:
        if (c == '"' and q) or c == '\\':
            out += '\\'
        out += c
    return out + ('"' if q else '')


def format_mailbox(address):
    addr = '' if address.addr_spec == '<>' else address.addr_spec
    if address.display_name:
        return f'{quote(address.display_name)} <{addr}>'
    return addr


def format_addresses(header):
    parts = []
    for group in header.groups:
        members = ', '.join(format_mailbox(a) for a in group.addresses)
        if group.display_name is None:
            if members:
                parts.append(members)
        else:
            parts.append(f'{quote(group.display_name)}: {members};')
    return ', '.join(parts) or None


def shown(text):
    """Python keeps bytes it could not decode as lone surrogates; shown, they are
    the UTF-8 they make or U+FFFD."""
    if text is None:
        return None
    return text.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')


def python_values(raw):
    # Tern skips a byte order mark before the header (tern_mime_skip_envelope());
    # Python would take it for header text. Both skip an mbox "From " line.
    if raw.startswith(b'\xef\xbb\xbf'):
        raw = raw[3:]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    values = {}
    try:
        subject = msg['subject']
        values['subject'] = None if subject is None else shown(str(subject))
    except Exception as e:  # Python's parser raises on some headers
        values['subject'] = f'(Python raised {type(e).__name__})'
    try:
        sender = msg['from']
        values['from'] = None if sender is None else shown(format_addresses(sender))
    except Exception as e:
        values['from'] = f'(Python raised {type(e).__name__})'
    try:
        date = msg['date']
        when = date.datetime if date is not None else None
        if when is None:
            values['date'] = None
        else:
            if when.tzinfo is None:
                when = when.replace(tzinfo=datetime.timezone.utc)
            offset = int(when.utcoffset().total_seconds() // 60)
            values['date'] = f'{int(when.timestamp())} {offset:+d}'
    except Exception as e:
        values['date'] = f'(Python raised {type(e).__name__})'
    return values


def tern_values(record):
    date = None
    if record['date'] is not None:
        date = f"{record['date']} {record['date_tz']:+d}"
    return {'subject': record['subject'], 'from': record['from'], 'date': date}


def main():
    if len(sys.argv) != 4:
        print('usage: test-mime-python.py MIME_CORPUS_DUMP CORPUS_DIR DIFFERENCES.json')
        return 2
    dump, corpus, differences_path = sys.argv[1:]
    if not os.path.isdir(os.path.join(corpus, 'messages')):
        print(f'SKIP: the mail corpus is absent (no {corpus}/messages); set -Dcorpus_dir')
        return 77

    with open(differences_path, encoding='utf-8') as f:
        listed = {(d['origin'], d['field']): d for d in json.load(f)}
    for key, d in listed.items():
        if not d.get('why'):
            print(f'{key[0]} {key[1]}: listed without saying why Tern is better')
            return 1

    run = subprocess.run([dump, corpus], stdout=subprocess.PIPE, check=False)
    if run.returncode == 77:
        sys.stdout.write(run.stdout.decode('utf-8', 'replace'))
        return 77
    if run.returncode != 0:
        print(f'{dump} failed with status {run.returncode}')
        return 1

    n_messages = 0
    seen = set()
    failures = []
    remaining = []
    for line in run.stdout.decode('utf-8').splitlines():
        record = json.loads(line)
        n_messages += 1
        raw = base64.b64decode(record['raw'])
        tern = tern_values(record)
        python = python_values(raw)
        for field in ('subject', 'from', 'date'):
            if tern[field] == python[field]:
                continue
            key = (record['origin'], field)
            entry = listed.get(key)
            found = {'origin': key[0], 'field': field, 'tern': tern[field], 'python': python[field]}
            if entry is None:
                failures.append('not in the list of reviewed differences:\n' +
                                json.dumps(found, ensure_ascii=False, indent=2))
            elif entry['tern'] != tern[field] or entry['python'] != python[field]:
                failures.append('a reviewed difference changed (listed, then now):\n' +
                                json.dumps(entry, ensure_ascii=False, indent=2) + '\n' +
                                json.dumps(found, ensure_ascii=False, indent=2))
            else:
                remaining.append(entry)
            seen.add(key)
    for key in sorted(set(listed) - seen):
        failures.append(f'{key[0]} {key[1]}: listed, but Tern and Python agree now: '
                        'take it off the list')

    print(f'{n_messages} messages compared with Python {sys.version.split()[0]} email (policy=default)')
    print(f'{len(remaining)} reviewed differences remain:')
    for entry in remaining:
        print(f"  {entry['origin']} {entry['field']}")
        print(f"    Tern:   {entry['tern']!r}")
        print(f"    Python: {entry['python']!r}")
        print(f"    why:    {entry['why']}")
    if n_messages == 0:
        failures.append('no message in the corpus dump')
    for failure in failures:
        print('FAIL: ' + failure)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
