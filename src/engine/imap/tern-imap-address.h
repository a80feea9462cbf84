/* tern-imap-address.h: an address of an ENVELOPE
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-imap-types.h"
#include "tern-imap-value.h"

G_BEGIN_DECLS

#define TERN_IMAP_TYPE_ADDRESS (tern_imap_address_get_type ())

/**
 * TernImapAddress:
 * @name: (nullable): the display name, raw (may be RFC 2047 encoded, or 8-bit)
 * @adl: (nullable): the obsolete source route
 * @mailbox: (nullable): the local part; with @host %NULL it starts a group (and is the
 *   group's name), and when both are %NULL it ends one
 * @host: (nullable): the domain
 */
struct _TernImapAddress
{
  char *name;
  char *adl;
  char *mailbox;
  char *host;
};

GType             tern_imap_address_get_type        (void) G_GNUC_CONST;
TernImapAddress  *tern_imap_address_new_from_value  (const TernImapValue   *value);
TernImapAddress  *tern_imap_address_copy            (const TernImapAddress *self);
void              tern_imap_address_free            (TernImapAddress       *self);
gboolean          tern_imap_address_is_group_start  (const TernImapAddress *self);
gboolean          tern_imap_address_is_group_end    (const TernImapAddress *self);
char             *tern_imap_address_dup_addr_spec   (const TernImapAddress *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImapAddress, tern_imap_address_free)

G_END_DECLS
