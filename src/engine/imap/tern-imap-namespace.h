/* tern-imap-namespace.h: a namespace of the NAMESPACE response (RFC 2342)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-imap-types.h"
#include "tern-imap-value.h"

G_BEGIN_DECLS

#define TERN_IMAP_TYPE_NAMESPACE (tern_imap_namespace_get_type ())

/**
 * TernImapNamespace:
 * @prefix: the prefix in UTF-8 ("" for the root, "INBOX." for Courier-style servers)
 * @delimiter: the hierarchy delimiter, or 0 when NIL
 */
struct _TernImapNamespace
{
  char *prefix;
  char  delimiter;
};

GType               tern_imap_namespace_get_type         (void) G_GNUC_CONST;
TernImapNamespace  *tern_imap_namespace_copy             (const TernImapNamespace *self);
void                tern_imap_namespace_free             (TernImapNamespace       *self);
GPtrArray          *tern_imap_namespace_list_from_value  (const TernImapValue     *value,
                                                          gboolean                 utf8_names);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImapNamespace, tern_imap_namespace_free)

G_END_DECLS
