/* tern-imap-value.h: one parsed IMAP datum (atom, number, string, literal, NIL, list)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TernImapValueKind:
 * @TERN_IMAP_VALUE_NIL: NIL
 * @TERN_IMAP_VALUE_ATOM: an atom, such as `FLAGS`, `\Seen`, `BODY[HEADER]<0>` or `1:5,7`
 * @TERN_IMAP_VALUE_NUMBER: an atom of digits that fits in 63 bits
 * @TERN_IMAP_VALUE_STRING: a quoted string
 * @TERN_IMAP_VALUE_LITERAL: a literal (`{N}` or `~{N}`) of any bytes, NUL included
 * @TERN_IMAP_VALUE_LIST: a parenthesized list
 */
typedef enum
{
  TERN_IMAP_VALUE_NIL,
  TERN_IMAP_VALUE_ATOM,
  TERN_IMAP_VALUE_NUMBER,
  TERN_IMAP_VALUE_STRING,
  TERN_IMAP_VALUE_LITERAL,
  TERN_IMAP_VALUE_LIST,
} TernImapValueKind;

/**
 * TernImapValue:
 *
 * A node of a response tree. Values belong to their #TernImapResponse and live as long
 * as it does; they are never freed on their own. The text of every value except a list
 * is NUL-terminated (a literal may also hold NUL bytes: use its length). The fields are
 * read-only.
 */
typedef struct _TernImapValue TernImapValue;

struct _TernImapValue
{
  TernImapValueKind  kind;
  guint32            length;    /* bytes of text, or number of children of a list */
  const char        *data;      /* the text ("NIL" for NIL); NULL for a list */
  guint64            number;    /* for TERN_IMAP_VALUE_NUMBER */
  GBytes            *bytes;     /* a literal read into its own buffer (message bodies) */
  TernImapValue     *next;      /* the next sibling */
  TernImapValue     *children;  /* the first element of a list */
};

TernImapValueKind  tern_imap_value_get_kind     (const TernImapValue *value);
gboolean           tern_imap_value_is_list       (const TernImapValue *value);
gboolean           tern_imap_value_is_nil        (const TernImapValue *value);
gboolean           tern_imap_value_is_string     (const TernImapValue *value);
const char        *tern_imap_value_get_astring   (const TernImapValue *value,
                                                  gsize               *length);
const char        *tern_imap_value_get_nstring   (const TernImapValue *value,
                                                  gsize               *length);
gboolean           tern_imap_value_get_number    (const TernImapValue *value,
                                                  guint64             *number);
gboolean           tern_imap_value_get_uint32    (const TernImapValue *value,
                                                  guint32             *number);
gboolean           tern_imap_value_is_atom       (const TernImapValue *value,
                                                  const char          *atom);
GBytes            *tern_imap_value_dup_bytes     (const TernImapValue *value);
char              *tern_imap_value_dup_string    (const TernImapValue *value);
guint              tern_imap_value_get_n_children (const TernImapValue *value);
const TernImapValue *tern_imap_value_get_child   (const TernImapValue *value,
                                                  guint                index);
char             **tern_imap_value_dup_atoms     (const TernImapValue *list);
char              *tern_imap_value_to_string     (const TernImapValue *value);

G_END_DECLS
